/**
 * The GitHub Actions workflows: they parse, and they keep their security properties (least privilege,
 * pinned actions, one deploy per environment behind its GitHub environment, no bootstrap from CI).
 */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";

const ROOT = path.resolve(__dirname, "../..");
const WORKFLOWS = path.join(ROOT, ".github", "workflows");

interface Step {
  name?: string;
  id?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
  if?: string;
}
interface Job {
  name?: string;
  needs?: string | string[];
  if?: string;
  environment?: unknown;
  concurrency?: { group: string; "cancel-in-progress": boolean };
  permissions?: Record<string, string>;
  strategy?: { matrix: Record<string, unknown>; "fail-fast"?: boolean };
  outputs?: Record<string, string>;
  env?: Record<string, string>;
  steps: Step[];
}
interface Workflow {
  name: string;
  on: Record<string, unknown>;
  permissions: Record<string, string>;
  env: Record<string, string>;
  jobs: Record<string, Job>;
}

function load(file: string): Workflow {
  return parse(fs.readFileSync(path.join(WORKFLOWS, file), "utf8")) as Workflow;
}

const files = fs.readdirSync(WORKFLOWS).filter((f) => /\.ya?ml$/.test(f));
const pr = load("pull-request.yml");
const deploy = load("deploy.yml");
const all = files.map((f) => [f, load(f)] as const);
const steps = (w: Workflow) => Object.values(w.jobs).flatMap((j) => j.steps);
const runs = (w: Workflow) => steps(w).flatMap((s) => (s.run ? [s.run] : []));

/** cdktf-cli 0.21 commands and aliases (`npx cdktf --help`). */
const CDKTF_COMMANDS = [
  "init",
  "get",
  "convert",
  "deploy",
  "apply",
  "destroy",
  "diff",
  "plan",
  "list",
  "login",
  "synth",
  "synthesize",
  "watch",
  "output",
  "outputs",
  "debug",
  "provider",
  "completion",
];

describe("workflows", () => {
  it("are the pull request and deploy workflows", () => {
    expect(files.sort()).toEqual(["deploy.yml", "pull-request.yml"]);
  });

  it("trigger on pull requests and on pushes to main", () => {
    expect(Object.keys(pr.on)).toEqual(["pull_request"]);
    expect(deploy.on).toEqual({ push: { branches: ["main"] } });
  });

  it.each(all)(
    "%s: top-level permissions are contents: read only; CI and CHECKPOINT_DISABLE are set",
    (_, w) => {
      expect(w.permissions).toEqual({ contents: "read" });
      expect(w.env).toMatchObject({ CI: "true", CHECKPOINT_DISABLE: "1" });
    },
  );

  it("grants id-token: write only to the jobs that assume an environment's AWS role", () => {
    const withToken = all.flatMap(([f, w]) =>
      Object.entries(w.jobs)
        .filter(([, j]) => j.permissions?.["id-token"] !== undefined)
        .map(([id, j]) => [`${f}:${id}`, j] as const),
    );
    expect(withToken.map(([id]) => id).sort()).toEqual(["deploy.yml:deploy", "pull-request.yml:plan"]);
    for (const [, job] of withToken) {
      expect(job.permissions).toEqual({ contents: "read", "id-token": "write" });
      expect(job.environment).toBe("${{ matrix.env }}");
      expect(job.steps.some((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials@"))).toBe(true);
    }
    // and every job that configures AWS credentials asked for the token
    for (const [, w] of all)
      for (const job of Object.values(w.jobs))
        if (job.steps.some((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials@")))
          expect(job.permissions?.["id-token"]).toBe("write");
  });

  it("grants pull-requests: write only to the review comment job", () => {
    const writers = all.flatMap(([f, w]) =>
      Object.entries(w.jobs)
        .filter(([, j]) => j.permissions?.["pull-requests"] !== undefined)
        .map(([id]) => `${f}:${id}`),
    );
    expect(writers).toEqual(["pull-request.yml:review"]);
    expect(pr.jobs.review.permissions).toEqual({ contents: "read", "pull-requests": "write" });
  });

  it("pins every action by version (or commit SHA)", () => {
    const uses = all.flatMap(([, w]) => steps(w).flatMap((s) => (s.uses ? [s.uses] : [])));
    expect(uses.length).toBeGreaterThan(10);
    for (const u of uses) expect(u).toMatch(/^[\w.-]+\/[\w./-]+@(v\d+(\.\d+){0,2}|[0-9a-f]{40})$/);
    for (const u of uses.filter((x) => x.startsWith("actions/setup-node@")))
      expect(u).toBe("actions/setup-node@v4");
  });

  it("sets up node 20 with the npm cache and Terraform >= 1.11 without the wrapper", () => {
    for (const [, w] of all) {
      for (const s of steps(w).filter((x) => x.uses?.startsWith("actions/setup-node@")))
        expect(s.with).toEqual({ "node-version": 20, cache: "npm" });
      for (const s of steps(w).filter((x) => x.uses?.startsWith("hashicorp/setup-terraform@"))) {
        const [major, minor] = String(s.with?.terraform_version).split(".").map(Number);
        expect(major > 1 || (major === 1 && minor >= 11)).toBe(true);
        expect(s.with?.terraform_wrapper).toBe(false);
      }
    }
  });

  it("calls only npm scripts that exist in package.json", () => {
    const scripts = Object.keys(JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")).scripts);
    const called = all.flatMap(([, w]) =>
      runs(w).flatMap((r) => [
        ...[...r.matchAll(/\bnpm run (?:-s |--silent )?([\w:-]+)/g)].map((m) => m[1]),
        ...(/\bnpm test\b/.test(r) ? ["test"] : []),
      ]),
    );
    expect(new Set(called)).toEqual(new Set(["lint", "check", "test", "envs", "review"]));
    for (const s of called) expect(scripts).toContain(s);
  });

  it("uses only cdktf commands that cdktf-cli 0.21 has", () => {
    const used = all.flatMap(([, w]) =>
      runs(w).flatMap((r) => [...r.matchAll(/\bcdktf (\w+)/g)].map((m) => m[1])),
    );
    expect(new Set(used)).toEqual(new Set(["diff", "deploy"]));
    for (const c of used) expect(CDKTF_COMMANDS).toContain(c);
  });

  it.each([
    ["pull-request.yml", "plan", /npx cdktf diff "\$STACK"/],
    ["deploy.yml", "deploy", /npx cdktf deploy "\$STACK" --auto-approve/],
  ])("%s: %s runs per environment from the envs job's output", (file, jobId, command) => {
    const w = load(file);
    expect(w.jobs.envs.outputs).toEqual({ envs: "${{ steps.envs.outputs.envs }}" });
    expect(w.jobs.envs.steps.find((s) => s.id === "envs")?.run).toMatch(
      /envs="\$\(npm run -s envs\)"[\s\S]*>> "\$GITHUB_OUTPUT"/,
    );
    const job = w.jobs[jobId];
    expect([job.needs].flat()).toContain("envs");
    expect(job.if).toBe("needs.envs.outputs.envs != '[]'");
    expect(job.strategy?.matrix).toEqual({ env: "${{ fromJSON(needs.envs.outputs.envs) }}" });
    expect(job.environment).toBe("${{ matrix.env }}");
    // the environment name reaches the shell through an env variable, never spliced into the script
    expect(job.env?.STACK).toBe("${{ matrix.env }}");
    for (const s of job.steps) expect(s.run ?? "").not.toContain("${{");
    expect(job.steps.map((s) => s.run ?? "").join("\n")).toMatch(command);
    expect(job.steps.find((s) => s.run && command.test(s.run))?.run).toContain("set -o pipefail");
  });

  it("puts the plan summary in the job summary", () => {
    const summary = pr.jobs.plan.steps.find((s) => s.name === "Plan summary");
    expect(summary?.if).toContain("always()");
    expect(summary?.run).toContain('>> "$GITHUB_STEP_SUMMARY"');
    expect(summary?.run).toContain("Plan: [0-9]+ to ");
  });

  it("deploys one environment at a time, never cancelling a running deploy", () => {
    expect(deploy.jobs.deploy.concurrency).toEqual({
      group: "deploy-${{ matrix.env }}",
      "cancel-in-progress": false,
    });
  });

  it("takes the role from AWS_DEPLOY_ROLES and the region from AWS_REGION", () => {
    for (const job of [pr.jobs.plan, deploy.jobs.deploy]) {
      const role = job.steps.find((s) => s.id === "role")!;
      expect(role.env).toEqual({
        AWS_DEPLOY_ROLES: "${{ vars.AWS_DEPLOY_ROLES }}",
        AWS_REGION: "${{ vars.AWS_REGION }}",
      });
      const creds = job.steps.find((s) => s.uses === "aws-actions/configure-aws-credentials@v4")!;
      expect(creds.with).toMatchObject({
        "role-to-assume": "${{ steps.role.outputs.arn }}",
        "aws-region": "${{ vars.AWS_REGION }}",
      });
    }
    const vars = new Set(
      all.flatMap(([f]) =>
        [...fs.readFileSync(path.join(WORKFLOWS, f), "utf8").matchAll(/\bvars\.(\w+)/g)].map((m) => m[1]),
      ),
    );
    expect(vars).toEqual(new Set(["AWS_DEPLOY_ROLES", "AWS_REGION"]));
  });

  it("never deploys the bootstrap stack", () => {
    const guard = deploy.jobs.deploy.steps[0];
    expect(guard.run).toContain('if [ "$STACK" = "bootstrap" ]; then');
    expect(guard.run).toContain("exit 1");
    expect(runs(deploy).join("\n")).not.toMatch(/cdktf deploy (?!"\$STACK")/);
  });

  it("reviews against the base branch with full history and posts the comment", () => {
    const job = pr.jobs.review;
    expect(job.steps[0]).toEqual({
      uses: "actions/checkout@v4",
      with: { "fetch-depth": 0, "persist-credentials": false },
    });
    const review = job.steps.find((s) => s.run?.includes("npm run -s review"))!;
    expect(review.run).toContain('npm run -s review -- --markdown "origin/$BASE_REF" > review.md');
    expect(review.env).toEqual({ BASE_REF: "${{ github.base_ref }}" });
    const comment = job.steps.find((s) => s.uses?.startsWith("actions/github-script@"))!;
    expect(comment.uses).toMatch(/^actions\/github-script@v\d+$/);
    expect(comment.with?.script).toContain('"<!-- sops-secrets-review -->"');
    expect(comment.with?.script).toContain("updateComment");
  });
});
