// The Pulumi SDK formats a stack trace for every promise it tracks, to print it if the promise
// leaks; it prints those traces only when PULUMI_DEBUG_PROMISE_LEAKS is set. Offline plans run
// the SDK in-process for every stack and configuration, and formatting those traces was the
// largest single cost of planning (about a sixth of the test suite's time). Without the variable,
// the offline engine lets the SDK track its promises exactly as before but skips capturing the
// traces nobody prints; with it, nothing changes.
//
// From @pulumi/pulumi 3.248.0, runtime/debuggable.js (read in node_modules, the pinned version):
// - `debugPromiseLeaks = !!process.env.PULUMI_DEBUG_PROMISE_LEAKS`, read once at load;
// - `debuggablePromise(p, ctx)` stores `new Error().stack` in p._debugStackTrace and adds p to the
//   leak candidates; callers reach it through the module's exports (`debuggable_1.debuggablePromise`);
// - `leakedPromises()` reads `_debugStackTrace` (through promiseDebugString) only when
//   debugPromiseLeaks is true; otherwise its message is the same fixed text.

/** The SDK's module, typed for what this file touches. */
interface Debuggable {
    debugPromiseLeaks: boolean;
    debuggablePromise<T>(p: Promise<T>, ctx: unknown): Promise<T>;
}

const debuggable: Debuggable = require("@pulumi/pulumi/runtime/debuggable");
const MARK = Symbol.for("pilot-light:lazy-promise-stacks");

/** True when the SDK's promise tracking runs without capturing stack traces (the variable is unset). */
export function promiseStacksSkipped(): boolean {
    return MARK in debuggable.debuggablePromise;
}

if (!debuggable.debugPromiseLeaks && !promiseStacksSkipped()) {
    const sdk = debuggable.debuggablePromise;
    const tracked = function debuggablePromise<T>(p: Promise<T>, ctx: unknown): Promise<T> {
        const limit = Error.stackTraceLimit;
        // `new Error().stack` with no frames is the string "Error"; the SDK's own code runs unchanged.
        Error.stackTraceLimit = 0;
        try {
            return sdk(p, ctx);
        } finally {
            Error.stackTraceLimit = limit;
        }
    };
    Object.defineProperty(tracked, MARK, { value: true });
    debuggable.debuggablePromise = tracked;
}
