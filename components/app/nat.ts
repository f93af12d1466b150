// NatEgress: outbound internet access for the private subnets, so app servers can reach
// Secrets Manager, S3 and package mirrors at boot. Mirrors the NAT part of the original
// Terraform `app` folder: it lives in the app layer, not the basic layer, so a pilot-light dr
// region pays for no NAT gateway until it is promoted.
//
// Creates: one Elastic IP, one NAT gateway in the first public subnet, and a 0.0.0.0/0 route
// through it in each private route table (named by AZ).
//
// One NAT gateway, not one per AZ, keeps the cost low (each costs by the hour and by the GB).
// The trade-off: if that AZ fails, instances in the other AZs lose egress until it recovers.
// https://docs.aws.amazon.com/vpc/latest/userguide/vpc-nat-gateway.html
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { routeTableProblems } from "./validate";
import { assertValid } from "../validate";

export interface NatEgressArgs {
    /** The public subnet the NAT gateway is placed in (it needs a route to an internet gateway). */
    publicSubnetId: pulumi.Input<string>;
    /** The AZ of each private route table, in the same order as `privateRouteTableIds`; names the routes. */
    availabilityZones: string[];
    /** The private route tables that get the default route, one per AZ. Must not be empty. */
    privateRouteTableIds: pulumi.Input<string>[];
    /** Tags for the EIP and the NAT gateway. Defaults to none. */
    tags?: Record<string, string>;
}

export class NatEgress extends pulumi.ComponentResource {
    readonly natGatewayId: pulumi.Output<string>;
    /** The NAT gateway's public IP (what third parties see as the app's source address). */
    readonly publicIp: pulumi.Output<string>;
    /** The default routes, keyed by AZ, so callers can depend on egress being in place. */
    readonly routes: Record<string, aws.ec2.Route>;

    constructor(name: string, args: NatEgressArgs, opts?: pulumi.ComponentResourceOptions) {
        // Validated before super(), so bad arguments register nothing at all.
        assertValid("NatEgress", name, routeTableProblems("", args.availabilityZones, args.privateRouteTableIds));
        super("pilot-light:app:NatEgress", name, {}, opts);
        const tags = args.tags ?? {};

        const eip = new aws.ec2.Eip(`${name}-eip`, {
            domain: "vpc",
            tags: { ...tags, Name: `${name}-eip` },
        }, { parent: this });
        const gateway = new aws.ec2.NatGateway(`${name}-gateway`, {
            allocationId: eip.allocationId,
            subnetId: args.publicSubnetId,
            connectivityType: "public",
            tags: { ...tags, Name: `${name}-gateway` },
        }, { parent: this });

        const routes: Record<string, aws.ec2.Route> = {};
        args.availabilityZones.forEach((az, i) => {
            routes[az] = new aws.ec2.Route(`${name}-default-${az}`, {
                routeTableId: args.privateRouteTableIds[i],
                destinationCidrBlock: "0.0.0.0/0",
                natGatewayId: gateway.id,
            }, { parent: this });
        });

        this.natGatewayId = gateway.id;
        this.publicIp = eip.publicIp;
        this.routes = routes;
        this.registerOutputs({ natGatewayId: this.natGatewayId, publicIp: this.publicIp });
    }
}
