/**
 * Issue 11: whatever `npm run check` accepts, synth accepts, and the reverse, whatever the names. Both run
 * in-process on generated repositories (fast-check, seeded).
 */
import { execFileSync, spawnSync } from "child_process";
import * as fc from "fast-check";
import * as fs from "fs";
import * as path from "path";
import { runCheck } from "../../src/check/run-check";
import { runNewEnv } from "../../src/new-env/run-new-env";
import { runSynth, synthesizeRepo } from "../../src/synth/synthesize-repo";
import { boundedTagValue } from "../../src/stacks/sops-secret";
import { sopsShapedContent } from "../../test-support/sops-shaped-file";
import { makeTempRepo, removeTempRepos } from "../../test-support/temp-repo";

afterEach(removeTempRepos);

const secret = sopsShapedContent({ password: "x" }, { format: "json" });
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Names that trip JavaScript objects, cdktf's own construct ids, GitHub or AWS. */
const TRICKY = [
  "constructor",
  "toString",
  "valueOf",
  "hasOwnProperty",
  "__proto__",
  "isPrototypeOf",
  "aws",
  "sops",
  "source-files",
  "secrets",
  "backend",
  "bootstrap",
  "prod-plan",
  "Prod",
  "prod",
  "a--b",
  "1x",
  ".hidden",
  "",
  // a logical name of 401 characters (file names are at most 255 bytes: a folder and a file)
  `${"x".repeat(200)}/${"y".repeat(200)}`,
];
const segment = fc.oneof(
  fc.constantFrom(...TRICKY),
  fc.stringMatching(/^[A-Za-z0-9_.@+=-]{1,12}$/).filter((s) => s !== "." && s !== ".."),
);
const envName = fc
  .oneof(fc.constantFrom(...TRICKY.filter((n) => n !== "" && !n.includes("/"))), segment)
  .filter((s) => s !== "" && s !== "." && s !== "..");
const repoSpec = fc.dictionary(envName, fc.uniqueArray(segment, { minLength: 1, maxLength: 3 }), {
  minKeys: 1,
  maxKeys: 3,
});

function stackJson(outdir: string, env: string): Json {
  return JSON.parse(fs.readFileSync(path.join(outdir, "stacks", env, "cdk.tf.json"), "utf8"));
}

describe("check and synth agree", () => {
  it("on generated environment and file names (property test)", () => {
    fc.assert(
      fc.property(repoSpec, (spec) => {
        const files: Record<string, string> = {};
        for (const [env, names] of Object.entries(spec))
          for (const name of names) files[`secrets/${env}/${name}.enc.json`] = secret;
        const root = makeTempRepo(files);
        const check = runCheck([], root);
        let synth: ReturnType<typeof synthesizeRepo>;
        try {
          synth = synthesizeRepo(root);
        } catch (e) {
          throw new Error(
            `synth threw on ${JSON.stringify(spec)} (check exit ${check.exitCode}): ${(e as Error).message}`,
          );
        }
        expect({ spec, check: check.exitCode === 0 }).toEqual({ spec, check: synth.synthesized });
        if (!synth.synthesized) return;
        for (const env of synth.analysis.environments) {
          const stack = stackJson(synth.outdir, env.name);
          const secrets = Object.values<Json>(stack.resource.aws_secretsmanager_secret);
          expect(secrets).toHaveLength(env.secrets.length);
          for (const s of secrets)
            for (const v of Object.values<string>(s.tags)) expect(v.length).toBeLessThanOrEqual(256);
          expect(Object.keys(stack.output.secrets.value).sort()).toEqual(
            env.secrets.map((s) => s.ref.name).sort(),
          );
        }
        removeTempRepos();
      }),
      { seed: 20261202, numRuns: 20 },
    );
  });

  it.each(["constructor", "toString", "__proto__", "aws", "sops", "source-files", "secrets", "backend"])(
    "a secret file named %s either synthesizes with its own address or is refused by both",
    (name) => {
      const root = makeTempRepo({
        [`secrets/dev/${name}.enc.json`]: secret,
        "secrets/dev/z.enc.json": secret,
      });
      const check = runCheck([], root);
      const synth = synthesizeRepo(root);
      expect(synth.synthesized).toBe(check.exitCode === 0);
      if (name === "__proto__") {
        expect(check.exitCode).toBe(1);
        return;
      }
      expect(check.exitCode).toBe(0);
      const stack = stackJson(synth.outdir, "dev");
      expect(Object.keys(stack.resource.aws_secretsmanager_secret)).toEqual([
        expect.stringMatching(new RegExp(`^${name}_[0-9a-f]{8}$`)),
        "z",
      ]);
      expect(Object.keys(stack.output.secrets.value)).toEqual([name, "z"]);
    },
  );
});

describe("generated tags stay within AWS limits", () => {
  it("cuts a SourceFile longer than 256 characters deterministically, keeping long paths apart", () => {
    const long = `${"a".repeat(150)}/${"a".repeat(150)}`;
    const root = makeTempRepo({
      [`secrets/dev/${long}.enc.json`]: secret,
      [`secrets/dev/${long}b.enc.json`]: secret,
    });
    const synth = synthesizeRepo(root);
    expect(synth.synthesized).toBe(true);
    const secrets = Object.values<Json>(stackJson(synth.outdir, "dev").resource.aws_secretsmanager_secret);
    const tags = secrets.map((s) => s.tags.SourceFile as string);
    for (const tag of tags) {
      expect(tag).toHaveLength(256);
      expect(tag).toMatch(/^secrets\/dev\/a+\/a+\.\.\.[0-9a-f]{10}$/);
      expect(Object.keys(secrets[0].tags).every((k) => k.length <= 128)).toBe(true);
    }
    expect(new Set(tags).size).toBe(2);
    expect(secrets[0].description).toBe(`Managed by sops-secrets from secrets/dev/${long}.enc.json`);
    expect(boundedTagValue(`secrets/dev/${long}.enc.json`)).toBe(tags[0]);
    expect(boundedTagValue("secrets/dev/db.enc.json")).toBe("secrets/dev/db.enc.json");
  });
});

describe("special files are refused, never waited on", () => {
  const fifo = (file: string) => spawnSync("mkfifo", [file]).status === 0;

  it.each(["cdktf.json", ".sops.yaml", ".gitignore"])("a FIFO named %s", (name) => {
    const root = makeTempRepo({ "secrets/dev/db.enc.json": secret });
    fs.rmSync(path.join(root, name));
    if (!fifo(path.join(root, name))) return; // no mkfifo on this machine
    const result = runCheck([], root);
    const expected: Record<string, [number, string]> = {
      "cdktf.json": [
        2,
        "error SS011 cdktf.json: cdktf.json is not a regular file (a folder, FIFO, socket or device), so the " +
          "configuration cannot be read.",
      ],
      ".sops.yaml": [
        1,
        "error SS004 .sops.yaml: .sops.yaml is not a regular file (a folder, FIFO, socket or device), so sops " +
          "cannot read its creation rules.",
      ],
      ".gitignore": [
        0,
        "warning SS007 .gitignore: .gitignore is missing, so nothing keeps decrypted copies of secrets (*.dec.*) out of Git.",
      ],
    };
    expect(result.exitCode).toBe(expected[name][0]);
    expect(result.stdout).toContain(expected[name][1]);
    expect(synthesizeRepo(root).synthesized).toBe(name === ".gitignore");
  });

  it("a folder named .sops.yaml is not reported as missing", () => {
    const root = makeTempRepo({ "secrets/dev/db.enc.json": secret, ".sops.yaml/x": "" }, { sopsYaml: false });
    expect(runCheck([], root).stdout).toContain("error SS004 .sops.yaml: .sops.yaml is not a regular file");
  });
});

describe("file names are printed escaped", () => {
  it("control and bidi characters in a file name never reach the terminal raw", () => {
    const name = "secrets/dev/evil\x1b[2J\u202e.txt";
    const root = makeTempRepo({ "secrets/dev/db.enc.json": secret, [name]: "x" });
    const result = runCheck([], root);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain(
      "error SS007 secrets/dev/evil\\x1b[2J\\u202e.txt: is not an encrypted secret file",
    );
    expect(result.stdout).not.toContain("\x1b");
    expect(result.stdout).not.toContain("\u202e");
    expect(result.stdout.trim().split("\n")).toHaveLength(1);
    // --json keeps the exact name (JSON escapes it)
    expect(JSON.parse(runCheck(["--json"], root).stdout).diagnostics[0].path).toBe(name);
    // synth prints the same line
    const errors: string[] = [];
    runSynth(root, { log: () => undefined, error: (m: string) => errors.push(m) });
    expect(errors[0]).toBe(result.stdout.trim());
  });
});

describe("Git-ignored secret files (a real Git repository)", () => {
  it("are refused by check and synth, naming the pattern", () => {
    const root = makeTempRepo(
      {
        "secrets/production/db.enc.json": secret,
        "secrets/production/.env.enc.env": "A=ENC[AES256_GCM,data:x,iv:y,tag:z,type:str]\n",
        "secrets/production/dist/api.enc.json": secret,
        "secrets/node_modules/x.enc.json": secret,
      },
      { gitignore: "*.dec.*\nnode_modules/\ndist/\n.env\n.env.*\n" },
    );
    execFileSync("git", ["init", "-q"], { cwd: root });
    const result = runCheck(["--json"], root);
    const ss014 = (JSON.parse(result.stdout).diagnostics as Json[]).filter((d) => d.ruleId === "SS015");
    expect(ss014.map((d) => `${d.path}: ${d.message}`)).toEqual([
      "secrets/node_modules: is an environment folder that Git ignores (.gitignore:2: `node_modules/`), so it is " +
        "never committed: a local synth would deploy it, CI never sees it",
      "secrets/production/.env.enc.env: is a secret file that Git ignores (.gitignore:5: `.env.*`), so it is never " +
        "committed: a local synth would deploy it, CI never sees it",
      "secrets/production/dist/api.enc.json: is a secret file that Git ignores (.gitignore:3: `dist/`), so it is " +
        "never committed: a local synth would deploy it, CI never sees it",
    ]);
    expect(synthesizeRepo(root).synthesized).toBe(false);

    // Once committed (forced), a file is tracked: Git commits it whatever the patterns say.
    fs.rmSync(path.join(root, "secrets/node_modules"), { recursive: true });
    fs.rmSync(path.join(root, "secrets/production/.env.enc.env"));
    execFileSync("git", ["add", "-f", "secrets/production/dist/api.enc.json"], { cwd: root });
    expect(runCheck([], root).exitCode).toBe(0);
  });
});

describe("synth's summary", () => {
  it("counts the bootstrap stack it writes", () => {
    const root = makeTempRepo(
      { "secrets/dev/db.enc.json": secret, "secrets/prod/db.enc.json": secret },
      {
        context: { bootstrap: { accountId: "123456789012" } },
        sopsYaml: [{ kms: "arn:aws:kms:us-east-1:111122223333:key/00000000-0000-0000-0000-000000000000" }],
      },
    );
    const logs: string[] = [];
    expect(runSynth(root, { log: (m: string) => logs.push(m), error: () => undefined })).toBe(0);
    expect(fs.readdirSync(path.join(root, "cdktf.out", "stacks")).sort()).toEqual([
      "bootstrap",
      "dev",
      "prod",
    ]);
    expect(logs[0]).toMatch(
      /^Synthesized 3 stacks into cdktf\.out\/stacks: dev \(1 secret\), prod \(1 secret\), bootstrap \(KMS keys, IAM policies, state bucket\)/,
    );
  });
});

describe("special files in the other commands", () => {
  it("new-env refuses a FIFO named .sops.yaml instead of waiting on it", () => {
    const root = makeTempRepo({ "secrets/dev/db.enc.json": secret }, { sopsYaml: false });
    if (spawnSync("mkfifo", [path.join(root, ".sops.yaml")]).status !== 0) return;
    const errors: string[] = [];
    const kms = "arn:aws:kms:us-east-1:111122223333:key/00000000-0000-4000-8000-000000000000";
    const code = runNewEnv(root, ["staging", "--kms-arn", kms], {
      out: () => undefined,
      err: (m: string) => errors.push(m),
    });
    expect(code).toBe(1);
    expect(errors).toEqual([
      "new-env: refused: .sops.yaml is not a regular file (a folder, FIFO, socket or device).",
      "Nothing was written.",
    ]);
    expect(fs.existsSync(path.join(root, "secrets/staging"))).toBe(false);
  });
});
