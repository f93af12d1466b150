// ops/checkov/terraformPlan.ts: a stack plan as the Terraform plan JSON Checkov reads. The
// expected Terraform names are the provider's documented arguments (registry.terraform.io,
// hashicorp/aws: aws_db_instance, aws_s3_bucket_lifecycle_configuration `rule`/`transition`,
// aws_autoscaling_group `vpc_zone_identifier`/`tag`, aws_launch_template `block_device_mappings`,
// aws_cloudwatch_metric_alarm `alarm_name`), written out here, not derived from the converter.
import * as assert from "assert";
import type { RecordedResource } from "../../ops/offline/engine";
import type { StackPlan } from "../../ops/offline/planner";
import { singular, snake, toTerraformPlan } from "../../ops/checkov/terraformPlan";

function resource(type: string, name: string, inputs: Record<string, any>, propertyDependencies: Record<string, string[]> = {}): RecordedResource {
    return {
        urn: `urn:pulumi:prod::pilot-light::${type}::${name}`, type, name, custom: true, inputs, secretInputs: [], outputs: inputs,
        dependencies: Object.values(propertyDependencies).flat(), propertyDependencies, protect: false, retainOnDelete: false,
        deleteBeforeReplace: false, ignoreChanges: [], replaceOnChanges: [],
    };
}

function plan(resources: RecordedResource[]): StackPlan {
    return { project: "pilot-light", stack: "prod", region: "us-east-1", promote: false, config: {}, peers: [], resources, outputs: {}, secretOutputs: [] };
}

const KEY = resource("aws:kms/key:Key", "db-key", { enableKeyRotation: true });
const DB = resource("aws:rds/instance:Instance", "database-mysql", {
    storageEncrypted: true, kmsKeyId: "arn:aws:kms:us-east-1:123456789012:key/k", multiAz: true, iamDatabaseAuthenticationEnabled: false,
    enabledCloudwatchLogsExports: ["error", "slowquery"], tags: { Name: "db", "pilot-light:role": "primary" },
}, { kmsKeyId: [KEY.urn] });

describe("ops/checkov: a stack plan as a Terraform plan", () => {
    it("names inputs as Terraform does: snake_case, the singular of a repeated block", () => {
        assert.strictEqual(snake("iamDatabaseAuthenticationEnabled"), "iam_database_authentication_enabled");
        assert.strictEqual(snake("enableHttp2"), "enable_http2");
        assert.strictEqual(snake("ipv6CidrBlock"), "ipv6_cidr_block");
        assert.strictEqual(snake("cidrIpv4"), "cidr_ipv4");
        assert.strictEqual(singular("rules"), "rule");
        assert.strictEqual(singular("policies"), "policy");
        assert.strictEqual(singular("default_actions"), "default_action");
        assert.strictEqual(singular("ingress"), "ingress");
    });

    it("keeps attributes and maps, and references the resources an input came from", () => {
        const tf = toTerraformPlan(plan([KEY, DB]));
        assert.deepStrictEqual(tf.planned_values.root_module.resources[1], {
            address: "aws_db_instance.database-mysql", mode: "managed", type: "aws_db_instance", name: "database-mysql",
            provider_name: "registry.terraform.io/hashicorp/aws",
            values: {
                storage_encrypted: true, kms_key_id: "arn:aws:kms:us-east-1:123456789012:key/k", multi_az: true,
                iam_database_authentication_enabled: false, enabled_cloudwatch_logs_exports: ["error", "slowquery"],
                tags: { Name: "db", "pilot-light:role": "primary" },
            },
        });
        assert.deepStrictEqual(tf.configuration.root_module.resources[1].expressions, { kms_key_id: { references: ["aws_kms_key.db-key.id", "aws_kms_key.db-key"] } });
        assert.deepStrictEqual(tf.pilot_light.resources["aws_db_instance.database-mysql"], { urn: DB.urn, type: "aws:rds/instance:Instance" });
        assert.strictEqual(tf.terraform_version, "pulumi-terraform-bridge");
    });

    it("turns flattened blocks into lists of one and repeated blocks into their singular name", () => {
        const lifecycle = resource("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "media-lifecycle", {
            bucket: "media", rules: [{ id: "old", status: "Enabled", filter: {}, transitions: [{ days: 30, storageClass: "STANDARD_IA" }], noncurrentVersionExpiration: { noncurrentDays: 30 } }],
        });
        const asg = resource("aws:autoscaling/group:Group", "app-asg", {
            vpcZoneIdentifiers: ["subnet-a", "subnet-b"], launchTemplate: { id: "lt-1", version: "1" },
            tags: [{ key: "Name", value: "app", propagateAtLaunch: true }],
        });
        const template = resource("aws:ec2/launchTemplate:LaunchTemplate", "app-lt", {
            blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: "true" } }], metadataOptions: { httpTokens: "required" },
        });
        const alarm = resource("aws:cloudwatch/metricAlarm:MetricAlarm", "recover", { name: "recover-i-1", dimensions: { InstanceId: "i-1" } });
        const values = toTerraformPlan(plan([lifecycle, asg, template, alarm])).planned_values.root_module.resources.map((r) => r.values);
        assert.deepStrictEqual(values, [
            { bucket: "media", rule: [{ id: "old", status: "Enabled", filter: [{}], transition: [{ days: 30, storage_class: "STANDARD_IA" }], noncurrent_version_expiration: [{ noncurrent_days: 30 }] }] },
            { vpc_zone_identifier: ["subnet-a", "subnet-b"], launch_template: [{ id: "lt-1", version: "1" }], tag: [{ key: "Name", value: "app", propagate_at_launch: true }] },
            { block_device_mappings: [{ device_name: "/dev/xvda", ebs: [{ encrypted: "true" }] }], metadata_options: [{ http_tokens: "required" }] },
            { alarm_name: "recover-i-1", dimensions: { InstanceId: "i-1" } },
        ]);
    });

    it("leaves out components and the engine's types, names a type missing from the manifest by its module where that holds, lists the rest, and keeps addresses unique", () => {
        const component = { ...resource("pilot-light:app:App", "app", {}), custom: false };
        const stash = resource("pulumi:index:Stash", "ami", { input: "ami-1" });
        const unknown = resource("aws:made/up:Thing", "x", {});
        const derived = resource("aws:sns/topic:Topic", "alerts", { name: "alerts" });
        const twins = [resource("aws:kms/key:Key", "key", {}), resource("aws:kms/key:Key", "key", {})];
        const tf = toTerraformPlan(plan([component, stash, unknown, derived, ...twins]));
        assert.deepStrictEqual(tf.planned_values.root_module.resources.map((r) => r.address), ["aws_sns_topic.alerts", "aws_kms_key.key", "aws_kms_key.key_2"]);
        assert.deepStrictEqual(tf.pilot_light.unmapped, ["aws:made/up:Thing"]);
        assert.deepStrictEqual(tf.pilot_light.derived, ["aws:sns/topic:Topic"], "named by the module rule: aws_sns_topic");
    });
});
