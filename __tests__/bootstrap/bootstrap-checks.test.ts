import { environmentNameProblem } from "../../src/config/names";
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

  test("github: long role names are refused on context.bootstrap.github; -plan names by the one name check", () => {
    const c = config({ bootstrap: { ...DEFAULT_BOOTSTRAP_SETTINGS, github: { repository: "a/b" } } });
    // `<x>-plan` would share its GitHub environment with the plan jobs of `<x>`: the one environment-name check
    // (SS010 for folders, SS011 for configured names) refuses it, github or not, so it is not reported twice.
    expect(environmentNameProblem("staging-plan")).toBe(
      'ends in "-plan", which is reserved: the CI workflows plan each environment in the GitHub environment "<env>-plan"',
    );
    expect(problems(c, ["staging", "staging-plan"])).toEqual([]);
    expect(problems(c, ["x".repeat(53)])[0]).toContain("longer than IAM's 64 characters");
    expect(problems(c, ["x".repeat(52)])).toEqual([]);
  });
});
