// The Database component's instance names per generation: the logical name (the end of the
// instance's URN) and the DB identifier. The runbooks import these instead of rebuilding them,
// so they are pinned here by literal: a change would move URNs and replace databases.
import { strict as assert } from "assert";
import { databaseIdentifierBase, databaseInstanceIdentifier, databaseInstanceName } from "../../components/database";
import { instanceLogicalName, generationIdentifier } from "../../ops/runbooks/failback/plans";
import { DATABASE_COMPONENT_NAME } from "../../stacks/names";

describe("components: database instance naming", () => {
    it("generation 1 keeps the original names; later generations add -g<N>", () => {
        assert.equal(databaseInstanceName("database", 1), "database-mysql");
        assert.equal(databaseInstanceName("database", 2), "database-mysql-g2");
        assert.equal(databaseInstanceName("db", 99), "db-mysql-g99");
        assert.equal(databaseInstanceIdentifier("pilot-light-prod", 1), "pilot-light-prod");
        assert.equal(databaseInstanceIdentifier("pilot-light-prod", 12), "pilot-light-prod-g12");
    });

    it("the base identifier strips only a generation suffix from 2 to 99", () => {
        assert.equal(databaseIdentifierBase("pilot-light-prod-g2"), "pilot-light-prod");
        assert.equal(databaseIdentifierBase("pilot-light-prod-g99"), "pilot-light-prod");
        assert.equal(databaseIdentifierBase("pilot-light-prod"), "pilot-light-prod");
        assert.equal(databaseIdentifierBase("pilot-light-prod-g1"), "pilot-light-prod-g1", "generation 1 has no suffix");
        assert.equal(databaseIdentifierBase("pilot-light-prod-g100"), "pilot-light-prod-g100");
    });

    it("the runbooks' names are the stacks' Database component's (URNs end in database-mysql[-gN])", () => {
        assert.equal(DATABASE_COMPONENT_NAME, "database");
        assert.equal(instanceLogicalName(1), "database-mysql");
        assert.equal(instanceLogicalName(3), "database-mysql-g3");
        assert.equal(generationIdentifier("pilot-light-dr-g2", 3), "pilot-light-dr-g3");
    });
});
