// Which key encrypts each secret of the committed stacks (Checkov CKV_AWS_149): the app tier's
// own secrets use the region's database CMK, the one the app servers may already decrypt
// with (without a key, tests/components/appCache.test.ts: the AWS-managed key).
import { strict as assert } from "assert";
import type { StackPlan } from "../../ops/offline/planner";
import { memoPlan } from "../support/plans";

const SECRET = "aws:secretsmanager/secret:Secret";
const KEY = "aws:kms/key:Key";

function one(plan: StackPlan, type: string, name: string) {
    const found = plan.resources.filter((r) => r.type === type && r.name === name);
    assert.equal(found.length, 1, `${type} ${name}`);
    return found[0];
}

describe("stacks: the app tier's secrets are encrypted with the database's CMK", function () {
    this.timeout(300000);

    it("prod: the app secret and the Redis AUTH token use prod's database key, as the credentials do", async () => {
        const prod = await memoPlan({ stack: "prod" });
        const key: string = one(prod, KEY, "database-kms-key").outputs.arn;
        assert.match(key, /^arn:aws:kms:us-east-1:/);
        for (const name of ["app-app-secret", "app-cache-auth-token", "database-credentials"]) {
            assert.equal(one(prod, SECRET, name).inputs.kmsKeyId, key, name);
        }
    });

    it("dr, standby and promoted: the secrets made in standby use dr's database key, unchanged by promotion", async () => {
        for (const promote of [false, true]) {
            const dr = await memoPlan({ stack: "dr", promote });
            const key: string = one(dr, KEY, "database-kms-key").outputs.arn;
            assert.match(key, /^arn:aws:kms:us-west-2:/);
            for (const name of ["app-standby-app-secret", "app-standby-cache-auth-token"]) {
                assert.equal(one(dr, SECRET, name).inputs.kmsKeyId, key, `${name} (promote ${promote})`);
            }
        }
    });
});
