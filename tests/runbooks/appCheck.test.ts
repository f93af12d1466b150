// The deep check primitive (ops/runbooks/appCheck.ts): the request it builds, how it reads each
// answer, the token from Secrets Manager, and the real HTTP client against a local server (no
// redirect followed, the POST body sent, a hanging server cut off by the timeout).
import { strict as assert } from "assert";
import { createServer, IncomingMessage, Server, ServerResponse } from "http";
import { AddressInfo } from "net";
import { GetSecretValueCommand } from "@aws-sdk/client-secrets-manager";
import { AppEndpoint, deepCheck, deepCheckRequest, nodeHttp, readCheckToken } from "../../ops/runbooks/appCheck";
import { useAwsMocks } from "./support/fakeWorkspace";

const SECRET = "arn:aws:secretsmanager:us-west-2:123456789012:secret:dr-app-app-secret-AbC";
const ENDPOINT: AppEndpoint = { stack: "dr", region: "us-west-2", albDnsName: "dr-alb-1.us-west-2.elb.amazonaws.com", appSecretArn: SECRET };
const OK = JSON.stringify({ status: "ok", php: "8.5.1", checks: { database: "ok", redis: "ok", media: "ok" }, readOnly: false, marker: null });

describe("runbooks/appCheck", () => {
    const aws = useAwsMocks();
    beforeEach(() => aws.reset());

    it("builds GET with the marker in the query, POST as a form; HTTPS with SNI and Host only when the stack has a domain", () => {
        assert.deepEqual(deepCheckRequest(ENDPOINT, { method: "GET", marker: "m 1" }, "tok", 5000), {
            method: "GET", url: "http://dr-alb-1.us-west-2.elb.amazonaws.com/pilot-light/deep-check?marker=m%201",
            headers: { "X-Pilot-Light-Token": "tok", Accept: "application/json" }, timeoutMs: 5000,
        });
        assert.deepEqual(deepCheckRequest({ ...ENDPOINT, domainName: "www.example.com" }, { method: "POST", marker: "m1", value: "v&1" }, "tok", 5000), {
            method: "POST", url: "https://dr-alb-1.us-west-2.elb.amazonaws.com/pilot-light/deep-check",
            headers: { "X-Pilot-Light-Token": "tok", Accept: "application/json", Host: "www.example.com", "Content-Type": "application/x-www-form-urlencoded" },
            body: "marker=m1&value=v%261", servername: "www.example.com", timeoutMs: 5000,
        });
    });

    it("without a domain, goes over HTTPS to the stack's CloudFront distribution (the ALB answers only CloudFront); a domain wins", () => {
        const cdn = { ...ENDPOINT, cdnDomainName: "d111111abcdef8.cloudfront.net" };
        assert.deepEqual(deepCheckRequest(cdn, { method: "GET", marker: "m1" }, "tok", 5000), {
            method: "GET", url: "https://d111111abcdef8.cloudfront.net/pilot-light/deep-check?marker=m1",
            headers: { "X-Pilot-Light-Token": "tok", Accept: "application/json" }, timeoutMs: 5000,
        });
        assert.equal(deepCheckRequest({ ...cdn, domainName: "www.example.com" }, { method: "GET", marker: "m1" }, "tok", 5000).url,
            "https://dr-alb-1.us-west-2.elb.amazonaws.com/pilot-light/deep-check?marker=m1");
    });

    it("accepts only a 200 whose body says ok, and says why anything else failed", async () => {
        const answer = (status: number, body: string) => async () => ({ status, body });
        const call = { method: "GET" as const, marker: "m1" };
        assert.equal((await deepCheck(ENDPOINT, call, "t", answer(200, OK), 1000)).status, "ok");
        const where = "GET http://dr-alb-1.us-west-2.elb.amazonaws.com/pilot-light/deep-check?marker=m1";
        await assert.rejects(deepCheck(ENDPOINT, call, "t", answer(301, ""), 1000), { message: `${where} answered 301, a redirect, not the deep check: `
            + "is HTTPS configured for this stack (domainName and hostedZoneId) but the check sent over HTTP?" });
        await assert.rejects(deepCheck(ENDPOINT, call, "t", answer(403, "{\"status\":\"forbidden\"}"), 1000),
            { message: `${where} answered 403: the check token was refused (is ${SECRET} this tier's secret?)` });
        await assert.rejects(deepCheck(ENDPOINT, call, "t", answer(503, JSON.stringify({ status: "failed", checks: { database: "ok", redis: "failed: timeout" } })), 1000),
            { message: `${where} answered 503: redis failed: timeout` });
        await assert.rejects(deepCheck(ENDPOINT, call, "t", answer(200, "<html>WordPress</html>"), 1000),
            { message: `${where} answered 200 "<html>WordPress</html>"; expected 200 with status "ok"` });
        await assert.rejects(deepCheck(ENDPOINT, call, "t", async () => { throw new Error("connect ETIMEDOUT"); }, 1000),
            { message: `${where}: connect ETIMEDOUT` });
    });

    it("reads the token from the app secret in the endpoint's region, and says which secret when it cannot", async () => {
        aws.secrets.on(GetSecretValueCommand, { SecretId: SECRET }).resolvesOnce({ SecretString: JSON.stringify({ checkToken: "tok-1", adminPassword: "x" }) })
            .resolvesOnce({ SecretString: "{}" })
            .rejects(Object.assign(new Error("User is not authorized"), { name: "AccessDeniedException" }));
        assert.equal(await readCheckToken(ENDPOINT), "tok-1");
        await assert.rejects(readCheckToken(ENDPOINT), { message: `the secret ${SECRET} has no checkToken; was it written by this program's AppTier?` });
        await assert.rejects(readCheckToken(ENDPOINT),
            { message: `cannot read the deep check's token from ${SECRET} in us-west-2: AccessDeniedException: User is not authorized` });
    });

    describe("nodeHttp against a local server", () => {
        let server: Server;
        let base: string;
        const seen: { method?: string; url?: string; headers: IncomingMessage["headers"]; body: string }[] = [];
        before(async () => {
            server = createServer((req: IncomingMessage, res: ServerResponse) => {
                let body = "";
                req.on("data", (c) => { body += c; });
                req.on("end", () => {
                    seen.push({ method: req.method, url: req.url, headers: req.headers, body });
                    if (req.url === "/redirect") { res.writeHead(301, { Location: "https://elsewhere/" }); res.end(); return; }
                    if (req.url === "/hang") return;
                    res.writeHead(200, { "Content-Type": "application/json" });
                    res.end(OK);
                });
            });
            await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
            base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
        });
        after(() => { server.closeAllConnections(); server.close(); });

        it("sends the method, headers and form body, and returns status and body", async () => {
            const res = await nodeHttp({ method: "POST", url: `${base}/pilot-light/deep-check`, headers: { "X-Pilot-Light-Token": "t" }, body: "marker=m1&value=v1", timeoutMs: 2000 });
            assert.deepEqual(res, { status: 200, body: OK });
            const last = seen[seen.length - 1];
            assert.deepEqual([last.method, last.url, last.headers["x-pilot-light-token"], last.body], ["POST", "/pilot-light/deep-check", "t", "marker=m1&value=v1"]);
        });

        it("does not follow a redirect: the 301 is the answer", async () => {
            assert.deepEqual(await nodeHttp({ method: "GET", url: `${base}/redirect`, headers: {}, timeoutMs: 2000 }), { status: 301, body: "" });
        });

        it("gives up on a server that never answers, after the timeout", async () => {
            await assert.rejects(nodeHttp({ method: "GET", url: `${base}/hang`, headers: {}, timeoutMs: 100 }), { message: "no answer within 100 ms" });
        });
    });
});
