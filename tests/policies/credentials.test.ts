// The database-credentials rules (issue 17, "credentials that never rotate, and too much
// privilege"): each case starts from the compliant prod stack with the database's two secrets,
// the app servers' role reading the app user's and the app-user function's role reading both,
// shows the policy passes, breaks one thing and asserts the exact violation.
import { strict as assert } from "assert";
import { compliantProd, DR_REGION, findings, link, PROD_REGION, res, Stack } from "./support";
import { CREDENTIAL_TAG as COMPONENT_TAG } from "../../components/database/credentials";
import { CREDENTIAL_TAG, MASTER_SECRET_ARN, secretReadResources } from "../../policies/secrets/databaseCredentials";

const SECRET = "aws:secretsmanager/secret:Secret";
const ROLE = "aws:iam/role:Role";
const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";
const MASTER_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:pilot-light-prod/db-credentials-AbCdEf";
const APP_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:pilot-light-prod/db-app-credentials-GhIjKl";
const trust = (service: string) => JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }] });
const reads = (...arns: string[]) => JSON.stringify({ Version: "2012-10-17", Statement: [{ Sid: "ReadAppSecrets", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: arns }] });

/** Prod with the two secrets, the servers' role (EC2) reading the app's and the function's role (Lambda) reading both. */
function withCredentials(): Stack {
    const s = compliantProd();
    const master = res(SECRET, "database-credentials", { name: "pilot-light-prod/db-credentials", tags: { [CREDENTIAL_TAG]: "database-master" } });
    const app = res(SECRET, "database-app-credentials", { name: "pilot-light-prod/db-app-credentials", tags: { [CREDENTIAL_TAG]: "database-app" } });
    const serversRole = res(ROLE, "app-servers-role", { assumeRolePolicy: trust("ec2.amazonaws.com") });
    const serversPolicy = res(ROLE_POLICY, "app-servers-app", { role: "app-servers-role", policy: reads(APP_ARN) });
    link(serversPolicy, "role", serversRole);
    link(serversPolicy, "policy", app);
    const fnRole = res(ROLE, "app-db-user-role", { assumeRolePolicy: trust("lambda.amazonaws.com") });
    const fnPolicy = res(ROLE_POLICY, "app-db-user-policy", { role: "app-db-user-role", policy: reads(MASTER_ARN, APP_ARN) });
    link(fnPolicy, "role", fnRole);
    link(fnPolicy, "policy", master, app);
    return s.add(master, app, serversRole, serversPolicy, fnRole, fnPolicy);
}

const POLICY = "app-uses-own-database-user";
const ADVICE = "the app servers must connect with the app's own user: grant its secret (pilot-light:credential=database-app) instead";

describe("app-uses-own-database-user", () => {
    it("uses the tag the database component sets", () => {
        assert.equal(CREDENTIAL_TAG, COMPONENT_TAG);
    });

    it("passes the servers reading the app user's secret and the app-user function (a Lambda role) reading the master's", async () => {
        assert.deepEqual(await findings(withCredentials(), PROD_REGION, POLICY), []);
    });

    it("fails an instance role whose policy reads the master secret, known by dependency (a preview: ARNs unknown)", async () => {
        const s = withCredentials();
        const policy = s.get("app-servers-app");
        policy.inputs.policy = reads("<unknown>", APP_ARN);
        link(policy, "policy", s.get("database-credentials"));
        assert.deepEqual(await findings(s, PROD_REGION, POLICY), [{ policy: POLICY, name: "app-servers-app",
            message: `instance role "app-servers-role" can read the database's master credentials (secret "database-credentials") through "app-servers-app"; ${ADVICE}` }]);
    });

    it("fails dr's standby role reading the master secret's replica, known by its name only", async () => {
        const s = withCredentials();
        const replica = MASTER_ARN.replace("us-east-1", DR_REGION);
        s.get("app-servers-app").inputs.policy = reads(replica);
        s.get("app-servers-app").propertyDependencies.policy = [];
        assert.deepEqual(await findings(s, DR_REGION, POLICY), [{ policy: POLICY, name: "app-servers-app",
            message: `instance role "app-servers-role" can read the database's master credentials (${replica}) through "app-servers-app"; ${ADVICE}` }]);
    });

    it("fails an instance role's inline policy, and a wildcard action that covers GetSecretValue", async () => {
        const s = withCredentials();
        s.add(res(ROLE, "legacy", {
            assumeRolePolicy: trust("ec2.amazonaws.com"),
            inlinePolicies: [{ name: "db", policy: JSON.stringify({ Statement: [{ Effect: "Allow", Action: ["secretsmanager:Get*"], Resource: MASTER_ARN }] }) }],
        }));
        assert.deepEqual(await findings(s, PROD_REGION, POLICY), [{ policy: POLICY, name: "legacy",
            message: `instance role "legacy" can read the database's master credentials (${MASTER_ARN}) through "legacy"; ${ADVICE}` }]);
    });

    it("reads only Allow statements whose action reads secret values", () => {
        const doc = { Statement: [
            { Effect: "Deny", Action: "secretsmanager:GetSecretValue", Resource: "a" },
            { Effect: "Allow", Action: "secretsmanager:DescribeSecret", Resource: "b" },
            { Effect: "Allow", Action: ["s3:GetObject", "secretsmanager:*"], Resource: ["c", "d"] },
            { Effect: "Allow", Action: "*", Resource: "e" },
        ] };
        assert.deepEqual(secretReadResources(JSON.stringify(doc)), ["c", "d", "e"]);
        assert.ok(MASTER_SECRET_ARN.test(MASTER_ARN));
        assert.ok(!MASTER_SECRET_ARN.test(APP_ARN), "the app user's secret is not the master's");
        assert.ok(MASTER_SECRET_ARN.test("arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:pilot-light-prod/db-credentials-AbCdEf"));
    });
});

describe("database-master-secret-rotation", () => {
    const ROTATION = "aws:secretsmanager/secretRotation:SecretRotation";
    const P = "database-master-secret-rotation";
    const NEVER = "secret \"database-credentials\" holds the database's master credentials and never rotates; "
        + "add an aws.secretsmanager.SecretRotation with a rotation function (components/database/masterRotation.ts)";
    /** The credentials stack with the master's rotation schedule, linked by secretId and function. */
    function rotating(rules: Record<string, unknown> = { automaticallyAfterDays: 30 }): Stack {
        const s = withCredentials();
        const fn = res("aws:lambda/function:Function", "app-db-rotation-fn", { runtime: "nodejs24.x" });
        const schedule = res(ROTATION, "app-db-rotation-schedule", { secretId: MASTER_ARN, rotationLambdaArn: "arn:aws:lambda:us-east-1:123456789012:function:rot", rotationRules: rules });
        link(schedule, "secretId", s.get("database-credentials"));
        link(schedule, "rotationLambdaArn", fn);
        return s.add(fn, schedule);
    }

    it("passes the master secret rotated every 30 days, and a schedule expression", async () => {
        assert.deepEqual(await findings(rotating(), PROD_REGION, P), []);
        assert.deepEqual(await findings(rotating({ scheduleExpression: "rate(10 days)" }), PROD_REGION, P), []);
    });

    it("fails the master secret without a schedule, or with one naming another secret", async () => {
        assert.deepEqual(await findings(withCredentials(), PROD_REGION, P), [{ policy: P, name: "database-credentials", message: NEVER }]);
        const s = rotating();
        s.get("app-db-rotation-schedule").propertyDependencies.secretId = [s.get("database-app-credentials").urn];
        assert.deepEqual(await findings(s, PROD_REGION, P), [{ policy: P, name: "database-credentials", message: NEVER }]);
    });

    it("fails a schedule longer than 90 days, and one without a function", async () => {
        assert.deepEqual(await findings(rotating({ automaticallyAfterDays: 365 }), PROD_REGION, P), [{ policy: P, name: "app-db-rotation-schedule",
            message: "rotation \"app-db-rotation-schedule\" of secret \"database-credentials\" rotates every 365 days; rotate at least every 90 days (rotationRules.automaticallyAfterDays 1 to 90)" }]);
        const s = rotating();
        delete s.get("app-db-rotation-schedule").inputs.rotationLambdaArn;
        s.get("app-db-rotation-schedule").propertyDependencies.rotationLambdaArn = [];
        assert.deepEqual(await findings(s, PROD_REGION, P), [{ policy: P, name: "app-db-rotation-schedule",
            message: "rotation \"app-db-rotation-schedule\" of secret \"database-credentials\" names no rotation function; set rotationLambdaArn" }]);
    });

    it("does not judge a stack whose database is a read replica (prod rebuilt from dr: the password cannot change there)", async () => {
        const s = withCredentials();
        s.get("db", "aws:rds/instance:Instance").inputs.replicateSourceDb = "arn:aws:rds:us-west-2:123456789012:db:pilot-light-dr";
        assert.deepEqual(await findings(s, PROD_REGION, P), []);
    });
});
