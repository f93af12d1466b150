// How the Database component names its RDS instance per generation: the logical name (the last
// segment of the instance's URN) and the DB identifier. Exported so that the runbooks (failback,
// retire) ask the component instead of rebuilding its names: a rename here moves the runbooks
// with it. Changing what these return changes URNs and replaces databases; the tests pin them.

/**
 * The instance's logical name: `<component>-mysql` for generation 1 (the URN a standby replica
 * keeps when promoted), `<component>-mysql-g<N>` from generation 2.
 */
export function databaseInstanceName(component: string, generation: number): string {
    return generation === 1 ? `${component}-mysql` : `${component}-mysql-g${generation}`;
}

/** The instance's DB identifier: `identifier` for generation 1, `<identifier>-g<N>` from generation 2. */
export function databaseInstanceIdentifier(identifier: string, generation: number): string {
    return generation === 1 ? identifier : `${identifier}-g${generation}`;
}

/**
 * The `identifier` argument a generation's DB identifier was made from: the identifier without
 * its `-g<N>` suffix (N from 2 to 99). `pl-prod-g3` → `pl-prod`; `pl-prod` → `pl-prod`.
 */
export function databaseIdentifierBase(instanceIdentifier: string): string {
    return instanceIdentifier.replace(/-g([2-9]|[1-9][0-9])$/, "");
}
