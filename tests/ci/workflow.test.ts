// The pull-request workflow's token permissions. A job-level `permissions:` block sets every
// permission it does not name to `none`, so a step that posts a comment fails with 403 unless its
// job names `pull-requests: write`:
// https://docs.github.com/actions/writing-workflows/choosing-what-your-workflow-does/controlling-permissions-for-github_token
import { strict as assert } from "assert";
import { readFileSync } from "fs";
import { join } from "path";
import { parse } from "yaml";

const WORKFLOW = join(__dirname, "..", "..", ".github", "workflows", "pull-request.yml");

interface Step { uses?: string; with?: Record<string, unknown> }
interface Job { permissions?: Record<string, string>; steps?: Step[] }

/** The steps of a job that post to the pull request. */
function commentingSteps(job: Job): Step[] {
    return (job.steps ?? []).filter((s) => (s.uses ?? "").startsWith("pulumi/actions@") && s.with?.["comment-on-pr"] === true
        || (s.uses ?? "").startsWith("actions/github-script@") && /issues\.(create|update)Comment/.test(String(s.with?.script ?? "")));
}

describe("ci: pull-request workflow permissions", () => {
    const jobs: Record<string, Job> = parse(readFileSync(WORKFLOW, "utf8")).jobs;

    it("grants pull-requests: write to every job that comments on the pull request, and only to those", () => {
        const commenting = Object.entries(jobs).filter(([, job]) => commentingSteps(job).length > 0).map(([name]) => name).sort();
        assert.deepEqual(commenting, ["plan-comment", "preview"]);
        const writers = Object.entries(jobs).filter(([, job]) => job.permissions?.["pull-requests"] === "write").map(([name]) => name).sort();
        assert.deepEqual(writers, commenting);
    });

    it("keeps the preview job's OIDC token and read-only contents", () => {
        assert.deepEqual(jobs.preview.permissions, { contents: "read", "id-token": "write", "pull-requests": "write" });
    });
});
