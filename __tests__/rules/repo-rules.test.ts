import { spawnSync } from "child_process";
import * as terraformId from "../../src/discovery/terraform-id";
import * as fs from "fs";
import * as path from "path";
import { analyzeRepo } from "../../src/analysis/analyze-repo";
import { Diagnostic } from "../../src/diagnostics";
import { configCrossChecks } from "../../src/rules/config-cross-checks";
import { emptyEnvironment } from "../../src/rules/empty-environment";
import { names } from "../../src/rules/names";
import { Rule } from "../../src/rules/rule";
import { strayFile } from "../../src/rules/stray-file";
import { symlink } from "../../src/rules/symlink";
import { sopsShapedContent } from "../../test-support/sops-shaped-file";
import { makeTempRepo, removeTempRepos, TempRepoOptions } from "../../test-support/temp-repo";

afterAll(removeTempRepos);

const secret = sopsShapedContent({ password: "x" }, { format: "json" });

function run(rule: Rule, root: string): Diagnostic[] {
  return analyzeRepo(root, { rules: [rule] }).diagnostics.filter((d) => d.ruleId === rule.id);
}
function check(rule: Rule, files: Record<string, string>, options: TempRepoOptions = {}): Diagnostic[] {
  return run(rule, makeTempRepo(files, options));
}
const summary = (ds: Diagnostic[]) => ds.map((d) => `${d.severity} ${d.path}`);

describe("SS007 stray-file", () => {
  it("passes secret files, README, README.md, README.txt and .gitkeep", () => {
    const files = {
      "secrets/README.md": "# secrets",
      "secrets/dev/db.enc.json": secret,
      "secrets/dev/README": "notes",
      "secrets/dev/README.txt": "notes",
      "secrets/prod/.gitkeep": "",
      "secrets/prod/api.enc.json": secret,
    };
    expect(check(strayFile, files)).toEqual([]);
  });

  it("reports other notes files (*.md is no longer allowed) and names the allowed files", () => {
    const diagnostics = check(strayFile, {
      "secrets/dev/db.enc.json": secret,
      "secrets/dev/NOTES.md": "password: hunter2",
    });
    expect(summary(diagnostics)).toEqual(["error secrets/dev/NOTES.md"]);
    expect(diagnostics[0].fix).toContain("only README, README.md, README.txt and .gitkeep");
    expect(diagnostics[0].message + diagnostics[0].fix).not.toContain("hunter2");
  });

  it("reports a FIFO under secrets/ as not a regular file", () => {
    const root = makeTempRepo({ "secrets/dev/db.enc.json": secret });
    const made = spawnSync("mkfifo", [path.join(root, "secrets/dev/pipe.enc.json")]);
    if (made.status !== 0) return; // no mkfifo on this machine
    const diagnostics = run(strayFile, root);
    expect(summary(diagnostics)).toEqual(["error secrets/dev/pipe.enc.json"]);
    expect(diagnostics[0].message).toContain("is not a regular file");
    expect(diagnostics[0].fix).toContain("rm secrets/dev/pipe.enc.json");
  });

  it("reports secrets being a file instead of a folder", () => {
    const diagnostics = check(strayFile, { secrets: "password=hunter2" });
    expect(summary(diagnostics)).toEqual(["error secrets"]);
    expect(diagnostics[0].message).toContain("is not a folder");
    expect(diagnostics[0].fix).toContain("npm run new-env -- <name>");
    expect(diagnostics[0].message + diagnostics[0].fix).not.toContain("hunter2");
  });

  it("reports unrecognized files, secret files outside an environment and decrypted copies", () => {
    const diagnostics = check(strayFile, {
      "secrets/dev/db.enc.json": secret,
      "secrets/dev/db.json": "{}",
      "secrets/top.enc.json": secret,
      "secrets/dev/db.dec.json": '{"password":"hunter2"}',
      "tmp/api.dec.yaml": "token: hunter2",
      "node_modules/pkg/x.dec.json": "{}",
    });
    expect(summary(diagnostics)).toEqual([
      "error secrets/dev/db.dec.json",
      "error secrets/dev/db.json",
      "error secrets/top.enc.json",
      "error tmp/api.dec.yaml",
    ]);
    const byPath = Object.fromEntries(diagnostics.map((d) => [d.path, d]));
    expect(byPath["secrets/dev/db.json"].fix).toContain("sops encrypt secrets/dev/db.json");
    expect(byPath["secrets/top.enc.json"].fix).toContain(
      "git mv secrets/top.enc.json secrets/<env>/top.enc.json",
    );
    expect(byPath["tmp/api.dec.yaml"].fix).toContain("rm tmp/api.dec.yaml");
    expect(diagnostics.map((d) => d.message + d.fix).join()).not.toContain("hunter2");
  });

  it("asks git what it would commit: ignored decrypted copies are fine", () => {
    const root = makeTempRepo({
      "secrets/dev/db.enc.json": secret,
      "tmp/ignored.dec.json": "{}",
      "tmp/x.txt": "",
    });
    const init = spawnSync("git", ["init", "-q"], { cwd: root });
    if (init.status !== 0) return; // no git on this machine: the walk fallback is tested above
    expect(run(strayFile, root)).toEqual([]);
    fs.writeFileSync(path.join(root, ".gitignore"), "node_modules/\n");
    expect(summary(run(strayFile, root))).toEqual(["warning .gitignore", "error tmp/ignored.dec.json"]);
  });

  it("warns when .gitignore is missing or does not ignore *.dec.*", () => {
    const missing = check(strayFile, { "secrets/dev/db.enc.json": secret }, { gitignore: false });
    expect(missing).toEqual([
      expect.objectContaining({ ruleId: "SS007", severity: "warning", path: ".gitignore" }),
    ]);
    const incomplete = check(
      strayFile,
      { "secrets/dev/db.enc.json": secret },
      { gitignore: "node_modules/\n" },
    );
    expect(incomplete).toEqual([expect.objectContaining({ severity: "warning", path: ".gitignore" })]);
    expect(incomplete[0].fix).toContain("*.dec.*");
  });
});

describe("SS008 symlink", () => {
  it("passes real files", () => {
    expect(check(symlink, { "secrets/dev/db.enc.json": secret })).toEqual([]);
  });

  it("reports linked files and linked environment folders", () => {
    const root = makeTempRepo({ "secrets/dev/db.enc.json": secret, "elsewhere/x.enc.json": secret });
    fs.symlinkSync(path.join(root, "elsewhere/x.enc.json"), path.join(root, "secrets/dev/link.enc.json"));
    fs.symlinkSync(path.join(root, "secrets/dev"), path.join(root, "secrets/prod"));
    const diagnostics = run(symlink, root);
    expect(summary(diagnostics)).toEqual(["error secrets/dev/link.enc.json", "error secrets/prod"]);
    expect(diagnostics[0].fix).toContain("rm secrets/dev/link.enc.json");
  });
});

describe("SS010 names", () => {
  it("passes ordinary names", () => {
    expect(
      check(names, {
        "secrets/dev/db.enc.json": secret,
        "secrets/prod-eu_1/payments/stripe.enc.json": secret,
      }),
    ).toEqual([]);
  });

  it("reports bad and reserved environment folder names", () => {
    const long = "e".repeat(65);
    const diagnostics = check(names, {
      "secrets/bootstrap/db.enc.json": secret,
      "secrets/dev.eu/db.enc.json": secret,
      [`secrets/${long}/db.enc.json`]: secret,
    });
    expect(summary(diagnostics)).toEqual([
      "error secrets/bootstrap",
      "error secrets/dev.eu",
      `error secrets/${long}`,
    ]);
    expect(diagnostics.map((d) => d.message)).toEqual([
      expect.stringContaining("reserved for the bootstrap stack"),
      expect.stringContaining("only letters, digits, '-' and '_'"),
      expect.stringContaining("65 characters long"),
    ]);
    expect(diagnostics[0].fix).toContain("git mv secrets/bootstrap");
  });

  it("reports secret names AWS rejects and warns about the ARN-suffix trap", () => {
    const diagnostics = check(names, {
      "secrets/dev/db%prod.enc.json": secret,
      "secrets/dev/db-master.enc.json": secret,
    });
    expect(summary(diagnostics)).toEqual([
      "error secrets/dev/db%prod.enc.json",
      "warning secrets/dev/db-master.enc.json",
    ]);
    expect(diagnostics[0].message).toContain('"dev/db%prod"');
    expect(diagnostics[1].message).toContain("hyphen and six characters");
  });

  it("reports two files with one secret name, in one environment or via the template", () => {
    const same = check(names, { "secrets/dev/db.enc.json": secret, "secrets/dev/db.enc.yaml": secret });
    expect(summary(same)).toEqual(["error secrets/dev/db.enc.yaml"]);
    expect(same[0].message).toContain('"dev/db", like secrets/dev/db.enc.json');

    const files = { "secrets/dev/db.enc.json": secret, "secrets/prod/db.enc.json": secret };
    const viaTemplate = check(names, files, { context: { secretNameTemplate: "app/{name}" } });
    expect(summary(viaTemplate)).toEqual(["error secrets/prod/db.enc.json"]);
    expect(viaTemplate[0].fix).toContain("include {env} in secretNameTemplate");
    const otherRegion = { secretNameTemplate: "app/{name}", environments: { prod: { region: "eu-west-1" } } };
    expect(check(names, files, { context: otherRegion })).toEqual([]);
  });

  it("keeps names apart whose plain addresses would collide", () => {
    const files = { "secrets/dev/1x.enc.json": secret, "secrets/dev/_1x.enc.json": secret };
    expect(check(names, files)).toEqual([]);
  });

  it("reports two secrets with one Terraform address (should the address function ever collide)", () => {
    const spy = jest.spyOn(terraformId, "terraformIdFor").mockReturnValue("same");
    try {
      const files = { "secrets/dev/a.enc.json": secret, "secrets/dev/b.enc.json": secret };
      const diagnostics = check(names, files);
      expect(summary(diagnostics)).toEqual(["error secrets/dev/b.enc.json"]);
      expect(diagnostics[0].message).toBe(
        'has the same Terraform address "same" as secrets/dev/a.enc.json in environment "dev"',
      );
    } finally {
      spy.mockRestore();
    }
  });
});

describe("SS011 config cross-checks", () => {
  it("passes configured environments that have folders", () => {
    const context = { environments: { dev: { region: "eu-west-1" } }, replicaRegions: ["us-west-2"] };
    expect(check(configCrossChecks, { "secrets/dev/db.enc.json": secret }, { context })).toEqual([]);
  });

  it("warns about a configured environment without a folder", () => {
    const diagnostics = check(
      configCrossChecks,
      { "secrets/dev/db.enc.json": secret },
      { context: { environments: { prdo: {} } } },
    );
    expect(diagnostics).toEqual([
      expect.objectContaining({ ruleId: "SS011", severity: "warning", path: "cdktf.json" }),
    ]);
    expect(diagnostics[0].message).toContain('"context.environments.prdo"');
  });

  it("reports a replica region equal to the environment's region", () => {
    const context = { region: "eu-west-1", environments: { dev: { replicaRegions: ["eu-west-1"] } } };
    const diagnostics = check(configCrossChecks, { "secrets/dev/db.enc.json": secret }, { context });
    expect(diagnostics).toEqual([
      expect.objectContaining({ ruleId: "SS011", severity: "error", path: "cdktf.json" }),
    ]);
    expect(diagnostics[0].message).toContain("context.environments.dev.replicaRegions");
    expect(diagnostics[0].fix).toContain("remove eu-west-1");
  });
});

describe("SS013 empty-environment", () => {
  it("passes environments with secrets", () => {
    expect(check(emptyEnvironment, { "secrets/dev/db.enc.json": secret })).toEqual([]);
  });

  it("warns when there is no secrets/ folder at all", () => {
    const diagnostics = check(emptyEnvironment, {});
    expect(diagnostics).toEqual([
      expect.objectContaining({ ruleId: "SS013", severity: "warning", path: "secrets" }),
    ]);
    expect(diagnostics[0].message).toBe("no secrets/ folder: nothing to synthesize");
    expect(diagnostics[0].fix).toContain("npm run new-env -- <name>");
  });

  it("leaves secrets/ being a file to SS007", () => {
    expect(check(emptyEnvironment, { secrets: "" })).toEqual([]);
  });

  it("warns about an environment folder without secret files", () => {
    const diagnostics = check(emptyEnvironment, {
      "secrets/dev/db.enc.json": secret,
      "secrets/staging/": "",
    });
    expect(diagnostics).toEqual([
      expect.objectContaining({ ruleId: "SS013", severity: "warning", path: "secrets/staging" }),
    ]);
    expect(diagnostics[0].fix).toContain("sops edit secrets/staging/");
  });
});
