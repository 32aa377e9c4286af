import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { REVIEW_COMMENT_MARKER } from "../../src/review/render-review";
import { runReviewCli } from "../../src/review/review-cli";
import { AGE_RECIPIENT, buildScenario, LEAKED_PLAINTEXT, PLAINTEXTS, SECOND_KMS } from "./scenario";
import { sopsEdit, TempRepo } from "./temp-repo";
import { PLACEHOLDER_KMS_ARN, sopsShapedContent } from "../../test-support/sops-shaped-file";

const shaped = (values: Record<string, unknown>) => sopsShapedContent(values, { format: "json" });

describe("npm run review on a temporary git repository", () => {
  let repo: TempRepo;
  let base: string;
  beforeAll(() => {
    repo = buildScenario();
    base = repo.git("rev-parse", "HEAD").trim().slice(0, 12);
  });
  afterAll(() => repo.dispose());

  it("prints every change, line by line, sorted by path", () => {
    const result = runReviewCli([], repo.root);
    expect(result.stderr).toBe("");
    expect(result.exitCode).toBe(0);
    expect(result.stdout.split("\n")).toEqual([
      `Secret changes since merge-base HEAD main (${base}): 8 secret files changed: 1 added, 4 modified, 1 renamed, 2 deleted`,
      "",
      "modified secrets/development/api.enc.json",
      "  environment development, secret app/development/api",
      "  key added: db.host",
      "  key removed: legacy",
      "  value changed: db.password",
      "",
      "modified secrets/development/leak.enc.json",
      "  environment development, secret app/development/leak",
      "  ⚠ PLAINTEXT: token was encrypted and is plaintext now (value not shown); re-encrypt it and rotate the secret",
      "",
      "renamed secrets/development/payments/stripe.enc.json → secrets/development/payments/stripe-eu.enc.json",
      "  environment development, secret app/development/payments/stripe → app/development/payments/stripe-eu",
      "  Terraform: secret app/development/payments/stripe is scheduled for deletion (recovery window 7 days from config)" +
        " and a new secret app/development/payments/stripe-eu is created (new ARN); whatever reads the old name must change",
      "  no key, value or recipient changed",
      "",
      "modified secrets/development/rotated.enc.yaml",
      "  environment development, secret app/development/rotated",
      "  all values re-encrypted (new data key): cannot tell which values changed",
      "",
      "modified secrets/development/shared.enc.json",
      "  environment development, secret app/development/shared",
      "  ⚠ RECIPIENTS CHANGED: who can decrypt this file changes",
      `    + age ${AGE_RECIPIENT}`,
      `    - kms ${SECOND_KMS}`,
      "",
      "deleted secrets/production/db.enc.json",
      "  environment production, secret app/production/db",
      "  deleting this file schedules secret app/production/db for deletion (recovery window 30 days from config)",
      "",
      "added secrets/qa/app.enc.env",
      "  environment qa, secret app/qa/app",
      "  new environment qa: CI deploys a new stack; it needs a GitHub environment and a role in AWS_DEPLOY_ROLES",
      "  recipients (who can decrypt it):",
      `    kms ${PLACEHOLDER_KMS_ARN}`,
      "  key added: API_KEY",
      "  key added: DB_URL",
      "",
      "deleted secrets/staging/only.enc.json",
      "  environment staging, secret app/staging/only",
      "  ⚠ last secret file of staging: its stack leaves the app and CI stops deploying it, so secret app/staging/only" +
        " is NOT deleted; run npx cdktf destroy staging first if it should go",
      "",
    ]);
  });

  it("renders Markdown for a pull request comment", () => {
    const head = repo.git("rev-parse", "HEAD").trim();
    const result = runReviewCli(["--markdown", head], repo.root);
    expect(result.exitCode).toBe(0);
    const lines = result.stdout.split("\n");
    expect(lines.slice(0, 4)).toEqual([
      REVIEW_COMMENT_MARKER,
      "## Secret changes",
      "",
      `Compared with \`${head}\` (\`${base}\`): 8 secret files changed: 1 added, 4 modified, 1 renamed, 2 deleted.`,
    ]);
    const expected = [
      "### modified: `secrets/development/api.enc.json`",
      "Environment `development`, secret `app/development/api`",
      "- key added: `db.host`",
      "- key removed: `legacy`",
      "- value changed: `db.password`",
      "> **⚠ PLAINTEXT: `token` was encrypted and is plaintext now (value not shown); re-encrypt it and rotate the secret**",
      "### renamed: `secrets/development/payments/stripe.enc.json` → `secrets/development/payments/stripe-eu.enc.json`",
      "> [!IMPORTANT]",
      "> Terraform: secret `app/development/payments/stripe` is scheduled for deletion (recovery window 7 days from config)" +
        " and a new secret `app/development/payments/stripe-eu` is created (new ARN); whatever reads the old name must change",
      "all values re-encrypted (new data key): cannot tell which values changed",
      "> [!WARNING]",
      "> **⚠ RECIPIENTS CHANGED: who can decrypt this file changes**",
      `> - added: age \`${AGE_RECIPIENT}\``,
      `> - removed: kms \`${SECOND_KMS}\``,
      "> deleting this file schedules secret `app/production/db` for deletion (recovery window 30 days from config)",
      "Recipients (who can decrypt it):",
      `- kms \`${PLACEHOLDER_KMS_ARN}\``,
      "- key added: `API_KEY`",
    ];
    for (const line of expected) expect(lines).toContain(line);
    // the warnings are GitHub alert blocks, each preceded by a blank line
    const warnings = lines.flatMap((l, i) => (l === "> [!WARNING]" ? [i] : []));
    expect(warnings).toHaveLength(3);
    for (const i of warnings) expect(lines[i - 1]).toBe("");
  });

  it("never prints a plaintext value or a ciphertext, in either rendering", () => {
    // the files hold ciphertext only, except the leak made on purpose
    for (const file of [
      "secrets/development/api.enc.json",
      "secrets/development/rotated.enc.yaml",
      "secrets/qa/app.enc.env",
    ])
      for (const p of PLAINTEXTS) expect(repo.read(file)).not.toContain(p);
    expect(repo.read("secrets/development/leak.enc.json")).toContain(LEAKED_PLAINTEXT);
    for (const args of [[], ["--markdown"]]) {
      const { stdout } = runReviewCli(args, repo.root);
      for (const p of PLAINTEXTS) expect(stdout).not.toContain(p);
      expect(stdout).not.toContain("ENC[");
      expect(stdout).toMatch(/PLAINTEXT: `?token`? was encrypted and is plaintext now \(value not shown\)/);
    }
  });

  it("reports nothing when the working tree matches the base", () => {
    const clean = new TempRepo();
    try {
      clean.write("secrets/dev/a.enc.json", shaped({ a: "PLAINTEXT-a" }));
      clean.commitAll("base");
      const head = clean.git("rev-parse", "HEAD").trim();
      expect(runReviewCli(["main"], clean.root).stdout).toBe(
        `Secret changes since main (${head.slice(0, 12)}): no secret file changed\n`,
      );
    } finally {
      clean.dispose();
    }
  });

  it("falls back to the default name template when cdktf.json is broken", () => {
    const broken = new TempRepo();
    try {
      broken.write("secrets/dev/a.enc.json", shaped({ a: "PLAINTEXT-a" }));
      broken.commitAll("base");
      broken.write("cdktf.json", "{ not json");
      broken.remove("secrets/dev/a.enc.json");
      broken.write("secrets/dev/b.enc.json", shaped({ b: "PLAINTEXT-b" }));
      expect(runReviewCli([], broken.root).stdout.split("\n").slice(1)).toEqual([
        'note: cdktf.json could not be loaded; secret names use "{env}/{name}" and recovery windows 30 days (the defaults)',
        "",
        "deleted secrets/dev/a.enc.json",
        "  environment dev, secret dev/a",
        "  deleting this file schedules secret dev/a for deletion (recovery window 30 days by default)",
        "",
        "added secrets/dev/b.enc.json",
        "  environment dev, secret dev/b",
        "  recipients (who can decrypt it):",
        `    kms ${PLACEHOLDER_KMS_ARN}`,
        "  key added: b",
        "",
      ]);
    } finally {
      broken.dispose();
    }
  });

  it("finds the base on origin/main when there is no local main", () => {
    const other = new TempRepo();
    try {
      other.write("secrets/dev/a.enc.json", shaped({ a: "PLAINTEXT-a" }));
      other.commitAll("base");
      other.git("update-ref", "refs/remotes/origin/main", "HEAD");
      other.git("checkout", "-q", "-b", "feature");
      other.git("branch", "-q", "-D", "main");
      expect(runReviewCli([], other.root).stdout).toMatch(
        /^Secret changes since merge-base HEAD origin\/main \(/,
      );
    } finally {
      other.dispose();
    }
  });

  describe("usage errors exit 2 with a clear message", () => {
    it.each([
      [
        ["no-such-ref"],
        'review: unknown git ref "no-such-ref": pass a branch, tag or commit (e.g. origin/main)',
      ],
      // the shared parser's message, as every other command prints it
      [["--colour"], 'review: unknown argument "--colour"'],
      [["main", "other"], "review: expected at most one base ref, got 2: main other"],
    ])("%j", (args, message) => {
      const result = runReviewCli(args, repo.root);
      expect(result.exitCode).toBe(2);
      expect(result.stdout).toBe("");
      expect(result.stderr.split("\n")[0]).toBe(message);
      expect(result.stderr).toContain("usage: npm run review -- [<base-ref>] [--markdown | --json]");
    });

    it("outside a git repository", () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sops-review-nogit-"));
      try {
        const result = runReviewCli([], dir);
        expect(result.exitCode).toBe(2);
        expect(result.stderr.split("\n")[0]).toBe(
          `review: ${dir} is not inside a git working tree: run the review in a clone of the repository`,
        );
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});

describe("review options", () => {
  let repo: TempRepo;
  beforeAll(() => {
    repo = buildScenario();
  });
  afterAll(() => repo.dispose());

  it("--json: the report for tools, with the recipients of added files and never a value", () => {
    const result = runReviewCli(["--json"], repo.root);
    expect(result.exitCode).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(Object.keys(json)).toEqual(["base", "files", "configDefaults"]);
    expect(json.files.map((f: { status: string; path: string }) => `${f.status} ${f.path}`)).toEqual([
      "modified secrets/development/api.enc.json",
      "modified secrets/development/leak.enc.json",
      "renamed secrets/development/payments/stripe-eu.enc.json",
      "modified secrets/development/rotated.enc.yaml",
      "modified secrets/development/shared.enc.json",
      "deleted secrets/production/db.enc.json",
      "added secrets/qa/app.enc.env",
      "deleted secrets/staging/only.enc.json",
    ]);
    const added = json.files[6];
    expect(added.content.recipients).toEqual([{ type: "kms", id: PLACEHOLDER_KMS_ARN }]);
    expect(added.content.keysAdded).toEqual(["API_KEY", "DB_URL"]);
    expect(json.files[0].content).toMatchObject({
      keysAdded: ["db.host"],
      valuesChanged: ["db.password"],
      recipients: [],
    });
    for (const p of PLAINTEXTS) expect(result.stdout).not.toContain(p);
    expect(result.stdout).not.toContain("ENC[");
  });

  it("--help prints the usage and exits 0", () => {
    const result = runReviewCli(["--help"], repo.root);
    expect(result).toMatchObject({ exitCode: 0, stderr: "" });
    expect(result.stdout).toMatch(/^usage: npm run review -- \[<base-ref>\] \[--markdown \| --json\]/);
    expect(result.stdout).toContain("--summarize-plan <log>");
  });

  it.each([
    [["--json", "--markdown"], "review: --markdown and --json exclude each other"],
    [
      ["--plan-summaries"],
      "review: --plan-summaries needs a value (--plan-summaries <value> or --plan-summaries=<value>)",
    ],
    [
      ["--plan-summaries", "--json"],
      "review: --plan-summaries needs a value (--plan-summaries <value> or --plan-summaries=<value>)",
    ],
    [["--plan-summaries="], "review: --plan-summaries needs a value"],
    [["--json=yes"], "review: --json does not take a value"],
    [["--env", "dev"], "review: --env and --outcome go with --summarize-plan"],
    [["--summarize-plan", "x.log"], "review: --summarize-plan needs --env and --outcome"],
    [
      ["--summarize-plan", "nope.log", "--env", "dev", "--outcome", "success"],
      "review: nope.log: no such plan log",
    ],
  ])("%j exits 2", (args, message) => {
    const result = runReviewCli(args, repo.root);
    expect(result.exitCode).toBe(2);
    expect(result.stderr.split("\n")[0]).toBe(message);
  });

  describe("plan summaries", () => {
    const logs: Record<string, [string, string]> = {
      development: [
        "success",
        "development  # aws_secretsmanager_secret.api will be created\n" +
          "development  Plan: 1 to import, 2 to add, 1 to change, 0 to destroy.\n",
      ],
      production: ["success", "production  No changes. Your infrastructure matches the configuration.\n"],
      staging: ["failure", "staging  Error: AccessDenied\n"],
    };

    it("--summarize-plan reduces a plan log to counts, and the comment combines them", () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sops-plans-"));
      try {
        for (const [env, [outcome, log]] of Object.entries(logs)) {
          fs.writeFileSync(path.join(dir, `${env}.log`), log);
          const result = runReviewCli(
            ["--summarize-plan", path.join(dir, `${env}.log`), "--env", env, "--outcome", outcome],
            repo.root,
          );
          expect(result.exitCode).toBe(0);
          fs.writeFileSync(path.join(dir, `${env}.json`), result.stdout);
        }
        expect(JSON.parse(fs.readFileSync(path.join(dir, "development.json"), "utf8"))).toEqual({
          environment: "development",
          outcome: "success",
          changes: { import: 1, add: 2, change: 1, destroy: 0 },
        });
        expect(JSON.parse(fs.readFileSync(path.join(dir, "staging.json"), "utf8"))).toEqual({
          environment: "staging",
          outcome: "failure",
        });
        const md = runReviewCli(["--markdown", "--plan-summaries", dir], repo.root).stdout.split("\n");
        const at = md.indexOf("## Plans");
        expect(md.slice(at)).toEqual([
          "## Plans",
          "",
          "| Environment | Plan | Import | Add | Change | Destroy |",
          "| --- | --- | ---: | ---: | ---: | ---: |",
          "| `development` | 1 to import, 2 to add, 1 to change, 0 to destroy | 1 | 2 | 1 | 0 |",
          "| `production` | no changes | 0 | 0 | 0 | 0 |",
          "| `staging` | ❌ plan failed: see the job log | – | – | – | – |",
          "",
        ]);
        const text = runReviewCli(["--plan-summaries", dir], repo.root).stdout.split("\n");
        expect(text.slice(text.indexOf("Plans:"))).toEqual([
          "Plans:",
          "  development: 1 to import, 2 to add, 1 to change, 0 to destroy",
          "  production: no changes",
          "  staging: plan failed: see the job log",
          "",
        ]);
        expect(runReviewCli(["--json", "--plan-summaries", dir], repo.root).stdout).toContain('"plans": [');
        // a summary that is not one is refused, naming the file
        fs.writeFileSync(
          path.join(dir, "x.json"),
          JSON.stringify({ environment: "x", outcome: "success", log: "…" }),
        );
        const bad = runReviewCli(["--markdown", "--plan-summaries", dir], repo.root);
        expect(bad.exitCode).toBe(2);
        expect(bad.stderr.split("\n")[0]).toBe(
          `review: ${path.join(dir, "x.json")}: not a plan summary (root)`,
        );
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    it("--summarize-plan --markdown: the plan job's own summary", () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sops-plans-"));
      try {
        fs.writeFileSync(path.join(dir, "p.log"), logs.development[1]);
        const args = [
          "--summarize-plan",
          path.join(dir, "p.log"),
          "--env",
          "development",
          "--outcome",
          "success",
        ];
        expect(runReviewCli([...args, "--markdown"], repo.root).stdout.split("\n")).toEqual([
          "## Plans",
          "",
          "| Environment | Plan | Import | Add | Change | Destroy |",
          "| --- | --- | ---: | ---: | ---: | ---: |",
          "| `development` | 1 to import, 2 to add, 1 to change, 0 to destroy | 1 | 2 | 1 | 0 |",
          "",
        ]);
        expect(runReviewCli([...args.slice(0, 5), "sideways"], repo.root).stderr.split("\n")[0]).toBe(
          'review: --outcome must be one of success, failure, cancelled, skipped, got "sideways"',
        );
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  it("in a --depth 1 clone says how to fetch the base", () => {
    const source = new TempRepo();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sops-shallow-"));
    try {
      source.write("secrets/dev/a.enc.json", shaped({ a: "PLAINTEXT-a" }));
      source.commitAll("one");
      source.write("secrets/dev/b.enc.json", shaped({ b: "PLAINTEXT-b" }));
      source.commitAll("two");
      const clone = path.join(dir, "clone");
      execFileSync("git", ["clone", "-q", "--depth", "1", `file://${source.root}`, clone]);
      const result = runReviewCli(["HEAD~1"], clone);
      expect(result.exitCode).toBe(2);
      expect(result.stderr.split("\n")[0]).toBe(
        'review: unknown git ref "HEAD~1": pass a branch, tag or commit (e.g. origin/main); this is a shallow clone ' +
          "(e.g. --depth 1), so older commits and other branches are missing: fetch the history with " +
          "`git fetch --unshallow` (or fetch the base: `git fetch origin main`) and run the review again",
      );
      execFileSync("git", ["fetch", "-q", "--unshallow"], { cwd: clone });
      expect(runReviewCli(["HEAD~1"], clone).stdout).toContain("1 secret file changed: 1 added");
    } finally {
      source.dispose();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("never runs a configured textconv (sops decrypt) on the base's files", () => {
    const r = new TempRepo();
    try {
      r.write(".gitattributes", fs.readFileSync(path.join(__dirname, "../../.gitattributes"), "utf8"));
      r.write("secrets/dev/a.enc.json", shaped({ a: "PLAINTEXT-a" }));
      r.commitAll("base");
      const marker = path.join(r.root, "textconv-ran");
      r.git("config", "diff.sopsdiffer.textconv", `touch '${marker}'; echo '{"DECRYPTED": 1}'; true`);
      r.write("secrets/dev/a.enc.json", sopsEdit(r.read("secrets/dev/a.enc.json"), "json", { set: ["a"] }));
      const result = runReviewCli(["main"], r.root);
      expect(result.stdout).toContain("value changed: a");
      expect(result.stdout).not.toContain("DECRYPTED");
      expect(fs.existsSync(marker)).toBe(false);
      // and the attribute is what git sees for secret files
      expect(r.git("check-attr", "diff", "secrets/dev/a.enc.json").trim()).toBe(
        "secrets/dev/a.enc.json: diff: sopsdiffer",
      );
    } finally {
      r.dispose();
    }
  });
});
