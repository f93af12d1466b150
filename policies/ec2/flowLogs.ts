// Every VPC has a flow log: without one, traffic in and out of the network (a compromised
// server calling out, a scan of the subnets) leaves no trace to investigate.
// https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs.html
import { StackValidationPolicy } from "@pulumi/policy";
import { q } from "../lib/resources";

const VPC = "aws:ec2/vpc:Vpc";
const FLOW_LOG = "aws:ec2/flowLog:FlowLog";

export const vpcFlowLogsEnabled: StackValidationPolicy = {
    name: "vpc-flow-logs-enabled",
    description: "Every VPC has a flow log attached through its vpcId (Checkov CKV2_AWS_11, AWS Config vpc-flow-logs-enabled; "
        + "Trivy AVD-AWS-0178).",
    enforcementLevel: "mandatory",
    validateStack: (args, reportViolation) => {
        // By dependency, not by ID: a preview does not know the VPC's ID yet.
        const covered = new Set(args.resources.filter((r) => r.type === FLOW_LOG)
            .flatMap((f) => (f.propertyDependencies.vpcId ?? []).map((d) => d.urn)));
        for (const vpc of args.resources.filter((r) => r.type === VPC)) {
            if (!covered.has(vpc.urn)) {
                reportViolation(`VPC ${q(vpc.name)} has no flow log; add an aws.ec2.FlowLog with its vpcId (components/logs/flowLogs.ts)`, vpc.urn);
            }
        }
    },
};
