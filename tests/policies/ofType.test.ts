// The pack matches resource types by token (policies/lib/ofType.ts) instead of importing
// @pulumi/aws, whose declarations made the CLI's type-checking start of the pack slow. The helper
// must behave as @pulumi/policy's validateResourceOfType does for the provider's class, and the
// tokens must be the provider's own.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { ResourceValidationArgs, ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { validateResourceOfToken } from "../../policies/lib/ofType";
import { T } from "../../policies/lib/resources";
import { evaluatePolicies } from "../../ops/policy/evaluate";
import { PROD_REGION, res } from "./support";

const INSTANCE = "aws:ec2/instance:Instance";

/** Arguments for a resource of `type`; `isType` answers as the server would for a class of INSTANCE. */
function argsFor(type: string, props: Record<string, unknown>, reasons: string[]): ResourceValidationArgs {
    return {
        type, props, urn: `urn:pulumi:prod::pilot-light::${type}::r`, name: "r", opts: {} as any, stackTags: new Map(),
        isType: () => type === INSTANCE,
        asType: () => undefined,
        getConfig: <C extends object>() => ({}) as C,
        notApplicable: (reason?: string): never => {
            reasons.push(String(reason));
            throw new Error("not applicable");
        },
    };
}

describe("validateResourceOfToken: @pulumi/policy's validateResourceOfType for a type token", () => {
    const seen: string[] = [];
    const validate = (props: { monitoring?: boolean }, args: ResourceValidationArgs): void => {
        seen.push(`${args.name} monitoring=${props.monitoring}`);
    };
    const ours = validateResourceOfToken(INSTANCE, validate);
    // The library reads only the class's `__pulumiType` (policy.js getPulumiType).
    const library = validateResourceOfType({ __pulumiType: INSTANCE } as any, validate);

    it("carries the token as __pulumiType, as the library does for the class", () => {
        assert.equal((ours as any).__pulumiType, INSTANCE);
        assert.equal((library as any).__pulumiType, INSTANCE);
    });

    it("validates a resource of the type with its props", () => {
        seen.length = 0;
        ours(argsFor(INSTANCE, { monitoring: true }, []), () => undefined);
        library(argsFor(INSTANCE, { monitoring: true }, []), () => undefined);
        assert.deepEqual(seen, ["r monitoring=true", "r monitoring=true"]);
    });

    it("calls notApplicable for any other type, with the library's reason", () => {
        seen.length = 0;
        const reasons: string[] = [];
        assert.throws(() => ours(argsFor("aws:ebs/volume:Volume", { monitoring: true }, reasons), () => undefined), /not applicable/);
        assert.throws(() => library(argsFor("aws:ebs/volume:Volume", { monitoring: true }, reasons), () => undefined), /not applicable/);
        assert.deepEqual(reasons, [
            "Policy only applies to resources of type 'aws:ec2/instance:Instance'",
            "Policy only applies to resources of type 'aws:ec2/instance:Instance'",
        ]);
        assert.deepEqual(seen, []);
    });

    it("reports the same findings as the library under the offline evaluator", async () => {
        const policy = (name: string, v: typeof ours): ResourceValidationPolicy => ({ name, description: name, enforcementLevel: "mandatory", validateResource: v });
        const report = (p: { monitoring?: boolean }, args: ResourceValidationArgs, rv: (m: string) => void): void => {
            if (p.monitoring !== true) rv(`${args.name} has basic monitoring`);
        };
        const resources = [res(INSTANCE, "web", { monitoring: false }), res(INSTANCE, "ok", { monitoring: true }), res("aws:ebs/volume:Volume", "data")];
        const found = await evaluatePolicies(resources, { stackRegion: PROD_REGION }, [
            policy("ours", validateResourceOfToken(INSTANCE, report)),
            policy("library", validateResourceOfType({ __pulumiType: INSTANCE } as any, report)),
        ]);
        assert.deepEqual(found.map((v) => `${v.policy}: ${v.message}`), ["ours: web has basic monitoring", "library: web has basic monitoring"]);
    });

    it("the tokens the pack validates by are @pulumi/aws's own __pulumiType", () => {
        // Loaded here only: the pack itself must not import the provider.
        // eslint-disable-next-line @typescript-eslint/no-var-requires
        const aws = require("@pulumi/aws");
        const classes: [string, any][] = [
            [T.instance, aws.ec2.Instance], [T.launchTemplate, aws.ec2.LaunchTemplate], [T.launchConfiguration, aws.ec2.LaunchConfiguration],
            [T.volume, aws.ebs.Volume], [T.securityGroup, aws.ec2.SecurityGroup], [T.securityGroupRule, aws.ec2.SecurityGroupRule],
            [T.ingressRule, aws.vpc.SecurityGroupIngressRule], [T.egressRule, aws.vpc.SecurityGroupEgressRule],
            [T.alarm, aws.cloudwatch.MetricAlarm], [T.asg, aws.autoscaling.Group], [T.loadBalancer, aws.lb.LoadBalancer],
            [T.lambdaFunction, aws.lambda.Function], [T.replicationGroup, aws.elasticache.ReplicationGroup], [T.db, aws.rds.Instance],
        ];
        for (const [token, cls] of classes) {
            assert.equal(token, cls.__pulumiType);
        }
    });

    it("no file of the pack imports @pulumi/aws", () => {
        const root = path.join(__dirname, "../../policies");
        const files = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
            e.isDirectory() ? (e.name === "node_modules" ? [] : files(path.join(dir, e.name)))
                : e.name.endsWith(".ts") ? [path.join(dir, e.name)] : []);
        const importing = files(root).filter((f) => /(from\s+|require\(|import\()\s*["']@pulumi\/aws["'/]/.test(fs.readFileSync(f, "utf8")));
        assert.deepEqual(importing.map((f) => path.relative(root, f)), []);
        const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
        assert.deepEqual(Object.keys(pkg.dependencies).sort(), ["@pulumi/policy", "@pulumi/pulumi"]);
    });
});
