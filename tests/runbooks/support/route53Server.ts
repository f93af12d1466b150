// A local Route 53 API (REST-XML, 2013-04-01) for the fault-injection tests' "control plane is
// up" cases: what GetHealthCheckStatus, ListResourceRecordSets and ChangeResourceRecordSets
// answer, in the API's own XML, so the SDK's real serializer, signer and parser run. Shapes from
// the API reference (https://docs.aws.amazon.com/Route53/latest/APIReference/), trimmed to the
// elements the runbooks read.
import * as http from "node:http";

const NS = "https://route53.amazonaws.com/doc/2013-04-01/";

export interface Route53Fake {
    url: string;
    /** Checkers reporting success, of 8. */
    healthyCheckers: number;
    /** The zone's PRIMARY failover record (alias to prod's ALB). */
    primaryAlias: string;
    /** Answer ChangeResourceRecordSets with this error code (403) instead of accepting it. */
    refuseChanges?: string;
    /** "METHOD path" of every request, and the body of every change. */
    requests: string[];
    changes: string[];
    close(): Promise<void>;
}

const observation = (i: number, ok: boolean) => `<HealthCheckObservation><Region>us-east-1</Region><IPAddress>15.177.2.${i}</IPAddress>`
    + `<StatusReport><Status>${ok ? "Success: HTTP Status Code 200, OK" : "Failure: Connection timed out."}</Status>`
    + `<CheckedTime>2025-01-15T02:59:50Z</CheckedTime></StatusReport></HealthCheckObservation>`;

export async function route53Server(init: { healthyCheckers: number; primaryAlias: string }): Promise<Route53Fake> {
    const fake = { ...init, requests: [] as string[], changes: [] as string[] } as Route53Fake;
    const server = http.createServer((req, res) => {
        let body = "";
        req.on("data", (c) => { body += c; });
        req.on("end", () => {
            const path = (req.url ?? "").split("?")[0];
            fake.requests.push(`${req.method} ${path}`);
            const xml = (status: number, text: string) => { res.writeHead(status, { "content-type": "text/xml" }); res.end(`<?xml version="1.0" encoding="UTF-8"?>\n${text}`); };
            if (/^\/2013-04-01\/healthcheck\/[^/]+\/status$/.test(path)) {
                const all = Array.from({ length: 8 }, (_, i) => observation(i, i < fake.healthyCheckers)).join("");
                return xml(200, `<GetHealthCheckStatusResponse xmlns="${NS}"><HealthCheckObservations>${all}</HealthCheckObservations></GetHealthCheckStatusResponse>`);
            }
            if (req.method === "GET" && /^\/2013-04-01\/hostedzone\/[^/]+\/rrset$/.test(path)) {
                return xml(200, `<ListResourceRecordSetsResponse xmlns="${NS}"><ResourceRecordSets><ResourceRecordSet><Name>www.example.com.</Name>`
                    + `<Type>A</Type><SetIdentifier>prod-us-east-1</SetIdentifier><Failover>PRIMARY</Failover><AliasTarget>`
                    + `<HostedZoneId>Z35SXDOTRQ7X7K</HostedZoneId><DNSName>${fake.primaryAlias}</DNSName><EvaluateTargetHealth>true</EvaluateTargetHealth>`
                    + `</AliasTarget><HealthCheckId>hc-1</HealthCheckId></ResourceRecordSet></ResourceRecordSets><IsTruncated>false</IsTruncated>`
                    + `<MaxItems>10</MaxItems></ListResourceRecordSetsResponse>`);
            }
            if (req.method === "POST" && /^\/2013-04-01\/hostedzone\/[^/]+\/rrset\/?$/.test(path)) {
                fake.changes.push(body);
                if (fake.refuseChanges) {
                    return xml(403, `<ErrorResponse xmlns="${NS}"><Error><Type>Sender</Type><Code>${fake.refuseChanges}</Code>`
                        + `<Message>User is not authorized to perform: route53:ChangeResourceRecordSets</Message></Error><RequestId>r-1</RequestId></ErrorResponse>`);
                }
                return xml(200, `<ChangeResourceRecordSetsResponse xmlns="${NS}"><ChangeInfo><Id>/change/C1</Id><Status>PENDING</Status>`
                    + `<SubmittedAt>2025-01-15T03:00:00Z</SubmittedAt></ChangeInfo></ChangeResourceRecordSetsResponse>`);
            }
            xml(404, `<ErrorResponse xmlns="${NS}"><Error><Type>Sender</Type><Code>NotImplemented</Code><Message>${req.method} ${path}</Message></Error></ErrorResponse>`);
        });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    fake.url = `http://127.0.0.1:${(server.address() as any).port}`;
    fake.close = () => new Promise((resolve) => server.close(() => resolve()));
    return fake;
}
