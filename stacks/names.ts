// Names the stacks give their top-level components that ops/ needs to find resources in state
// (a URN ends in the component's child name, which starts with the component's name). Kept in a
// module with no imports, so a runbook loads it without the Pulumi program. Renaming one changes
// every URN under it: the offline diff (ops/diff) would show the replacements.

/** The Database component of both roles (prod's primary, dr's replica). */
export const DATABASE_COMPONENT_NAME = "database";
