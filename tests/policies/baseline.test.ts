// The compliant baselines the other policy tests break one property at a time.
import { strict as assert } from "assert";
import { compliantDrStandby, compliantProd, DR_REGION, findings, PROD_REGION } from "./support";

describe("policy baselines", () => {
    it("a compliant prod stack has no violations", async () => {
        assert.deepEqual(await findings(compliantProd(), PROD_REGION), []);
    });

    it("a compliant dr standby stack has no violations", async () => {
        assert.deepEqual(await findings(compliantDrStandby(), DR_REGION), []);
    });
});
