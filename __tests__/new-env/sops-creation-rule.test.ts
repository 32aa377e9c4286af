import { parseDocument } from "yaml";
import {
  addCreationRule,
  environmentPathRegex,
  insertionIndex,
  readCreationRules,
  ruleIsForEnvironment,
} from "../../src/new-env/sops-creation-rule";

const ARN = "arn:aws:kms:us-east-1:111122223333:alias/sops-staging";

function add(text: string | undefined, env = "staging", arn = ARN): { text: string; index: number } {
  const result = addCreationRule(text, env, arn);
  if (!result.ok) throw new Error(result.problem);
  return result;
}

function rules(text: string): unknown[] {
  return (parseDocument(text).toJS() as { creation_rules: unknown[] }).creation_rules;
}

const COMMENTED = `# sops configuration: the first matching rule wins.
# Keys: see docs/bootstrap.md

creation_rules:
  # Development: its own key.
  - path_regex: ^secrets/development/.*\\.enc\\.(json|ya?ml|env)$
    kms: arn:aws:kms:us-east-1:111122223333:alias/sops-development # dev key

  # Production, with a second key for disaster recovery
  - path_regex: ^secrets/production/.*\\.enc\\.(json|ya?ml|env)$
    kms: >-
      arn:aws:kms:us-east-1:111122223333:alias/sops-production,arn:aws:kms:us-west-2:111122223333:alias/sops-production

  # Catch-all: anything else uses the shared key.
  # (keep it last)
  - kms: arn:aws:kms:us-east-1:111122223333:alias/sops-default
# end of rules
`;

describe("addCreationRule", () => {
  test("inserts before the catch-all, keeping every other byte, comment and blank-line style", () => {
    const { text, index } = add(COMMENTED);
    const inserted =
      "  - path_regex: ^secrets/staging/.*\\.enc\\.(json|ya?ml|env)$\n" +
      "    kms: arn:aws:kms:us-east-1:111122223333:alias/sops-staging\n" +
      "\n";
    expect(index).toBe(2);
    expect(text).toBe(COMMENTED.replace("  # Catch-all", inserted + "  # Catch-all"));
    expect(text.replace(inserted, "")).toBe(COMMENTED);
    const parsed = rules(text);
    expect(parsed).toHaveLength(4);
    expect(parsed[2]).toEqual({ path_regex: environmentPathRegex("staging"), kms: ARN });
    expect(parsed[3]).toEqual({ kms: "arn:aws:kms:us-east-1:111122223333:alias/sops-default" });
  });

  test("the rule's path_regex matches exactly the environment's secret files", () => {
    const re = new RegExp(environmentPathRegex("staging"));
    for (const ok of [
      "secrets/staging/app.enc.json",
      "secrets/staging/a/b.enc.yaml",
      "secrets/staging/x.enc.yml",
      "secrets/staging/.enc.env",
    ])
      expect(re.test(ok)).toBe(true);
    for (const no of [
      "secrets/staging-eu/app.enc.json",
      "secrets/staging/app.json",
      "xsecrets/staging/a.enc.json",
      "secrets/staging/a.enc.json.bak",
    ])
      expect(re.test(no)).toBe(false);
  });

  test("appends at the end when no rule would match the new environment", () => {
    const src =
      "creation_rules:\n" +
      "- path_regex: ^secrets/development/\n" +
      "  kms: 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab'\n" +
      "# trailing comment\n";
    const { text, index } = add(src);
    expect(index).toBe(1);
    expect(text).toBe(
      "creation_rules:\n" +
        "- path_regex: ^secrets/development/\n" +
        "  kms: 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab'\n" +
        "- path_regex: ^secrets/staging/.*\\.enc\\.(json|ya?ml|env)$\n" +
        `  kms: '${ARN}'\n` +
        "# trailing comment\n",
    );
  });

  test("follows 4-space indentation, double quotes and CRLF line endings", () => {
    const src =
      'creation_rules:\r\n    - path_regex: "^secrets/dev/"\r\n      kms: "arn:aws:kms:us-east-1:111122223333:alias/sops-dev"\r\n    - kms: "arn:aws:kms:us-east-1:111122223333:alias/x"\r\n';
    const { text, index } = add(src);
    expect(index).toBe(1);
    expect(text).toBe(
      'creation_rules:\r\n    - path_regex: "^secrets/dev/"\r\n      kms: "arn:aws:kms:us-east-1:111122223333:alias/sops-dev"\r\n' +
        '    - path_regex: "^secrets/staging/.*\\\\.enc\\\\.(json|ya?ml|env)$"\r\n' +
        `      kms: "${ARN}"\r\n` +
        '    - kms: "arn:aws:kms:us-east-1:111122223333:alias/x"\r\n',
    );
    expect(rules(text)[1]).toEqual({ path_regex: environmentPathRegex("staging"), kms: ARN });
  });

  test("a broader rule that would match the new environment counts as a catch-all", () => {
    const src =
      "creation_rules:\n" +
      "  - path_regex: ^secrets/production/\n    kms: arn:aws:kms:us-east-1:111122223333:alias/p\n" +
      "  - path_regex: \\.enc\\.json$\n    kms: arn:aws:kms:us-east-1:111122223333:alias/json\n" +
      "  - path_regex: .*\n    kms: arn:aws:kms:us-east-1:111122223333:alias/all\n";
    expect(add(src).index).toBe(1);
    expect(insertionIndex([{ pathRegex: "(?i)^SECRETS/" }], "staging")).toBe(0);
    expect(insertionIndex([{ pathRegex: "^secrets/prod/" }, {}], "staging")).toBe(1);
  });

  test("a new file when there is no .sops.yaml; a list when creation_rules is missing, empty or flow", () => {
    const created = add(undefined);
    expect(created.text).toMatch(/^# sops creation rules/);
    expect(rules(created.text)).toEqual([{ path_regex: environmentPathRegex("staging"), kms: ARN }]);
    expect(rules(add("# only a comment\n").text)).toHaveLength(1);
    expect(rules(add("creation_rules: []\n").text)).toHaveLength(1);
    const flow = add("creation_rules: [{kms: 'arn:aws:kms:us-east-1:111122223333:alias/all'}] # all\n");
    expect(flow.index).toBe(0);
    expect(rules(flow.text)).toEqual([
      { path_regex: environmentPathRegex("staging"), kms: ARN },
      { kms: "arn:aws:kms:us-east-1:111122223333:alias/all" },
    ]);
    expect(flow.text).toContain("# all");
  });

  test("refuses YAML that is not a sops config", () => {
    for (const [src, problem] of [
      ["creation_rules: [\n", /not valid YAML/],
      ["- a\n- b\n", /must be a mapping with a "creation_rules" list/],
      ["creation_rules: 3\n", /must be a list/],
      ["creation_rules:\n  - just a string\n", /creation_rules\[0\] .* must be a mapping/],
    ] as const) {
      const result = addCreationRule(src, "staging", ARN);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.problem).toMatch(problem);
    }
  });
});

describe("ruleIsForEnvironment", () => {
  test("an environment's own rule, not a catch-all or another environment's", () => {
    expect(ruleIsForEnvironment({ pathRegex: environmentPathRegex("staging") }, "staging")).toBe(true);
    expect(ruleIsForEnvironment({ pathRegex: "secrets/(staging|qa)/" }, "staging")).toBe(true);
    expect(ruleIsForEnvironment({ pathRegex: "^secrets/staging-eu/" }, "staging")).toBe(false);
    expect(ruleIsForEnvironment({ pathRegex: ".*" }, "staging")).toBe(false);
    expect(ruleIsForEnvironment({}, "staging")).toBe(false);
  });

  test("readCreationRules lists path_regex per rule", () => {
    expect(readCreationRules(COMMENTED)).toEqual({
      rules: [
        { pathRegex: environmentPathRegex("development") },
        { pathRegex: environmentPathRegex("production") },
        {},
      ],
    });
    expect(readCreationRules(undefined)).toEqual({ rules: [] });
  });
});
