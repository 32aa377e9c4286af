/**
 * The output folder: which folders synth refuses to replace, the lock between synths, leftovers of killed
 * runs, saved plan files, read-only stack folders, the cdktf CLI, and messages that are true in every case.
 * (Killing and racing synth processes: publish-kill.test.ts.)
 */
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runSynth, synthesizeRepo } from "../../src/synth/synthesize-repo";
import { lockPathFor, OutputLockedError } from "../../src/synth/output-lock";
import { kmsArnFor, makeTempDir, TWO_ENV_SPEC, writeExampleRepo } from "../../test-support/example-repo";
import { writeSopsShapedFile } from "../../test-support/sops-shaped-file";
import { checkOutput, leftoversNextTo, readOutput } from "../../test-support/check-output";
import { buildSynthChild, removeSynthChild, startSynth } from "../../test-support/synth-process";

function logs() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, log: { log: (m: string) => out.push(m), error: (m: string) => err.push(m) } };
}

/** Every file under `dir` (following no links) with its content: to prove nothing was touched. */
function treeOf(dir: string): Record<string, string> {
  const result: Record<string, string> = {};
  const walk = (abs: string, rel: string) => {
    const st = fs.lstatSync(abs);
    if (st.isDirectory())
      for (const e of fs.readdirSync(abs)) walk(path.join(abs, e), rel ? `${rel}/${e}` : e);
    else result[rel] = st.isSymbolicLink() ? `-> ${fs.readlinkSync(abs)}` : fs.readFileSync(abs, "base64");
  };
  walk(dir, "");
  return result;
}

function refusedWith(root: string, outdir: string | undefined, message: RegExp, shown?: string) {
  const before = treeOf(root);
  const r = synthesizeRepo(root, outdir === undefined ? {} : { outdir });
  expect(r.synthesized).toBe(false);
  const errors = r.analysis.diagnostics.filter((d) => d.severity === "error");
  expect(errors).toHaveLength(1);
  expect(errors[0]).toMatchObject({ ruleId: "SS011", message: expect.stringMatching(message) });
  if (shown !== undefined) expect(errors[0].path).toBe(shown);
  expect(errors[0].fix).toMatch(/CDKTF_OUTDIR/);
  expect(treeOf(root)).toEqual(before); // nothing written, nothing deleted
}

describe("output folders synth refuses, before anything is written or deleted", () => {
  it("CDKTF_OUTDIR=secrets/production (the uncommitted secret file stays)", () => {
    const root = writeExampleRepo(makeTempDir(), TWO_ENV_SPEC);
    writeSopsShapedFile(
      path.join(root, "secrets/production/uncommitted.enc.json"),
      { k: "v" },
      { format: "json", kmsArns: [kmsArnFor("production")] },
    );
    const saved = process.env.CDKTF_OUTDIR;
    process.env.CDKTF_OUTDIR = "secrets/production";
    try {
      refusedWith(root, undefined, /under secrets\//, "secrets/production");
      const { err, log } = logs();
      expect(runSynth(root, log)).toBe(2);
      expect(err.at(-1)).toBe(
        "synth refused: 1 error, 0 warnings. Nothing was written. Fix the problems above and run it again.",
      );
    } finally {
      if (saved === undefined) delete process.env.CDKTF_OUTDIR;
      else process.env.CDKTF_OUTDIR = saved;
    }
    expect(fs.existsSync(path.join(root, "secrets/production/uncommitted.enc.json"))).toBe(true);
  });

  it("the project root, a folder containing it, secrets/ itself and .git/", () => {
    const root = writeExampleRepo(path.join(makeTempDir(), "project"), TWO_ENV_SPEC);
    refusedWith(root, ".", /project root or contains it/);
    refusedWith(root, "..", /project root or contains it/);
    refusedWith(root, "secrets", /under secrets\//, "secrets");
    refusedWith(root, ".git/out", /inside \.git/);
  });

  it("a folder holding files synth did not write, a file, a link synth did not make", () => {
    const root = writeExampleRepo(makeTempDir(), TWO_ENV_SPEC);
    fs.mkdirSync(path.join(root, "docs"));
    fs.writeFileSync(path.join(root, "docs", "notes.md"), "mine\n");
    refusedWith(root, "docs", /holds "notes\.md", which synth did not write/, "docs");
    fs.writeFileSync(path.join(root, "out.txt"), "x");
    refusedWith(root, "out.txt", /a file, not a folder/);
    fs.symlinkSync("docs", path.join(root, "cdktf.out"));
    refusedWith(root, "cdktf.out", /symbolic link synth did not make \(to docs\)/);
  });

  it("a folder Git tracks files in", () => {
    const root = writeExampleRepo(makeTempDir(), TWO_ENV_SPEC);
    fs.mkdirSync(path.join(root, "out"));
    fs.writeFileSync(path.join(root, "out", "manifest.json"), "{}\n");
    const git = (...args: string[]) =>
      execFileSync("git", ["-c", "user.email=t@example.com", "-c", "user.name=t", ...args], {
        cwd: root,
        stdio: "pipe",
      });
    git("init", "-q");
    git("add", "out/manifest.json");
    git("commit", "-qm", "tracked output");
    refusedWith(root, "out", /Git tracks files in it \(out\/manifest\.json\)/, "out");
    // The default, untracked (and ignored) cdktf.out is fine in the same repository.
    expect(synthesizeRepo(root, { outdir: "cdktf.out" }).synthesized).toBe(true);
  });
});

describe("the lock between synths", () => {
  function lockedBy(outdir: string, owner: object | string) {
    fs.writeFileSync(lockPathFor(outdir), typeof owner === "string" ? owner : JSON.stringify(owner));
  }

  it("refuses clearly, past the wait, while another live synth holds it; the output stays as it was", () => {
    const root = writeExampleRepo(makeTempDir(), TWO_ENV_SPEC);
    const outdir = synthesizeRepo(root, { outdir: "cdktf.out" }).outdir;
    const before = readOutput(outdir)!;
    // This very process: alive, on this host.
    const started = "2026-12-02T10:00:00.000Z";
    lockedBy(outdir, { pid: process.pid, host: os.hostname(), started, nonce: "n" });
    fs.rmSync(path.join(root, "secrets/production"), { recursive: true });
    expect(() => synthesizeRepo(root, { outdir: "cdktf.out", lockWaitMs: 200 })).toThrow(OutputLockedError);
    const { err, log } = logs();
    expect(runSynth(root, log, { outdir: "cdktf.out", lockWaitMs: 200 })).toBe(1);
    expect(err).toEqual([
      `synth refused: another synth (pid ${process.pid} on ${os.hostname()}, started ${started}) holds ` +
        `${lockPathFor(outdir)} and did not finish within 0 s. Run synth again once it has finished; if no ` +
        `synth is running, delete ${lockPathFor(outdir)}. Nothing was written.`,
    ]);
    expect(readOutput(outdir)!.fingerprint).toBe(before.fingerprint);
    expect(fs.existsSync(lockPathFor(outdir))).toBe(true); // not ours: left alone
    expect(leftoversNextTo(outdir)).toEqual([".cdktf.out.lock"]);
  });

  it("never guesses about a lock file it did not write", () => {
    const root = writeExampleRepo(makeTempDir(), TWO_ENV_SPEC);
    const outdir = path.join(root, "cdktf.out");
    lockedBy(outdir, "garbage");
    expect(() => synthesizeRepo(root, { outdir: "cdktf.out", lockWaitMs: 100 })).toThrow(
      /a lock file synth did not write holds .*cdktf\.out\.lock/,
    );
    expect(fs.existsSync(outdir)).toBe(false);
  });

  it("removes a stale lock (its process is gone) and the temp files of dead synths, then publishes", () => {
    const root = writeExampleRepo(makeTempDir(), TWO_ENV_SPEC);
    const outdir = path.join(root, "cdktf.out");
    const dead = spawnSync(process.execPath, ["-e", ""]).pid!;
    lockedBy(outdir, { pid: dead, host: os.hostname(), started: "2026-12-02T10:00:00.000Z", nonce: "x" });
    fs.writeFileSync(path.join(root, `.cdktf.out.lock-${dead}-abcd`), "{}");
    const r = synthesizeRepo(root, { outdir: "cdktf.out", lockWaitMs: 100 });
    expect(r).toMatchObject({ synthesized: true, warnings: [] });
    expect(checkOutput(readOutput(outdir)!)).toEqual([]);
    expect(leftoversNextTo(outdir)).toEqual([]);
  });
});

describe("the lock on a file system without hard links", () => {
  it("is taken with O_EXCL instead, and still refuses while held", () => {
    const root = writeExampleRepo(makeTempDir(), TWO_ENV_SPEC);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const nodeFs: typeof fs = require("fs");
    const spy = jest.spyOn(nodeFs, "linkSync").mockImplementation(() => {
      throw Object.assign(new Error("EPERM: operation not permitted"), { code: "EPERM" });
    });
    try {
      const r = synthesizeRepo(root, { outdir: "cdktf.out" });
      expect(r).toMatchObject({ synthesized: true, warnings: [] });
      expect(fs.existsSync(lockPathFor(r.outdir))).toBe(false);
      const owner = {
        pid: process.pid,
        host: os.hostname(),
        started: "2026-12-02T10:00:00.000Z",
        nonce: "n",
      };
      fs.writeFileSync(lockPathFor(r.outdir), JSON.stringify(owner));
      expect(() => synthesizeRepo(root, { outdir: "cdktf.out", lockWaitMs: 100 })).toThrow(OutputLockedError);
    } finally {
      spy.mockRestore();
    }
  });
});

describe("leftovers, Terraform's files and saved plans", () => {
  it("removes staging folders and links of killed runs and rescues Terraform's files from older generations", () => {
    const root = writeExampleRepo(makeTempDir(), TWO_ENV_SPEC);
    const outdir = synthesizeRepo(root, { outdir: "cdktf.out" }).outdir;
    // A killed run after its swap: Terraform's files still in an older generation.
    const older = path.join(root, ".cdktf.out.gen-000000001-deadbeef");
    fs.mkdirSync(path.join(older, "stacks", "development", ".terraform"), { recursive: true });
    fs.writeFileSync(path.join(older, "stacks", "development", ".terraform", "m"), "cache");
    fs.mkdirSync(path.join(root, ".cdktf.out.staging-abc123"));
    fs.writeFileSync(path.join(root, ".cdktf.out.staging-abc123", "copy.enc.json"), "x".repeat(4096));
    fs.symlinkSync(".cdktf.out.gen-gone", path.join(root, ".cdktf.out.link-xyz"));
    const r = synthesizeRepo(root, { outdir: "cdktf.out" });
    expect(r.warnings).toEqual([]);
    expect(leftoversNextTo(outdir)).toEqual([]);
    expect(fs.readFileSync(path.join(outdir, "stacks/development/.terraform/m"), "utf8")).toBe("cache");
  });

  it("never carries a saved plan (plaintext in data-source mode) into the new output, and deletes it", () => {
    const root = writeExampleRepo(makeTempDir(), TWO_ENV_SPEC);
    const outdir = synthesizeRepo(root, { outdir: "cdktf.out" }).outdir;
    const stack = path.join(outdir, "stacks", "production");
    fs.writeFileSync(path.join(stack, "plan"), "saved plan with values\n");
    fs.writeFileSync(path.join(stack, ".terraform.lock.hcl"), "# lock\n");
    const oldGeneration = fs.realpathSync(outdir);
    synthesizeRepo(root, { outdir: "cdktf.out" });
    expect(fs.existsSync(path.join(stack, "plan"))).toBe(false);
    expect(fs.existsSync(oldGeneration)).toBe(false);
    expect(Object.keys(treeOf(root)).filter((f) => path.posix.basename(f) === "plan")).toEqual([]);
    expect(fs.readFileSync(path.join(stack, ".terraform.lock.hcl"), "utf8")).toBe("# lock\n");
    expect(checkOutput(readOutput(outdir)!)).toEqual([]);
  });

  it("migrates a real cdktf.out/ folder from an older version into a generation, keeping .terraform/", () => {
    const root = writeExampleRepo(makeTempDir(), TWO_ENV_SPEC);
    const outdir = path.join(root, "cdktf.out");
    fs.cpSync(fs.realpathSync(synthesizeRepo(root, { outdir: "old" }).outdir), outdir, { recursive: true });
    fs.mkdirSync(path.join(outdir, "stacks/development/.terraform"));
    fs.writeFileSync(path.join(outdir, "stacks/development/plan"), "plan");
    fs.rmSync(path.join(root, "secrets/production"), { recursive: true });
    expect(synthesizeRepo(root, { outdir: "cdktf.out" }).warnings).toEqual([]);
    expect(fs.lstatSync(outdir).isSymbolicLink()).toBe(true);
    expect(fs.readdirSync(path.join(outdir, "stacks/development")).sort()).toEqual([
      ".terraform",
      "cdk.tf.json",
      "secrets",
    ]);
    expect(checkOutput(readOutput(outdir)!)).toEqual([]);
    expect([...readOutput(outdir)!.stackFolders.keys()]).toEqual(["development"]);
    expect(leftoversNextTo(outdir)).toEqual([]);
  });

  it("says so, truthfully, when clean-up after publishing fails: published, exit 0, a warning", () => {
    const root = writeExampleRepo(makeTempDir(), TWO_ENV_SPEC);
    synthesizeRepo(root, { outdir: "cdktf.out" });
    // The module object itself (this file's `fs` is a read-only namespace copy of it).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const nodeFs: typeof fs = require("fs");
    const realRm = nodeFs.rmSync;
    const spy = jest.spyOn(nodeFs, "rmSync").mockImplementation((p, options) => {
      if (String(p).includes(".cdktf.out.staging-old-"))
        throw Object.assign(new Error("EBUSY: resource busy"), { code: "EBUSY" });
      return realRm(p, options);
    });
    const { out, err, log } = logs();
    try {
      expect(runSynth(root, log, { outdir: "cdktf.out" })).toBe(0);
    } finally {
      spy.mockRestore();
    }
    expect(err).toEqual([
      expect.stringMatching(
        /^warning: could not remove .*\.cdktf\.out\.staging-old-.* \(EBUSY\): delete it by hand$/,
      ),
    ]);
    expect(out).toEqual([expect.stringMatching(/^Synthesized 2 stacks into cdktf\.out\/stacks/)]);
    expect(checkOutput(readOutput(path.join(root, "cdktf.out"))!)).toEqual([]);
    // The next synth removes it.
    expect(synthesizeRepo(root, { outdir: "cdktf.out" }).warnings).toEqual([]);
    expect(leftoversNextTo(path.join(root, "cdktf.out"))).toEqual([]);
  });
});

// As root, permissions do not stop anything: the synth then runs as "nobody" so that they do. That needs
// "nobody" to reach the project (its node_modules): a clone inside a private folder (mktemp -d makes 0700
// ones) cannot be, and the test says so rather than fail.
const PROJECT_ROOT = path.resolve(__dirname, "..", "..");
const nobodyReachesProject =
  spawnSync("runuser", ["-u", "nobody", "--", "test", "-r", path.join(PROJECT_ROOT, "package.json")])
    .status === 0;
const asNobody =
  process.getuid?.() === 0 && nobodyReachesProject
    ? ["runuser", "-u", "nobody", "--"]
    : process.getuid?.() === 0
      ? undefined
      : [];
if (!asNobody)
  console.warn(
    `output-folder: SKIPPED the read-only stack folder test: running as root and user "nobody" cannot read ${PROJECT_ROOT} (or runuser is missing)`,
  );
const describeIfPermissions = asNobody ? describe : describe.skip;
describeIfPermissions("a read-only stack folder", () => {
  let childFile: string;
  let base: string;
  beforeAll(() => {
    childFile = buildSynthChild();
    base = fs.mkdtempSync(path.join("/tmp", "sops-secrets-ro-"));
    fs.chmodSync(base, 0o755);
  });
  afterAll(() => {
    removeSynthChild(childFile);
    fs.rmSync(base, { recursive: true, force: true });
  });

  it("does not stop a complete publish: every stack replaced, Terraform's files kept, no warning", async () => {
    const root = writeExampleRepo(path.join(base, "repo"), TWO_ENV_SPEC);
    if (asNobody!.length) execFileSync("chown", ["-R", "nobody", base]);
    const first = await (await startSynth(childFile, root, { prefix: asNobody })).go();
    expect(first.code).toBe(0);
    const outdir = path.join(root, "cdktf.out");
    const stack = path.join(outdir, "stacks", "production");
    fs.mkdirSync(path.join(stack, ".terraform"));
    fs.writeFileSync(path.join(stack, ".terraform", "m"), "cache");
    if (asNobody!.length) execFileSync("chown", ["-R", "nobody", base]);
    writeSopsShapedFile(
      path.join(root, "secrets/production/new.enc.json"),
      { k: "v" },
      { format: "json", kmsArns: [kmsArnFor("production")] },
    );
    fs.rmSync(path.join(root, "secrets/development/app.enc.json"));
    if (asNobody!.length) execFileSync("chown", ["-R", "nobody", base]);
    const oldGeneration = fs.realpathSync(outdir);
    for (const dir of [path.join(stack, "secrets", "production"), path.join(stack, "secrets"), stack])
      fs.chmodSync(dir, 0o555);
    // The permission really bites for the synth's user.
    const probePath = path.join(stack, "probe");
    const probe = spawnSync(asNobody![0] ?? "touch", [
      ...asNobody!.slice(1),
      ...(asNobody![0] ? ["touch"] : []),
      probePath,
    ]);
    expect(probe.status).not.toBe(0);

    const r = await (await startSynth(childFile, root, { prefix: asNobody })).go();
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: "" });
    expect(r.stdout).toMatch(
      /^Synthesized 2 stacks into cdktf\.out\/stacks: development \(2 secrets\), production \(2 secrets\)/,
    );
    const snap = readOutput(outdir)!;
    expect(checkOutput(snap)).toEqual([]);
    const expected = synthesizeRepo(root, { outdir: "expected" });
    expect(snap.fingerprint).toBe(readOutput(expected.outdir)!.fingerprint);
    expect(fs.readFileSync(path.join(outdir, "stacks/production/.terraform/m"), "utf8")).toBe("cache");
    expect(fs.existsSync(oldGeneration)).toBe(false);
    expect(leftoversNextTo(outdir)).toEqual([]);
  }, 120_000);
});

describe("the cdktf CLI reads through the link", () => {
  it("`cdktf synth` after an environment was removed: exit 0, only the remaining stack", () => {
    const project = path.resolve(__dirname, "../..");
    const root = writeExampleRepo(makeTempDir(), TWO_ENV_SPEC);
    const config = JSON.parse(fs.readFileSync(path.join(root, "cdktf.json"), "utf8"));
    fs.writeFileSync(
      path.join(root, "cdktf.json"),
      JSON.stringify({ ...config, app: `node ${path.join(project, "scripts", "run.js")} main.ts` }),
    );
    synthesizeRepo(root, { outdir: "cdktf.out" });
    fs.rmSync(path.join(root, "secrets/production"), { recursive: true });
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      CHECKPOINT_DISABLE: "1",
      CI: "1",
      DISABLE_VERSION_CHECK: "1",
    };
    delete env.CDKTF_OUTDIR;
    const r = spawnSync(path.join(project, "node_modules", ".bin", "cdktf"), ["synth"], {
      cwd: root,
      env,
      encoding: "utf8",
    });
    expect({ status: r.status, stderr: r.status ? r.stderr : "" }).toEqual({ status: 0, stderr: "" });
    const outdir = path.join(root, "cdktf.out");
    expect(fs.lstatSync(outdir).isSymbolicLink()).toBe(true);
    expect(checkOutput(readOutput(outdir)!)).toEqual([]);
    expect(fs.readdirSync(path.join(outdir, "stacks"))).toEqual(["development"]);
    expect(leftoversNextTo(outdir)).toEqual([]);
  }, 180_000);
});
