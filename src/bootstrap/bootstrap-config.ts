/**
 * The opt-in bootstrap stack's settings: cdktf.json `context.bootstrap`, either `true` (every default) or an
 * object of the keys below. The keys are validated by `bootstrapSchema`, the bootstrap section of the one
 * configuration schema: every problem becomes a diagnostic naming the key's path
 * (`context.bootstrap.access.production.editors.roles[0]`), made by the factories in src/errors.ts.
 */
import { z } from "zod";
import type { BackendConfig } from "../config/config";
import {
  AWS_ACCOUNT_ID,
  AWS_REGION,
  ENVIRONMENT_NAME,
  ENVIRONMENT_NAME_MAX_LENGTH,
  environmentNameProblem,
  IAM_NAME,
  IAM_ROLE_ARN,
} from "../config/names";
import { reservedKeyDiagnostics } from "../config/reserved-keys";
import {
  checkedText,
  diagnosticsOf,
  duplicates,
  flag,
  ifString,
  integer,
  keyed,
  keyName,
  list,
  mustBe,
  refineKey,
  refineWith,
  strict,
  text,
} from "../config/schema-kit";
import { Diagnostic } from "../diagnostics";
import { configInvalidValue } from "../errors";

const LOG_GROUP = /^[\w./#-]{1,512}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
/** GitHub `owner/repo`. */
const GITHUB_REPOSITORY = /^[A-Za-z0-9][A-Za-z0-9-]{0,38}\/[A-Za-z0-9._-]{1,100}$/;
const OIDC_PROVIDER_ARN =
  /^arn:aws[a-z-]*:iam::\d{12}:oidc-provider\/token\.actions\.githubusercontent\.com$/;
/** S3 bucket names (general purpose). */
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** IAM principals, by name, that a policy is attached to. */
export interface PrincipalNames {
  /** IAM role names. @default [] */
  readonly roles: readonly string[];
  /**
   * IAM group names: always empty once validated. A KMS key policy and a bucket policy cannot name a group, so
   * the bootstrap stack could not enforce a group member's access against account-wide IAM policies. @default []
   */
  readonly groups: readonly string[];
  /** IAM user names. @default [] */
  readonly users: readonly string[];
}

/** Who gets an environment's policies attached. Revoking someone's access is removing them here (detaching). */
export interface EnvironmentAccess {
  /** Principals that get `sops-<env>-editors` (create and edit the environment's sops files). @default - none */
  readonly editors: PrincipalNames;
  /** Principals that get `sops-<env>-deployers` (run `cdktf deploy <env>`). @default - none */
  readonly deployers: PrincipalNames;
  /** Principals that get `sops-<env>-planners` (read-only `cdktf plan <env>` with `-lock=false`). @default - none */
  readonly planners: PrincipalNames;
}

/** GitHub Actions OIDC: per environment a deploy role and a plan role that workflow jobs assume. */
export interface GitHubSettings {
  /** `owner/repo`: the repository whose workflow jobs may assume the roles. */
  readonly repository: string;
  /**
   * ARN of the account's existing IAM OIDC provider for `token.actions.githubusercontent.com`.
   * @default - the stack creates the provider
   */
  readonly oidcProviderArn?: string;
}

/** Where one environment's bootstrap resources live when it is not the main account (multi-account). */
export interface EnvironmentAccount {
  /** The role the bootstrap stack's provider for this environment assumes (it may create KMS keys and IAM). */
  readonly assumeRoleArn: string;
  /** The environment's account: the role's. */
  readonly accountId: string;
}

export interface BootstrapSettings {
  /**
   * The AWS account (12 digits). Makes every ARN literal and lets `npm run new-env` write the alias ARN into
   * `.sops.yaml`. @default - read at plan time from `data "aws_caller_identity"` (ARNs are then references)
   */
  readonly accountId?: string;
  /** Region of the sops keys, the monitoring and the stack's provider. @default - the project's `region` */
  readonly region?: string;
  /** Environments to create keys and policies for in addition to the folders under secrets/. @default [] */
  readonly environments: readonly string[];
  /** Waiting period, 7 to 30 days, before a key scheduled for deletion is deleted. @default 30 */
  readonly keyDeletionWindowInDays: number;
  /** Days the state bucket keeps a noncurrent (overwritten or deleted) state version. @default 90 */
  readonly stateBucketNoncurrentVersionDays: number;
  /** Whether to create the failed-decrypt metric filters, alarm and SNS topic. @default true */
  readonly monitoring: boolean;
  /** The existing CloudWatch Logs group CloudTrail delivers to. @default "CloudTrail/DefaultLogGroup" */
  readonly cloudTrailLogGroupName: string;
  /** E-mail address subscribed to the alarm topic (confirm the subscription mail). @default - no subscription */
  readonly alarmEmail?: string;
  /** Failed Decrypt calls on the sops keys within 5 minutes that raise the alarm. @default 1 */
  readonly failedDecryptThreshold: number;
  /** Policy attachments per environment. @default {} */
  readonly access: Readonly<Record<string, EnvironmentAccess>>;
  /**
   * Whether the bootstrap stack's own state is in the state bucket (`<keyPrefix>/bootstrap/terraform.tfstate`)
   * rather than in a local file. Set it after the first deploy, then run `cdktf deploy bootstrap --migrate-state`.
   * @default false
   */
  readonly remoteState: boolean;
  /**
   * IAM role name (no path) of the break-glass role: may use every sops key and the state key and read and write
   * every environment's state, besides the configured principals. @default - none
   */
  readonly breakGlassRoleName?: string;
  /** GitHub Actions OIDC deploy and plan roles per environment. @default - none */
  readonly github?: GitHubSettings;
  /** Bucket that receives the state bucket's S3 server access logs. @default - `<backend.bucket>-access-logs` */
  readonly accessLogBucket?: string;
  /**
   * Per environment, the account its key, policies, roles and alarms live in (a provider per environment that
   * assumes the role). The state bucket and its key stay in the main account. @default {} (all in the main account)
   */
  readonly accounts: Readonly<Record<string, EnvironmentAccount>>;
}

export const DEFAULT_KEY_DELETION_WINDOW_IN_DAYS = 30;
export const DEFAULT_NONCURRENT_VERSION_DAYS = 90;
export const DEFAULT_CLOUDTRAIL_LOG_GROUP = "CloudTrail/DefaultLogGroup";
export const DEFAULT_FAILED_DECRYPT_THRESHOLD = 1;

export const DEFAULT_BOOTSTRAP_SETTINGS: BootstrapSettings = {
  environments: [],
  keyDeletionWindowInDays: DEFAULT_KEY_DELETION_WINDOW_IN_DAYS,
  stateBucketNoncurrentVersionDays: DEFAULT_NONCURRENT_VERSION_DAYS,
  monitoring: true,
  cloudTrailLogGroupName: DEFAULT_CLOUDTRAIL_LOG_GROUP,
  failedDecryptThreshold: DEFAULT_FAILED_DECRYPT_THRESHOLD,
  access: {},
  remoteState: false,
  accounts: {},
};

const AT = "context.bootstrap";

const environmentName = checkedText("an environment name", (name) => {
  const problem = environmentNameProblem(name);
  return problem === undefined
    ? undefined
    : { kind: "invalid", problem: `("${name}") ${problem}`, fix: 'rename or remove "{path}"' };
});

const environmentKey = keyName(ENVIRONMENT_NAME, ENVIRONMENT_NAME_MAX_LENGTH, (env) => {
  const problem = environmentNameProblem(env);
  return problem === undefined
    ? undefined
    : {
        kind: "invalid",
        problem: `names an invalid environment: "${env}" ${problem}`,
        fix: 'rename or remove "{path}"',
      };
});

function principalList(kind: "role" | "group" | "user") {
  return list(
    text(IAM_NAME, `an IAM ${kind} name (no path, no ARN)`),
    `an array of IAM ${kind} names`,
    (names) =>
      duplicates(names, ifString).map((dup) => ({
        index: dup.index,
        complaint: {
          kind: "invalid",
          problem: `lists "${dup.key}" twice`,
          fix: 'list each name once in "{parent}"',
        },
      })),
  ).describe(`IAM ${kind} names (no path, no ARN)`);
}

const github = strict(
  {
    repository: text(GITHUB_REPOSITORY, 'a GitHub repository "owner/repo"').describe(
      "owner/repo: the repository whose workflow jobs may assume the deploy and plan roles.",
    ),
    oidcProviderArn: text(
      OIDC_PROVIDER_ARN,
      "the ARN of the IAM OIDC provider for token.actions.githubusercontent.com",
    )
      .describe("The account's existing GitHub OIDC provider. Default: the stack creates it.")
      .optional(),
  },
  'an object such as { "repository": "owner/repo" }',
);

const principals = strict(
  {
    roles: principalList("role").optional(),
    groups: refineWith(principalList("group"), (names) =>
      names.length === 0
        ? undefined
        : {
            kind: "invalid",
            problem:
              "names IAM groups: a KMS key policy and an S3 bucket policy cannot name a group, so the bootstrap " +
              "stack could not keep an account-wide IAM policy from opening the keys and state to others",
            fix: 'list the group\'s members under "{parent}.users", or a role they assume under "{parent}.roles", and remove "{path}"',
          },
    ).optional(),
    users: principalList("user").optional(),
  },
  'an object with "roles", "groups" and/or "users" arrays of IAM names',
);

/**
 * The bootstrap section of the configuration schema (src/config/schema.ts): cdktf.json `context.bootstrap`.
 * To add a key: add it here with a block from src/config/schema-kit.ts and a description, to
 * `BootstrapSettings` and `DEFAULT_BOOTSTRAP_SETTINGS`, and to `toSettings` below; then `npm run schema`.
 */
export const bootstrapSchema = z
  .union(
    [
      flag(),
      refineKey(
        refineKey(
          strict(
            {
              accountId: text(AWS_ACCOUNT_ID, 'a 12-digit AWS account ID such as "123456789012"')
                .describe("The AWS account (12 digits): makes every ARN literal. Default: read at plan time.")
                .optional(),
              region: text(AWS_REGION, "an AWS region such as us-east-1")
                .describe(
                  "Region of the sops keys, the monitoring and the stack's provider. Default: the project's region.",
                )
                .optional(),
              environments: list(environmentName, "an array of environment names", (names) => {
                return duplicates(names, ifString).map((dup) => ({
                  index: dup.index,
                  complaint: {
                    kind: "invalid",
                    problem: `lists "${dup.key}" twice`,
                    fix: 'list each environment once in "{parent}"',
                  },
                }));
              })
                .describe(
                  "Environments to create keys and policies for in addition to the folders under secrets/.",
                )
                .optional(),
              keyDeletionWindowInDays: integer(7, 30, "KMS accepts a waiting period of 7 to 30 days")
                .describe("Days, 7 to 30, before a key scheduled for deletion is deleted. Default: 30.")
                .optional(),
              stateBucketNoncurrentVersionDays: integer(1, 36500, "S3 needs at least 1 day")
                .describe("Days the state bucket keeps a noncurrent state version. Default: 90.")
                .optional(),
              monitoring: flag()
                .describe(
                  "Whether to create the failed-decrypt metric filters, alarm and SNS topic. Default: true.",
                )
                .optional(),
              cloudTrailLogGroupName: text(
                LOG_GROUP,
                "a CloudWatch Logs group name such as CloudTrail/DefaultLogGroup",
              )
                .describe(
                  "The existing CloudWatch Logs group CloudTrail delivers to. Default: CloudTrail/DefaultLogGroup.",
                )
                .optional(),
              alarmEmail: text(EMAIL, "an e-mail address")
                .describe("E-mail address subscribed to the alarm topic. Default: no subscription.")
                .optional(),
              failedDecryptThreshold: integer(1, 1_000_000, "the alarm needs at least 1 failed call")
                .describe(
                  "Failed Decrypt calls on the sops keys within 5 minutes that raise the alarm. Default: 1.",
                )
                .optional(),
              access: keyed(
                environmentKey,
                strict(
                  {
                    editors: principals.optional(),
                    deployers: principals.optional(),
                    planners: principals.optional(),
                  },
                  'an object with "editors", "deployers" and/or "planners"',
                ),
                'an object keyed by environment name, e.g. { "production": { "deployers": { "roles": ["ci"] } } }',
              )
                .describe(
                  "Policy attachments per environment: who gets sops-<env>-editors, -deployers and -planners.",
                )
                .optional(),
              remoteState: flag()
                .describe("Whether the bootstrap stack's own state is in the state bucket. Default: false.")
                .optional(),
              breakGlassRoleName: text(IAM_NAME, "an IAM role name (no path, no ARN)")
                .describe(
                  "The break-glass role: may use every sops key and the state key and every environment's state.",
                )
                .optional(),
              github: github
                .describe("GitHub Actions OIDC: a deploy role and a plan role per environment.")
                .optional(),
              accessLogBucket: text(BUCKET_NAME, "an S3 bucket name")
                .describe("Bucket for the state bucket's access logs. Default: <backend.bucket>-access-logs.")
                .optional(),
              accounts: keyed(
                environmentKey,
                strict(
                  {
                    assumeRoleArn: text(
                      IAM_ROLE_ARN,
                      "an IAM role ARN (arn:aws:iam::<account>:role/<name>)",
                    ).describe(
                      "Role in the environment's account the bootstrap stack's provider for it assumes.",
                    ),
                  },
                  'an object { "assumeRoleArn": "arn:aws:iam::<account>:role/<name>" }',
                ),
                'an object keyed by environment name, e.g. { "production": { "assumeRoleArn": "arn:..." } }',
              )
                .describe(
                  "Multi-account: per environment, the role (in its account) to create its key, policies and alarms with.",
                )
                .optional(),
            },
            "true or an object of settings",
          ),
          "remoteState",
          (value) =>
            value.remoteState === true && value.breakGlassRoleName === undefined
              ? {
                  kind: "invalid",
                  problem:
                    "is true, but no break-glass role is set: only the configured principals may use the state key, so " +
                    "the administrator who deploys the bootstrap stack could not write its state",
                  fix: `set "${AT}.breakGlassRoleName" to the role you deploy the bootstrap stack with, or set "{path}" to false`,
                }
              : undefined,
        ),
        "accounts",
        (value) =>
          value.accounts !== undefined &&
          Object.keys(value.accounts).length > 0 &&
          value.accountId === undefined
            ? {
                kind: "invalid",
                problem:
                  "puts environments in other accounts, but the main account is not set: the state bucket and key " +
                  "policies must tell the main account's principals from the others'",
                fix: `set "${AT}.accountId" to the account of the state bucket (the account of the main provider)`,
              }
            : undefined,
      ),
    ],
    { error: mustBe("true or an object of settings") },
  )
  .describe(
    "The opt-in bootstrap stack (KMS keys, state bucket, IAM policies, monitoring): true or settings.",
  );

type BootstrapInput = Exclude<z.output<typeof bootstrapSchema>, boolean>;

function toSettings(value: BootstrapInput): BootstrapSettings {
  const d = DEFAULT_BOOTSTRAP_SETTINGS;
  const names = (p: z.output<typeof principals> | undefined): PrincipalNames => ({
    roles: p?.roles ?? [],
    groups: p?.groups ?? [],
    users: p?.users ?? [],
  });
  const access: Record<string, EnvironmentAccess> = Object.create(null) as Record<string, EnvironmentAccess>;
  for (const [env, a] of Object.entries(value.access ?? {}))
    access[env] = {
      editors: names(a.editors),
      deployers: names(a.deployers),
      planners: names(a.planners),
    };
  const accounts = Object.create(null) as Record<string, EnvironmentAccount>;
  for (const [env, a] of Object.entries(value.accounts ?? {}))
    accounts[env] = { assumeRoleArn: a.assumeRoleArn, accountId: a.assumeRoleArn.split(":")[4] };
  return {
    accounts,
    ...(value.accountId !== undefined && { accountId: value.accountId }),
    ...(value.region !== undefined && { region: value.region }),
    environments: value.environments ?? d.environments,
    keyDeletionWindowInDays: value.keyDeletionWindowInDays ?? d.keyDeletionWindowInDays,
    stateBucketNoncurrentVersionDays:
      value.stateBucketNoncurrentVersionDays ?? d.stateBucketNoncurrentVersionDays,
    monitoring: value.monitoring ?? d.monitoring,
    cloudTrailLogGroupName: value.cloudTrailLogGroupName ?? d.cloudTrailLogGroupName,
    ...(value.alarmEmail !== undefined && { alarmEmail: value.alarmEmail }),
    failedDecryptThreshold: value.failedDecryptThreshold ?? d.failedDecryptThreshold,
    access: value.access === undefined ? d.access : access,
    remoteState: value.remoteState ?? d.remoteState,
    ...(value.breakGlassRoleName !== undefined && { breakGlassRoleName: value.breakGlassRoleName }),
    ...(value.github !== undefined && {
      github: {
        repository: value.github.repository,
        ...(value.github.oidcProviderArn !== undefined && { oidcProviderArn: value.github.oidcProviderArn }),
      },
    }),
    ...(value.accessLogBucket !== undefined && { accessLogBucket: value.accessLogBucket }),
  };
}

export interface BootstrapConfigResult {
  /** Undefined when `value` has errors. */
  readonly settings?: BootstrapSettings;
  readonly diagnostics: Diagnostic[];
}

/**
 * Validates cdktf.json `context.bootstrap`: `true` (every default) or an object of settings. `undefined` and
 * `false` mean "not enabled": no settings and no diagnostics.
 */
export function parseBootstrapConfig(value: unknown): BootstrapConfigResult {
  if (value === undefined) return { diagnostics: [] };
  const reserved = reservedKeyDiagnostics(value, AT);
  const result = bootstrapSchema.safeParse(value);
  if (!result.success || reserved.length > 0)
    return { diagnostics: [...reserved, ...(result.success ? [] : diagnosticsOf(result.error.issues, AT))] };
  return bootstrapSettingsOf(result.data);
}

/** The settings from an already validated `context.bootstrap` value. */
export function bootstrapSettingsOf(
  value: z.output<typeof bootstrapSchema> | undefined,
): BootstrapConfigResult {
  if (value === undefined || value === false) return { diagnostics: [] };
  if (value === true) return { settings: DEFAULT_BOOTSTRAP_SETTINGS, diagnostics: [] };
  return { settings: toSettings(value), diagnostics: [] };
}

/** The environments the bootstrap stack manages: the folders plus `settings.environments`, sorted, once each. */
export function bootstrapEnvironments(folders: readonly string[], settings: BootstrapSettings): string[] {
  return [...new Set([...folders, ...settings.environments])].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * The bootstrap stack creates the S3 state bucket: with `context.backend.type` "local" or "cloud" there is none
 * to create (and its state key and bucket policy would protect nothing).
 * Call it when `parseBootstrapConfig` returned settings.
 */
export function checkBootstrapBackend(backend: BackendConfig): Diagnostic[] {
  if (backend.type === "s3") return [];
  return [
    configInvalidValue(
      AT,
      `is set, but "context.backend.type" is "${backend.type}": the bootstrap stack creates the S3 state bucket` +
        (backend.type === "cloud"
          ? " and its key, and HCP Terraform keeps the state (see docs/hcp-terraform.md for the keys and roles to create)"
          : ""),
      'set "context.backend" to { "type": "s3", "bucket": "<name>" }, or remove "context.bootstrap"',
    ),
  ];
}
