// The one place runbook clients are made (ops/runbooks/clients.ts), against real local sockets:
// a server that accepts and never answers, a refused port, an abort in flight, and an AWS error
// answer, which must pass through untouched. Timeouts are shrunk to a few hundred milliseconds;
// nothing here asserts a duration, only the attempts made and the messages.
import { strict as assert } from "assert";
import * as http from "node:http";
import { DescribeDBInstancesCommand, RDSClient } from "@aws-sdk/client-rds";
import { GetHealthCheckStatusCommand, Route53Client } from "@aws-sdk/client-route-53";
import { awsClient, AwsUnreachableError, clientPolicy, RunCancelledError, setClientPolicy, worstCallMs } from "../../ops/runbooks/clients";
import { refusingUrl, silentServer, SilentServer, useDummyCredentials, useRealSend } from "./support/localServers";

describe("runbooks: AWS clients (timeouts, bounded retries, cancellation)", () => {
    useRealSend(RDSClient, Route53Client);
    useDummyCredentials();
    let silent: SilentServer;
    let restore: () => void;
    before(async () => { silent = await silentServer(); });
    after(async () => { await silent.close(); });
    afterEach(() => restore?.());

    it("defaults: 3 s to connect, 10 s per request, 3 attempts; worst case of one call is bounded", () => {
        assert.deepEqual({ ...clientPolicy() }, { connectionTimeoutMs: 3_000, requestTimeoutMs: 10_000, maxAttempts: 3 });
        assert.equal(worstCallMs(), 3 * 13_000 + 2 * 20_000);
    });

    it("an endpoint that accepts and never answers fails after maxAttempts, naming service, region and endpoint", async () => {
        restore = setClientPolicy({ connectionTimeoutMs: 200, requestTimeoutMs: 150, maxAttempts: 2, endpoint: () => silent.url });
        const before = silent.connections();
        await assert.rejects(
            awsClient(RDSClient, "us-east-1").send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: "pl-prod-db" })),
            (e: any) => {
                assert.ok(e instanceof AwsUnreachableError);
                assert.equal(e.service, "RDS");
                assert.equal(e.region, "us-east-1");
                assert.match(e.message, new RegExp(`^RDS in us-east-1 did not answer \\(${silent.url}\\): DescribeDBInstancesCommand: `
                    + `.*150 ms requestTimeout.* \\(2 attempt\\(s\\)\\)$`));
                return true;
            });
        assert.equal(silent.connections() - before, 2);
    });

    it("a refused connection fails the same way, with ECONNREFUSED", async () => {
        const url = await refusingUrl();
        restore = setClientPolicy({ connectionTimeoutMs: 200, requestTimeoutMs: 150, maxAttempts: 2, endpoint: (s) => (s === "Route53" ? url : undefined) });
        await assert.rejects(awsClient(Route53Client, "us-east-1").send(new GetHealthCheckStatusCommand({ HealthCheckId: "hc-1" })),
            (e: any) => {
                assert.ok(e instanceof AwsUnreachableError);
                assert.equal(e.message, `Route53 in us-east-1 did not answer (${url}): GetHealthCheckStatusCommand: ECONNREFUSED (2 attempt(s))`);
                return true;
            });
    });

    it("aborting the run's signal cancels a call in flight", async () => {
        const abort = new AbortController();
        restore = setClientPolicy({ connectionTimeoutMs: 200, requestTimeoutMs: 60_000, maxAttempts: 1, endpoint: () => silent.url, signal: abort.signal });
        const call = awsClient(RDSClient, "us-east-1").send(new DescribeDBInstancesCommand({}));
        setImmediate(() => abort.abort());
        await assert.rejects(call, (e: any) => {
            assert.ok(e instanceof RunCancelledError);
            assert.equal(e.message, "cancelled while waiting for RDS DescribeDBInstancesCommand in us-east-1");
            return true;
        });
    });

    it("an AWS error answer is not 'unreachable': it passes through with its own name", async () => {
        const server = http.createServer((_req, res) => {
            res.writeHead(404, { "content-type": "text/xml" });
            res.end("<ErrorResponse><Error><Type>Sender</Type><Code>DBInstanceNotFound</Code><Message>DBInstance x not found.</Message></Error>"
                + "<RequestId>r-1</RequestId></ErrorResponse>");
        });
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        try {
            const port = (server.address() as any).port;
            restore = setClientPolicy({ connectionTimeoutMs: 200, requestTimeoutMs: 1000, maxAttempts: 2, endpoint: () => `http://127.0.0.1:${port}` });
            await assert.rejects(awsClient(RDSClient, "us-west-2").send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: "x" })),
                (e: any) => { assert.equal(e.name, "DBInstanceNotFoundFault"); assert.equal(e.message, "DBInstance x not found."); return true; });
        } finally {
            server.close();
        }
    });
});
