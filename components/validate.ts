// The one validation style of every component: pure `*Problems()` functions collect every
// problem as a sentence naming the argument, the bad value and what is allowed; the component
// calls `assertValid` before `super()`, so bad arguments register nothing and every problem
// is reported in one error. Facts several validators share (what a region is, what an RDS
// instance class looks like) live here once.
import { isAwsRegion } from "./regions";

export { isAwsRegion };

/**
 * Throws one error listing every problem: `<component> "<name>": invalid arguments:` and one
 * `  - <problem>` line each. `name` is left out for a plain function (`planSubnets: ...`).
 */
export function assertValid(component: string, name: string | undefined, problems: readonly string[]): void {
    if (problems.length > 0) {
        const subject = name === undefined ? component : `${component} "${name}"`;
        throw new Error(`${subject}: invalid arguments:\n  - ${problems.join("\n  - ")}`);
    }
}

/**
 * An RDS DB instance class: `db.<family>.<size>`, e.g. `db.t4g.medium`, `db.r6gd.xlarge`,
 * `db.m5d.24xlarge`. https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Concepts.DBInstanceClass.html
 */
export const DB_INSTANCE_CLASS_PATTERN = /^db\.[a-z0-9-]+\.[a-z0-9-]+$/;

