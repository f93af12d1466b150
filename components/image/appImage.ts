// AppImage: picks the AMI the app servers boot from. It mirrors the AMI part of the original
// Terraform "app" layer. A custom AMI in this region is used as is; one from another region is
// copied here (AMIs are regional, which is why the DR region needs its own copy); without a
// custom AMI the latest Amazon Linux 2023 image is read from its SSM public parameter.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { appImageProblems, imageSource } from "./validate";
import { assertValid } from "../validate";

/** Inputs of {@link AppImage}. */
export interface AppImageArgs {
    /**
     * A custom AMI. With `customAmiRegion` equal to this stack's region it is used as is; with
     * another region it is copied here. Must be set together with `customAmiRegion`; a plain
     * string must match `^ami-[0-9a-f]{8,17}$`. Default: none (the public image).
     */
    customAmiId?: pulumi.Input<string>;
    /** The region `customAmiId` lives in. Must be set together with `customAmiId`. Default: none. */
    customAmiRegion?: string;
    /** This stack's region (needed to decide between use-as-is and copy). */
    region: string;
    /**
     * KMS key for the copy's snapshots; default: the account's default EBS key. Only used when
     * the image is copied; the key must be in this region.
     * https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/CopyingAMIs.html#ami-copy-encryption
     */
    kmsKeyArn?: pulumi.Input<string>;
    /**
     * SSM public parameter for the default image. Default
     * "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64". Only used when
     * no custom AMI is given.
     * https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-public-parameters-ami.html
     */
    ssmParameterName?: string;
    /** Tags for the AMI copy, when one is made. Default: none. */
    tags?: Record<string, string>;
}

/** The SSM public parameter that names the latest Amazon Linux 2023 x86_64 AMI. */
export const DEFAULT_AMI_SSM_PARAMETER = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64";

/** The AMI for the app's launch template, in this stack's region. */
export class AppImage extends pulumi.ComponentResource {
    /** The AMI ID to launch, valid in this stack's region. */
    readonly imageId: pulumi.Output<string>;
    /** "custom" (used as is), "copy" (aws.ec2.AmiCopy from another region) or "public" (resolved from SSM). */
    readonly source: "custom" | "copy" | "public";

    constructor(name: string, args: AppImageArgs, opts?: pulumi.ComponentResourceOptions) {
        // Validate before registering anything, so a bad call leaves no orphan component behind.
        assertValid("AppImage", name, appImageProblems(args));
        super("pilot-light:image:AppImage", name, {}, opts);
        this.source = imageSource(args);

        if (this.source === "custom") {
            this.imageId = pulumi.output(args.customAmiId as pulumi.Input<string>);
        } else if (this.source === "copy") {
            // Encrypted so the copy's snapshots are never plaintext at rest, whatever the source's
            // encryption; without kmsKeyId EC2 uses the account's default EBS key in this region.
            const copy = new aws.ec2.AmiCopy(`${name}-copy`, {
                sourceAmiId: args.customAmiId as pulumi.Input<string>,
                sourceAmiRegion: args.customAmiRegion as string,
                encrypted: true,
                kmsKeyId: args.kmsKeyArn,
                description: pulumi.interpolate`${args.customAmiId} copied from ${args.customAmiRegion} for ${name}`,
                tags: { ...(args.tags ?? {}) },
            }, { parent: this });
            this.imageId = copy.id;
        } else {
            // The provider treats parameter values as sensitive (any parameter may be a
            // SecureString) and returns them secret; a public AMI ID is not, and a secret imageId
            // would hide launch-template diffs in every preview.
            const parameter = aws.ssm.getParameterOutput({
                name: args.ssmParameterName ?? DEFAULT_AMI_SSM_PARAMETER,
            }, { parent: this });
            this.imageId = pulumi.unsecret(parameter.value);
        }

        this.registerOutputs({ imageId: this.imageId, source: this.source });
    }
}
