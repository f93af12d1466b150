// NatEgress under the offline engine: with perAz false one EIP, one NAT gateway, one default
// route per AZ; with perAz (the default) a gateway per AZ, each AZ routed through its own.
import { strict as assert } from "assert";
import { recordResources, Recording } from "../support/offline";
import type { NatEgress as NatEgressClass } from "../../components/app/nat";

const T = {
    component: "pilot-light:app:NatEgress",
    eip: "aws:ec2/eip:Eip",
    nat: "aws:ec2/natGateway:NatGateway",
    route: "aws:ec2/route:Route",
};

describe("app/NatEgress", () => {
    let rec: Recording;
    let nat: NatEgressClass;
    before(async () => {
        rec = await recordResources("us-east-1");
        const { NatEgress } = await import("../../components/app/nat");
        nat = new NatEgress("prod-app-nat", {
            publicSubnetIds: ["subnet-pub-a"],
            perAz: false,
            availabilityZones: ["us-east-1a", "us-east-1b", "us-east-1c"],
            privateRouteTableIds: ["rtb-a", "rtb-b", "rtb-c"],
            tags: { Project: "pilot-light" },
        });
        await rec.settle();
    });

    it("registers exactly one EIP, one NAT gateway and one route per AZ", () => {
        const c = rec.one(T.component, "prod-app-nat");
        assert.deepEqual(rec.childTypes(c.urn), [T.eip, T.nat, T.route, T.route, T.route].sort());
    });

    it("allocates a VPC EIP and places the NAT gateway in the given public subnet", () => {
        const eip = rec.one(T.eip, "prod-app-nat-eip");
        assert.equal(eip.inputs.domain, "vpc");
        assert.deepEqual(eip.inputs.tags, { Project: "pilot-light", Name: "prod-app-nat-eip" });
        const gw = rec.one(T.nat, "prod-app-nat-gateway").inputs;
        assert.equal(gw.subnetId, "subnet-pub-a");
        assert.equal(gw.allocationId, eip.outputs.allocationId);
        assert.equal(gw.connectivityType, "public");
    });

    it("routes 0.0.0.0/0 of each private route table through the NAT gateway, named by AZ", () => {
        const gwId = rec.one(T.nat).id;
        const routes = rec.ofType(T.route).map((r) => [r.name, r.inputs.routeTableId, r.inputs.destinationCidrBlock, r.inputs.natGatewayId]);
        assert.deepEqual(routes.sort(), [
            ["prod-app-nat-default-us-east-1a", "rtb-a", "0.0.0.0/0", gwId],
            ["prod-app-nat-default-us-east-1b", "rtb-b", "0.0.0.0/0", gwId],
            ["prod-app-nat-default-us-east-1c", "rtb-c", "0.0.0.0/0", gwId],
        ]);
    });

    it("exposes the gateway ID, its public IP and the routes by AZ", async () => {
        assert.equal(await new Promise((r) => nat.natGatewayId.apply(r)), rec.one(T.nat).id);
        assert.equal(await new Promise((r) => nat.publicIp.apply(r)), rec.one(T.eip).outputs.publicIp);
        assert.deepEqual(Object.keys(nat.routes), ["us-east-1a", "us-east-1b", "us-east-1c"]);
    });

    it("rejects route tables that do not match the AZs, registering nothing", async () => {
        const fresh = await recordResources("us-east-1");
        const { NatEgress } = await import("../../components/app/nat");
        assert.throws(() => new NatEgress("bad", {
            publicSubnetIds: ["subnet-pub-a", "subnet-pub-b"], availabilityZones: ["us-east-1a", "us-east-1b"], privateRouteTableIds: ["rtb-a"],
        }), {
            message: "NatEgress \"bad\": invalid arguments:\n"
                + "  - privateRouteTableIds has 1 entries but availabilityZones has 2; give one route table per zone, in the same order",
        });
        await fresh.settle();
        assert.deepEqual(fresh.records, []);
    });

    it("with perAz, one gateway per AZ in that AZ's public subnet; the first keeps the single gateway's names", async () => {
        const fresh = await recordResources("us-east-1");
        const { NatEgress } = await import("../../components/app/nat");
        new NatEgress("app-nat", {
            publicSubnetIds: ["subnet-pub-a", "subnet-pub-b"],
            availabilityZones: ["us-east-1a", "us-east-1b"],
            privateRouteTableIds: ["rtb-a", "rtb-b"],
        });
        await fresh.settle();
        const gateways = fresh.ofType(T.nat).map((g) => [g.name, g.inputs.subnetId]).sort();
        assert.deepEqual(gateways, [["app-nat-gateway", "subnet-pub-a"], ["app-nat-gateway-us-east-1b", "subnet-pub-b"]]);
        assert.deepEqual(fresh.ofType(T.eip).map((e) => e.name).sort(), ["app-nat-eip", "app-nat-eip-us-east-1b"]);
        const gwA = fresh.one(T.nat, "app-nat-gateway").id;
        const gwB = fresh.one(T.nat, "app-nat-gateway-us-east-1b").id;
        const routes = fresh.ofType(T.route).map((r) => [r.name, r.inputs.routeTableId, r.inputs.natGatewayId]).sort();
        assert.deepEqual(routes, [["app-nat-default-us-east-1a", "rtb-a", gwA], ["app-nat-default-us-east-1b", "rtb-b", gwB]]);
    });

    it("with perAz, refuses fewer public subnets than AZs, registering nothing", async () => {
        const fresh = await recordResources("us-east-1");
        const { NatEgress } = await import("../../components/app/nat");
        assert.throws(() => new NatEgress("short", {
            publicSubnetIds: ["subnet-pub-a"], availabilityZones: ["us-east-1a", "us-east-1b"], privateRouteTableIds: ["rtb-a", "rtb-b"],
        }), {
            message: "NatEgress \"short\": invalid arguments:\n"
                + "  - publicSubnetIds: 1 given, 2 needed (one per AZ with perAz)",
        });
        await fresh.settle();
        assert.deepEqual(fresh.records, []);
    });
});
