// Fake apps behind fake load balancers, for the runbooks' deep checks: what
// components/app/boot/deep-check.php answers (403 without the token, 503 naming a failed
// dependency, a marker written and read), an HTTP listener that only redirects when the ALB has
// a domain, and databases where a replica sees its source's markers only once replication has
// caught up. Every request is recorded.
import { GetSecretValueCommand } from "@aws-sdk/client-secrets-manager";
import type { AppHttp, AppRequest } from "../../../ops/runbooks/appCheck";
import type { AwsMocks } from "./fakeWorkspace";

/** A database: its own markers, or a read-only replica of `source` that lags by `lagReads` reads. */
export class FakeDb {
    readonly markers = new Map<string, string>();
    private reads = 0;
    constructor(readonly opts: { readOnly?: boolean; source?: FakeDb; lagReads?: number } = {}) {}

    get readOnly(): boolean {
        return this.opts.readOnly ?? false;
    }

    read(id: string): string | undefined {
        if (this.opts.source && this.reads++ >= (this.opts.lagReads ?? 0)) {
            for (const [k, v] of this.opts.source.markers) this.markers.set(k, v);
        }
        return this.markers.get(id);
    }
}

/** One app: the load balancer it is behind and what it answers. */
export interface FakeApp {
    token: string;
    db: FakeDb;
    /** The ALB serves HTTPS for this name; its HTTP listener redirects. */
    domainName?: string;
    /** Checks other than ok, e.g. { redis: "failed: cannot connect" }. */
    failing?: Record<string, string>;
}

export class FakeApps {
    readonly requests: AppRequest[] = [];
    private readonly apps = new Map<string, FakeApp>();

    /** Puts `app` behind `albDnsName`, and its token in Secrets Manager under `secretArn`. */
    add(aws: AwsMocks, albDnsName: string, secretArn: string, app: FakeApp): this {
        this.apps.set(albDnsName, app);
        aws.secrets.on(GetSecretValueCommand, { SecretId: secretArn })
            .resolves({ SecretString: JSON.stringify({ checkToken: app.token, adminPassword: "not-for-runbooks" }) });
        return this;
    }

    app(albDnsName: string): FakeApp {
        return this.apps.get(albDnsName)!;
    }

    /** "METHOD url" of every request, with the SNI name when there was one. */
    lines(): string[] {
        return this.requests.map((r) => `${r.method} ${r.url}${r.servername ? ` sni=${r.servername}` : ""}${r.body ? ` ${r.body}` : ""}`);
    }

    readonly send: AppHttp = async (request) => {
        this.requests.push(request);
        const url = new URL(request.url);
        const app = this.apps.get(url.hostname);
        if (!app) throw Object.assign(new Error(`connect ECONNREFUSED ${url.hostname}:80`), { code: "ECONNREFUSED" });
        if (app.domainName && url.protocol === "http:") return { status: 301, body: "" };
        if (url.protocol === "https:" && request.servername !== app.domainName) {
            throw new Error(`Hostname/IP does not match certificate's altnames: Host: ${request.servername ?? url.hostname}`);
        }
        if (request.headers["X-Pilot-Light-Token"] !== app.token) return { status: 403, body: JSON.stringify({ status: "forbidden" }) };
        const checks: Record<string, string> = { database: "ok", redis: "ok", media: "ok", ...(app.failing ?? {}) };
        let id = url.searchParams.get("marker") ?? "";
        if (request.method === "POST") {
            const form = new URLSearchParams(request.body ?? "");
            id = form.get("marker") ?? "";
            if (app.db.readOnly) checks.database = "failed: The MySQL server is running with the --read-only option";
            else if (checks.database === "ok") app.db.markers.set(id, form.get("value") ?? "");
        }
        const ok = Object.values(checks).every((v) => v === "ok");
        const value = checks.database === "ok" ? app.db.read(id) : undefined;
        return {
            status: ok ? 200 : 503,
            body: JSON.stringify({
                status: ok ? "ok" : "failed", php: "8.5.1", checks, readOnly: app.db.readOnly,
                marker: value === undefined ? null : { id, value, writtenAt: "2025-01-15 03:00:00.000" },
            }),
        };
    };
}
