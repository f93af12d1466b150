// Network: the basic layer of the original Terraform split (its `basic` folder). Creates the VPC,
// one public and one private subnet per availability zone, the internet gateway, a public route
// table with the default route to it, one private route table per AZ (no default route: the app
// layer adds NAT routes only where the app tier runs, so the dr standby has no NAT), the
// load balancer/app/database/cache security groups, and the RDS and ElastiCache subnet groups
// over the private subnets. The same component serves the prod and the dr region.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { AlbViewers, createSecurityGroups } from "./securityGroups";
import { planSubnets, validateNetworkInputs } from "./subnetPlan";
import { assertValid } from "../validate";

/** Inputs of the Network component. */
export interface NetworkArgs {
    /**
     * The VPC's IPv4 CIDR block, e.g. `"10.10.0.0/16"`. Required. Must be a network address
     * (no host bits set) with a prefix from /16 (the largest VPC AWS allows) to /24 (the smallest
     * that still gives each subnet the /27 an ALB needs). It cannot change without replacing the
     * VPC, and must not overlap the peer region's VPC if the two are ever connected.
     * See `planSubnets` for how it is split.
     * https://docs.aws.amazon.com/vpc/latest/userguide/vpc-cidr-blocks.html
     */
    vpcCidr: string;
    /**
     * The availability zones to spread over, e.g. `["us-east-1a", "us-east-1b"]`. Required.
     * Two or three distinct zone names of the stack's region: the ALB and an RDS DB subnet group
     * both need subnets in at least two AZs. Order matters: the subnet outputs follow it, and
     * the i-th zone gets the i-th CIDR block, so append zones rather than reorder them.
     * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_VPC.WorkingWithRDSInstanceinaVPC.html#USER_VPC.Subnets
     */
    availabilityZones: string[];
    /**
     * Tags merged onto every taggable child. Defaults to none. Each child also gets its own
     * `Name` tag (`<name>-<role>[-<az>]`), which wins over a `Name` given here.
     */
    tags?: Record<string, string>;
    /**
     * Who may reach the load balancer: `"internet"` (80 and 443 from anywhere: the ALB serves
     * HTTPS for a domain) or `"cloudfront"` (80 from CloudFront's origin-facing servers only: a
     * stack without a domain serves HTTPS through CloudFront, components/app/cdn.ts). Defaults to `"internet"`.
     */
    albViewers?: AlbViewers;
}

/** The VPC and everything the database and app layers place into it. */
export class Network extends pulumi.ComponentResource {
    /** The VPC's ID. */
    readonly vpcId: pulumi.Output<string>;
    /** The VPC's CIDR block, as given. */
    readonly vpcCidr: string;
    /** The AZs, as given. */
    readonly availabilityZones: string[];
    /** The public subnets (ALB, NAT gateways), in the order of `availabilityZones`. */
    readonly publicSubnetIds: pulumi.Output<string>[];
    /** The private subnets (app, database, cache), in the order of `availabilityZones`. */
    readonly privateSubnetIds: pulumi.Output<string>[];
    /** The public subnets' route table, with `0.0.0.0/0` to the internet gateway. */
    readonly publicRouteTableId: pulumi.Output<string>;
    /** One private route table per AZ, in the order of `availabilityZones`; no default route. */
    readonly privateRouteTableIds: pulumi.Output<string>[];
    /** The load balancer's security group. */
    readonly albSecurityGroupId: pulumi.Output<string>;
    /** The app instances' security group. */
    readonly appSecurityGroupId: pulumi.Output<string>;
    /** The RDS instance's security group. */
    readonly dbSecurityGroupId: pulumi.Output<string>;
    /** The ElastiCache replication group's security group. */
    readonly cacheSecurityGroupId: pulumi.Output<string>;
    /** The RDS DB subnet group over the private subnets. */
    readonly dbSubnetGroupName: pulumi.Output<string>;
    /** The ElastiCache subnet group over the private subnets. */
    readonly cacheSubnetGroupName: pulumi.Output<string>;

    constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
        // Validate before registering anything, so a bad input leaves no half-built component.
        assertValid("Network", name, validateNetworkInputs(args?.vpcCidr, args?.availabilityZones));
        super("pilot-light:basic:Network", name, {}, opts);
        const parent = { parent: this };
        const baseTags = args.tags ?? {};
        const tagged = (resourceName: string) => ({ ...baseTags, Name: resourceName });
        const plan = planSubnets(args.vpcCidr, args.availabilityZones);

        this.vpcCidr = args.vpcCidr;
        this.availabilityZones = [...args.availabilityZones];

        const vpc = new aws.ec2.Vpc(`${name}-vpc`, {
            cidrBlock: args.vpcCidr,
            // Both are needed for the RDS and ElastiCache endpoint names and for the private DNS
            // of interface endpoints to resolve inside the VPC.
            // https://docs.aws.amazon.com/vpc/latest/userguide/vpc-dns.html#vpc-dns-support
            enableDnsSupport: true,
            enableDnsHostnames: true,
            tags: tagged(`${name}-vpc`),
        }, parent);

        const igw = new aws.ec2.InternetGateway(`${name}-igw`, {
            vpcId: vpc.id,
            tags: tagged(`${name}-igw`),
        }, parent);

        // Routes are separate resources, never inline: the app layer adds NAT routes to the
        // private tables, and inline routes would delete them on the next update.
        const publicRouteTable = new aws.ec2.RouteTable(`${name}-public-rt`, {
            vpcId: vpc.id,
            tags: tagged(`${name}-public-rt`),
        }, parent);
        new aws.ec2.Route(`${name}-public-default`, {
            routeTableId: publicRouteTable.id,
            destinationCidrBlock: "0.0.0.0/0",
            gatewayId: igw.id,
        }, parent);

        const publicSubnets: aws.ec2.Subnet[] = [];
        const privateSubnets: aws.ec2.Subnet[] = [];
        const privateRouteTables: aws.ec2.RouteTable[] = [];
        // Names are keyed by AZ, not position, so adding a zone never renames another's subnet.
        for (const { az, publicCidr, privateCidr } of plan) {
            const publicSubnet = new aws.ec2.Subnet(`${name}-public-${az}`, {
                vpcId: vpc.id,
                availabilityZone: az,
                cidrBlock: publicCidr,
                // The ALB gets its addresses from AWS and no instance is public, so nothing
                // launched here should receive a public IP by accident.
                mapPublicIpOnLaunch: false,
                tags: tagged(`${name}-public-${az}`),
            }, parent);
            new aws.ec2.RouteTableAssociation(`${name}-public-rta-${az}`, {
                subnetId: publicSubnet.id,
                routeTableId: publicRouteTable.id,
            }, parent);

            const privateSubnet = new aws.ec2.Subnet(`${name}-private-${az}`, {
                vpcId: vpc.id,
                availabilityZone: az,
                cidrBlock: privateCidr,
                mapPublicIpOnLaunch: false,
                tags: tagged(`${name}-private-${az}`),
            }, parent);
            // One table per AZ so each AZ can route through its own NAT gateway: an AZ outage
            // then cannot cut the other AZs off.
            // https://docs.aws.amazon.com/vpc/latest/userguide/vpc-nat-gateway.html
            const privateRouteTable = new aws.ec2.RouteTable(`${name}-private-rt-${az}`, {
                vpcId: vpc.id,
                tags: tagged(`${name}-private-rt-${az}`),
            }, parent);
            new aws.ec2.RouteTableAssociation(`${name}-private-rta-${az}`, {
                subnetId: privateSubnet.id,
                routeTableId: privateRouteTable.id,
            }, parent);

            publicSubnets.push(publicSubnet);
            privateSubnets.push(privateSubnet);
            privateRouteTables.push(privateRouteTable);
        }

        const groups = createSecurityGroups(name, { vpcId: vpc.id, tags: baseTags, albViewers: args.albViewers }, this);

        const privateSubnetIds = privateSubnets.map((s) => s.id);
        const dbSubnetGroup = new aws.rds.SubnetGroup(`${name}-db`, {
            description: `Private subnets of ${name} for RDS`,
            subnetIds: privateSubnetIds,
            tags: tagged(`${name}-db`),
        }, parent);
        const cacheSubnetGroup = new aws.elasticache.SubnetGroup(`${name}-cache`, {
            description: `Private subnets of ${name} for ElastiCache`,
            subnetIds: privateSubnetIds,
            tags: tagged(`${name}-cache`),
        }, parent);

        this.vpcId = vpc.id;
        this.publicSubnetIds = publicSubnets.map((s) => s.id);
        this.privateSubnetIds = privateSubnetIds;
        this.publicRouteTableId = publicRouteTable.id;
        this.privateRouteTableIds = privateRouteTables.map((t) => t.id);
        this.albSecurityGroupId = groups.alb.id;
        this.appSecurityGroupId = groups.app.id;
        this.dbSecurityGroupId = groups.db.id;
        this.cacheSecurityGroupId = groups.cache.id;
        this.dbSubnetGroupName = dbSubnetGroup.name;
        this.cacheSubnetGroupName = cacheSubnetGroup.name;

        this.registerOutputs({
            vpcId: this.vpcId,
            vpcCidr: this.vpcCidr,
            availabilityZones: this.availabilityZones,
            publicSubnetIds: this.publicSubnetIds,
            privateSubnetIds: this.privateSubnetIds,
            publicRouteTableId: this.publicRouteTableId,
            privateRouteTableIds: this.privateRouteTableIds,
            albSecurityGroupId: this.albSecurityGroupId,
            appSecurityGroupId: this.appSecurityGroupId,
            dbSecurityGroupId: this.dbSecurityGroupId,
            cacheSecurityGroupId: this.cacheSecurityGroupId,
            dbSubnetGroupName: this.dbSubnetGroupName,
            cacheSubnetGroupName: this.cacheSubnetGroupName,
        });
    }
}
