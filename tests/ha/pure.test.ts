// Pure parts of the HA patterns: recoverability and argument validators (exact messages), and
// the generated user data, checked with shellcheck.
import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { commonProblems, recoverabilityProblems, subnetProblems } from "../../components/ha/recoverability";
import { SINGLETON_MODES, singletonServiceProblems } from "../../components/ha/singletonService";
import { EVERY_BOOT_CLOUD_CONFIG, singletonBootScript, singletonUserData } from "../../components/ha/userData";
import { assertShellcheckClean, SHELLCHECK_USED } from "../support/shellcheck";

describe("ha: recoverabilityProblems", () => {
    it("accepts recoverable types, metal sizes included, with default or dedicated tenancy", () => {
        for (const type of ["t3.small", "m5.large", "c6i.xlarge", "r7i.2xlarge", "t4g.medium", "m7i-flex.large", "m7i.large", "c5.metal", "u-6tb1.112xlarge"]) {
            assert.deepEqual(recoverabilityProblems(type, "default"), [], type);
        }
        assert.deepEqual(recoverabilityProblems("m5.large", "dedicated"), []);
    });

    it("accepts the instance-store families AWS recovers with their instance store (x2idn), and refuses the others, naming the EBS-only sibling", () => {
        assert.deepEqual(recoverabilityProblems("x2idn.16xlarge", "default"), []);
        assert.deepEqual(recoverabilityProblems("m5d.large", "default"), [
            'instanceType "m5d.large": family "m5d" has instance store volumes, which the recover action supports only on m3, c3, r3, x1, x1e, x2idn, x2iedn; use an EBS-only family (e.g. "m5")',
        ]);
        assert.deepEqual(recoverabilityProblems("i3.large", "default"), [
            'instanceType "i3.large": family "i3" has instance store volumes, which the recover action supports only on m3, c3, r3, x1, x1e, x2idn, x2iedn; use an EBS-only family (e.g. "t3", "m7i")',
        ]);
    });

    it("rejects host tenancy and unknown families, collecting every problem", () => {
        assert.deepEqual(recoverabilityProblems("t3.small", "host"), [
            'tenancy "host": must be "default" or "dedicated" for EC2 recovery (Dedicated Hosts use host recovery instead)',
        ]);
        assert.deepEqual(recoverabilityProblems("z1x.large", "host"), [
            'instanceType "z1x.large": family "z1x" is not one the recover action supports (AWS\'s list as read 2026-12-01: https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/cloudwatch-recovery.html#requirements-for-cloudwatch-action-based-recovery)',
            'tenancy "host": must be "default" or "dedicated" for EC2 recovery (Dedicated Hosts use host recovery instead)',
        ]);
        assert.deepEqual(recoverabilityProblems("large", "default"), ['instanceType "large": expected <family>.<size>, e.g. "t3.small"']);
    });
});

describe("ha: shared argument validators", () => {
    it("needs two distinct AZs", () => {
        assert.deepEqual(subnetProblems([{ az: "us-east-1a" }], 2), ["subnets: need at least 2 AZs, got 1"]);
        assert.deepEqual(subnetProblems([{ az: "us-east-1a" }, { az: "us-east-1a" }], 2), [
            "subnets: one subnet per AZ; repeated: us-east-1a", "subnets: need at least 2 AZs, got 1",
        ]);
    });

    it("refuses SSH, bad CIDRs, sizes and periods", () => {
        assert.deepEqual(commonProblems({ servicePort: 22, allowedCidrs: ["0.0.0.0/0", "10.0.0.0/33"], dataVolumeGb: 0, recoverEvaluationPeriods: 1.5 }), [
            "servicePort 22: SSH/RDP must not be exposed; use Session Manager",
            'allowedCidrs "10.0.0.0/33": not an IPv4 CIDR such as "203.0.113.0/24"',
            "dataVolumeGb 0: must be an integer from 1 to 16384 (gp3 limits)",
            "recoverEvaluationPeriods 1.5: must be an integer from 1 to 60",
        ]);
    });

    it("validates the instance type only for the modes that rely on EC2 recovery", () => {
        const subnets = [{ az: "us-east-1a", subnetId: "subnet-a" }, { az: "us-east-1b", subnetId: "subnet-b" }];
        const base = { vpcId: "vpc-1", subnets, imageId: "ami-1", instanceType: "m5d.large" };
        assert.deepEqual(SINGLETON_MODES, ["recoverable-instance", "multi-az-asg", "multi-az-asg-ebs", "standby-failover"]);
        assert.equal(singletonServiceProblems({ ...base, mode: "recoverable-instance" }).length, 1);
        assert.equal(singletonServiceProblems({ ...base, mode: "standby-failover" }).length, 1);
        assert.deepEqual(singletonServiceProblems({ ...base, mode: "multi-az-asg" }), []);
        assert.deepEqual(singletonServiceProblems({ ...base, mode: "multi-az-asg-ebs", tenancy: "host" }), [
            'tenancy "host": must be "default" or "dedicated"',
        ]);
        assert.deepEqual(singletonServiceProblems({ ...base, mode: "bogus" as any }), [
            'mode "bogus": must be one of recoverable-instance, multi-az-asg, multi-az-asg-ebs, standby-failover',
        ]);
    });
});

describe("ha: user data", () => {
    it(`pattern 2: moves the EIP to itself with an IMDSv2 token and --allow-reassociation (${SHELLCHECK_USED})`, async () => {
        const script = singletonBootScript({ elasticIpAllocationId: "eipalloc-0123456789abcdef0", serviceUnit: "jenkins" });
        await assertShellcheckClean(script, "user-data.sh");
        assert.match(script, /X-aws-ec2-metadata-token-ttl-seconds/);
        assert.match(script, /imds instance-id/);
        assert.match(script, /imds placement\/region/);
        assert.match(script, /aws ec2 associate-address --region "\$region" --allocation-id "eipalloc-0123456789abcdef0" \\\n\s+--instance-id "\$instance_id" --allow-reassociation/);
        assert.doesNotMatch(script, /mount_data_volume$/m);
        assert.doesNotMatch(script, /password|secret.?access|AKIA[0-9A-Z]{16}/i);
    });

    it(`pattern 3: waits for the (NVMe-renamed) data device before mounting and starting the service (${SHELLCHECK_USED})`, async () => {
        const script = singletonBootScript({
            elasticIpAllocationId: "eipalloc-0123456789abcdef0",
            dataVolume: { deviceName: "/dev/sdf", mountPath: "/var/lib/jenkins", waitSeconds: 900 },
            serviceUnit: "jenkins",
        });
        await assertShellcheckClean(script, "user-data.sh");
        assert.match(script, /ebsnvme-id -b "\$dev"/);
        assert.match(script, /nvme id-ctrl -v "\$dev"/);
        assert.match(script, /deadline=\$\(\( \$\(date \+%s\) \+ 900 \)\)/);
        const order = ["attach_elastic_ip", "mount_data_volume", "start_service"].map((s) => script.lastIndexOf(`\n${s}\n`));
        assert.ok(order.every((i, k) => i > 0 && (k === 0 || i > order[k - 1])), `steps out of order: ${order}`);
    });

    it("is a MIME archive of a cloud-config that runs the user scripts at every boot, and the boot script", () => {
        const options = { dataVolume: { deviceName: "/dev/sdf", mountPath: "/var/lib/jenkins", waitSeconds: 600 }, serviceUnit: "jenkins" };
        const mime = singletonUserData(options);
        const boundary = /^Content-Type: multipart\/mixed; boundary="([^"]+)"\nMIME-Version: 1\.0\n\n/.exec(mime)?.[1];
        assert.ok(boundary, mime.slice(0, 120));
        assert.ok(mime.endsWith(`\n--${boundary}--\n`));
        const parts = mime.split(`--${boundary}`).slice(1, -1).map((p) => {
            const [head, ...body] = p.replace(/^\n/, "").split("\n\n");
            return { type: /Content-Type: ([^;]+);/.exec(head)?.[1], body: body.join("\n\n").replace(/\n+$/, "") };
        });
        assert.deepEqual(parts.map((p) => p.type), ["text/cloud-config", "text/x-shellscript"]);
        assert.equal(parts[0].body, "#cloud-config\ncloud_final_modules:\n- [scripts-user, always]");
        assert.equal(EVERY_BOOT_CLOUD_CONFIG, "#cloud-config\ncloud_final_modules:\n- [scripts-user, always]\n");
        assert.equal(parts[1].body, singletonBootScript(options).replace(/\n+$/, ""));
        assert.ok(Buffer.byteLength(mime) < 16 * 1024, "EC2 user data is limited to 16 KB");
    });

    // A standby stopped before its first boot finished is set up at its next start: the script runs
    // at every boot and may run any number of times. Run the real script three times (boots) with
    // the devices and systemd stubbed, and check it formats once, writes fstab once and serves each time.
    it("sets up on every boot without formatting twice or duplicating fstab", function () {
        this.timeout(30000);
        const dir = mkdtempSync(join(tmpdir(), "ha-boots-"));
        const mountPath = join(dir, "jenkins");
        const stubs = `
find_data_device() { echo /dev/nvme1n1; }
blkid() { if [[ -e "${dir}/formatted" ]]; then if [[ "$*" == *UUID* ]]; then echo 1111-2222; fi; return 0; fi; return 2; }
mkfs() { echo "mkfs $*" >> "${dir}/log"; touch "${dir}/formatted"; }
mountpoint() { [[ -e "${dir}/mounted" ]]; }
mount() { echo "mount $*" >> "${dir}/log"; touch "${dir}/mounted"; }
systemctl() { echo "systemctl $*" >> "${dir}/log"; }
`;
        const script = singletonBootScript({ dataVolume: { deviceName: "/dev/sdf", mountPath, waitSeconds: 5 }, serviceUnit: "jenkins" })
            .split("/etc/fstab").join(join(dir, "fstab"))
            .replace("\nmount_data_volume\n", `\n${stubs}\nmount_data_volume\n`);
        writeFileSync(join(dir, "fstab"), "");
        const boot = () => {
            execFileSync("bash", ["-c", script], { encoding: "utf8" });
            rmSync(join(dir, "mounted"), { force: true }); // a reboot unmounts
        };
        boot(); boot(); boot();
        assert.deepEqual(readFileSync(join(dir, "log"), "utf8").trim().split("\n"), [
            "mkfs -t xfs /dev/nvme1n1", `mount ${mountPath}`, "systemctl list-unit-files jenkins.service", "systemctl enable --now jenkins.service",
            `mount ${mountPath}`, "systemctl list-unit-files jenkins.service", "systemctl enable --now jenkins.service",
            `mount ${mountPath}`, "systemctl list-unit-files jenkins.service", "systemctl enable --now jenkins.service",
        ]);
        assert.equal(readFileSync(join(dir, "fstab"), "utf8"), `UUID=1111-2222 ${mountPath} xfs defaults,nofail 0 2\n`);
    });

    it("rejects values that would need quoting", () => {
        assert.throws(() => singletonUserData({ elasticIpAllocationId: "eipalloc-1; rm -rf /" }),
            /user data elasticIpAllocationId "eipalloc-1; rm -rf \/": only letters, digits and \. _ \/ - are allowed/);
    });
});
