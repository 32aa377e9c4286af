import {
  bootstrapEnvironments,
  checkBootstrapBackend,
  DEFAULT_BOOTSTRAP_SETTINGS,
  parseBootstrapConfig,
} from "../../src/bootstrap/bootstrap-config";
import { environmentNameProblem } from "../../src/config/names";
import { secretNamePattern, sopsKeyAliasArn, stateBackendFor } from "../../src/bootstrap/bootstrap-names";
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
      accounts: {},
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
        production: {
          editors: { roles: ["ops"] },
          deployers: { roles: ["ci"], users: ["deploy-bot"] },
          planners: { roles: ["ci-plan"] },
        },
      },
      remoteState: true,
      breakGlassRoleName: "break-glass",
      github: { repository: "acme/secrets" },
      accessLogBucket: "acme-state-logs",
    });
    expect(diagnostics).toEqual([]);
    expect(settings).toEqual({
      accountId: "123456789012",
      accounts: {},
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
          deployers: { roles: ["ci"], groups: [], users: ["deploy-bot"] },
          planners: { roles: ["ci-plan"], groups: [], users: [] },
        },
      },
      remoteState: true,
      breakGlassRoleName: "break-glass",
      github: { repository: "acme/secrets" },
      accessLogBucket: "acme-state-logs",
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
      'unknown key "context.bootstrap.access.production.editor" | remove it or use one of: editors, deployers, planners',
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

  test("IAM groups are refused (a key or bucket policy cannot name a group), with the fix", () => {
    expect(messages({ access: { production: { deployers: { groups: ["ci"] } } } })).toEqual([
      'context: "context.bootstrap.access.production.deployers.groups" names IAM groups: a KMS key policy and an ' +
        "S3 bucket policy cannot name a group, so the bootstrap stack could not keep an account-wide IAM policy " +
        "from opening the keys and state to others | list the group's members under \"context.bootstrap.access." +
        'production.deployers.users", or a role they assume under "context.bootstrap.access.production.deployers.' +
        'roles", and remove "context.bootstrap.access.production.deployers.groups"',
    ]);
    // An empty list says nothing and is accepted.
    expect(parseBootstrapConfig({ access: { production: { editors: { groups: [] } } } }).diagnostics).toEqual(
      [],
    );
  });

  test("remoteState needs a break-glass role (only configured principals may use the state key)", () => {
    expect(messages({ remoteState: true })[0]).toContain(
      '"context.bootstrap.remoteState" is true, but no break-glass role is set',
    );
    expect(parseBootstrapConfig({ remoteState: true, breakGlassRoleName: "admin" }).diagnostics).toEqual([]);
  });

  test("github, breakGlassRoleName and accessLogBucket are validated with their paths", () => {
    expect(messages({ github: { repository: "not a repo" } })[0]).toContain(
      '"context.bootstrap.github.repository" must be a GitHub repository "owner/repo"',
    );
    expect(messages({ github: {} })[0]).toContain('"context.bootstrap.github.repository" must be');
    expect(
      messages({ github: { repository: "a/b", oidcProviderArn: "arn:aws:iam::1:role/x" } })[0],
    ).toContain('"context.bootstrap.github.oidcProviderArn" must be the ARN of the IAM OIDC provider');
    expect(messages({ github: { repository: "a/b", extra: 1 } })[0]).toContain(
      'unknown key "context.bootstrap.github.extra"',
    );
    expect(messages({ breakGlassRoleName: "arn:aws:iam::111122223333:role/x" })[0]).toContain(
      '"context.bootstrap.breakGlassRoleName" must be an IAM role name',
    );
    expect(messages({ accessLogBucket: "Bad_Bucket" })[0]).toContain(
      '"context.bootstrap.accessLogBucket" must be an S3 bucket name',
    );
    expect(
      parseBootstrapConfig({
        github: {
          repository: "acme/secrets",
          oidcProviderArn: "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com",
        },
      }).settings?.github,
    ).toEqual({
      repository: "acme/secrets",
      oidcProviderArn: "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com",
    });
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

  test("stateBackendFor: with bootstrap on, the backends name the state key (never SSE-S3)", () => {
    const s3 = { type: "s3" as const, bucket: "acme.state", region: "eu-west-1", keyPrefix: "secrets" };
    expect(stateBackendFor(s3, undefined)).toBe(s3);
    expect(stateBackendFor(s3, { accountId: "123456789012" })).toEqual({
      ...s3,
      kmsKeyId: "arn:aws:kms:eu-west-1:123456789012:alias/terraform-state/acme-state",
    });
    expect(stateBackendFor(s3, {})).toEqual({ ...s3, kmsKeyId: "alias/terraform-state/acme-state" });
    const own = { ...s3, kmsKeyId: "arn:aws:kms:eu-west-1:123456789012:key/abc" };
    expect(stateBackendFor(own, { accountId: "123456789012" })).toBe(own);
    const local = { type: "local" as const, directory: "terraform-state" };
    expect(stateBackendFor(local, {})).toBe(local);
  });

  test("secret name pattern from the template", () => {
    expect(secretNamePattern("{env}/{name}", "prod")).toBe("prod/*");
    expect(secretNamePattern("{name}-{env}", "prod")).toBe("*-prod*");
    expect(secretNamePattern("team/{env}/{name}", "prod")).toBe("team/prod/*");
  });
});
