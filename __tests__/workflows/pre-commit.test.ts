/**
 * scripts/pre-commit in a throw-away repository. `npm` is a stand-in on PATH that records its arguments
 * and exits with FAKE_CHECK_EXIT, so the hook's own logic is tested without the check CLI.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { sopsShapedContent } from "../../test-support/sops-shaped-file";
import { TempRepo } from "../review/temp-repo";

const HOOK = path.resolve(__dirname, "../../scripts/pre-commit");

describe("scripts/pre-commit", () => {
  let repo: TempRepo;
  let bin: string;
  let log: string;

  beforeEach(() => {
    repo = new TempRepo();
    repo.commitAll("base");
    fs.copyFileSync(HOOK, path.join(repo.root, ".git", "hooks", "pre-commit"));
    fs.chmodSync(path.join(repo.root, ".git", "hooks", "pre-commit"), 0o755);
    bin = fs.mkdtempSync(path.join(os.tmpdir(), "sops-hook-bin-"));
    log = path.join(bin, "calls.log");
    fs.writeFileSync(
      path.join(bin, "npm"),
      `#!/bin/sh\necho "$*" >> "${log}"\nexit "\${FAKE_CHECK_EXIT:-0}"\n`,
      {
        mode: 0o755,
      },
    );
  });
  afterEach(() => {
    repo.dispose();
    fs.rmSync(bin, { recursive: true, force: true });
  });

  function commit(checkExit = 0) {
    const r = spawnSync(
      "git",
      [
        "-c",
        "user.email=t@example.com",
        "-c",
        "user.name=T",
        "-c",
        "commit.gpgsign=false",
        "commit",
        "-q",
        "-m",
        "x",
      ],
      {
        cwd: repo.root,
        encoding: "utf8",
        env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, FAKE_CHECK_EXIT: String(checkExit) },
      },
    );
    const calls = fs.existsSync(log) ? fs.readFileSync(log, "utf8") : "";
    return { status: r.status, stderr: r.stderr, calls };
  }
  const secret = (seed: string) => sopsShapedContent({ password: "PLAINTEXT" }, { format: "json", seed });

  it("runs npm run -s check when the commit touches secrets/", () => {
    repo.write("secrets/dev/db.enc.json", secret("a"));
    repo.git("add", "-A");
    expect(commit()).toMatchObject({ status: 0, calls: "run -s check\n" });
    expect(repo.git("log", "--oneline").trim().split("\n")).toHaveLength(2);
  });

  it("blocks the commit when the check fails", () => {
    repo.write("secrets/dev/db.enc.json", '{ "password": "PLAINTEXT" }\n');
    repo.git("add", "-A");
    const r = commit(1);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("pre-commit: npm run check failed");
    expect(repo.git("log", "--oneline").trim().split("\n")).toHaveLength(1);
  });

  it("refuses a staged secret whose working copy differs, without running the check", () => {
    repo.write("secrets/dev/db.enc.json", secret("a"));
    repo.git("add", "-A");
    repo.write("secrets/dev/db.enc.json", '{ "password": "PLAINTEXT" }\n');
    const r = commit();
    expect(r.status).not.toBe(0);
    expect(r.calls).toBe("");
    expect(r.stderr.split("\n").slice(0, 2)).toEqual([
      "pre-commit: these staged files also have changes that are not staged:",
      "  secrets/dev/db.enc.json",
    ]);
  });

  it("runs the check for a decrypted copy anywhere in the repository", () => {
    repo.write("tmp/app.dec.json", '{ "password": "PLAINTEXT" }\n');
    repo.git("add", "-A");
    const r = commit(1);
    expect(r).toMatchObject({ calls: "run -s check\n" });
    expect(r.status).not.toBe(0);
  });

  it("lets commits that do not touch secrets through without the check", () => {
    repo.write("secrets/dev/db.enc.json", secret("a"));
    repo.write("notes.txt", "hello\n");
    repo.git("add", "notes.txt");
    expect(commit(1)).toMatchObject({ status: 0, calls: "" });
  });
});
