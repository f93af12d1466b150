// The site's TLS certificate: an ACM certificate for the domain, validated through DNS in the
// site's Route 53 zone. Part of the ALB layer of the original Terraform `app` folder.
//
// A function, not a component, so each caller keeps its own URNs: WebLoadBalancer creates it as
// its children (prod), and a dr stack creates it ahead of time under AppStandby
// (components/app/standby.ts). The validation record is a change in Route 53, whose control
// plane lives in one region of the partition (us-east-1 in `aws`), and the HTTPS listener waits
// for the certificate to be issued; neither may sit on dr's recovery path.
// https://docs.aws.amazon.com/whitepapers/latest/aws-fault-isolation-boundaries/global-services.html
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

/**
 * Creates `<name>-cert` (the certificate and its CertificateValidation waiter) and
 * `<name>-cert-validation` (the CNAME) under `parent`. Returns the validation's certificate ARN:
 * whatever uses it waits until the certificate is issued.
 */
export function validatedCertificate(name: string, domainName: string, hostedZoneId: string, tags: Record<string, string>,
    parent: pulumi.Resource): pulumi.Output<string> {
    const cert = new aws.acm.Certificate(`${name}-cert`, { domainName, validationMethod: "DNS", tags }, { parent });
    // One domain name, so exactly one validation option: index 0 is stable and no resource is
    // created inside an apply.
    const option = cert.domainValidationOptions[0];
    const validationRecord = new aws.route53.Record(`${name}-cert-validation`, {
        zoneId: hostedZoneId,
        name: option.resourceRecordName,
        type: option.resourceRecordType,
        records: [option.resourceRecordValue],
        ttl: 300,
        // ACM asks for the same CNAME for a domain in every region of an account, so the prod and
        // dr certificates share this record: the second stack adopts it, and deleting one stack's
        // certificate must leave it for the other's renewals.
        // https://docs.aws.amazon.com/acm/latest/userguide/dns-validation.html
        allowOverwrite: true,
    }, { parent, retainOnDelete: true });
    const validation = new aws.acm.CertificateValidation(`${name}-cert`, {
        certificateArn: cert.arn,
        validationRecordFqdns: [validationRecord.fqdn],
    }, { parent });
    return validation.certificateArn;
}
