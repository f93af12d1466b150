// Route 53's API region follows the partition of the stacks' regions: us-east-1 (aws),
// cn-northwest-1 (aws-cn, endpoint route53.amazonaws.com.cn), us-gov-west-1 (aws-us-gov).
// Expected values from https://docs.aws.amazon.com/general/latest/gr/r53.html and the SDK's own
// endpoint rules, resolved here through the real client configuration.
import { strict as assert } from "assert";
import { GetHealthCheckStatusCommand, ListResourceRecordSetsCommand } from "@aws-sdk/client-route-53";
import { DescribeLoadBalancersCommand } from "@aws-sdk/client-elastic-load-balancing-v2";
import { route53ApiRegion } from "../../components/partition";
import { aliasPrimaryRecord, healthCheckView, route53RegionFor } from "../../ops/runbooks/route53";
import { useAwsMocks } from "./support/fakeWorkspace";

const aws = useAwsMocks();

/** The region a mocked call's client was made in, and the host the SDK would send it to. */
async function whereSent(call: any): Promise<{ region: string; host: string }> {
    const config = call.thisValue.config;
    const region = await config.region();
    const endpoint = config.endpointProvider({ Region: region, UseFIPS: false, UseDualStack: false });
    return { region, host: new URL(endpoint.url).hostname };
}

describe("runbooks: Route 53's API region per partition", () => {
    beforeEach(() => aws.reset());

    it("per partition: us-east-1, cn-northwest-1, us-gov-west-1", () => {
        assert.equal(route53ApiRegion("aws"), "us-east-1");
        assert.equal(route53ApiRegion("aws-cn"), "cn-northwest-1");
        assert.equal(route53ApiRegion("aws-us-gov"), "us-gov-west-1");
        assert.equal(route53RegionFor("eu-west-1"), "us-east-1");
        assert.equal(route53RegionFor("cn-north-1"), "cn-northwest-1");
        assert.equal(route53RegionFor("cn-northwest-1"), "cn-northwest-1");
        assert.equal(route53RegionFor("us-gov-east-1"), "us-gov-west-1");
    });

    it("stacks in China ask route53.amazonaws.com.cn in cn-northwest-1; elsewhere route53.amazonaws.com in us-east-1", async () => {
        aws.route53.on(GetHealthCheckStatusCommand).resolves({ HealthCheckObservations: [] });
        await healthCheckView("hc-1", "cn-north-1");
        await healthCheckView("hc-2", "us-west-2");
        const calls = aws.route53.commandCalls(GetHealthCheckStatusCommand);
        assert.deepEqual(await whereSent(calls[0]), { region: "cn-northwest-1", host: "route53.amazonaws.com.cn" });
        assert.deepEqual(await whereSent(calls[1]), { region: "us-east-1", host: "route53.amazonaws.com" });
    });

    it("the fence of a China stack's record goes to China's Route 53, the load balancer looked up in its own region", async () => {
        aws.route53.on(ListResourceRecordSetsCommand).resolves({ ResourceRecordSets: [] });
        aws.elb.on(DescribeLoadBalancersCommand).resolves({ LoadBalancers: [] });
        const change = await aliasPrimaryRecord("Z1", "www.example.cn", { region: "cn-north-1", albDnsName: "x.elb.amazonaws.com.cn" }, "fence");
        assert.deepEqual(change, { name: "www.example.cn.", unchanged: false });
        assert.deepEqual(await whereSent(aws.route53.commandCalls(ListResourceRecordSetsCommand)[0]),
            { region: "cn-northwest-1", host: "route53.amazonaws.com.cn" });
    });
});
