// Test support: this project with the source article's regions, prod in cn-north-1 (Beijing)
// and dr in cn-northwest-1 (Ningxia), as stack files in a temp folder for `--dir` or planStack.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const ROOT = path.join(__dirname, "..", "..");

/**
 * The site's domain in the China regions, which require one (stacks/services.ts noDomainProblems:
 * CloudFront there serves nothing on its default domain): an ICP-filed name and its hosted zone.
 */
export const CHINA_DOMAIN = { domainName: "www.example.cn", hostedZoneId: "Z0123456789CHINAZONE" } as const;

/**
 * A folder holding Pulumi.yaml (its `main` pointing at this repository's program) and
 * Pulumi.prod.yaml / Pulumi.dr.yaml with the committed settings moved to the China regions,
 * with {@link CHINA_DOMAIN} set (or, with `domain` false, without: a config error there).
 */
export function chinaProjectDir(domain = true): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pilot-light-china-"));
    const project = fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")
        .replace(/^main: .*$/m, `main: ${path.join(ROOT, "stacks", "index.ts")}`);
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), project);
    const move = (file: string) => fs.readFileSync(path.join(ROOT, file), "utf8")
        .replace(/aws:region: us-east-1/, "aws:region: cn-north-1")
        .replace(/aws:region: us-west-2/, "aws:region: cn-northwest-1")
        .replace(/peerRegion: us-west-2/, "peerRegion: cn-northwest-1");
    for (const file of ["Pulumi.prod.yaml", "Pulumi.dr.yaml"]) {
        const text = move(file).replace(/\n?$/, "\n") + (domain
            ? `  pilot-light:domainName: ${CHINA_DOMAIN.domainName}\n  pilot-light:hostedZoneId: ${CHINA_DOMAIN.hostedZoneId}\n` : "");
        if (!/aws:region: cn-/.test(text)) throw new Error(`${file}: its aws:region was not moved to China; update chinaProjectDir`);
        fs.writeFileSync(path.join(dir, file), text);
    }
    return dir;
}
