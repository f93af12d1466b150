// The stack program logs with console.log/info (Pulumi's mock runtime prints log.info that
// way, and log.warn/error with console.error). Commands whose stdout is a report or JSON, and
// tests, redirect those while planning. One command plans several stacks (the reports compare
// prod, dr standby and dr promoted), so each line is labelled with the plan that printed it.
import { format } from "util";

/** Where the program's log lines go: stderr, nowhere, or a function given each line. */
export type LogSink = "stderr" | "silent" | ((line: string) => void);

/** The label of the plan running now, set by the planner (withLogLabel). */
let current = "";

/** Runs `fn` (one run of a program) with its log lines labelled `[label] `. */
export async function withLogLabel<T>(label: string, fn: () => Promise<T>): Promise<T> {
    const outer = current;
    current = label;
    try {
        return await fn();
    } finally {
        current = outer;
    }
}

/**
 * Runs `fn` with console.log, info, warn and error sent to `sink`, each call as one line with
 * the running plan's label in front: `"stderr"` keeps them visible without mixing them into
 * stdout; `"silent"` drops them.
 */
export async function withProgramLogs<T>(sink: LogSink, fn: () => Promise<T>): Promise<T> {
    const saved = { log: console.log, info: console.info, warn: console.warn, error: console.error };
    const write = sink === "stderr" ? (line: string) => process.stderr.write(`${line}\n`) : sink === "silent" ? () => undefined : sink;
    const to = (...args: unknown[]) => write(`${current ? `[${current}] ` : ""}${format(...args)}`);
    Object.assign(console, { log: to, info: to, warn: to, error: to });
    try {
        return await fn();
    } finally {
        Object.assign(console, saved);
    }
}
