// FailoverDns under the offline engine (PRIMARY with a health check, SECONDARY without), and the
// DNS layer's pure helpers (validation and health-check defaults) without mocks.
import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { recordResources, Recording } from "../support/offline";
import type { FailoverDns as FailoverDnsClass, FailoverDnsArgs } from "../../components/dns/failoverRecord";
import { detectionSeconds, resolveHealthCheckSettings } from "../../components/dns/healthCheck";
import { failoverDnsProblems, FailoverDnsCheckedArgs, healthCheckProblems } from "../../components/dns/validate";

const T = {
    component: "pilot-light:dns:FailoverDns",
    healthCheck: "aws:route53/healthCheck:HealthCheck",
    record: "aws:route53/record:Record",
    probe: "test:index:Probe",
};

const PROD_ALB = "prod-app-web-alb-1234567890.us-east-1.elb.amazonaws.com";
const DR_ALB = "dr-app-web-alb-987654321.us-west-2.elb.amazonaws.com";

const primary = (over: Partial<FailoverDnsArgs> = {}): FailoverDnsArgs => ({
    role: "PRIMARY",
    domainName: "app.example.com",
    hostedZoneId: "Z0123456789ABCDEFGHIJ",
    albDnsName: PROD_ALB,
    albZoneId: "Z35SXDOTRQ7X7K",
    setIdentifier: "prod-us-east-1",
    tags: { Project: "pilot-light" },
    ...over,
});

const secondary = (over: Partial<FailoverDnsArgs> = {}): FailoverDnsArgs => ({
    role: "SECONDARY",
    domainName: "app.example.com",
    hostedZoneId: "Z0123456789ABCDEFGHIJ",
    albDnsName: DR_ALB,
    albZoneId: "Z1H1FL5HABSF5",
    setIdentifier: "dr-us-west-2",
    ...over,
});

// The offline fakes compute no `fqdn` for records, so a consumer of recordFqdn sees this marker
// instead, unless the output were wired to some other property (such as the record's name).
const NO_FQDN = "<no fqdn from the fakes>";

/** A resource that consumes an output: its recording shows which resource the output comes from. */
class Probe extends pulumi.CustomResource {
    constructor(name: string, value: pulumi.Output<string>) {
        super(T.probe, name, { value: value.apply((v) => v ?? NO_FQDN) });
    }
}

const value = <V>(o: { apply: (f: (v: V) => void) => unknown } | undefined): Promise<V | undefined> =>
    o === undefined ? Promise.resolve(undefined) : new Promise((resolve) => o.apply(resolve));

async function build(region: string, name: string, a: FailoverDnsArgs): Promise<{ rec: Recording; dns: FailoverDnsClass }> {
    const rec = await recordResources(region);
    const { FailoverDns } = await import("../../components/dns/failoverRecord");
    const dns = new FailoverDns(name, a);
    new Probe(`${name}-fqdn-probe`, dns.recordFqdn);
    await rec.settle();
    return { rec, dns };
}

/** recordFqdn is the record's own `fqdn` attribute. */
function assertFqdnWired(rec: Recording): void {
    const record = rec.one(T.record);
    const probe = rec.one(T.probe);
    assert.deepEqual(probe.propertyDependencies.value, [record.urn]);
    assert.equal(probe.inputs.value, record.outputs.fqdn ?? NO_FQDN);
}

describe("dns/FailoverDns", () => {
    describe("PRIMARY with default health check settings", () => {
        let rec: Recording;
        let dns: FailoverDnsClass;
        before(async () => ({ rec, dns } = await build("us-east-1", "prod-dns", primary())));

        it("registers exactly a health check and one record under the component", () => {
            const c = rec.one(T.component, "prod-dns");
            assert.deepEqual(rec.childTypes(c.urn), [T.healthCheck, T.record].sort());
            assert.equal(rec.one(T.healthCheck).name, "prod-dns-health");
            assert.equal(rec.one(T.record).name, "prod-dns-a");
        });

        it("probes the prod ALB's own DNS name over HTTPS with SNI, every 10 s, 3 failures, no latency graphs", () => {
            const hc = rec.one(T.healthCheck, "prod-dns-health").inputs;
            assert.equal(hc.type, "HTTPS");
            assert.equal(hc.fqdn, PROD_ALB, "the ALB, never the failover domain");
            assert.equal(hc.port, 443);
            assert.equal(hc.resourcePath, "/");
            assert.equal(hc.enableSni, true);
            assert.equal(hc.requestInterval, 10);
            assert.equal(hc.failureThreshold, 3);
            assert.equal(hc.measureLatency, false);
            assert.equal(hc.regions, undefined, "Route 53's default checker regions");
            assert.equal(hc.ipAddress, undefined);
            assert.equal(hc.invertHealthcheck, undefined);
            assert.equal(hc.disabled, undefined);
            assert.deepEqual(hc.tags, { Name: "prod-dns-health", Project: "pilot-light" });
        });

        it("writes an A alias to the ALB, PRIMARY failover, evaluating target health, tied to the health check", () => {
            const hc = rec.one(T.healthCheck, "prod-dns-health");
            const r = rec.one(T.record, "prod-dns-a");
            assert.equal(r.inputs.zoneId, "Z0123456789ABCDEFGHIJ");
            assert.equal(r.inputs.name, "app.example.com");
            assert.equal(r.inputs.type, "A");
            assert.deepEqual(r.inputs.aliases, [{ name: PROD_ALB, zoneId: "Z35SXDOTRQ7X7K", evaluateTargetHealth: true }]);
            assert.deepEqual(r.inputs.failoverRoutingPolicies, [{ type: "PRIMARY" }]);
            assert.equal(r.inputs.setIdentifier, "prod-us-east-1");
            assert.equal(r.inputs.healthCheckId, hc.outputs.id);
            assert.ok(hc.outputs.id, "the fake health check has an ID");
            assert.deepEqual(r.propertyDependencies.healthCheckId, [hc.urn]);
            assert.equal(r.inputs.ttl, undefined, "alias records take the ALB's TTL");
            assert.equal(r.inputs.records, undefined);
            assert.equal(r.inputs.allowOverwrite, undefined);
        });

        it("exposes the health check's ID and the record's FQDN", async () => {
            assert.equal(await value(dns.healthCheckId), rec.one(T.healthCheck).outputs.id);
            assertFqdnWired(rec);
        });
    });

    describe("PRIMARY with custom health check settings", () => {
        it("probes over HTTP on port 80 with the given path, interval and threshold, without SNI", async () => {
            const { rec } = await build("us-east-1", "prod-dns", primary({
                healthCheck: { https: false, resourcePath: "/healthz", requestIntervalSeconds: 30, failureThreshold: 5 },
            }));
            const hc = rec.one(T.healthCheck).inputs;
            assert.equal(hc.type, "HTTP");
            assert.equal(hc.port, 80);
            assert.equal(hc.resourcePath, "/healthz");
            assert.equal(hc.requestInterval, 30);
            assert.equal(hc.failureThreshold, 5);
            assert.equal(hc.enableSni, false);
        });

        it("keeps an explicit port with HTTPS", async () => {
            const { rec } = await build("us-east-1", "prod-dns", primary({ healthCheck: { https: true, port: 8443 } }));
            const hc = rec.one(T.healthCheck).inputs;
            assert.equal(hc.type, "HTTPS");
            assert.equal(hc.port, 8443);
            assert.equal(hc.enableSni, true);
        });
    });

    describe("SECONDARY", () => {
        let rec: Recording;
        let dns: FailoverDnsClass;
        before(async () => ({ rec, dns } = await build("us-west-2", "dr-dns", secondary())));

        it("registers only the record: no health check", () => {
            const c = rec.one(T.component, "dr-dns");
            assert.deepEqual(rec.childTypes(c.urn), [T.record]);
            assert.deepEqual(rec.ofType(T.healthCheck), []);
        });

        it("writes an A alias to the dr ALB, SECONDARY failover, evaluating target health", () => {
            const r = rec.one(T.record, "dr-dns-a");
            assert.equal(r.inputs.zoneId, "Z0123456789ABCDEFGHIJ");
            assert.equal(r.inputs.name, "app.example.com");
            assert.equal(r.inputs.type, "A");
            assert.deepEqual(r.inputs.aliases, [{ name: DR_ALB, zoneId: "Z1H1FL5HABSF5", evaluateTargetHealth: true }]);
            assert.deepEqual(r.inputs.failoverRoutingPolicies, [{ type: "SECONDARY" }]);
            assert.equal(r.inputs.setIdentifier, "dr-us-west-2");
            assert.equal(r.inputs.healthCheckId, undefined);
            assert.equal(r.inputs.ttl, undefined);
        });

        it("has no health check output and exposes the record's FQDN", () => {
            assert.equal(dns.healthCheckId, undefined);
            assertFqdnWired(rec);
        });
    });

    it("rejects bad arguments in one error, registering nothing", async () => {
        const rec = await recordResources("us-west-2");
        const { FailoverDns } = await import("../../components/dns/failoverRecord");
        assert.throws(() => new FailoverDns("bad", secondary({
            domainName: "App.Example.com",
            setIdentifier: "",
            healthCheck: { requestIntervalSeconds: 15 },
        })), {
            message: 'FailoverDns "bad": invalid arguments:\n'
                + '  - domainName must be a lower-case DNS name such as "app.example.com" (labels of a-z, 0-9 and "-",'
                + ' at most 253 characters, no trailing dot or wildcard), got "App.Example.com"\n'
                + '  - setIdentifier must be 1-128 characters, got "" (0 characters)\n'
                + '  - healthCheck is only allowed when role is "PRIMARY", got role "SECONDARY";'
                + " the secondary record relies on evaluateTargetHealth instead\n"
                + "  - healthCheck.requestIntervalSeconds must be 10 or 30, got 15",
        });
        await rec.settle();
        assert.deepEqual(rec.records, []);
    });

    it("accepts Outputs for the name and zone, leaving them to Route 53", async () => {
        const { rec } = await build("us-east-1", "prod-dns", primary({
            domainName: pulumi.output("app.example.com"), hostedZoneId: pulumi.output("Z0123456789ABCDEFGHIJ"),
        }));
        assert.equal(rec.one(T.record).inputs.name, "app.example.com");
        assert.equal(rec.one(T.record).inputs.zoneId, "Z0123456789ABCDEFGHIJ");
    });
});

describe("dns/failoverDnsProblems", () => {
    const valid = (): FailoverDnsCheckedArgs => ({
        role: "PRIMARY", domainName: "app.example.com", hostedZoneId: "Z0123456789ABCDEFGHIJ", setIdentifier: "prod-us-east-1",
    });

    it("accepts valid PRIMARY and SECONDARY arguments, with and without health check settings", () => {
        assert.deepEqual(failoverDnsProblems(valid()), []);
        assert.deepEqual(failoverDnsProblems({ ...valid(), domainName: "example.com", setIdentifier: "x".repeat(128) }), []);
        assert.deepEqual(failoverDnsProblems({
            ...valid(),
            healthCheck: { resourcePath: "/health?deep=1", https: false, port: 8080, requestIntervalSeconds: 30, failureThreshold: 10 },
        }), []);
        assert.deepEqual(failoverDnsProblems({ ...valid(), healthCheck: { requestIntervalSeconds: 10, failureThreshold: 1 } }), []);
        assert.deepEqual(failoverDnsProblems({ ...valid(), role: "SECONDARY", setIdentifier: "dr-us-west-2" }), []);
    });

    it("skips values that are not known yet (Outputs)", () => {
        assert.deepEqual(failoverDnsProblems({ ...valid(), domainName: pulumi.output("X"), hostedZoneId: pulumi.output("y") }), []);
    });

    const domainMsg = (got: string): string => 'domainName must be a lower-case DNS name such as "app.example.com"'
        + ` (labels of a-z, 0-9 and "-", at most 253 characters, no trailing dot or wildcard), got ${got}`;
    const zoneMsg = (got: string): string => 'hostedZoneId must be a Route 53 hosted zone ID such as "Z0123456789ABCDEFGHIJ"'
        + ` (Z and then upper-case letters and digits, without "/hostedzone/"), got ${got}`;
    const cases: [string, Partial<FailoverDnsCheckedArgs>, string][] = [
        ["lower-case role", { role: "primary" }, 'role must be "PRIMARY" or "SECONDARY", got "primary"'],
        ["missing role", { role: undefined }, 'role must be "PRIMARY" or "SECONDARY", got undefined'],
        ["upper-case domain", { domainName: "App.example.com" }, domainMsg('"App.example.com"')],
        ["trailing dot", { domainName: "app.example.com." }, domainMsg('"app.example.com."')],
        ["wildcard", { domainName: "*.example.com" }, domainMsg('"*.example.com"')],
        ["single label", { domainName: "localhost" }, domainMsg('"localhost"')],
        ["label ending in -", { domainName: "app-.example.com" }, domainMsg('"app-.example.com"')],
        ["too long", { domainName: `${"a".repeat(63)}.`.repeat(4) + "com" }, domainMsg(`"${`${"a".repeat(63)}.`.repeat(4)}com"`)],
        ["zone with prefix", { hostedZoneId: "/hostedzone/Z0123" }, zoneMsg('"/hostedzone/Z0123"')],
        ["lower-case zone", { hostedZoneId: "z0123" }, zoneMsg('"z0123"')],
        ["zone not starting with Z", { hostedZoneId: "A0123" }, zoneMsg('"A0123"')],
        ["empty set identifier", { setIdentifier: "" }, 'setIdentifier must be 1-128 characters, got "" (0 characters)'],
        ["long set identifier", { setIdentifier: "x".repeat(129) },
            `setIdentifier must be 1-128 characters, got "${"x".repeat(129)}" (129 characters)`],
        ["missing set identifier", { setIdentifier: undefined }, "setIdentifier must be 1-128 characters, got undefined"],
        ["health check on SECONDARY", { role: "SECONDARY", healthCheck: {} }, 'healthCheck is only allowed when role is "PRIMARY",'
            + ' got role "SECONDARY"; the secondary record relies on evaluateTargetHealth instead'],
        ["15 s interval", { healthCheck: { requestIntervalSeconds: 15 } }, "healthCheck.requestIntervalSeconds must be 10 or 30, got 15"],
        ["0 failures", { healthCheck: { failureThreshold: 0 } }, "healthCheck.failureThreshold must be an integer from 1 to 10, got 0"],
        ["11 failures", { healthCheck: { failureThreshold: 11 } }, "healthCheck.failureThreshold must be an integer from 1 to 10, got 11"],
        ["2.5 failures", { healthCheck: { failureThreshold: 2.5 } }, "healthCheck.failureThreshold must be an integer from 1 to 10, got 2.5"],
        ["relative path", { healthCheck: { resourcePath: "health" } },
            'healthCheck.resourcePath must start with "/" and be at most 255 characters, got "health"'],
        ["empty path", { healthCheck: { resourcePath: "" } },
            'healthCheck.resourcePath must start with "/" and be at most 255 characters, got ""'],
        ["long path", { healthCheck: { resourcePath: "/" + "p".repeat(255) } },
            `healthCheck.resourcePath must start with "/" and be at most 255 characters, got "/${"p".repeat(255)}"`],
        ["port 0", { healthCheck: { port: 0 } }, "healthCheck.port must be an integer from 1 to 65535, got 0"],
        ["port 65536", { healthCheck: { port: 65536 } }, "healthCheck.port must be an integer from 1 to 65535, got 65536"],
    ];
    for (const [label, over, message] of cases) {
        it(`rejects ${label}`, () => {
            assert.deepEqual(failoverDnsProblems({ ...valid(), ...over }), [message]);
        });
    }

    it("reports every problem at once, in argument order", () => {
        assert.deepEqual(failoverDnsProblems({
            role: "SECONDARY", domainName: "APP", hostedZoneId: "nope", setIdentifier: "",
            healthCheck: { resourcePath: "x", port: -1, requestIntervalSeconds: 60, failureThreshold: 0 },
        }), [
            domainMsg('"APP"'),
            zoneMsg('"nope"'),
            'setIdentifier must be 1-128 characters, got "" (0 characters)',
            'healthCheck is only allowed when role is "PRIMARY", got role "SECONDARY"; the secondary record relies on evaluateTargetHealth instead',
            'healthCheck.resourcePath must start with "/" and be at most 255 characters, got "x"',
            "healthCheck.port must be an integer from 1 to 65535, got -1",
            "healthCheck.requestIntervalSeconds must be 10 or 30, got 60",
            "healthCheck.failureThreshold must be an integer from 1 to 10, got 0",
        ]);
    });

    it("healthCheckProblems accepts empty settings", () => {
        assert.deepEqual(healthCheckProblems({}), []);
    });
});

describe("dns/resolveHealthCheckSettings", () => {
    it("defaults to HTTPS on 443, path /, every 10 s, 3 failures, SNI on: about 30 s to detect", () => {
        const hc = resolveHealthCheckSettings();
        assert.deepEqual(hc, { type: "HTTPS", port: 443, resourcePath: "/", requestInterval: 10, failureThreshold: 3, enableSni: true });
        assert.equal(detectionSeconds(hc), 30);
    });

    it("keeps an explicit https: false and then defaults the port to 80 with SNI off", () => {
        assert.deepEqual(resolveHealthCheckSettings({ https: false }),
            { type: "HTTP", port: 80, resourcePath: "/", requestInterval: 10, failureThreshold: 3, enableSni: false });
    });

    it("keeps every given value", () => {
        const hc = resolveHealthCheckSettings({ https: true, port: 8443, resourcePath: "/up", requestIntervalSeconds: 30, failureThreshold: 2 });
        assert.deepEqual(hc, { type: "HTTPS", port: 8443, resourcePath: "/up", requestInterval: 30, failureThreshold: 2, enableSni: true });
        assert.equal(detectionSeconds(hc), 60);
    });
});
