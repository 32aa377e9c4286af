import { bootstrapConfigProblems, templateScopeProblem } from "../../src/bootstrap/bootstrap-checks";
import { DEFAULT_BOOTSTRAP_SETTINGS } from "../../src/bootstrap/bootstrap-config";
import { DEFAULT_SETTINGS, ProjectConfig } from "../../src/config/config";

function config(overrides: Partial<ProjectConfig> = {}, template = "{env}/{name}"): ProjectConfig {
  return {
    defaults: { ...DEFAULT_SETTINGS, secretNameTemplate: template },
    backend: { type: "s3", bucket: "b", region: "us-east-1", keyPrefix: "secrets" },
    environments: {},
    bootstrap: DEFAULT_BOOTSTRAP_SETTINGS,
    ...overrides,
  };
}

const problems = (c: ProjectConfig, folders: string[]) =>
  bootstrapConfigProblems(c, folders).map((d) => `${d.message} | ${d.fix}`);

describe("secret name scope (bootstrap on)", () => {
  test("templates whose {env} is followed by a delimiter, before {name}, pass", () => {
    for (const t of ["{env}/{name}", "team/{env}/{name}", "{env}.{name}", "app@{env}+{name}"])
      expect(templateScopeProblem(t)).toBeUndefined();
    expect(problems(config(), ["production", "production-eu"])).toEqual([]);
  });

  test("refuses a template that reaches other environments, naming the key and the fix", () => {
    expect(templateScopeProblem("{name}")).toBe("has no {env}");
    expect(templateScopeProblem("{name}/{env}/x")).toBe("puts {name} before {env}");
    expect(templateScopeProblem("app-{env}-{name}")).toMatch(
      /does not follow \{env\} with a delimiter.*"-" follows/,
    );
    expect(templateScopeProblem("{name}-{env}")).toBe("puts {name} before {env}");
    expect(templateScopeProblem("x/{env}")).toMatch(/nothing/);
    expect(templateScopeProblem("{env}{name}")).toMatch(/"\{" follows/);
    expect(problems(config({}, "app-{env}-{name}"), ["production", "production-eu"])).toEqual([
      'context: "context.secretNameTemplate" ("app-{env}-{name}") does not follow {env} with a delimiter (a ' +
        'character no environment name contains, such as "/"; "-" follows it), so the bootstrap stack\'s Secrets ' +
        "Manager grants for one environment would reach other environments' secrets | start the name with the " +
        'environment followed by "/", e.g. "{env}/{name}" or "team/{env}/{name}"',
    ]);
  });

  test("refuses per-environment templates whose prefixes nest", () => {
    const c = config({ environments: { development: { secretNameTemplate: "production/{env}/{name}" } } });
    const [m, ...rest] = problems(c, ["development", "production"]);
    expect(rest).toEqual([]);
    expect(m).toBe(
      'context: "context.secretNameTemplate" gives environment "production" secret names starting "production/", ' +
        'and environment "development" names starting "production/development/" ' +
        "(context.environments.development.secretNameTemplate): one environment's grants would reach the other's " +
        'secrets | give each environment a name prefix that is not a prefix of another\'s, e.g. "{env}/{name}" everywhere',
    );
  });

  test("bootstrap off: no check", () => {
    expect(problems(config({ bootstrap: undefined }, "{name}"), ["production"])).toEqual([]);
  });

  test("github: -plan environments and long role names are refused on context.bootstrap.github", () => {
    const c = config({ bootstrap: { ...DEFAULT_BOOTSTRAP_SETTINGS, github: { repository: "a/b" } } });
    const [m] = problems(c, ["staging", "staging-plan"]);
    expect(m).toBe(
      'context: "context.bootstrap.github" is set, and environment "staging-plan" ends in "-plan": its GitHub ' +
        'environment would be the one the plan jobs of "staging" run in | rename secrets/staging-plan/ (and any ' +
        'entry for it in context.bootstrap.environments), or remove "context.bootstrap.github"',
    );
    expect(problems(c, ["x".repeat(53)])[0]).toContain("longer than IAM's 64 characters");
    expect(problems(c, ["x".repeat(52)])).toEqual([]);
  });
});
