// The stack program logs with console.log/info (Pulumi's mock runtime prints log.info that
// way). Commands whose stdout is a report or JSON, and tests, redirect those while planning.

/**
 * Runs `fn` with console.log and console.info sent to `sink`: `"stderr"` keeps them visible
 * without mixing them into stdout; `"silent"` drops them.
 */
export async function withProgramLogs<T>(sink: "stderr" | "silent", fn: () => Promise<T>): Promise<T> {
    const log = console.log;
    const info = console.info;
    const to = sink === "stderr" ? console.error : () => undefined;
    console.log = to;
    console.info = to;
    try {
        return await fn();
    } finally {
        console.log = log;
        console.info = info;
    }
}
