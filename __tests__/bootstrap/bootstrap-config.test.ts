import {
  bootstrapEnvironments,
  checkBootstrapBackend,
  DEFAULT_BOOTSTRAP_SETTINGS,
  parseBootstrapConfig,
} from "../../src/bootstrap/bootstrap-config";
import { environmentNameProblem } from "../../src/config/names";
import { secretNamePattern, sopsKeyAliasArn } from "../../src/bootstrap/bootstrap-names";
import { CONFIG_RULE_ID } from "../../src/errors";

function messages(value: unknown): string[] {
  const { settings, diagnostics } = parseBootstrapConfig(value);
  expect(settings).toBeUndefined();
  for (const d of diagnostics) {
    expect(d.ruleId).toBe(CONFIG_RULE_ID);
    expect(d.path).toBe("cdktf.json");
  }
  return diagnostics.map((d) => `${d.message} | ${d.fix}`);
}

describe("parseBootstrapConfig", () => {
  test("undefined and false: not enabled, no diagnostics", () => {
    expect(parseBootstrapConfig(undefined)).toEqual({ diagnostics: [] });
    expect(parseBootstrapConfig(false)).toEqual({ diagnostics: [] });
  });

  test("true: every default", () => {
    expect(parseBootstrapConfig(true)).toEqual({ settings: DEFAULT_BOOTSTRAP_SETTINGS, diagnostics: [] });
    expect(DEFAULT_BOOTSTRAP_SETTINGS).toEqual({
      environments: [],
      keyDeletionWindowInDays: 30,
      stateBucketNoncurrentVersionDays: 90,
      monitoring: true,
      cloudTrailLogGroupName: "CloudTrail/DefaultLogGroup",
      failedDecryptThreshold: 1,
      access: {},
      remoteState: false,
    });
  });

  test("an object of valid settings", () => {
    const { settings, diagnostics } = parseBootstrapConfig({
      accountId: "123456789012",
      region: "eu-west-1",
      environments: ["staging"],
      keyDeletionWindowInDays: 7,
      stateBucketNoncurrentVersionDays: 30,
      monitoring: false,
      cloudTrailLogGroupName: "org/trail",
      alarmEmail: "security@example.com",
      failedDecryptThreshold: 3,
      access: {
        production: { editors: { roles: ["ops"] }, deployers: { groups: ["ci"], users: ["deploy-bot"] } },
      },
      remoteState: true,
    });
    expect(diagnostics).toEqual([]);
    expect(settings).toEqual({
      accountId: "123456789012",
      region: "eu-west-1",
      environments: ["staging"],
      keyDeletionWindowInDays: 7,
      stateBucketNoncurrentVersionDays: 30,
      monitoring: false,
      cloudTrailLogGroupName: "org/trail",
      alarmEmail: "security@example.com",
      failedDecryptThreshold: 3,
      access: {
        production: {
          editors: { roles: ["ops"], groups: [], users: [] },
          deployers: { roles: [], groups: ["ci"], users: ["deploy-bot"] },
        },
      },
      remoteState: true,
    });
  });

  test("not true and not an object", () => {
    expect(messages("yes")).toEqual([
      'context: "context.bootstrap" must be true or an object of settings, received a string | ' +
        'set "context.bootstrap" to true or an object of settings in cdktf.json (see README, "Configuration")',
    ]);
    expect(messages([])).toHaveLength(1);
  });

  test("unknown keys, with the key path and the known keys", () => {
    const [m] = messages({ acountId: "123456789012" });
    expect(m).toMatch(
      /^context: unknown key "context\.bootstrap\.acountId" \| remove it or use one of: accountId, region,/,
    );
    expect(messages({ access: { production: { editor: {} } } })[0]).toContain(
      'unknown key "context.bootstrap.access.production.editor" | remove it or use one of: editors, deployers',
    );
    expect(messages({ access: { production: { editors: { role: ["x"] } } } })[0]).toContain(
      'unknown key "context.bootstrap.access.production.editors.role"',
    );
  });

  test("wrong types, with the key path, what was expected and what was received", () => {
    expect(messages({ accountId: 123456789012 })[0]).toContain(
      '"context.bootstrap.accountId" must be a 12-digit AWS account ID such as "123456789012", received a number',
    );
    expect(messages({ accountId: 999999999999 })[0]).not.toContain("999999999999");
    expect(messages({ accountId: "12345" })[0]).toContain("received a string that is not one |");
    expect(messages({ accountId: "98765" })[0]).not.toContain("98765");
    expect(messages({ region: "Europe" })[0]).toContain('"context.bootstrap.region" must be an AWS region');
    expect(messages({ monitoring: "yes" })[0]).toContain(
      '"context.bootstrap.monitoring" must be true or false',
    );
    expect(messages({ remoteState: 1 })[0]).toContain(
      '"context.bootstrap.remoteState" must be true or false',
    );
    expect(messages({ failedDecryptThreshold: 1.5 })[0]).toContain(
      '"context.bootstrap.failedDecryptThreshold" must be an integer, received a number',
    );
    expect(messages({ failedDecryptThreshold: 1.5 })[0]).not.toContain("1.5");
    expect(messages({ alarmEmail: "nobody" })[0]).toContain(
      '"context.bootstrap.alarmEmail" must be an e-mail address',
    );
    expect(messages({ environments: "staging" })[0]).toContain(
      '"context.bootstrap.environments" must be an array of environment names, received a string |',
    );
    expect(messages({ environments: "staging" })[0]).not.toContain("staging");
    expect(messages({ access: [] })[0]).toContain(
      '"context.bootstrap.access" must be an object keyed by environment name',
    );
    expect(messages({ access: { production: { deployers: { roles: "ci" } } } })[0]).toContain(
      '"context.bootstrap.access.production.deployers.roles" must be an array of IAM role names',
    );
    expect(
      messages({ access: { production: { deployers: { roles: ["arn:aws:iam::1:role/x"] } } } })[0],
    ).toContain(
      '"context.bootstrap.access.production.deployers.roles[0]" must be an IAM role name (no path, no ARN)',
    );
  });

  test("out-of-range and invalid values", () => {
    expect(messages({ keyDeletionWindowInDays: 3 })[0]).toBe(
      'context: "context.bootstrap.keyDeletionWindowInDays" is 3; KMS accepts a waiting period of 7 to 30 days | ' +
        'set "context.bootstrap.keyDeletionWindowInDays" to a number from 7 to 30',
    );
    expect(messages({ stateBucketNoncurrentVersionDays: 0 })[0]).toContain("is 0; S3 needs at least 1 day");
    expect(messages({ failedDecryptThreshold: 0 })[0]).toContain("is 0");
    expect(messages({ environments: ["bootstrap"] })[0]).toContain(
      '"context.bootstrap.environments[0]" ("bootstrap") is reserved for the bootstrap stack',
    );
    expect(messages({ environments: ["a b"] })[0]).toContain("must start with a letter or digit");
    expect(messages({ environments: ["x", "x"] })[0]).toContain(
      '"context.bootstrap.environments[1]" lists "x" twice',
    );
    expect(messages({ access: { "../prod": {} } })[0]).toContain(
      '"context.bootstrap.access.../prod" names an invalid environment',
    );
  });

  test("reports every problem at once", () => {
    expect(messages({ accountId: "x", region: 1, nope: true, keyDeletionWindowInDays: 31 })).toHaveLength(4);
  });
});

test("checkBootstrapBackend: an S3 backend is needed", () => {
  expect(
    checkBootstrapBackend({ type: "s3", bucket: "b", region: "us-east-1", keyPrefix: "secrets" }),
  ).toEqual([]);
  const [d] = checkBootstrapBackend({ type: "local", directory: "terraform-state" });
  expect(d.message).toBe(
    'context: "context.bootstrap" is set, but "context.backend.type" is "local": the bootstrap stack creates the S3 state bucket',
  );
});

describe("bootstrap names", () => {
  test("bootstrapEnvironments: folders plus extra names, sorted, once", () => {
    expect(
      bootstrapEnvironments(["production", "development"], {
        ...DEFAULT_BOOTSTRAP_SETTINGS,
        environments: ["qa", "production"],
      }),
    ).toEqual(["development", "production", "qa"]);
  });

  test("environmentNameProblem", () => {
    expect(environmentNameProblem("prod-eu_1")).toBeUndefined();
    expect(environmentNameProblem("bootstrap")).toMatch(/reserved/);
    expect(environmentNameProblem("-x")).toMatch(/must start/);
    expect(environmentNameProblem("a".repeat(65))).toMatch(/65 characters long; the maximum is 64/);
  });

  test("alias ARN per partition", () => {
    expect(sopsKeyAliasArn("us-east-1", "123456789012", "dev")).toBe(
      "arn:aws:kms:us-east-1:123456789012:alias/sops-dev",
    );
    expect(sopsKeyAliasArn("cn-north-1", "123456789012", "dev")).toBe(
      "arn:aws-cn:kms:cn-north-1:123456789012:alias/sops-dev",
    );
    expect(sopsKeyAliasArn("us-gov-west-1", "123456789012", "dev")).toMatch(/^arn:aws-us-gov:/);
  });

  test("secret name pattern from the template", () => {
    expect(secretNamePattern("{env}/{name}", "prod")).toBe("prod/*");
    expect(secretNamePattern("{name}-{env}", "prod")).toBe("*-prod*");
    expect(secretNamePattern("team/{env}/{name}", "prod")).toBe("team/prod/*");
  });
});
