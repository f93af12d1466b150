// A DnsClient (ops/runbooks/dns.ts) over fixed data, for runbook tests that are not about DNS
// itself: one zone with its name servers, and answers per name that a test may change as the
// run goes (a function is called on every question). tests/runbooks/faults.test.ts asks a real
// local DNS server through node:dns instead.
import { DnsClient } from "../../../ops/runbooks/dns";

export interface FakeDns extends DnsClient {
    /** Every question, as "NS name", "A name" or "A@servers name". */
    questions: string[];
}

export function fakeDns(answers: Record<string, string[] | (() => string[])>, zone = "example.com"): FakeDns {
    const nameServers = ["ns-1.awsdns-01.org", "ns-2.awsdns-02.net"];
    const serverAddresses: Record<string, string[]> = { "ns-1.awsdns-01.org": ["205.251.192.1"], "ns-2.awsdns-02.net": ["205.251.194.2"] };
    const lookup = (name: string) => {
        const a = answers[name];
        if (a === undefined) throw Object.assign(new Error(`queryA ENODATA ${name}`), { code: "ENODATA" });
        return typeof a === "function" ? a() : a;
    };
    const dns: FakeDns = {
        questions: [],
        async resolveNs(name) { dns.questions.push(`NS ${name}`); return name === zone ? nameServers : []; },
        async resolve4(name) { dns.questions.push(`A ${name}`); return serverAddresses[name] ?? lookup(name); },
        async resolve4At(servers, name) { dns.questions.push(`A@${servers.join(",")} ${name}`); return lookup(name); },
    };
    return dns;
}
