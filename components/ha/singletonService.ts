// SingletonService: one stateful server (the source's Jenkins) made highly available by the
// pattern the stack chooses. It validates the shared arguments and builds that pattern as its
// only child. Switching `mode` replaces the server: snapshot its data first (docs/ha-patterns.md).
//
// | mode                 | RTO       | RPO                              | AZ failure | cost (t3.small, us-east-1) |
// |----------------------|-----------|----------------------------------|------------|----------------------------|
// | recoverable-instance | ≈ 10 min  | 0 (same EBS volumes)             | no         | lowest                     |
// | multi-az-asg         | ≈ 10 min  | local state lost (stateless)     | yes        | same                       |
// | multi-az-asg-ebs     | ≈ 10–15 min | 0 clean / ≤ 1 h (DLM) unclean  | yes        | + snapshots                |
// | standby-failover     | ≈ 5–10 min | standby's own data (stateless) | yes        | + standby volumes          |
import * as pulumi from "@pulumi/pulumi";
import { MultiAzSingletonAsg } from "./multiAzAsg";
import { RecoverableInstance } from "./recoverableInstance";
import { commonProblems, recoverabilityProblems, subnetProblems } from "./recoverability";
import { assertValid } from "../validate";
import { StandbyFailover } from "./standby/standbyFailover";
import type { HaCommonArgs } from "./args";
import { SINGLETON_MODES, SingletonMode } from "./modes";

export { SINGLETON_MODES };
export type { SingletonMode };

export interface SingletonServiceArgs extends HaCommonArgs {
    /** The HA pattern; see the table above. Required. */
    mode: SingletonMode;
    /** Public subnets keyed by AZ name, at least 2 AZs (the instance has an Elastic IP, so it sits in a public subnet). */
    subnets: { az: string; subnetId: pulumi.Input<string> }[];
    /**
     * Instance type. Defaults to `"t3.small"`. For `recoverable-instance` and `standby-failover`
     * it must be recoverable by the CloudWatch recover action (a family in
     * policies/lib/recoverableTypes.ts, EBS only unless AWS supports the family with instance store):
     * https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/cloudwatch-recovery.html
     */
    instanceType: string;
}

/** Every problem with the arguments for their mode (exported for the config module and tests). */
export function singletonServiceProblems(args: SingletonServiceArgs): string[] {
    const problems: string[] = [];
    if (!SINGLETON_MODES.includes(args.mode)) {
        problems.push(`mode "${args.mode}": must be one of ${SINGLETON_MODES.join(", ")}`);
    }
    const instanceType = args.instanceType ?? "t3.small";
    const tenancy = args.tenancy ?? "default";
    if (args.mode === "recoverable-instance" || args.mode === "standby-failover") {
        problems.push(...recoverabilityProblems(instanceType, tenancy));
    } else if (tenancy !== "default" && tenancy !== "dedicated") {
        problems.push(`tenancy "${tenancy}": must be "default" or "dedicated"`);
    }
    problems.push(...subnetProblems(args.subnets, 2), ...commonProblems(args));
    return problems;
}

export class SingletonService extends pulumi.ComponentResource {
    readonly mode: SingletonMode;
    readonly publicIp: pulumi.Output<string>;
    readonly elasticIpAllocationId: pulumi.Output<string>;

    constructor(name: string, args: SingletonServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        assertValid("SingletonService", name, singletonServiceProblems(args));
        super("pilot-light:ha:SingletonService", name, {}, opts);
        const common = {
            vpcId: args.vpcId, imageId: args.imageId, instanceType: args.instanceType ?? "t3.small",
            tenancy: args.tenancy ?? "default", servicePort: args.servicePort, allowedCidrs: args.allowedCidrs ?? [],
            dataVolumeGb: args.dataVolumeGb ?? 20, recoverEvaluationPeriods: args.recoverEvaluationPeriods,
            notificationTopicArn: args.notificationTopicArn, snapshotCopy: args.snapshotCopy, tags: args.tags ?? {},
        };
        const child = `${name}-${args.mode}`;
        let pattern: RecoverableInstance | MultiAzSingletonAsg | StandbyFailover;
        switch (args.mode) {
            case "recoverable-instance":
                // One AZ by nature: the first subnet's.
                pattern = new RecoverableInstance(child, { ...common, subnet: args.subnets[0] }, { parent: this });
                break;
            case "multi-az-asg":
                pattern = new MultiAzSingletonAsg(child, { ...common, subnets: args.subnets }, { parent: this });
                break;
            case "multi-az-asg-ebs":
                pattern = new MultiAzSingletonAsg(child, { ...common, subnets: args.subnets, ebsState: true }, { parent: this });
                break;
            case "standby-failover":
                pattern = new StandbyFailover(child, { ...common, subnets: args.subnets }, { parent: this });
                break;
        }
        this.mode = args.mode;
        this.publicIp = pattern.publicIp;
        this.elasticIpAllocationId = pattern.elasticIpAllocationId;
        this.registerOutputs({ mode: this.mode, publicIp: this.publicIp, elasticIpAllocationId: this.elasticIpAllocationId });
    }
}

export { recoverabilityProblems };
