import { spawnSync } from "child_process";
import * as path from "path";
import { CheckJson, runCheck } from "../../src/check/run-check";
import { ALL_RULES } from "../../src/rules";
import { PLACEHOLDER_KMS_ARN, sopsShapedContent } from "../../test-support/sops-shaped-file";
import { makeTempRepo, removeTempRepos } from "../../test-support/temp-repo";

afterAll(removeTempRepos);

const secret = sopsShapedContent({ password: "x" }, { format: "json" });

describe("npm run check", () => {
  it("exits 0 on a clean repository, with warnings allowed", () => {
    const root = makeTempRepo(
      { "secrets/dev/db.enc.json": secret, "secrets/empty/": "" },
      { sopsYaml: [{ path_regex: "^secrets/dev/", kms: PLACEHOLDER_KMS_ARN }] },
    );
    const result = runCheck([], root);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe(
      'warning SS013 secrets/empty: environment folder "empty" has no secret file (<name>.enc.json, .enc.yaml, ' +
        ".enc.yml or .enc.env), so it makes no stack. Fix: add an encrypted secret file to it (`sops edit " +
        "secrets/empty/<name>.enc.yaml`), or delete the folder\n",
    );
    expect(result.stderr).toMatch(/^0 errors, 1 warning \(1 secret file in 1 environment, \d+ ms\)\n$/);
  });

  it("exits 1 on errors and prints each with its fix, never a value", () => {
    const root = makeTempRepo({
      "secrets/dev/db.enc.json": sopsShapedContent(
        { password: "hunter2" },
        { format: "json", leavePlain: ["password"] },
      ),
    });
    const result = runCheck([], root);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain(
      'error SS002 secrets/dev/db.enc.json: the value at "password" is plaintext',
    );
    expect(result.stdout).toContain(
      "Fix: restore the last good version (`git restore secrets/dev/db.enc.json`)",
    );
    expect(result.stdout + result.stderr).not.toContain("hunter2");
  });

  it("exits 2 on configuration errors", () => {
    const root = makeTempRepo({ "secrets/dev/db.enc.json": secret }, { context: { region: "mars-1" } });
    const result = runCheck([], root);
    expect(result.exitCode).toBe(2);
    expect(result.stdout).toContain("error SS011 cdktf.json");
    const replica = makeTempRepo(
      { "secrets/dev/db.enc.json": secret },
      { context: { replicaRegions: ["us-east-1"] } },
    );
    expect(runCheck([], replica).exitCode).toBe(2);
  });

  it("exits 2 on usage errors", () => {
    const root = makeTempRepo();
    expect(runCheck(["--nope"], root)).toMatchObject({
      exitCode: 2,
      stderr: expect.stringContaining('unknown argument "--nope"'),
    });
    expect(runCheck(["--explain"], root).exitCode).toBe(2);
    expect(runCheck(["--explain", "SS999"], root).exitCode).toBe(2);
  });

  it("--json prints diagnostics and a summary", () => {
    const root = makeTempRepo({ "secrets/dev/db.enc.json": secret, "secrets/dev/notes.txt": "x" });
    const result = runCheck(["--json"], root);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toBe("");
    const json = JSON.parse(result.stdout) as CheckJson;
    expect(json.summary).toEqual({ errors: 1, warnings: 0 });
    expect(json.diagnostics).toEqual([
      expect.objectContaining({
        ruleId: "SS007",
        severity: "error",
        path: "secrets/dev/notes.txt",
        fix: expect.any(String),
      }),
    ]);
  });

  it("--explain and --list-rules describe every rule", () => {
    const root = makeTempRepo();
    const explained = runCheck(["--explain", "ss005"], root);
    expect(explained.exitCode).toBe(0);
    expect(explained.stdout).toMatch(/^SS005 recipient-mismatch \(error\)\n\n.*sops updatekeys/s);
    expect(runCheck(["--explain=SS012"], root).stdout).toMatch(/^SS012 parse-error/);
    const list = runCheck(["--list-rules"], root).stdout;
    for (const rule of ALL_RULES)
      expect(list).toContain(`${rule.id}  ${rule.severity.padEnd(7)}  ${rule.title}`);
  });

  it("runs as bin/check.ts with the same exit code", () => {
    const root = makeTempRepo({
      "secrets/dev/db.enc.json": sopsShapedContent({ a: "b" }, { format: "json", omit: ["mac"] }),
    });
    const launcher = path.resolve(__dirname, "../../scripts/run.js");
    const child = spawnSync(process.execPath, [launcher, "bin/check.ts", "--json"], {
      cwd: root,
      encoding: "utf8",
    });
    expect(child.status).toBe(1);
    expect((JSON.parse(child.stdout) as CheckJson).diagnostics.map((d) => d.ruleId)).toEqual(["SS003"]);
  });
});
