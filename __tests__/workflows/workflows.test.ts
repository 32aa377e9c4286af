/**
 * The GitHub Actions workflows, parsed: trusted code on untrusted data for pull requests (no job with an
 * AWS role or a write token checks out or runs the pull request's code), least privilege per job, actions
 * pinned by commit SHA, one deploy per environment behind its GitHub environment, no bootstrap from CI.
 */
import * as fs from "fs";
import * as path from "path";
import { spawnSync } from "child_process";
import { parse } from "yaml";
import { makeTempDir } from "../../test-support/temp-repo";

const ROOT = path.resolve(__dirname, "../..");
const WORKFLOWS = path.join(ROOT, ".github", "workflows");
const SETUP_ACTION = path.join(ROOT, ".github", "actions", "setup-project", "action.yml");

interface Step {
  name?: string;
  id?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
  if?: string;
  shell?: string;
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

const text = (file: string) => fs.readFileSync(path.join(WORKFLOWS, file), "utf8");
const load = (file: string) => parse(text(file)) as Workflow;

const files = fs.readdirSync(WORKFLOWS).filter((f) => /\.ya?ml$/.test(f));
const pr = load("pull-request.yml");
const prPlan = load("pr-plan.yml");
const deploy = load("deploy.yml");
const all = files.map((f) => [f, load(f)] as const);
const jobs = all.flatMap(([f, w]) => Object.entries(w.jobs).map(([id, j]) => [`${f}:${id}`, j] as const));
const steps = (w: Workflow) => Object.values(w.jobs).flatMap((j) => j.steps);
const runs = (w: Workflow) => steps(w).flatMap((s) => (s.run ? [s.run] : []));
const setupAction = parse(fs.readFileSync(SETUP_ACTION, "utf8")) as {
  runs: { using: string; steps: Step[] };
};

const CHECKOUT = "actions/checkout@";
const CREDENTIALS = "aws-actions/configure-aws-credentials@";
const OVERLAY = '.github/scripts/overlay-pr-data.sh "$HEAD_SHA"';
const BASE_SHA = "${{ github.event.pull_request.base.sha }}";

/**
 * The pinned actions: commit of the tag (read from the actions' repositories with `git rev-list -n1 <tag>`;
 * each tag's action.yml says `using: node24`).
 */
const PINS: Record<string, [string, string]> = {
  "actions/checkout": ["3d3c42e5aac5ba805825da76410c181273ba90b1", "v7.0.1"],
  "actions/setup-node": ["820762786026740c76f36085b0efc47a31fe5020", "v7.0.0"],
  "actions/cache": ["27d5ce7f107fe9357f9df03efb73ab90386fccae", "v5.0.5"],
  "actions/github-script": ["ed597411d8f924073f98dfc5c65a23a2325f34cd", "v8.0.0"],
  "actions/upload-artifact": ["bbbca2ddaa5d8feaa63e36b76fdaad77386f024f", "v7.0.0"],
  "actions/download-artifact": ["3e5f45b2cfb9172054b4087a40e8e0b5a5461e7c", "v8.0.1"],
  "aws-actions/configure-aws-credentials": ["e6de054238d6b7531b4efff3b6587d9aade6a06c", "v6.2.3"],
  "hashicorp/setup-terraform": ["dfe3c3f87815947d99a8997f908cb6525fc44e9e", "v4.0.1"],
};

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

const usesCredentials = (j: Job) => j.steps.some((s) => s.uses?.startsWith(CREDENTIALS));

describe("workflows", () => {
  it("are the untrusted pull request checks, the trusted pull request plan and the deploy", () => {
    expect(files.sort()).toEqual(["deploy.yml", "pr-plan.yml", "pull-request.yml"]);
  });

  it("trigger: pull_request for the checks, pull_request_target for plans, pushes to main for deploys", () => {
    expect(pr.on).toEqual({ pull_request: { branches: ["main"] } });
    expect(prPlan.on).toEqual({
      pull_request_target: { branches: ["main"], types: ["opened", "synchronize", "reopened"] },
    });
    expect(deploy.on).toEqual({ push: { branches: ["main"] } });
  });

  it.each(all)("%s: top-level permissions contents: read; CI and CHECKPOINT_DISABLE set", (_, w) => {
    expect(w.permissions).toEqual({ contents: "read" });
    expect(w.env).toMatchObject({ CI: "true", CHECKPOINT_DISABLE: "1" });
  });

  it("gives every job explicit, minimal permissions", () => {
    const granted = Object.fromEntries(jobs.map(([id, j]) => [id, j.permissions]));
    expect(granted).toEqual({
      "deploy.yml:envs": { contents: "read" },
      "deploy.yml:deploy": { contents: "read", "id-token": "write" },
      "pr-plan.yml:envs": { contents: "read" },
      "pr-plan.yml:plan": { contents: "read", "id-token": "write" },
      "pr-plan.yml:review": { contents: "read", "pull-requests": "write" },
      "pull-request.yml:check": { contents: "read" },
    });
    // and exactly the jobs with the OIDC token configure AWS credentials
    for (const [id, job] of jobs)
      expect([id, usesCredentials(job)]).toEqual([id, job.permissions?.["id-token"] === "write"]);
  });

  describe("pull requests: trusted code on untrusted data", () => {
    it("the workflow that runs the pull request's code has no role, no token to write, no variable, no secret", () => {
      expect(Object.keys(pr.jobs)).toEqual(["check"]);
      const job = pr.jobs.check;
      expect(usesCredentials(job)).toBe(false);
      expect(JSON.stringify(pr)).not.toMatch(/\b(vars|secrets)\.|github\.token|id-token/);
      expect(job.steps.map((s) => s.uses ?? s.run)).toEqual([
        `${CHECKOUT}${PINS["actions/checkout"][0]}`,
        "./.github/actions/setup-project",
        "npm run lint",
        "npm run check",
        "npm test",
      ]);
    });

    it.each(Object.keys(prPlan.jobs))(
      "pr-plan.yml:%s checks out the base commit, then overlays only the pull request's data",
      (id) => {
        const job = prPlan.jobs[id];
        const checkouts = job.steps.filter((s) => s.uses?.startsWith(CHECKOUT));
        expect(checkouts).toHaveLength(1);
        expect(checkouts[0].with).toEqual({ ref: BASE_SHA, "fetch-depth": 0, "persist-credentials": false });
        // the overlay runs right after the checkout, before any other code (the setup, npm, terraform); the
        // plan job first reads the base commit's provider lock file (a shell test, no code of the project)
        const at = job.steps.indexOf(checkouts[0]);
        expect(
          job.steps.slice(0, at).every((s) => s.uses === undefined && !/\bnpm|npx\b/.test(s.run ?? "")),
        ).toBe(true);
        const between = job.steps[at + 1]?.id === "provider-lock" ? 1 : 0;
        expect(between === 0 || id === "plan").toBe(true);
        if (between) expect(job.steps[at + 1].run).not.toMatch(/\bnpm|npx|node|\.\/|\.github\//);
        expect(job.steps[at + 1 + between]).toEqual({
          name: "Overlay the pull request's data",
          env: {
            HEAD_SHA: "${{ github.event.pull_request.head.sha }}",
            OVERLAY_GIT_TOKEN: "${{ github.token }}",
          },
          run: OVERLAY,
        });
      },
    );

    it("no job of pr-plan.yml refers to the pull request's head other than to overlay its data", () => {
      for (const job of Object.values(prPlan.jobs))
        for (const s of job.steps) {
          if (s.run === OVERLAY) continue;
          expect(JSON.stringify(s)).not.toMatch(/pull_request\.head|head_ref|merge_commit|refs\/pull/);
          expect(s.with?.["allow-unsafe-pr-checkout"]).toBeUndefined();
        }
      for (const job of Object.values(prPlan.jobs))
        expect(JSON.stringify({ ...job, steps: [] })).not.toMatch(/pull_request\.head|head_ref/);
    });

    it("no workflow with a role or a write token installs with scripts or runs a local action from elsewhere", () => {
      for (const [, w] of all) {
        for (const r of runs(w)) expect(r).not.toMatch(/\bnpm (ci|install|i)\b/);
        for (const s of steps(w).filter((x) => x.uses?.startsWith("./")))
          expect(s.uses).toBe("./.github/actions/setup-project");
      }
      const install = setupAction.runs.steps.find((s) => s.run?.includes("npm ci"))!;
      expect(install.run).toBe("npm ci --ignore-scripts --no-audit --no-fund");
    });

    it("plans run in <env>-plan with the plan role, without the state lock, and delete the saved plan", () => {
      const job = prPlan.jobs.plan;
      expect(job.environment).toBe("${{ matrix.env }}-plan");
      expect(job.needs).toBe("envs");
      expect(job.strategy?.matrix).toEqual({ env: "${{ fromJSON(needs.envs.outputs.envs) }}" });
      expect(job.env).toEqual({
        STACK: "${{ matrix.env }}",
        TF_IN_AUTOMATION: "1",
        TF_CLI_ARGS_plan: "-lock=false",
      });
      const role = job.steps.find((s) => s.id === "role")!;
      expect(role.env).toEqual({
        AWS_PLAN_ROLES: "${{ vars.AWS_PLAN_ROLES }}",
        AWS_REGION: "${{ vars.AWS_REGION }}",
      });
      expect(role.run).toContain(
        `jq -er --arg env "$STACK" '.[$env] // empty | strings' <<<"$AWS_PLAN_ROLES"`,
      );
      const creds = job.steps.find((s) => s.uses?.startsWith(CREDENTIALS))!;
      expect(creds.with).toEqual({
        "role-to-assume": "${{ steps.role.outputs.arn }}",
        "aws-region": "${{ vars.AWS_REGION }}",
        "role-session-name": "sops-secrets-plan-${{ github.run_id }}",
      });
      // the pre-flight runs with the plan role, before the plan, for this environment only, commands off
      const preflightAt = job.steps.findIndex((s) => s.name === "Pre-flight");
      const preflight = job.steps[preflightAt].run!;
      expect(preflight).toContain('npm run -s preflight -- --env "$STACK" || status=$?');
      expect(preflight).toMatch(/echo "::stop-commands::\$token"[\s\S]*preflight[\s\S]*echo "::\$token::"/);
      expect(preflightAt).toBeGreaterThan(job.steps.findIndex((s) => s.uses?.startsWith(CREDENTIALS)));
      expect(preflightAt).toBeLessThan(job.steps.findIndex((s) => s.id === "plan"));
      // a failed pre-flight fails the job but does not skip the plan
      expect(job.steps[preflightAt].id).toBe("preflight");
      expect(job.steps.find((s) => s.id === "plan")!.if).toBe(
        "success() || steps.preflight.outcome == 'failure'",
      );
      // the full plan goes to a file, never to the log (no tee); the log gets addresses and totals
      const diff = job.steps.find((s) => s.id === "plan")!.run!;
      expect(diff).toContain('npx cdktf diff "$STACK" --no-color > plan.log 2>&1');
      expect(diff).not.toContain("tee");
      expect(diff).toMatch(/echo "::stop-commands::\$token"[\s\S]*echo "::\$token::"/);
      const last = job.steps[job.steps.length - 1];
      expect(last.if).toBe("always()");
      expect(last.run).toBe('rm -rf -- "cdktf.out/stacks/$STACK/plan" cdktf.out .cdktf.out.* plan.log');
      // the plan summary (counts only) is uploaded for the review comment
      const summary = job.steps.find((s) => s.name === "Plan summary")!;
      expect(summary.if).toBe("always()");
      expect(summary.env).toEqual({ OUTCOME: "${{ steps.plan.outcome }}" });
      expect(summary.run).toContain(
        'npm run -s review -- --summarize-plan plan.log --env "$STACK" --outcome "$OUTCOME" > "plan-summary/$STACK.json"',
      );
      const upload = job.steps.find((s) => s.uses?.startsWith("actions/upload-artifact@"))!;
      expect(upload.with).toMatchObject({ name: "plan-summary-${{ matrix.env }}", path: "plan-summary/" });
    });

    it("the plan refuses reserved stack names before anything else", () => {
      const guard = prPlan.jobs.plan.steps[0];
      expect(guard.run).toContain('if [ "$STACK" = "bootstrap" ] || [[ "$STACK" == *-plan ]]; then');
      expect(guard.run).toContain("exit 1");
    });

    it("the review job posts the comment with base code and edits only its own bot comment", () => {
      const job = prPlan.jobs.review;
      expect(job.needs).toBe("plan");
      expect(job.if).toBe("${{ !cancelled() }}");
      const review = job.steps.find((s) => s.run?.includes("npm run -s review"))!;
      expect(review.run).toContain(
        'npm run -s review -- --markdown --plan-summaries plan-summary "$BASE_SHA" > review.md',
      );
      expect(review.env).toEqual({ BASE_SHA });
      const comment = job.steps.find((s) => s.uses?.startsWith("actions/github-script@"))!;
      const script = String(comment.with?.script);
      expect(script).toContain('const marker = "<!-- sops-secrets-review -->";');
      expect(script).toContain(
        'c.user?.login === "github-actions[bot]" && c.user?.type === "Bot" && c.body?.startsWith(marker)',
      );
      expect(script).toContain("updateComment");
      expect(Object.keys(comment.with ?? {})).toEqual(["script"]);
    });
  });

  it("pins every action by a full commit SHA with its version in a comment, on the Node 24 majors", () => {
    const sources = [...files.map((f) => text(f)), fs.readFileSync(SETUP_ACTION, "utf8")].join("\n");
    const lines = sources.split("\n").filter((l) => /^\s*-?\s*uses:/.test(l));
    expect(lines.length).toBeGreaterThan(15);
    const seen = new Set<string>();
    for (const line of lines) {
      const local = /^\s*-?\s*uses: (\.\/[\w./-]+)$/.exec(line);
      if (local) continue;
      const m = /^\s*-?\s*uses: ([\w.-]+\/[\w.-]+)@([0-9a-f]{40}) # (v\d+\.\d+\.\d+)$/.exec(line);
      expect([line, m !== null]).toEqual([line, true]);
      expect([m![1], m![2], m![3]]).toEqual([m![1], ...PINS[m![1]]]);
      seen.add(m![1]);
    }
    expect([...seen].sort()).toEqual(Object.keys(PINS).sort());
  });

  it("sets up Node 24, caches node_modules by the lockfile, and Terraform >= 1.11 without the wrapper", () => {
    expect(setupAction.runs.using).toBe("composite");
    const [node, cache, install] = setupAction.runs.steps;
    expect(node.with).toEqual({ "node-version": 24, "package-manager-cache": false });
    expect(cache.with).toEqual({
      path: "node_modules",
      key: "node-modules-${{ runner.os }}-node24-${{ hashFiles('package-lock.json') }}",
    });
    expect(install.if).toBe(`steps.${cache.id}.outputs.cache-hit != 'true'`);
    for (const [, w] of all)
      for (const s of steps(w).filter((x) => x.uses?.startsWith("hashicorp/setup-terraform@"))) {
        const [major, minor] = String(s.with?.terraform_version).split(".").map(Number);
        expect(major > 1 || (major === 1 && minor >= 11)).toBe(true);
        expect(s.with?.terraform_wrapper).toBe(false);
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
    expect(new Set(called)).toEqual(new Set(["lint", "check", "test", "envs", "review", "preflight"]));
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
    ["pr-plan.yml", "plan", /npx cdktf diff "\$STACK"/, "${{ matrix.env }}-plan"],
    ["deploy.yml", "deploy", /npx cdktf deploy "\$STACK" --auto-approve/, "${{ matrix.env }}"],
  ])("%s: %s runs per environment from the envs job's output", (file, jobId, command, environment) => {
    const w = load(file);
    expect(w.jobs.envs.outputs).toEqual({ envs: "${{ steps.envs.outputs.envs }}" });
    expect(w.jobs.envs.steps.find((s) => s.id === "envs")?.run).toMatch(
      /envs="\$\(npm run -s envs\)"[\s\S]*>> "\$GITHUB_OUTPUT"/,
    );
    const job = w.jobs[jobId];
    expect([job.needs].flat()).toContain("envs");
    expect(job.if).toMatch(/needs\.envs\.outputs\.envs != '\[\]'$/);
    expect(job.strategy?.matrix).toEqual({ env: "${{ fromJSON(needs.envs.outputs.envs) }}" });
    expect(job.environment).toBe(environment);
    // the environment name reaches the shell through an env variable, never spliced into the script
    expect(job.env?.STACK).toBe("${{ matrix.env }}");
    for (const s of job.steps) expect(s.run ?? "").not.toContain("${{");
    expect(job.steps.map((s) => s.run ?? "").join("\n")).toMatch(command);
  });

  it("no run script in any workflow splices an expression", () => {
    for (const [, w] of all) for (const r of runs(w)) expect(r).not.toContain("${{");
  });

  describe("deploy", () => {
    const job = deploy.jobs.deploy;

    it("runs only on main, in the GitHub environment <env>, with the deploy role", () => {
      expect(job.if).toBe("github.ref == 'refs/heads/main' && needs.envs.outputs.envs != '[]'");
      expect(job.environment).toBe("${{ matrix.env }}");
      const role = job.steps.find((s) => s.id === "role")!;
      expect(role.env).toEqual({
        AWS_DEPLOY_ROLES: "${{ vars.AWS_DEPLOY_ROLES }}",
        AWS_REGION: "${{ vars.AWS_REGION }}",
      });
      expect(job.steps.find((s) => s.uses?.startsWith(CREDENTIALS))!.with).toMatchObject({
        "role-to-assume": "${{ steps.role.outputs.arn }}",
        "aws-region": "${{ vars.AWS_REGION }}",
      });
      expect(job.steps.find((s) => s.uses?.startsWith(CHECKOUT))!.with).toEqual({
        "persist-credentials": false,
      });
      expect(job.steps.find((s) => s.id === "deploy")!.run).toContain("set -o pipefail");
    });

    it("deploys one environment at a time, never cancelling a running deploy", () => {
      expect(job.concurrency).toEqual({ group: "deploy-${{ matrix.env }}", "cancel-in-progress": false });
    });

    it("never deploys the bootstrap stack or a reserved -plan name", () => {
      const guard = job.steps[0];
      expect(guard.run).toContain('if [ "$STACK" = "bootstrap" ]; then');
      expect(guard.run).toContain('if [[ "$STACK" == *-plan ]]; then');
      expect(runs(deploy).join("\n")).not.toMatch(/cdktf deploy (?!"\$STACK")/);
    });

    it("deletes the saved plan whatever happened", () => {
      const last = job.steps[job.steps.length - 1];
      expect(last).toMatchObject({
        if: "always()",
        run: 'rm -rf -- "cdktf.out/stacks/$STACK/plan" cdktf.out .cdktf.out.* deploy.log',
      });
    });
  });

  it("reads exactly the repository variables AWS_DEPLOY_ROLES, AWS_PLAN_ROLES and AWS_REGION", () => {
    const vars = (f: string) => new Set([...text(f).matchAll(/\bvars\.(\w+)/g)].map((m) => m[1]));
    expect(vars("deploy.yml")).toEqual(new Set(["AWS_DEPLOY_ROLES", "AWS_REGION"]));
    expect(vars("pr-plan.yml")).toEqual(new Set(["AWS_PLAN_ROLES", "AWS_REGION"]));
    expect(vars("pull-request.yml")).toEqual(new Set());
  });
});

describe("provider locking: terraform init -lockfile=readonly when .terraform.lock.hcl is committed", () => {
  const LOCK = 'provider "registry.terraform.io/carlpett/sops" {\n  version = "1.4.1"\n}\n';
  const cases = [
    ["pr-plan.yml", prPlan.jobs.plan, /npx cdktf diff "\$STACK"/],
    ["deploy.yml", deploy.jobs.deploy, /npx cdktf deploy "\$STACK"/],
  ] as const;

  /** Runs a step's script with bash in `cwd`, as the runner does (GITHUB_ENV / GITHUB_OUTPUT files, STACK). */
  function runStep(step: Step, cwd: string) {
    const env = path.join(cwd, "github-env");
    const output = path.join(cwd, "github-output");
    fs.writeFileSync(env, "");
    fs.writeFileSync(output, "");
    const r = spawnSync("bash", ["-e", "-c", step.run!], {
      cwd,
      encoding: "utf8",
      env: { PATH: process.env.PATH, GITHUB_ENV: env, GITHUB_OUTPUT: output, STACK: "production" },
    });
    return {
      status: r.status,
      stdout: r.stdout,
      env: fs.readFileSync(env, "utf8"),
      output: fs.readFileSync(output, "utf8"),
    };
  }

  it.each(cases)(
    "%s: the lock step runs on the checkout, before any Terraform and (plans) before the overlay",
    (_, job, command) => {
      const at = (pred: (s: Step) => boolean) => job.steps.findIndex(pred);
      const lock = at((s) => s.id === "provider-lock");
      expect(lock).toBeGreaterThan(at((s) => s.uses?.startsWith(CHECKOUT) === true));
      expect(lock).toBeLessThan(at((s) => command.test(s.run ?? "")));
      expect(lock).toBeLessThan(at((s) => s.uses?.startsWith("hashicorp/setup-terraform@") === true));
      const overlay = at((s) => s.run === OVERLAY);
      // Plans: the lock file is the BASE commit's; the overlay (secrets/ and .sops.yaml only) comes after.
      if (overlay >= 0) expect(lock).toBeLessThan(overlay);
      expect(job.steps[lock].if).toBeUndefined();
      // only through $GITHUB_ENV, never set unconditionally
      expect(job.env?.TF_CLI_ARGS_init).toBeUndefined();
    },
  );

  it.each(cases)("%s: with a committed lock file, init is read-only; without, a warning", (_, job) => {
    const step = job.steps.find((s) => s.id === "provider-lock")!;
    const locked = makeTempDir("lock-");
    fs.writeFileSync(path.join(locked, ".terraform.lock.hcl"), LOCK);
    const a = runStep(step, locked);
    expect([a.status, a.env, a.output]).toEqual([
      0,
      "TF_CLI_ARGS_init=-lockfile=readonly\n",
      "locked=true\n",
    ]);
    expect(a.stdout).not.toContain("::warning");

    const b = runStep(step, makeTempDir("nolock-"));
    expect([b.status, b.env, b.output]).toEqual([0, "", ""]);
    expect(b.stdout).toMatch(/^::warning title=Providers not locked::no \.terraform\.lock\.hcl is committed/);
  });

  it.each(cases)(
    "%s: after Terraform ran, the stack's lock file must still be the committed one",
    (_, job, command) => {
      const at = (pred: (s: Step) => boolean) => job.steps.findIndex(pred);
      const check = at((s) => s.name === "Check that the provider lock was used as committed");
      expect(check).toBeGreaterThan(at((s) => command.test(s.run ?? "")));
      expect(check).toBeLessThan(at((s) => /rm -rf -- "cdktf\.out/.test(s.run ?? "")));
      const step = job.steps[check];
      expect(step.if).toBe("always() && steps.provider-lock.outputs.locked == 'true'");

      const root = makeTempDir("lockcheck-");
      fs.writeFileSync(path.join(root, ".terraform.lock.hcl"), LOCK);
      expect(runStep(step, root)).toMatchObject({
        status: 0,
        stdout: expect.stringMatching(/^No synthesized stack/),
      });
      fs.mkdirSync(path.join(root, "cdktf.out/stacks/production"), { recursive: true });
      const stackLock = path.join(root, "cdktf.out/stacks/production/.terraform.lock.hcl");
      fs.writeFileSync(stackLock, LOCK);
      expect(runStep(step, root)).toMatchObject({ status: 0, stdout: "" });
      // what `terraform providers lock` (run by cdktf for a provider the lock lacks) would leave behind
      fs.appendFileSync(
        stackLock,
        'provider "registry.terraform.io/hashicorp/aws" {\n  version = "6.25.0"\n}\n',
      );
      const r = runStep(step, root);
      expect(r.status).toBe(1);
      expect(r.stdout).toMatch(
        /^::error title=Provider lock incomplete::cdktf\.out\/stacks\/production\/\.terraform\.lock\.hcl differs/,
      );
    },
  );
});

describe("dependabot", () => {
  const config = parse(fs.readFileSync(path.join(ROOT, ".github", "dependabot.yml"), "utf8")) as {
    version: number;
    updates: {
      "package-ecosystem": string;
      directory?: string;
      directories?: string[];
      schedule: { interval: string };
    }[];
  };

  it("updates the actions (workflows and the local action) and npm, weekly", () => {
    expect(config.version).toBe(2);
    expect(config.updates.map((u) => u["package-ecosystem"])).toEqual(["github-actions", "npm"]);
    for (const u of config.updates) {
      expect(["daily", "weekly", "monthly"]).toContain(u.schedule.interval);
      // exactly one of directory / directories
      expect((u.directory === undefined) !== (u.directories === undefined)).toBe(true);
    }
    const actions = config.updates[0].directories!;
    expect(actions).toEqual(["/", "/.github/actions/setup-project"]);
    for (const d of actions) expect(fs.existsSync(path.join(ROOT, d))).toBe(true);
    expect(config.updates[1].directory).toBe("/");
    expect(fs.existsSync(path.join(ROOT, "package-lock.json"))).toBe(true);
  });
});
