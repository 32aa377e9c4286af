import { analyzeRepo } from "../../src/analysis/analyze-repo";
import { Diagnostic } from "../../src/diagnostics";
import { noCreationRule } from "../../src/rules/no-creation-rule";
import { recipientMismatch } from "../../src/rules/recipient-mismatch";
import { Rule } from "../../src/rules/rule";
import { sharedKmsKey } from "../../src/rules/shared-kms-key";
import { sopsShapedContent } from "../../test-support/sops-shaped-file";
import { makeTempRepo, removeTempRepos, TempRepoOptions } from "../../test-support/temp-repo";

afterAll(removeTempRepos);

const KMS_DEV = "arn:aws:kms:us-east-1:111122223333:key/11111111-1111-1111-1111-111111111111";
const KMS_PROD = "arn:aws:kms:us-east-1:444455556666:key/22222222-2222-2222-2222-222222222222";
const AGE = "age1je6kjhzuhdjy3fqptpttxjh5k8q46vygzlgtpuq3030c947pc5tqz9dqvr";

const dev = sopsShapedContent({ password: "x" }, { format: "json", kmsArns: [KMS_DEV] });
const prod = sopsShapedContent({ password: "y" }, { format: "yaml", kmsArns: [KMS_PROD] });
const PER_ENV_RULES = [
  { path_regex: "^secrets/dev/", kms: KMS_DEV },
  { path_regex: "^secrets/prod/", kms: KMS_PROD },
];

function check(rule: Rule, files: Record<string, string>, options: TempRepoOptions = {}): Diagnostic[] {
  return analyzeRepo(makeTempRepo(files, options), { rules: [rule] }).diagnostics.filter(
    (d) => d.ruleId === rule.id,
  );
}

describe("SS004 no-creation-rule", () => {
  it("passes when every file has a rule", () => {
    const files = { "secrets/dev/db.enc.json": dev, "secrets/prod/db.enc.yaml": prod };
    expect(check(noCreationRule, files, { sopsYaml: PER_ENV_RULES })).toEqual([]);
  });

  it("reports a file that no rule matches, with a path_regex to add", () => {
    const files = { "secrets/dev/db.enc.json": dev, "secrets/staging/db.enc.json": dev };
    const diagnostics = check(noCreationRule, files, { sopsYaml: PER_ENV_RULES });
    expect(diagnostics).toEqual([
      expect.objectContaining({ ruleId: "SS004", severity: "error", path: "secrets/staging/db.enc.json" }),
    ]);
    expect(diagnostics[0].fix).toContain("path_regex: ^secrets/staging/");
  });

  it("reports a missing .sops.yaml once, on .sops.yaml", () => {
    const files = { "secrets/dev/a.enc.json": dev, "secrets/dev/b.enc.json": dev };
    const diagnostics = check(noCreationRule, files, { sopsYaml: false });
    expect(diagnostics).toEqual([
      expect.objectContaining({ ruleId: "SS004", severity: "error", path: ".sops.yaml" }),
    ]);
    expect(diagnostics[0].fix).toMatch(/create \.sops\.yaml with one creation rule per environment/);
  });

  it("says that sops ignores .sops.yml", () => {
    const diagnostics = check(
      noCreationRule,
      { "secrets/dev/a.enc.json": dev, ".sops.yml": "creation_rules: []\n" },
      { sopsYaml: false },
    );
    expect(diagnostics).toEqual([expect.objectContaining({ path: ".sops.yaml" })]);
    expect(diagnostics[0].fix).toBe("rename .sops.yml to .sops.yaml");
  });

  it("reports an invalid .sops.yaml with its line", () => {
    const diagnostics = check(
      noCreationRule,
      { "secrets/dev/a.enc.json": dev },
      {
        sopsYaml: `creation_rules:\n  - path_regex: ^secrets/dev/\n    kms: ${KMS_DEV}\n  - path_regex: "(x"\n`,
      },
    );
    expect(diagnostics).toEqual([expect.objectContaining({ path: ".sops.yaml", line: 4 })]);
    expect(diagnostics[0].message).toContain(
      "creation rule #2: path_regex is not a valid regular expression",
    );
  });
});

describe("SS005 recipient-mismatch", () => {
  it("passes when files have exactly their rule's keys (KMS roles, key_groups)", () => {
    const files = {
      "secrets/dev/db.enc.json": dev,
      "secrets/prod/db.enc.yaml": sopsShapedContent(
        { a: "b" },
        { format: "yaml", kmsArns: [KMS_PROD], ageRecipients: [AGE] },
      ),
    };
    // aws_profile and context are not part of a KMS key's identity (sops updatekeys ignores them).
    const rules = [
      { path_regex: "^secrets/dev/", kms: KMS_DEV, aws_profile: "dev" },
      {
        path_regex: "^secrets/prod/",
        key_groups: [{ kms: [{ arn: KMS_PROD, aws_profile: "p", context: { a: "b" } }], age: [AGE] }],
      },
    ];
    expect(check(recipientMismatch, files, { sopsYaml: rules })).toEqual([]);
  });

  // Issue 12: this rule used to pass (roles were stripped before comparing); `sops updatekeys` compares a
  // KMS key as ARN + role, so a rule that adds a role re-keys the file: out of sync.
  it("reports a rule that adds a KMS role as out of sync", () => {
    const path = "secrets/dev/db.enc.json";
    const role = "arn:aws:iam::111122223333:role/sops";
    const diagnostics = check(
      recipientMismatch,
      { [path]: dev },
      {
        sopsYaml: [{ path_regex: "^secrets/dev/", kms: `${KMS_DEV}+${role}` }],
      },
    );
    expect(diagnostics).toEqual([expect.objectContaining({ ruleId: "SS005", severity: "error", path })]);
    expect(diagnostics[0].message).toBe(
      `is not encrypted for kms ${KMS_DEV}+${role}, which .sops.yaml creation rule #1 (line 2) names; ` +
        `and it is encrypted for kms ${KMS_DEV}, which .sops.yaml creation rule #1 (line 2) does not name`,
    );
    expect(diagnostics[0].fix).toContain(`\`sops updatekeys ${path}\``);
  });

  it("reports missing and extra keys, and says to run sops updatekeys", () => {
    const path = "secrets/prod/db.enc.yaml";
    const files = {
      [path]: sopsShapedContent({ a: "b" }, { format: "yaml", kmsArns: [KMS_DEV], ageRecipients: [AGE] }),
    };
    const diagnostics = check(recipientMismatch, files, { sopsYaml: PER_ENV_RULES });
    expect(diagnostics).toEqual([expect.objectContaining({ ruleId: "SS005", severity: "error", path })]);
    expect(diagnostics[0].message).toContain(
      `is not encrypted for kms ${KMS_PROD}, which .sops.yaml creation rule #2`,
    );
    expect(diagnostics[0].message).toContain(`is encrypted for kms ${KMS_DEV}, age ${AGE}, which`);
    expect(diagnostics[0].fix).toContain(`sops updatekeys ${path}`);
  });
});

describe("SS006 shared-kms-key", () => {
  it("passes one key per environment", () => {
    const files = { "secrets/dev/db.enc.json": dev, "secrets/prod/db.enc.yaml": prod };
    expect(check(sharedKmsKey, files, { sopsYaml: PER_ENV_RULES })).toEqual([]);
  });

  it("reports a catch-all rule that serves two environments", () => {
    const files = { "secrets/dev/db.enc.json": dev, "secrets/prod/db.enc.yaml": dev };
    const diagnostics = check(sharedKmsKey, files, { sopsYaml: [{ kms: KMS_DEV }] });
    expect(diagnostics).toEqual([
      expect.objectContaining({ ruleId: "SS006", severity: "warning", path: ".sops.yaml", line: 2 }),
    ]);
    expect(diagnostics[0].message).toContain(
      `KMS key ${KMS_DEV} is used by the creation rules (#1) of 2 environments (dev, prod)`,
    );
    expect(diagnostics[0].fix).toContain("give each environment its own KMS key");
  });

  it("attributes path_regex rules to environments that have no file yet", () => {
    const rules = [
      { path_regex: "^secrets/dev/", kms: KMS_DEV },
      { path_regex: "^secrets/staging/", kms: [KMS_PROD] },
      { path_regex: "^secrets/prod/", kms: KMS_PROD },
    ];
    const diagnostics = check(sharedKmsKey, { "secrets/dev/db.enc.json": dev }, { sopsYaml: rules });
    expect(diagnostics.map((d) => d.message)).toEqual([
      expect.stringContaining("(#2, #3) of 2 environments (prod, staging)"),
    ]);
  });
});
