// DNS as the runbooks check it: on the data plane. Route 53 answers DNS queries from its name
// servers worldwide, independently of its API (the control plane, homed in us-east-1), so a
// failover asks the zone's authoritative name servers directly (node:dns Resolver with
// setServers on their addresses) instead of calling TestDNSAnswer, which is a control-plane API
// call and is not offered in the AWS China regions either.
// https://docs.aws.amazon.com/whitepapers/latest/aws-fault-isolation-boundaries/global-services.html
// https://nodejs.org/api/dns.html#class-dnspromisesresolver
import { promises as dns } from "node:dns";
import { describeAwsError, findLoadBalancerByDns, loadBalancerAddresses, normaliseDns } from "./aws";
import { pollUntil, StepContext, waiting } from "./runner";

/** The DNS questions the runbooks ask. `systemDns` is the real one; tests point it at a local server. */
export interface DnsClient {
    /** NS records of `name` through the recursive resolver; [] when the name has none (ENODATA). */
    resolveNs(name: string): Promise<string[]>;
    /** A records of `name` through the recursive resolver. */
    resolve4(name: string): Promise<string[]>;
    /** A records of `name` asked of `servers` (addresses, `ip` or `ip:port`) only. */
    resolve4At(servers: string[], name: string): Promise<string[]>;
}

/**
 * node:dns with a per-query timeout and a bounded number of tries (the Resolver's `timeout` and
 * `tries` options), so a name server that does not answer cannot hang a step. `recursive`
 * replaces the system's resolvers (tests; or an operator's choice); `nameServerPort` is the port
 * the zone's name servers are asked on (53; the fault-injection tests run theirs on another).
 */
export function systemDns(opts: { timeoutMs?: number; tries?: number; recursive?: string[]; nameServerPort?: number } = {}): DnsClient {
    const make = (servers?: string[]) => {
        const r = new dns.Resolver({ timeout: opts.timeoutMs ?? 2_000, tries: opts.tries ?? 2 });
        if (servers) r.setServers(servers);
        return r;
    };
    return {
        async resolveNs(name) {
            try {
                return await make(opts.recursive).resolveNs(name);
            } catch (e: any) {
                if (e?.code === "ENODATA" || e?.code === "ENOTFOUND") return [];
                throw e;
            }
        },
        resolve4: (name) => make(opts.recursive).resolve4(name),
        resolve4At: (servers, name) => make(opts.nameServerPort === undefined ? servers
            : servers.map((ip) => (ip.includes(":") ? ip : `${ip}:${opts.nameServerPort}`))).resolve4(name),
    };
}

/** The zone that holds `domain` and its name servers' addresses. */
export interface AuthoritativeServers {
    zone: string;
    nameServers: string[];
    addresses: string[];
}

/**
 * Finds the closest enclosing zone of `domain` with NS records (www.example.com, then
 * example.com) and the IPv4 addresses of its name servers. For a Route 53 public zone these are
 * its four awsdns name servers. Throws when no zone is found or no name server resolves.
 */
export async function authoritativeServers(client: DnsClient, domain: string): Promise<AuthoritativeServers> {
    const labels = normaliseDns(domain).split(".");
    for (let i = 0; i < labels.length - 1; i++) {
        const zone = labels.slice(i).join(".");
        const nameServers = await client.resolveNs(zone);
        if (nameServers.length === 0) continue;
        const addresses: string[] = [];
        for (const ns of nameServers) {
            try {
                addresses.push(...await client.resolve4(ns));
            } catch {
                // One name server that does not resolve is not fatal; all of them is.
            }
        }
        if (addresses.length === 0) throw new Error(`none of the name servers of ${zone} (${nameServers.join(", ")}) resolves to an address`);
        return { zone, nameServers, addresses: [...new Set(addresses)] };
    }
    throw new Error(`no zone with NS records found for ${domain}; is the domain delegated to its Route 53 hosted zone?`);
}

/** What the authoritative servers answer for `domain` (A records), sorted; [] for no records. */
export async function authoritativeAnswer(client: DnsClient, servers: AuthoritativeServers, domain: string): Promise<string[]> {
    try {
        return (await client.resolve4At(servers.addresses, normaliseDns(domain))).sort();
    } catch (e: any) {
        if (e?.code === "ENODATA" || e?.code === "ENOTFOUND") return [];
        throw e;
    }
}

/**
 * Waits until the authoritative name servers answer `domain` with addresses of the load balancer
 * `albDnsName` in `region` only. The ALB's addresses are read fresh on each poll (they change as
 * it scales): its network interfaces (EC2 in its own region) and its own DNS name's answer.
 */
export async function waitDnsAnswers(ctx: StepContext, client: DnsClient, domain: string,
    target: { region: string; albDnsName: string; label: string }, timing: { timeoutMs: number; intervalMs: number }): Promise<string> {
    const lb = await findLoadBalancerByDns(target.region, target.albDnsName);
    let servers: AuthoritativeServers | undefined;
    return pollUntil(ctx, `${domain} to answer with ${target.label}`, async () => {
        try {
            servers ??= await authoritativeServers(client, domain);
        } catch (e) {
            return waiting(`cannot find the name servers of ${domain}: ${describeAwsError(e)}`);
        }
        let answer: string[];
        try {
            answer = await authoritativeAnswer(client, servers, domain);
        } catch (e) {
            return waiting(`the name servers of ${servers.zone} (${servers.addresses.join(", ")}) did not answer: ${describeAwsError(e)}`);
        }
        const expected = new Set(await loadBalancerAddresses(target.region, lb.LoadBalancerArn!).catch(() => new Set<string>()));
        for (const ip of await client.resolve4(target.albDnsName).catch(() => [] as string[])) expected.add(ip);
        if (answer.length > 0 && answer.every((ip) => expected.has(ip))) {
            return `${normaliseDns(domain)} → ${answer.join(", ")} (${target.label}), answered by ${servers.zone}'s name servers`;
        }
        return waiting(`${servers.zone}'s name servers answer ${answer.join(", ") || "(no records)"}; `
            + `${target.label} has ${[...expected].sort().join(", ") || "no addresses yet"}`);
    }, timing);
}
