// Every Application Load Balancer writes access logs: without them there is nothing to
// investigate an attack or an outage with.
import { ResourceValidationPolicy } from "@pulumi/policy";
import { validateResourceOfToken } from "../lib/ofType";
import { q, T } from "../lib/resources";

/** What the policy reads of an aws.lb.LoadBalancer's inputs. */
interface LoadBalancerProps {
    loadBalancerType?: string;
    accessLogs?: { enabled?: boolean };
}

export const albAccessLogs: ResourceValidationPolicy = {
    name: "alb-access-logs",
    description: "Every Application Load Balancer has access logs enabled to an S3 bucket (Checkov CKV_AWS_91, "
        + "AWS Config elb-logging-enabled; Trivy has no equivalent).",
    enforcementLevel: "mandatory",
    validateResource: validateResourceOfToken<LoadBalancerProps>(T.loadBalancer, (lb, args, reportViolation) => {
        if ((lb.loadBalancerType ?? "application") !== "application") return;
        // Only `enabled`, as Checkov reads it: the provider requires accessLogs.bucket, and reading
        // it would make the policy unknown in a preview before the log bucket exists.
        if (lb.accessLogs?.enabled !== true) {
            reportViolation(`load balancer ${q(args.name)} writes no access logs; set accessLogs.enabled to true and accessLogs.bucket`);
        }
    }),
};
