// NatEgress: outbound internet access for the private subnets, so app servers can reach
// Secrets Manager, S3 and package mirrors. Mirrors the NAT part of the original Terraform `app`
// folder: it lives in the app layer, not the basic layer. A dr stack makes one in standby with
// AppStandby (pilot-light:standbyNatGateway, ./standby.ts), off the promotion's critical path;
// with that key false it pays for no NAT gateway until it is promoted.
//
// Creates: per gateway one Elastic IP and one NAT gateway in a public subnet, and a 0.0.0.0/0
// route in each private route table (named by AZ) through its AZ's gateway.
//
// perAz (pilot-light:natGatewayPerAz, default true): a gateway in every AZ, each AZ's route
// through its own, so an AZ failure takes only that AZ's egress. A NAT gateway is zonal: "if
// the NAT gateway's Availability Zone is down, resources in the other Availability Zones lose internet
// access"; AWS's advice is a gateway per AZ with AZ-local routes.
// https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateway-basics.html
// The app needs egress to boot (dnf, wordpress.org downloads, Secrets Manager) and to serve
// (Mountpoint for S3 reads media from S3's public endpoint; the deep check reads no secret), so
// with one gateway an AZ failure would leave replacements unable to boot. Why not VPC endpoints
// instead: an S3 gateway endpoint (free) and a Secrets Manager interface endpoint (billed per
// AZ-hour) cover S3 and secrets but not wordpress.org at boot; the cost report prices them.
// The first AZ's gateway keeps the names of the single-gateway layout, so switching perAz on
// creates gateways and updates routes in place, and never replaces the existing gateway.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { routeTableProblems } from "./validate";
import { assertValid } from "../validate";

export interface NatEgressArgs {
    /** The public subnets, one per AZ in `availabilityZones` order (each has a route to an internet gateway). */
    publicSubnetIds: pulumi.Input<string>[];
    /** A gateway in every AZ (true) or one in the first AZ for all (false). Defaults to `true`. */
    perAz?: boolean;
    /** The AZ of each private route table, in the same order as `privateRouteTableIds`; names the routes. */
    availabilityZones: string[];
    /** The private route tables that get the default route, one per AZ. Must not be empty. */
    privateRouteTableIds: pulumi.Input<string>[];
    /** Tags for the EIPs and the NAT gateways. Defaults to none. */
    tags?: Record<string, string>;
}

export class NatEgress extends pulumi.ComponentResource {
    /** The first AZ's gateway (the only one without perAz). */
    readonly natGatewayId: pulumi.Output<string>;
    /** The first AZ's gateway's public IP (what third parties see as a source address of the app). */
    readonly publicIp: pulumi.Output<string>;
    /** The default routes, keyed by AZ, so callers can depend on egress being in place. */
    readonly routes: Record<string, aws.ec2.Route>;

    constructor(name: string, args: NatEgressArgs, opts?: pulumi.ComponentResourceOptions) {
        // Validated before super(), so bad arguments register nothing at all.
        const perAz = args.perAz ?? true;
        const problems = routeTableProblems("", args.availabilityZones, args.privateRouteTableIds);
        const needed = perAz ? args.availabilityZones.length : 1;
        if (args.publicSubnetIds.length < needed) {
            problems.push(`publicSubnetIds: ${args.publicSubnetIds.length} given, ${needed} needed (${perAz ? "one per AZ with perAz" : "one"})`);
        }
        assertValid("NatEgress", name, problems);
        super("pilot-light:app:NatEgress", name, {}, opts);
        const tags = args.tags ?? {};

        const gateways = args.availabilityZones.slice(0, needed).map((az, i) => {
            const suffix = i === 0 ? "" : `-${az}`;
            const eip = new aws.ec2.Eip(`${name}-eip${suffix}`, {
                domain: "vpc",
                tags: { ...tags, Name: `${name}-eip${suffix}` },
            }, { parent: this });
            const gateway = new aws.ec2.NatGateway(`${name}-gateway${suffix}`, {
                allocationId: eip.allocationId,
                subnetId: args.publicSubnetIds[i],
                connectivityType: "public",
                tags: { ...tags, Name: `${name}-gateway${suffix}` },
            }, { parent: this });
            return { eip, gateway };
        });

        const routes: Record<string, aws.ec2.Route> = {};
        args.availabilityZones.forEach((az, i) => {
            routes[az] = new aws.ec2.Route(`${name}-default-${az}`, {
                routeTableId: args.privateRouteTableIds[i],
                destinationCidrBlock: "0.0.0.0/0",
                natGatewayId: gateways[perAz ? i : 0].gateway.id,
            }, { parent: this });
        });

        this.natGatewayId = gateways[0].gateway.id;
        this.publicIp = gateways[0].eip.publicIp;
        this.routes = routes;
        this.registerOutputs({ natGatewayId: this.natGatewayId, publicIp: this.publicIp });
    }
}
