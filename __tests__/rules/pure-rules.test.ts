/**
 * Rules are pure functions of their RuleContext: everything is loaded once by the analysis step, and a rule
 * reads no file and runs no process. Proven by running every rule with fs and child_process made to throw,
 * and by in-memory contexts (test-support/rule-context.ts) giving the same findings as the disk.
 */
import * as childProcess from "child_process";
import * as fs from "fs";
import { loadRuleContext } from "../../src/analysis/load-context";
import { loadConfig } from "../../src/config/load-config";
import { Diagnostic, sortDiagnostics } from "../../src/diagnostics";
import { ALL_RULES, runRules } from "../../src/rules";
import { gitIgnored } from "../../src/rules/git-ignored";
import { names } from "../../src/rules/names";
import { parseError } from "../../src/rules/parse-error";
import { strayFile } from "../../src/rules/stray-file";
import { PLACEHOLDER_KMS_ARN, sopsShapedContent } from "../../test-support/sops-shaped-file";
import { ruleContext } from "../../test-support/rule-context";
import { makeTempRepo, removeTempRepos } from "../../test-support/temp-repo";

afterAll(removeTempRepos);

const json = sopsShapedContent({ password: "x" }, { format: "json" });
const other = sopsShapedContent(
  { token: "y" },
  { format: "json", kmsArns: ["arn:aws:kms:us-east-1:111122223333:key/other"] },
);

/** A repository that trips most rules at once. */
const MESSY: Record<string, string> = {
  "secrets/dev/db.enc.json": json,
  "secrets/dev/plain.enc.json": '{"password": "hunter2"}',
  "secrets/dev/broken.enc.json": "{ not json",
  "secrets/dev/keys.enc.json": other,
  "secrets/dev/notes.txt": "todo",
  "secrets/dev/.DS_Store": "litter",
  "secrets/dev/.hidden.enc.json": json,
  "secrets/dev/x.dec.json": "{}",
  "secrets/prod-plan/a.enc.json": json,
  "secrets/constructor/a.enc.json": json,
  "secrets/Dev/a.enc.json": json,
  "secrets/empty/": "",
  "secrets/top.enc.json": json,
};

const summary = (ds: readonly Diagnostic[]) =>
  ds.map((d) => `${d.severity} ${d.ruleId} ${d.path}: ${d.message}`);

describe("rules are pure functions of the loaded context", () => {
  it("run with fs and child_process throwing, and find the same as without", () => {
    const root = makeTempRepo(MESSY, { context: { environments: { ghost: { region: "eu-west-1" } } } });
    const { config, diagnostics } = loadConfig(root);
    const { context } = loadRuleContext(root, config!, diagnostics);
    const expected = sortDiagnostics(runRules(context));
    expect(new Set(expected.map((d) => d.ruleId))).toEqual(
      new Set(["SS001", "SS005", "SS006", "SS007", "SS010", "SS011", "SS012", "SS013"]),
    );

    const fsModule = jest.requireActual<typeof fs>("fs");
    const cpModule = jest.requireActual<typeof childProcess>("child_process");
    const spies = [
      ...(
        [
          "readFileSync",
          "openSync",
          "readSync",
          "readdirSync",
          "lstatSync",
          "statSync",
          "existsSync",
          "fstatSync",
        ] as const
      ).map((name) =>
        jest.spyOn(fsModule, name).mockImplementation(() => {
          throw new Error(`a rule called fs.${name}`);
        }),
      ),
      ...(["spawnSync", "execFileSync", "execSync", "spawn", "exec", "execFile"] as const).map((name) =>
        jest.spyOn(cpModule, name).mockImplementation(() => {
          throw new Error(`a rule called child_process.${name}`);
        }),
      ),
    ];
    try {
      expect(sortDiagnostics(runRules(context))).toEqual(expected);
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
    for (const spy of spies) expect(spy).not.toHaveBeenCalled();
  });

  it("an in-memory context finds exactly what the disk-loaded one finds", () => {
    const context = { environments: { ghost: { region: "eu-west-1" } } };
    const root = makeTempRepo(MESSY, { context });
    const loaded = loadConfig(root);
    const fromDisk = loadRuleContext(root, loaded.config!, loaded.diagnostics).context;
    const inMemory = ruleContext({ files: MESSY, context });
    // Outside Git, both list every file as committable; compare the rules' findings, not the listings' order.
    expect(sortDiagnostics(runRules(inMemory))).toEqual(sortDiagnostics(runRules(fromDisk)));
  });

  it("every rule is registered once in src/rules/index.ts, SS011 and SS012 included", () => {
    const ids = ALL_RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(expect.arrayContaining(["SS011", "SS012", "SS015"]));
    for (const rule of ALL_RULES) expect(rule.explanation.length).toBeGreaterThan(80);
  });
});

describe("SS010 names (in-memory)", () => {
  const only = (files: Record<string, string>) => summary(names.check(ruleContext({ files })));

  it("reserves environment names ending in -plan (any case), for the CI's <env>-plan GitHub environments", () => {
    expect(only({ "secrets/prod-plan/a.enc.json": json, "secrets/Stage-PLAN/a.enc.json": json })).toEqual([
      expect.stringMatching(/^error SS010 secrets\/Stage-PLAN: .* ends in "-plan"/),
      'error SS010 secrets/prod-plan: environment folder name "prod-plan" ends in "-plan", which is reserved: the ' +
        'CI workflows plan each environment in the GitHub environment "<env>-plan"',
    ]);
    expect(only({ "secrets/planning/a.enc.json": json, "secrets/plan/a.enc.json": json })).toEqual([]);
  });

  it("refuses environment folders that differ only in case (GitHub environment names are case-insensitive)", () => {
    const ds = names.check(
      ruleContext({ files: { "secrets/Prod/a.enc.json": json, "secrets/prod/b.enc.json": json } }),
    );
    expect(summary(ds)).toEqual([
      'error SS010 secrets/prod: environment folder name "prod" differs from "Prod" only in case: GitHub environment ' +
        "names are case-insensitive, so both would share one GitHub environment and its protection rules",
    ]);
    expect(ds[0].fix).toContain("git mv secrets/prod secrets/<new-name>");
  });

  it.each(["constructor", "toString", "valueOf", "hasOwnProperty", "isPrototypeOf"])(
    "refuses the environment name %s (a property of every JavaScript object)",
    (env) => {
      expect(only({ [`secrets/${env}/a.enc.json`]: json })).toEqual([
        `error SS010 secrets/${env}: environment folder name "${env}" is a property name of every JavaScript object, which cdktf cannot use as a stack name`,
      ]);
    },
  );

  it("refuses hidden and nameless secret files, which are not deployed", () => {
    const ds = names.check(
      ruleContext({
        files: {
          "secrets/dev/a.enc.json": json,
          "secrets/dev/.x.enc.json": json,
          "secrets/dev/sub/.enc.yaml": json,
        },
      }),
    );
    expect(summary(ds)).toEqual([
      "error SS010 secrets/dev/.x.enc.json: is a hidden file (its name starts with a dot) named like a secret file: " +
        "hidden files are easy to miss in reviews and are often ignored by Git (.env.*), so it is not deployed",
      "error SS010 secrets/dev/sub/.enc.yaml: is named like a secret file but has no name before .enc.<ext>, so it " +
        "would make a secret without a name",
    ]);
    expect(ds[0].fix).toBe(
      "rename it without the leading dot: `mv secrets/dev/.x.enc.json secrets/dev/x.enc.json`",
    );
    expect(ds[1].fix).toBe("rename it: `mv secrets/dev/sub/.enc.yaml secrets/dev/sub/<name>.enc.yaml`");
  });

  it("refuses the logical name __proto__ but accepts other JavaScript property names as secret files", () => {
    expect(
      only({
        "secrets/dev/__proto__.enc.json": json,
        "secrets/dev/constructor.enc.json": json,
        "secrets/dev/toString.enc.json": json,
      }),
    ).toEqual([
      expect.stringMatching(
        /^error SS010 secrets\/dev\/__proto__\.enc\.json: has the logical name "__proto__"/,
      ),
    ]);
  });
});

describe("SS007 and SS012 (in-memory)", () => {
  it("OS litter under secrets/ is a warning, never an error, and never a secret", () => {
    const context = ruleContext({
      files: {
        "secrets/.DS_Store": "x",
        "secrets/dev/Thumbs.db": "x",
        "secrets/dev/desktop.ini": "x",
        "secrets/dev/._db.enc.json": "x",
        "secrets/dev/db.enc.json": json,
      },
    });
    expect(context.files.map((f) => f.ref.path)).toEqual(["secrets/dev/db.enc.json"]);
    const ds = strayFile.check(context);
    expect(ds.map((d) => `${d.severity} ${d.path}`)).toEqual([
      "warning secrets/.DS_Store",
      "warning secrets/dev/._db.enc.json",
      "warning secrets/dev/Thumbs.db",
      "warning secrets/dev/desktop.ini",
    ]);
    expect(ds[0].message).toBe(
      "is a file the operating system leaves in folders (Finder or Explorer metadata); it is ignored",
    );
  });

  it("SS012 reports what the loading step recorded", () => {
    const ds = parseError.check(
      ruleContext({ files: { "secrets/dev/a.enc.json": "{ nope", "secrets/dev/b.enc.json": json } }),
    );
    expect(ds.map((d) => `${d.ruleId} ${d.path}`)).toEqual(["SS012 secrets/dev/a.enc.json"]);
    expect(ds[0].message).toMatch(/^cannot be parsed as JSON/);
  });

  it("decrypted copies are found in what Git would commit, as the context says", () => {
    const context = ruleContext({
      files: { "secrets/dev/a.enc.json": json },
      git: { available: true, committable: ["secrets/dev/a.enc.json", "tmp/db.dec.json"], ignored: [] },
    });
    expect(strayFile.check(context).map((d) => `${d.path}: ${d.message}`)).toEqual([
      "tmp/db.dec.json: is a decrypted copy of a secret (named *.dec.*) that Git would commit",
    ]);
  });
});

describe("SS015 git-ignored (in-memory)", () => {
  it("names the ignore file, line and pattern; an ignored folder is reported once", () => {
    const context = ruleContext({
      files: {
        "secrets/dev/a.enc.json": json,
        "secrets/dev/dist/b.enc.json": json,
        "secrets/node_modules/c.enc.json": json,
      },
      git: {
        available: true,
        ignored: [
          { path: "secrets/dev/dist/b.enc.json", source: ".gitignore", line: 3, pattern: "dist/" },
          { path: "secrets/node_modules/", source: ".gitignore", line: 1, pattern: "node_modules/" },
          {
            path: "secrets/node_modules/c.enc.json",
            source: ".gitignore",
            line: 1,
            pattern: "node_modules/",
          },
        ],
      },
    });
    expect(summary(gitIgnored.check(context))).toEqual([
      "error SS015 secrets/dev/dist/b.enc.json: is a secret file that Git ignores (.gitignore:3: `dist/`), so it is " +
        "never committed: a local synth would deploy it, CI never sees it",
      "error SS015 secrets/node_modules: is an environment folder that Git ignores (.gitignore:1: `node_modules/`), " +
        "so it is never committed: a local synth would deploy it, CI never sees it",
    ]);
  });

  it("reports nothing outside a Git repository", () => {
    expect(gitIgnored.check(ruleContext({ files: { "secrets/dev/.env.enc.env": "A=1\n" } }))).toEqual([]);
  });
});

it("the placeholder key the in-memory context's .sops.yaml names is the one sops-shaped files use", () => {
  const context = ruleContext({ files: { "secrets/dev/a.enc.json": json } });
  expect(context.sops.ruleFor("secrets/dev/a.enc.json")?.recipients).toEqual([
    { type: "kms", id: PLACEHOLDER_KMS_ARN },
  ]);
});
