// The IAM role every EC2 instance of this project runs with: assumable by EC2 only, the Session
// Manager core policy attached (operators get a shell through Session Manager: no key pair, no
// port 22), and its instance profile. Built here once for the app servers (components/app) and
// the HA patterns (components/ha); each adds its own inline policy to `role`.
// https://docs.aws.amazon.com/systems-manager/latest/userguide/setup-instance-permissions.html
//
// The children keep the names `${name}-role`, `${name}-ssm` and `${name}-profile` under the
// caller's component, as when each component built them itself, so their URNs are unchanged.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { servicePrincipal } from "./partition";

export interface InstanceRoleArgs {
    /** The role's description, e.g. `App servers of prod-app`. */
    description: string;
    /** The AWS partition (`aws`, `aws-cn`, `aws-us-gov`) from the provider, for the managed policy's ARN. */
    partition: pulumi.Input<string>;
    /** Tags of the role and the profile. */
    tags: Record<string, string>;
}

/** The role, its Session Manager attachment (depend on it before booting) and the instance profile. */
export function instanceRole(parent: pulumi.Resource, name: string, args: InstanceRoleArgs) {
    const role = new aws.iam.Role(`${name}-role`, {
        description: args.description,
        assumeRolePolicy: JSON.stringify({
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Principal: { Service: servicePrincipal("ec2") }, Action: "sts:AssumeRole" }],
        }),
        tags: args.tags,
    }, { parent });
    const ssm = new aws.iam.RolePolicyAttachment(`${name}-ssm`, {
        role: role.name,
        policyArn: pulumi.interpolate`arn:${args.partition}:iam::aws:policy/AmazonSSMManagedInstanceCore`,
    }, { parent });
    const profile = new aws.iam.InstanceProfile(`${name}-profile`, { role: role.name, tags: args.tags }, { parent });
    return { role, ssm, profile };
}
