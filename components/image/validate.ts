// Pure validation and mode selection for AppImage (the AMI part of the original Terraform "app"
// layer). No Pulumi resources here, so it is tested without the mock runtime.
import type * as pulumi from "@pulumi/pulumi";
import { isAwsRegion } from "../validate";

/** Where the app image comes from; see {@link imageSource}. */
export type ImageSource = "custom" | "copy" | "public";

/** The fields of AppImageArgs that decide and validate the image source. */
export interface ImageSourceArgs {
    customAmiId?: pulumi.Input<string>;
    customAmiRegion?: string;
    region: string;
    ssmParameterName?: string;
}

/** An AMI ID: `ami-` and 8 (older) or 17 hex digits. https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/resource-ids.html */
export const AMI_ID_PATTERN = /^ami-[0-9a-f]{8,17}$/;

function describe(value: unknown): string {
    return typeof value === "string" ? `"${value}"` : "set (as an output)";
}

/** Every problem with the image arguments; empty when they are valid. */
export function appImageProblems(args: ImageSourceArgs): string[] {
    const problems: string[] = [];
    if (!isAwsRegion(args.region)) {
        problems.push(`region ${describe(args.region)} is not an AWS region code such as "us-east-1"`);
    }
    const hasId = args.customAmiId !== undefined;
    const hasRegion = args.customAmiRegion !== undefined;
    if (hasRegion && !hasId) {
        problems.push(`customAmiRegion is "${args.customAmiRegion}" but customAmiId is not set;`
            + " set both to use a custom AMI, or neither for the public image");
    }
    if (hasId && !hasRegion) {
        problems.push(`customAmiId is ${describe(args.customAmiId)} but customAmiRegion is not set;`
            + " set both to use a custom AMI, or neither for the public image");
    }
    if (typeof args.customAmiId === "string" && !AMI_ID_PATTERN.test(args.customAmiId)) {
        problems.push(`customAmiId "${args.customAmiId}" is not an AMI ID (ami- followed by 8 to 17 lowercase hex digits)`);
    }
    if (hasRegion && !isAwsRegion(args.customAmiRegion)) {
        problems.push(`customAmiRegion "${args.customAmiRegion}" is not an AWS region code such as "us-east-1"`);
    }
    if (args.ssmParameterName !== undefined && args.ssmParameterName.trim() === "") {
        problems.push("ssmParameterName is empty; leave it unset for the Amazon Linux 2023 default");
    }
    return problems;
}

/**
 * Which way the image is obtained: "custom" when the custom AMI lives in this region, "copy"
 * when it lives in another (AMIs are regional, so it must be copied), "public" otherwise.
 * Assumes {@link appImageProblems} found nothing.
 */
export function imageSource(args: ImageSourceArgs): ImageSource {
    if (args.customAmiId === undefined) {
        return "public";
    }
    return args.customAmiRegion === args.region ? "custom" : "copy";
}
