import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { REVIEW_COMMENT_MARKER } from "../../src/review/render-review";
import { runReviewCli } from "../../src/review/review-cli";
import { AGE_RECIPIENT, buildScenario, LEAKED_PLAINTEXT, PLAINTEXTS, SECOND_KMS } from "./scenario";
import { TempRepo } from "./temp-repo";
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
    expect(result.code).toBe(0);
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
    expect(result.code).toBe(0);
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
      [["--colour"], "review: unknown option --colour"],
      [["main", "other"], "review: expected at most one base ref, got 2: main other"],
    ])("%j", (args, message) => {
      const result = runReviewCli(args, repo.root);
      expect(result.code).toBe(2);
      expect(result.stdout).toBe("");
      expect(result.stderr.split("\n")[0]).toBe(message);
      expect(result.stderr).toContain("usage: npm run review -- [<base-ref>] [--markdown | --json]");
    });

    it("outside a git repository", () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sops-review-nogit-"));
      try {
        const result = runReviewCli([], dir);
        expect(result.code).toBe(2);
        expect(result.stderr.split("\n")[0]).toBe(
          `review: ${dir} is not inside a git working tree: run the review in a clone of the repository`,
        );
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
