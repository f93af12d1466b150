// Local stand-ins for endpoints that are down, for the fault-injection tests: a server that
// accepts connections and never answers (a region whose load balancers still take SYNs but
// whose service is gone), a port that refuses connections, and a helper that puts the real
// `send` back on SDK client classes that another test file has replaced with aws-sdk-client-mock
// (mockClient patches the class prototype, and mocha's root hooks keep it patched across files).
import * as net from "node:net";

/** A TCP server that accepts and holds every connection without a byte in reply. */
export interface SilentServer {
    url: string;
    /** Connections accepted so far (each SDK attempt opens one). */
    connections(): number;
    close(): Promise<void>;
}

export async function silentServer(): Promise<SilentServer> {
    const sockets = new Set<net.Socket>();
    let count = 0;
    const server = net.createServer((socket) => {
        count++;
        sockets.add(socket);
        socket.on("error", () => undefined);
        socket.on("close", () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as net.AddressInfo;
    return {
        url: `http://127.0.0.1:${port}`,
        connections: () => count,
        close: () => new Promise((resolve) => { for (const s of sockets) s.destroy(); server.close(() => resolve()); }),
    };
}

/** A URL on which nothing listens: connections are refused (ECONNREFUSED). */
export async function refusingUrl(): Promise<string> {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as net.AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    return `http://127.0.0.1:${port}`;
}

/**
 * For the tests in the enclosing describe, removes any stub on `send` of each class (so the SDK's
 * real `send` runs) and puts it back afterwards.
 */
export function useRealSend(...classes: Array<{ prototype: any }>): void {
    const saved: Array<PropertyDescriptor | undefined> = [];
    before(() => {
        classes.forEach((c, i) => {
            saved[i] = Object.getOwnPropertyDescriptor(c.prototype, "send");
            if (saved[i]) delete c.prototype.send;
        });
    });
    after(() => {
        classes.forEach((c, i) => { if (saved[i]) Object.defineProperty(c.prototype, "send", saved[i]!); });
    });
}

/** Sets dummy AWS credentials for the enclosing describe, so the SDK never looks for real ones (or IMDS). */
export function useDummyCredentials(): void {
    const keys = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"] as const;
    const saved: Record<string, string | undefined> = {};
    before(() => {
        for (const k of keys) saved[k] = process.env[k];
        process.env.AWS_ACCESS_KEY_ID = "AKIDEXAMPLE";
        process.env.AWS_SECRET_ACCESS_KEY = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
        delete process.env.AWS_SESSION_TOKEN;
        delete process.env.AWS_PROFILE;
    });
    after(() => {
        for (const k of keys) {
            if (saved[k] === undefined) delete process.env[k];
            else process.env[k] = saved[k];
        }
    });
}
