// The basic layer's Network component under the offline engine: exact children, names keyed by
// AZ, routing, security group rules, subnet groups and tags.
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { recordResources, Recording } from "../support/offline";
import type { RecordedResource } from "../../ops/offline/engine";
import type { Network as NetworkClass } from "../../components/basic";

const T = {
    network: "pilot-light:basic:Network",
    vpc: "aws:ec2/vpc:Vpc",
    igw: "aws:ec2/internetGateway:InternetGateway",
    subnet: "aws:ec2/subnet:Subnet",
    routeTable: "aws:ec2/routeTable:RouteTable",
    route: "aws:ec2/route:Route",
    rta: "aws:ec2/routeTableAssociation:RouteTableAssociation",
    sg: "aws:ec2/securityGroup:SecurityGroup",
    defaultSg: "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
    ingress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    egress: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
    dbSubnetGroup: "aws:rds/subnetGroup:SubnetGroup",
    cacheSubnetGroup: "aws:elasticache/subnetGroup:SubnetGroup",
};
/** Child types that take no tags. */
const UNTAGGABLE = new Set([T.route, T.rta]);

/** The resolved value of an output. */
function value<V>(o: pulumi.Output<V>): Promise<V> {
    return new Promise((resolve) => o.apply(resolve));
}

/** The expected sorted child types for a network over `n` AZs. */
function expectedChildTypes(n: number): string[] {
    const counts: [string, number][] = [
        [T.vpc, 1], [T.igw, 1], [T.subnet, 2 * n], [T.routeTable, 1 + n], [T.route, 1], [T.rta, 2 * n],
        [T.defaultSg, 1], [T.sg, 4], [T.ingress, 5], [T.egress, 4], [T.dbSubnetGroup, 1], [T.cacheSubnetGroup, 1],
    ];
    return counts.flatMap(([t, c]) => Array<string>(c).fill(t)).sort();
}

describe("basic/Network", () => {
    let rec: Recording;
    let Network: typeof NetworkClass;
    let prod: NetworkClass;
    let dr: NetworkClass;
    const prodAzs = ["us-east-1a", "us-east-1b"];
    const drAzs = ["us-east-1c", "us-east-1a", "us-east-1d"];
    const tags = { project: "pilot-light", env: "prod", Name: "overridden" };

    before(async () => {
        rec = await recordResources("us-east-1");
        ({ Network } = await import("../../components/basic"));
        prod = new Network("prod", { vpcCidr: "10.10.0.0/16", availabilityZones: prodAzs, tags });
        dr = new Network("dr", { vpcCidr: "10.20.0.0/24", availabilityZones: drAzs });
        await rec.settle();
    });

    const childrenOf = (name: string): RecordedResource[] =>
        rec.records.filter((r) => r.parent === rec.one(T.network, name).urn);
    const byId = (id: string | undefined): RecordedResource => {
        const found = rec.records.filter((r) => r.id !== undefined && r.id === id);
        assert.strictEqual(found.length, 1, `one resource with id ${id}`);
        return found[0];
    };

    it("registers the component with its type token and the exact children for 2 and 3 AZs", () => {
        assert.deepStrictEqual(rec.childTypes(rec.one(T.network, "prod").urn), expectedChildTypes(2));
        assert.deepStrictEqual(rec.childTypes(rec.one(T.network, "dr").urn), expectedChildTypes(3));
        // Nothing escaped the components: every AWS resource recorded is one of their children.
        const aws = rec.records.filter((r) => r.type.startsWith("aws:"));
        assert.strictEqual(aws.length, expectedChildTypes(2).length + expectedChildTypes(3).length);
    });

    it("names children by the component name and AZ, never an index", () => {
        const names = (type: string) => childrenOf("dr").filter((r) => r.type === type).map((r) => r.name).sort();
        assert.deepStrictEqual(names(T.vpc), ["dr-vpc"]);
        assert.deepStrictEqual(names(T.subnet), [
            "dr-private-us-east-1a", "dr-private-us-east-1c", "dr-private-us-east-1d",
            "dr-public-us-east-1a", "dr-public-us-east-1c", "dr-public-us-east-1d",
        ]);
        assert.deepStrictEqual(names(T.routeTable), [
            "dr-private-rt-us-east-1a", "dr-private-rt-us-east-1c", "dr-private-rt-us-east-1d", "dr-public-rt",
        ]);
        assert.deepStrictEqual(names(T.rta), [
            "dr-private-rta-us-east-1a", "dr-private-rta-us-east-1c", "dr-private-rta-us-east-1d",
            "dr-public-rta-us-east-1a", "dr-public-rta-us-east-1c", "dr-public-rta-us-east-1d",
        ]);
        assert.deepStrictEqual(names(T.sg), ["dr-alb-sg", "dr-app-sg", "dr-cache-sg", "dr-db-sg"]);
        assert.deepStrictEqual(names(T.ingress), [
            "dr-alb-in-http-world", "dr-alb-in-https-world", "dr-app-in-http-alb", "dr-cache-in-redis-app", "dr-db-in-mysql-app",
        ]);
        assert.deepStrictEqual(names(T.egress), [
            "dr-alb-out-http-app", "dr-app-out-https-world", "dr-app-out-mysql-db", "dr-app-out-redis-cache",
        ]);
        assert.deepStrictEqual([...names(T.dbSubnetGroup), ...names(T.cacheSubnetGroup)], ["dr-db", "dr-cache"]);
    });

    it("creates a DNS-enabled VPC and planned, non-public subnets in each AZ", () => {
        const vpc = rec.one(T.vpc, "prod-vpc");
        assert.strictEqual(vpc.inputs.cidrBlock, "10.10.0.0/16");
        assert.strictEqual(vpc.inputs.enableDnsSupport, true);
        assert.strictEqual(vpc.inputs.enableDnsHostnames, true);
        const expected: [string, string, string][] = [
            ["dr-public-us-east-1c", "us-east-1c", "10.20.0.0/27"],
            ["dr-public-us-east-1a", "us-east-1a", "10.20.0.32/27"],
            ["dr-public-us-east-1d", "us-east-1d", "10.20.0.64/27"],
            ["dr-private-us-east-1c", "us-east-1c", "10.20.0.128/27"],
            ["dr-private-us-east-1a", "us-east-1a", "10.20.0.160/27"],
            ["dr-private-us-east-1d", "us-east-1d", "10.20.0.192/27"],
        ];
        for (const [name, az, cidr] of expected) {
            const subnet = rec.one(T.subnet, name);
            assert.strictEqual(subnet.inputs.availabilityZone, az, name);
            assert.strictEqual(subnet.inputs.cidrBlock, cidr, name);
            assert.strictEqual(subnet.inputs.vpcId, rec.one(T.vpc, "dr-vpc").id, name);
        }
        for (const subnet of rec.ofType(T.subnet)) {
            assert.strictEqual(subnet.inputs.mapPublicIpOnLaunch, false, subnet.name);
        }
    });

    it("routes only the public table to the internet gateway; private tables get no default route", () => {
        const route = rec.one(T.route, "prod-public-default");
        assert.strictEqual(route.inputs.destinationCidrBlock, "0.0.0.0/0");
        assert.strictEqual(route.inputs.gatewayId, rec.one(T.igw, "prod-igw").id);
        assert.strictEqual(route.inputs.routeTableId, rec.one(T.routeTable, "prod-public-rt").id);
        assert.strictEqual(rec.one(T.igw, "prod-igw").inputs.vpcId, rec.one(T.vpc, "prod-vpc").id);
        // Only the two public default routes exist, and no table carries inline routes that would
        // wipe the NAT routes the app layer adds.
        assert.deepStrictEqual(rec.ofType(T.route).map((r) => r.name).sort(), ["dr-public-default", "prod-public-default"]);
        for (const table of rec.ofType(T.routeTable)) {
            assert.strictEqual(table.inputs.routes, undefined, table.name);
        }
    });

    it("associates each subnet with its tier's table, private ones with their own AZ's table", () => {
        for (const az of drAzs) {
            const pub = rec.one(T.rta, `dr-public-rta-${az}`);
            assert.strictEqual(pub.inputs.subnetId, rec.one(T.subnet, `dr-public-${az}`).id);
            assert.strictEqual(pub.inputs.routeTableId, rec.one(T.routeTable, "dr-public-rt").id);
            const priv = rec.one(T.rta, `dr-private-rta-${az}`);
            assert.strictEqual(priv.inputs.subnetId, rec.one(T.subnet, `dr-private-${az}`).id);
            assert.strictEqual(priv.inputs.routeTableId, rec.one(T.routeTable, `dr-private-rt-${az}`).id);
        }
    });

    it("chains the security groups: internet -> alb -> app -> db/cache, with nothing else", () => {
        const render = (r: RecordedResource) => {
            const peer = r.inputs.cidrIpv4 ?? byId(r.inputs.referencedSecurityGroupId).name;
            return `${byId(r.inputs.securityGroupId).name} ${r.type === T.ingress ? "in" : "out"} `
                + `${r.inputs.ipProtocol}/${r.inputs.fromPort}-${r.inputs.toPort} ${peer}`;
        };
        const rules = childrenOf("prod").filter((r) => r.type === T.ingress || r.type === T.egress).map(render).sort();
        assert.deepStrictEqual(rules, [
            "prod-alb-sg in tcp/443-443 0.0.0.0/0",
            "prod-alb-sg in tcp/80-80 0.0.0.0/0",
            "prod-alb-sg out tcp/80-80 prod-app-sg",
            "prod-app-sg in tcp/80-80 prod-alb-sg",
            "prod-app-sg out tcp/3306-3306 prod-db-sg",
            "prod-app-sg out tcp/443-443 0.0.0.0/0",
            "prod-app-sg out tcp/6379-6379 prod-cache-sg",
            "prod-cache-sg in tcp/6379-6379 prod-app-sg",
            "prod-db-sg in tcp/3306-3306 prod-app-sg",
        ]);
    });

    it("describes every rule and never opens SSH, RDP, all ports or IPv6", () => {
        const rules = [...rec.ofType(T.ingress), ...rec.ofType(T.egress)];
        assert.strictEqual(rules.length, 18);
        for (const r of rules) {
            assert.ok(typeof r.inputs.description === "string" && r.inputs.description.length > 10, r.name);
            assert.strictEqual(r.inputs.ipProtocol, "tcp", r.name);
            for (const port of [22, 3389]) {
                assert.ok(!(r.inputs.fromPort <= port && port <= r.inputs.toPort), `${r.name} opens ${port}`);
            }
            assert.strictEqual(r.inputs.cidrIpv6, undefined, r.name);
            assert.strictEqual(r.inputs.prefixListId, undefined, r.name);
        }
    });

    it("makes the groups revoke rules on delete, keeps rules out of them and empties the default group", () => {
        for (const sg of rec.ofType(T.sg)) {
            assert.strictEqual(sg.inputs.revokeRulesOnDelete, true, sg.name);
            assert.strictEqual(sg.inputs.ingress, undefined, sg.name);
            assert.strictEqual(sg.inputs.egress, undefined, sg.name);
            assert.ok(sg.inputs.description.length > 10, sg.name);
        }
        const def = rec.one(T.defaultSg, "prod-default-sg");
        assert.strictEqual(def.inputs.vpcId, rec.one(T.vpc, "prod-vpc").id);
        assert.strictEqual(def.inputs.ingress, undefined);
        assert.strictEqual(def.inputs.egress, undefined);
    });

    it("builds the DB and cache subnet groups over the private subnets, in AZ order", () => {
        const privateIds = drAzs.map((az) => rec.one(T.subnet, `dr-private-${az}`).id);
        assert.deepStrictEqual(rec.one(T.dbSubnetGroup, "dr-db").inputs.subnetIds, privateIds);
        assert.deepStrictEqual(rec.one(T.cacheSubnetGroup, "dr-cache").inputs.subnetIds, privateIds);
    });

    it("merges the caller's tags onto every taggable child, with the child's own Name", () => {
        for (const child of childrenOf("prod")) {
            if (UNTAGGABLE.has(child.type)) {
                assert.strictEqual(child.inputs.tags, undefined, child.name);
            } else {
                assert.deepStrictEqual(child.inputs.tags, { project: "pilot-light", env: "prod", Name: child.name }, child.name);
            }
        }
        for (const child of childrenOf("dr").filter((c) => !UNTAGGABLE.has(c.type))) {
            assert.deepStrictEqual(child.inputs.tags, { Name: child.name }, child.name);
        }
    });

    it("exposes the IDs and names in AZ order", async () => {
        const id = (type: string, name: string) => rec.one(type, name).id;
        assert.strictEqual(dr.vpcCidr, "10.20.0.0/24");
        assert.deepStrictEqual(dr.availabilityZones, drAzs);
        assert.strictEqual(await value(dr.vpcId), id(T.vpc, "dr-vpc"));
        assert.deepStrictEqual(await Promise.all(dr.publicSubnetIds.map(value)), drAzs.map((az) => id(T.subnet, `dr-public-${az}`)));
        assert.deepStrictEqual(await Promise.all(dr.privateSubnetIds.map(value)), drAzs.map((az) => id(T.subnet, `dr-private-${az}`)));
        assert.strictEqual(await value(dr.publicRouteTableId), id(T.routeTable, "dr-public-rt"));
        assert.deepStrictEqual(await Promise.all(dr.privateRouteTableIds.map(value)),
            drAzs.map((az) => id(T.routeTable, `dr-private-rt-${az}`)));
        assert.strictEqual(await value(prod.albSecurityGroupId), id(T.sg, "prod-alb-sg"));
        assert.strictEqual(await value(prod.appSecurityGroupId), id(T.sg, "prod-app-sg"));
        assert.strictEqual(await value(prod.dbSecurityGroupId), id(T.sg, "prod-db-sg"));
        assert.strictEqual(await value(prod.cacheSecurityGroupId), id(T.sg, "prod-cache-sg"));
        assert.strictEqual(await value(prod.dbSubnetGroupName), rec.one(T.dbSubnetGroup, "prod-db").outputs.name);
        assert.strictEqual(await value(prod.cacheSubnetGroupName), rec.one(T.cacheSubnetGroup, "prod-cache").outputs.name);
        assert.match(await value(prod.dbSubnetGroupName), /^prod-db-[0-9a-f]{7}$/);
    });

    it("rejects bad inputs with one clear error and registers nothing", async () => {
        const before = rec.records.length;
        assert.throws(() => new Network("bad", { vpcCidr: "10.10.0.1/16", availabilityZones: ["us-east-1a", "us-east-1a"] }), {
            message: 'Network "bad": invalid arguments:\n  - vpcCidr "10.10.0.1/16" is not an IPv4 network in CIDR notation '
                + '(a.b.c.d/n with no host bits set, e.g. "10.10.0.0/16")\n  - '
                + 'availabilityZones lists "us-east-1a" more than once; each zone must be distinct',
        });
        assert.throws(() => new Network("bad", { vpcCidr: "10.10.0.0/16", availabilityZones: ["us-east-1a"] }), {
            message: 'Network "bad": invalid arguments:\n  - availabilityZones must list 2 to 3 zones, got 1: ["us-east-1a"]',
        });
        await rec.settle();
        assert.strictEqual(rec.records.length, before);
    });
});
