import { analyzeRepo } from "../../src/analysis/analyze-repo";
import { CheckJson, runCheck } from "../../src/check/run-check";
import { synthesizeRepo } from "../../src/synth/synthesize-repo";
import { PLACEHOLDER_KMS_ARN, sopsShapedContent } from "../../test-support/sops-shaped-file";
import { makeTempRepo, removeTempRepos } from "../../test-support/temp-repo";

afterAll(removeTempRepos);

const secret = sopsShapedContent({ password: "x" }, { format: "json" });
const OTHER_KMS = "arn:aws:kms:us-east-1:111122223333:key/11111111-1111-4111-8111-111111111111";
const wrongKey = sopsShapedContent({ password: "x" }, { format: "json", kmsArns: [OTHER_KMS] });

describe("context.suppressions", () => {
  it("silences one rule on one file, and check shows the count and, in --json, the reason", () => {
    const suppressions = [
      { rule: "SS013", file: "secrets/empty", reason: "created ahead of the first secret" },
    ];
    const root = makeTempRepo(
      { "secrets/dev/db.enc.json": secret, "secrets/empty/": "" },
      { context: { suppressions }, sopsYaml: [{ path_regex: "^secrets/dev/", kms: PLACEHOLDER_KMS_ARN }] },
    );
    const result = runCheck([], root);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(
      /^0 errors, 0 warnings, 1 suppressed \(1 secret file in 1 environment, \d+ ms\)\n$/,
    );

    const json = JSON.parse(runCheck(["--json"], root).stdout) as CheckJson;
    expect(json.summary).toEqual({ errors: 0, warnings: 0, suppressed: 1 });
    expect(json.suppressed).toEqual([
      {
        diagnostic: expect.objectContaining({ ruleId: "SS013", severity: "warning", path: "secrets/empty" }),
        reason: "created ahead of the first secret",
      },
    ]);
  });

  it("applies to synth too: a suppressed error no longer stops it (check and synth agree)", () => {
    const files = { "secrets/dev/db.enc.json": wrongKey };
    const refused = makeTempRepo(files);
    expect(runCheck([], refused).exitCode).toBe(1);
    expect(synthesizeRepo(refused).synthesized).toBe(false);

    const suppressions = [
      { rule: "SS005", file: "secrets/dev/db.enc.json", reason: "key rotation in progress (OPS-12)" },
    ];
    const root = makeTempRepo(files, { context: { suppressions } });
    expect(runCheck([], root).exitCode).toBe(0);
    const result = synthesizeRepo(root);
    expect(result.synthesized).toBe(true);
    expect(
      result.analysis.suppressed.map((s) => `${s.diagnostic.ruleId} ${s.diagnostic.path} ${s.reason}`),
    ).toEqual(["SS005 secrets/dev/db.enc.json key rotation in progress (OPS-12)"]);
  });

  it("only silences the named file", () => {
    const suppressions = [{ rule: "SS005", file: "secrets/dev/a.enc.json", reason: "rotation" }];
    const root = makeTempRepo(
      { "secrets/dev/a.enc.json": wrongKey, "secrets/dev/b.enc.json": wrongKey },
      { context: { suppressions } },
    );
    const { diagnostics, suppressed } = analyzeRepo(root);
    expect(diagnostics.map((d) => `${d.ruleId} ${d.path}`)).toEqual(["SS005 secrets/dev/b.enc.json"]);
    expect(suppressed).toHaveLength(1);
  });

  it.each([
    ["SS001", "secrets/dev/db.enc.json", "not-encrypted"],
    ["SS002", "secrets/dev/db.enc.json", "partially-encrypted"],
    ["SS007", "secrets/dev/notes.txt", "stray-file"],
    ["SS015", "secrets/dev/db.enc.json", "git-ignored"],
  ])(
    "refuses to suppress %s (plaintext may be committed, or synth cannot work past it)",
    (rule, file, title) => {
      const root = makeTempRepo(
        { "secrets/dev/db.enc.json": '{"password": "hunter2"}', "secrets/dev/notes.txt": "x" },
        { context: { suppressions: [{ rule, file, reason: "please" }] } },
      );
      const result = runCheck([], root);
      expect(result.exitCode).toBe(2);
      expect(result.stdout).toContain(
        `error SS011 cdktf.json: context: "context.suppressions[0].rule" names ${rule} (${title}), which cannot be ` +
          "suppressed: its findings mean a plaintext value is or may be committed, or synth cannot produce working output.",
      );
      // the finding itself is still reported
      expect(result.stdout).toContain("error SS001 secrets/dev/db.enc.json: has no sops metadata");
    },
  );

  it("reports an unknown rule as an error and an unused suppression as a warning", () => {
    const root = makeTempRepo(
      { "secrets/dev/db.enc.json": secret },
      {
        context: {
          suppressions: [
            { rule: "SS099", file: "secrets/dev/db.enc.json", reason: "x" },
            { rule: "SS009", file: "secrets/dev/db.enc.json", reason: "was big once" },
          ],
        },
      },
    );
    // sorted by path, line, rule, then message
    const lines = runCheck([], root).stdout.trim().split("\n");
    expect(lines).toEqual([
      'warning SS011 cdktf.json: "context.suppressions[1]" (SS009 on secrets/dev/db.enc.json) matches no finding. ' +
        'Fix: remove it from cdktf.json, or correct its "file" (the path SS009 reports, e.g. in `npm run check`)',
      'error SS011 cdktf.json: context: "context.suppressions[0].rule" names SS099, which is no rule. Fix: use a rule ' +
        "ID from `npm run check -- --list-rules`",
    ]);
  });

  it("requires a reason", () => {
    const root = makeTempRepo(
      { "secrets/dev/db.enc.json": secret },
      { context: { suppressions: [{ rule: "SS009", file: "secrets/dev/db.enc.json" }] } },
    );
    const result = runCheck([], root);
    expect(result.exitCode).toBe(2);
    expect(result.stdout).toContain('"context.suppressions[0].reason" is missing');
    expect(synthesizeRepo(root).synthesized).toBe(false);
  });
});
