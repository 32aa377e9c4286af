/**
 * `npm run rekey`, without sops: a fake `sops` on PATH (a shell script in a temp folder) records its arguments
 * and can "fix" a file by copying a prepared in-sync version over it.
 */
import * as fs from "fs";
import * as path from "path";
import { runRekeyCli } from "../../src/rekey/rekey-cli";
import { commandLine, planRekey, shellQuote } from "../../src/rekey/rekey-plan";
import { makeTempDir } from "../../test-support/example-repo";
import { sopsShapedContent } from "../../test-support/sops-shaped-file";
import { makeTempRepo, removeTempRepos } from "../../test-support/temp-repo";

afterAll(removeTempRepos);

const NOW = "2026-12-01T00:00:00Z";
const KMS_DEV = "arn:aws:kms:us-east-1:111122223333:key/11111111-1111-1111-1111-111111111111";
const KMS_PROD = "arn:aws:kms:us-east-1:444455556666:key/22222222-2222-2222-2222-222222222222";
const ALICE = "age1alicexxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx";
const BOB = "age1bobxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx";
const RULES = [
  { path_regex: "^secrets/dev/", kms: KMS_DEV, age: ALICE },
  { path_regex: "^secrets/prod/", kms: KMS_PROD },
];

const shaped = (kmsArns: string[], ageRecipients: string[] = [], lastModified = "2026-11-01T00:00:00Z") =>
  sopsShapedContent({ password: "hunter2" }, { format: "json", kmsArns, ageRecipients, lastModified });

/**
 * secrets/dev/new-key.enc.json: Alice was added to the rule → updatekeys only.
 * secrets/prod/bob left.enc.json: Bob was removed (a name with a space, to prove the quoting) → updatekeys + rotate.
 * secrets/prod/old.enc.json: in sync, data key 400 days old → rotate only.
 * secrets/prod/ok.enc.json: nothing to do.
 */
function repo(): string {
  return makeTempRepo(
    {
      "secrets/dev/new-key.enc.json": shaped([KMS_DEV]),
      "secrets/prod/bob left.enc.json": shaped([KMS_PROD], [BOB]),
      "secrets/prod/old.enc.json": shaped([KMS_PROD], [], "2025-10-27T00:00:00Z"),
      "secrets/prod/ok.enc.json": shaped([KMS_PROD]),
    },
    { sopsYaml: RULES },
  );
}

/** A fake sops: appends its arguments (one per line, then "--") to $FAKE_SOPS_LOG; see the file comment. */
function fakeSops(options: { failOn?: string } = {}): { env: NodeJS.ProcessEnv; log: string; fixes: string } {
  const dir = makeTempDir("fake-sops-");
  const log = path.join(dir, "calls.log");
  const fixes = path.join(dir, "fixes");
  fs.mkdirSync(fixes);
  fs.writeFileSync(
    path.join(dir, "sops"),
    [
      "#!/bin/sh",
      'for a in "$@"; do printf "%s\\n" "$a" >> "$FAKE_SOPS_LOG"; done',
      'echo "--" >> "$FAKE_SOPS_LOG"',
      'eval "last=\\${$#}"',
      options.failOn
        ? `case "$last" in *${options.failOn}*) echo "fake sops: no access" >&2; exit 3;; esac`
        : "",
      'fix="$FAKE_SOPS_FIXES/$1/$(basename "$last")"',
      '[ -f "$fix" ] && cp "$fix" "$last"',
      "exit 0",
      "",
    ].join("\n"),
    { mode: 0o755 },
  );
  return {
    env: { ...process.env, PATH: `${dir}:${process.env.PATH}`, FAKE_SOPS_LOG: log, FAKE_SOPS_FIXES: fixes },
    log,
    fixes,
  };
}

const calls = (log: string): string[][] =>
  fs.existsSync(log)
    ? fs
        .readFileSync(log, "utf8")
        .split("--\n")
        .filter((c) => c !== "")
        .map((c) => c.replace(/\n$/, "").split("\n"))
    : [];

test("lists exactly the files the rules flag, why, and the shell-quoted commands; exit 1", () => {
  const r = runRekeyCli(["--now", NOW], repo());
  expect(r.exitCode).toBe(1);
  expect(r.stdout).toContain("3 files to re-key:");
  expect(r.stdout).not.toContain("ok.enc.json");
  expect(r.stdout).toContain(
    `secrets/dev/new-key.enc.json\n  updatekeys is not encrypted for age ${ALICE}, which .sops.yaml creation rule #1 (line 2) names\n`,
  );
  expect(r.stdout).toContain(`  rotate     age ${BOB} could decrypt the old data key`);
  expect(r.stdout).toContain("  then       change the values themselves");
  expect(r.stdout).toContain(
    "secrets/prod/old.enc.json\n  rotate     its data key was last used to encrypt on 2025-10-27T00:00:00Z (400 days ago)",
  );
  expect(r.stdout.split("runs them in this order):\n")[1]).toBe(
    [
      "sops updatekeys --yes secrets/dev/new-key.enc.json",
      "sops updatekeys --yes 'secrets/prod/bob left.enc.json'",
      "sops rotate --in-place 'secrets/prod/bob left.enc.json'",
      "sops rotate --in-place secrets/prod/old.enc.json",
      "",
    ].join("\n"),
  );
});

test("--apply runs them in order with the sops on PATH, then re-checks: clean → exit 0", () => {
  const root = repo();
  const sops = fakeSops();
  // What the real sops would leave behind: recipients as the rule says, a new lastmodified after rotate.
  fs.mkdirSync(path.join(sops.fixes, "updatekeys"));
  fs.mkdirSync(path.join(sops.fixes, "rotate"));
  fs.writeFileSync(path.join(sops.fixes, "updatekeys", "new-key.enc.json"), shaped([KMS_DEV], [ALICE]));
  fs.writeFileSync(path.join(sops.fixes, "updatekeys", "bob left.enc.json"), shaped([KMS_PROD]));
  fs.writeFileSync(
    path.join(sops.fixes, "rotate", "old.enc.json"),
    shaped([KMS_PROD], [], "2026-11-30T00:00:00Z"),
  );
  const r = runRekeyCli(["--apply", "--now", NOW], root, { env: sops.env });
  expect(calls(sops.log)).toEqual([
    ["updatekeys", "--yes", "secrets/dev/new-key.enc.json"],
    ["updatekeys", "--yes", "secrets/prod/bob left.enc.json"],
    ["rotate", "--in-place", "secrets/prod/bob left.enc.json"],
    ["rotate", "--in-place", "secrets/prod/old.enc.json"],
  ]);
  expect(r.stdout).toContain("$ sops updatekeys --yes 'secrets/prod/bob left.enc.json'\n");
  expect(r.stdout).toContain("Re-check:\nNothing to re-key");
  expect(r.stdout).toContain("Now change the values of secrets/prod/bob left.enc.json at their source");
  expect(r.exitCode).toBe(0);
});

test("--apply stops at the first failure (exit 1) and says what was not run", () => {
  const sops = fakeSops({ failOn: "bob" });
  const r = runRekeyCli(["--apply", "--now", NOW], repo(), { env: sops.env });
  expect(calls(sops.log)).toEqual([
    ["updatekeys", "--yes", "secrets/dev/new-key.enc.json"],
    ["updatekeys", "--yes", "secrets/prod/bob left.enc.json"],
  ]);
  expect(r.exitCode).toBe(1);
  expect(r.stderr).toBe(
    "fake sops: no access\n" +
      "rekey: `sops updatekeys --yes 'secrets/prod/bob left.enc.json'` failed (exit 3); the remaining 2 commands " +
      "were not run. Fix the cause and run `npm run rekey -- --apply` again.\n",
  );
});

test("--apply with sops doing nothing: the re-check still lists the files, exit 1", () => {
  const sops = fakeSops();
  const r = runRekeyCli(["--apply", "--now", NOW], repo(), { env: sops.env });
  expect(calls(sops.log)).toHaveLength(4);
  expect(r.exitCode).toBe(1);
  expect(r.stdout).toContain("Re-check:\n3 files to re-key:");
});

test("--apply without sops on PATH: exit 2, nothing run", () => {
  const empty = makeTempDir("no-sops-");
  const r = runRekeyCli(["--apply", "--now", NOW], repo(), { env: { ...process.env, PATH: empty } });
  expect(r.exitCode).toBe(2);
  expect(r.stderr).toMatch(
    /^rekey: no `sops` on PATH: install sops .* the remaining 3 commands were not run\n$/,
  );
});

test("nothing to do: exit 0; usage and configuration errors: exit 2", () => {
  const clean = makeTempRepo({ "secrets/prod/ok.enc.json": shaped([KMS_PROD]) }, { sopsYaml: RULES });
  expect(runRekeyCli(["--now", NOW], clean)).toMatchObject({
    exitCode: 0,
    stdout: expect.stringMatching(/^Nothing to re-key/),
  });
  expect(runRekeyCli(["--apply=yes"], clean)).toMatchObject({
    exitCode: 2,
    stderr: expect.stringMatching(/^rekey: --apply does not take a value\n\nUsage: npm run rekey/),
  });
  expect(runRekeyCli(["--now", "soon"], clean).exitCode).toBe(2);
  expect(runRekeyCli(["--help"], clean)).toMatchObject({
    exitCode: 0,
    stdout: expect.stringMatching(/^Usage: npm run rekey/),
  });
  const bad = makeTempRepo({}, { context: { dataKeyMaxAgeDays: -5 } });
  expect(runRekeyCli([], bad)).toMatchObject({
    exitCode: 2,
    stderr: expect.stringContaining("context.dataKeyMaxAgeDays"),
  });
});

test("shell quoting", () => {
  expect(["a/b.enc.json", "it's", "$(rm -rf /)", "a b", ""].map(shellQuote)).toEqual([
    "a/b.enc.json",
    "'it'\\''s'",
    "'$(rm -rf /)'",
    "'a b'",
    "''",
  ]);
  const plan = planRekey([{ file: "secrets/p/x`y.enc.json", oldDataKey: "old" }]);
  expect(plan.steps.map(commandLine)).toEqual(["sops rotate --in-place 'secrets/p/x`y.enc.json'"]);
});

const FIXTURE = path.resolve(__dirname, "../../../shared/fixtures/sops/kms/getsops-example-2016-v1.6.json");
(fs.existsSync(FIXTURE) ? test : test.skip)(
  "real sops output (2016 example): a PGP key left the rule → updatekeys, rotate (also for its age), change the values",
  () => {
    const root = makeTempRepo(
      { "secrets/legacy/example.enc.json": fs.readFileSync(FIXTURE, "utf8") },
      {
        sopsYaml: [
          {
            path_regex: "^secrets/legacy/",
            kms: [
              "arn:aws:kms:us-east-1:656532927350:key/920aff2e-c5f1-4040-943a-047fa387b27e",
              "arn:aws:kms:ap-southeast-1:656532927350:key/9006a8aa-0fa6-4c14-930e-a2dfb916de1d",
            ],
            pgp: "1022470DE3F0BC54BC6AB62DE05550BC07FB1A0A",
          },
        ],
      },
    );
    const r = runRekeyCli(["--now", NOW], root);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toBe(
      [
        "1 file to re-key:",
        "",
        "secrets/legacy/example.enc.json",
        "  updatekeys is encrypted for pgp 85D77543B3D624B63CEA9E6DBC17301B491B3F21, which .sops.yaml creation rule #1 (line 2) does not name",
        "  rotate     PGP 85D77543B3D624B63CEA9E6DBC17301B491B3F21 could decrypt the old data key, which a new one makes " +
          "useless for future values; and its data key was last used to encrypt on 2016-02-03T18:46:24Z (3953 days ago), " +
          "more than dataKeyMaxAgeDays (365)",
        "  then       change the values themselves: a removed key's holder may have read them; rotating the data key only " +
          "protects future values",
        "",
        "Commands (from the project root; `npm run rekey -- --apply` runs them in this order):",
        "sops updatekeys --yes secrets/legacy/example.enc.json",
        "sops rotate --in-place secrets/legacy/example.enc.json",
        "",
      ].join("\n"),
    );
  },
);
