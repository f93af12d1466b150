// Pure CIDR math of the basic layer: no mocks needed.
import * as assert from "assert";
import { cidrsOverlap, formatCidr, parseCidr, planSubnets, validateNetworkInputs } from "../../components/basic/subnetPlan";

describe("basic/subnetPlan", () => {
    describe("parseCidr", () => {
        it("parses network CIDRs to an unsigned address and a prefix", () => {
            assert.deepStrictEqual(parseCidr("10.0.0.0/16"), { network: 0x0a000000, prefix: 16 });
            assert.deepStrictEqual(parseCidr("192.168.1.0/24"), { network: 0xc0a80100, prefix: 24 });
            assert.deepStrictEqual(parseCidr("255.255.255.255/32"), { network: 0xffffffff, prefix: 32 });
            assert.deepStrictEqual(parseCidr("0.0.0.0/0"), { network: 0, prefix: 0 });
        });

        for (const bad of ["10.0.0.0/33", "300.0.0.0/16", "10.0.0.1/16", "10.0.0.0", "10.0.0/16",
            "10.0.0.0/", " 10.0.0.0/16", "10.0.0.0/16 ", "010.0.0.0/16", "10.0.0.0/016", "a.b.c.d/16",
            "10.0.0.0/-1", "fd00::/8", ""]) {
            it(`rejects ${JSON.stringify(bad)}`, () => {
                assert.strictEqual(parseCidr(bad), undefined);
            });
        }

        it("returns undefined for a non-string instead of throwing", () => {
            assert.strictEqual(parseCidr(undefined as unknown as string), undefined);
        });

        it("round-trips through formatCidr", () => {
            for (const cidr of ["10.10.0.0/16", "172.16.32.0/20", "192.168.0.224/27", "255.255.255.255/32"]) {
                const p = parseCidr(cidr)!;
                assert.strictEqual(formatCidr(p.network, p.prefix), cidr);
            }
        });
    });

    describe("cidrsOverlap", () => {
        it("detects containment in either order", () => {
            assert.strictEqual(cidrsOverlap("10.0.0.0/16", "10.0.128.0/17"), true);
            assert.strictEqual(cidrsOverlap("10.0.128.0/17", "10.0.0.0/16"), true);
            assert.strictEqual(cidrsOverlap("10.0.0.0/16", "10.0.0.0/16"), true);
            assert.strictEqual(cidrsOverlap("0.0.0.0/0", "192.168.1.0/24"), true);
        });

        it("keeps disjoint blocks apart, including adjacent ones", () => {
            assert.strictEqual(cidrsOverlap("10.0.0.0/16", "10.1.0.0/16"), false);
            assert.strictEqual(cidrsOverlap("10.0.0.0/17", "10.0.128.0/17"), false);
            assert.strictEqual(cidrsOverlap("192.168.0.0/24", "192.168.1.0/24"), false);
        });

        it("throws rather than answer for a typo", () => {
            assert.throws(() => cidrsOverlap("10.0.0.0/16", "10.0.0.1/16"), {
                message: 'cidrsOverlap: "10.0.0.1/16" is not an IPv4 CIDR (expected a.b.c.d/n with no host bits set)',
            });
            assert.throws(() => cidrsOverlap("300.0.0.0/16", "10.0.0.0/16"), {
                message: 'cidrsOverlap: "300.0.0.0/16" is not an IPv4 CIDR (expected a.b.c.d/n with no host bits set)',
            });
        });
    });

    describe("planSubnets", () => {
        it("gives a /16 with 3 AZs /20s: public blocks 0-2, private blocks 8-10", () => {
            assert.deepStrictEqual(planSubnets("10.10.0.0/16", ["us-east-1a", "us-east-1b", "us-east-1c"]), [
                { az: "us-east-1a", publicCidr: "10.10.0.0/20", privateCidr: "10.10.128.0/20" },
                { az: "us-east-1b", publicCidr: "10.10.16.0/20", privateCidr: "10.10.144.0/20" },
                { az: "us-east-1c", publicCidr: "10.10.32.0/20", privateCidr: "10.10.160.0/20" },
            ]);
        });

        it("gives a /24 /27s (the smallest an ALB accepts): public blocks 0-2, private blocks 4-6", () => {
            assert.deepStrictEqual(planSubnets("10.20.5.0/24", ["ap-northeast-2a", "ap-northeast-2c", "ap-northeast-2b"]), [
                { az: "ap-northeast-2a", publicCidr: "10.20.5.0/27", privateCidr: "10.20.5.128/27" },
                { az: "ap-northeast-2c", publicCidr: "10.20.5.32/27", privateCidr: "10.20.5.160/27" },
                { az: "ap-northeast-2b", publicCidr: "10.20.5.64/27", privateCidr: "10.20.5.192/27" },
            ]);
        });

        it("keeps an AZ's CIDRs when another AZ is appended", () => {
            const two = planSubnets("172.16.0.0/20", ["us-west-2a", "us-west-2b"]);
            const three = planSubnets("172.16.0.0/20", ["us-west-2a", "us-west-2b", "us-west-2c"]);
            assert.deepStrictEqual(three.slice(0, 2), two);
            assert.deepStrictEqual(two, [
                { az: "us-west-2a", publicCidr: "172.16.0.0/24", privateCidr: "172.16.8.0/24" },
                { az: "us-west-2b", publicCidr: "172.16.1.0/24", privateCidr: "172.16.9.0/24" },
            ]);
        });

        it("never overlaps and stays inside the VPC for every prefix /16-/24", () => {
            const azs = ["x-1a", "x-1b", "x-1c"];
            for (let prefix = 16; prefix <= 24; prefix++) {
                // The highest-addressed VPC of this size inside 10.0.0.0/8, so overflow would show.
                const mask = (0xffffffff << (32 - prefix)) >>> 0;
                const vpc = formatCidr((0x0affff00 & mask) >>> 0, prefix);
                const cidrs = planSubnets(vpc, azs).flatMap((e) => [e.publicCidr, e.privateCidr]);
                assert.strictEqual(new Set(cidrs).size, 6, vpc);
                for (const [i, a] of cidrs.entries()) {
                    const p = parseCidr(a)!;
                    assert.ok(p.prefix > prefix && p.prefix <= 27, `${a} in ${vpc}`);
                    assert.ok(cidrsOverlap(vpc, a) && p.prefix > parseCidr(vpc)!.prefix, `${a} inside ${vpc}`);
                    for (const b of cidrs.slice(i + 1)) {
                        assert.strictEqual(cidrsOverlap(a, b), false, `${a} vs ${b} in ${vpc}`);
                    }
                }
            }
        });

        it("rejects a CIDR that is not a network", () => {
            assert.throws(() => planSubnets("10.0.0.1/16", ["us-east-1a", "us-east-1b"]), {
                message: 'planSubnets: invalid arguments:\n  - vpcCidr "10.0.0.1/16" is not an IPv4 network in CIDR notation '
                    + '(a.b.c.d/n with no host bits set, e.g. "10.10.0.0/16")',
            });
        });

        it("rejects prefixes outside /16-/24", () => {
            assert.throws(() => planSubnets("10.0.0.0/8", ["us-east-1a", "us-east-1b"]), {
                message: 'planSubnets: invalid arguments:\n  - vpcCidr "10.0.0.0/8" has prefix /8; allowed prefixes are /16 to /24',
            });
            assert.throws(() => planSubnets("10.0.0.0/25", ["us-east-1a", "us-east-1b"]), {
                message: 'planSubnets: invalid arguments:\n  - vpcCidr "10.0.0.0/25" has prefix /25; allowed prefixes are /16 to /24',
            });
        });

        it("rejects 1 or 4 AZs", () => {
            assert.throws(() => planSubnets("10.0.0.0/16", ["us-east-1a"]), {
                message: 'planSubnets: invalid arguments:\n  - availabilityZones must list 2 to 3 zones, got 1: ["us-east-1a"]',
            });
            assert.throws(() => planSubnets("10.0.0.0/16", ["us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d"]), {
                message: "planSubnets: invalid arguments:\n  - availabilityZones must list 2 to 3 zones, got 4: "
                    + '["us-east-1a","us-east-1b","us-east-1c","us-east-1d"]',
            });
        });

        it("rejects duplicate and empty AZs", () => {
            assert.throws(() => planSubnets("10.0.0.0/16", ["us-east-1a", "us-east-1a"]), {
                message: 'planSubnets: invalid arguments:\n  - availabilityZones lists "us-east-1a" more than once; each zone must be distinct',
            });
            assert.throws(() => planSubnets("10.0.0.0/16", ["us-east-1a", ""]), {
                message: 'planSubnets: invalid arguments:\n  - availabilityZones[1] is ""; expected an AZ name such as "us-east-1a"',
            });
        });

        it("reports every problem in one error", () => {
            assert.throws(() => planSubnets("300.0.0.0/16", ["us-east-1a"]), {
                message: 'planSubnets: invalid arguments:\n  - vpcCidr "300.0.0.0/16" is not an IPv4 network in CIDR notation '
                    + '(a.b.c.d/n with no host bits set, e.g. "10.10.0.0/16")\n  - '
                    + 'availabilityZones must list 2 to 3 zones, got 1: ["us-east-1a"]',
            });
        });
    });

    describe("validateNetworkInputs", () => {
        it("returns no problems for valid inputs", () => {
            assert.deepStrictEqual(validateNetworkInputs("10.10.0.0/16", ["eu-west-1a", "eu-west-1b"]), []);
        });

        it("does not throw on a missing list", () => {
            assert.deepStrictEqual(validateNetworkInputs("10.10.0.0/16", undefined as unknown as string[]), [
                "availabilityZones must be a list of 2 to 3 AZ names, got undefined",
            ]);
        });
    });
});
