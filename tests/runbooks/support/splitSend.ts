// The AWS side of the fault-injection tests. Every SDK client the runbooks make goes through
// clients.ts, whose endpoint hook (setClientPolicy) the tests use to send prod's region and the
// global control planes to a local server that never answers or refuses. Those clients keep the
// SDK's real `send` (HTTP handler, timeouts, retries, abort), so they fail as they would in an
// outage. Every other client, dr's region, is answered here in process by `answers`, with the
// SDK output shapes the real APIs return (the same shapes aws-sdk-client-mock stubs use in the
// other runbook tests). A call on the dr side with no answer fails the test loudly.
//
// The split is by what the client was built with: a client whose endpoint was overridden
// (`config.isCustomEndpoint`, set by the SDK when `endpoint` is given) goes to the network.

/** One answer: the command's input and the client's region in, the SDK output out (or a throw). */
export type Answer = (input: any, region: string) => unknown;

/** What happened, in order: "dr <Service> <Command> <region>" and "net <Service> <Command> <region>". */
export interface SplitSend {
    log: string[];
    /** Replaces the answers (per test). */
    answer(answers: Record<string, Answer>): void;
}

/** A class as the SDK declares its clients; `name` gives the service ("RDSClient" → "RDS"). */
type ClientClass = { name: string; prototype: any };

/**
 * For the enclosing describe: every `send` of `classes` is split as above, and whatever `send`
 * was there before (the real one, or aws-sdk-client-mock's stub installed by another file's root
 * hook) is put back afterwards.
 */
export function useSplitSend(...classes: ClientClass[]): SplitSend {
    let answers: Record<string, Answer> = {};
    const split: SplitSend = { log: [], answer: (a) => { answers = a; } };
    const saved: Array<PropertyDescriptor | undefined> = [];
    before(() => {
        classes.forEach((Client, i) => {
            saved[i] = Object.getOwnPropertyDescriptor(Client.prototype, "send");
            // The smithy Client's send, which every service client inherits: the real network path.
            const realSend = Object.getPrototypeOf(Client.prototype).send;
            const service = Client.name.replace(/Client$/, "");
            Object.defineProperty(Client.prototype, "send", {
                configurable: true, writable: true,
                value: async function (this: any, command: any, ...rest: any[]) {
                    const region = await this.config.region();
                    const name = command.constructor.name.replace(/Command$/, "");
                    if (this.config.isCustomEndpoint) {
                        split.log.push(`net ${service} ${name} ${region}`);
                        return realSend.call(this, command, ...rest);
                    }
                    split.log.push(`dr ${service} ${name} ${region}`);
                    const answer = answers[name];
                    if (!answer) throw new Error(`the dr side has no answer for ${service} ${name} in ${region}`);
                    return structuredClone(await answer(command.input, region));
                },
            });
        });
    });
    after(() => {
        classes.forEach((Client, i) => {
            delete Client.prototype.send;
            if (saved[i]) Object.defineProperty(Client.prototype, "send", saved[i]!);
        });
    });
    return split;
}
