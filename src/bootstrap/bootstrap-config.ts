/**
 * The opt-in bootstrap stack's settings: cdktf.json `context.bootstrap`, either `true` (every default) or an
 * object of the keys below. Validation never throws: every problem becomes a diagnostic naming the key's path
 * (`context.bootstrap.access.production.editors.roles[0]`), made by the factories in src/errors.ts.
 */
import type { BackendConfig } from "../config/config";
import { Diagnostic } from "../diagnostics";
import { configInvalidValue, configUnknownKey, configWrongType } from "../errors";
import { BOOTSTRAP_STACK_NAME, ENVIRONMENT_NAME, ENVIRONMENT_NAME_MAX_LENGTH } from "./bootstrap-names";

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
};

const AT = "context.bootstrap";
const KEYS = [
  "accountId",
  "region",
  "environments",
  "keyDeletionWindowInDays",
  "stateBucketNoncurrentVersionDays",
  "monitoring",
  "cloudTrailLogGroupName",
  "alarmEmail",
  "failedDecryptThreshold",
  "access",
  "remoteState",
  "breakGlassRoleName",
  "github",
  "accessLogBucket",
];
const ACCESS_KEYS = ["editors", "deployers", "planners"];
const GITHUB_KEYS = ["repository", "oidcProviderArn"];
const PRINCIPAL_KEYS = ["roles", "groups", "users"] as const;

const ACCOUNT_ID = /^\d{12}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;
const LOG_GROUP = /^[\w./#-]{1,512}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
/** IAM role, group and user names (without path). */
const IAM_NAME = /^[\w+=,.@-]{1,128}$/;
/** GitHub `owner/repo`. */
const GITHUB_REPOSITORY = /^[A-Za-z0-9][A-Za-z0-9-]{0,38}\/[A-Za-z0-9._-]{1,100}$/;
const OIDC_PROVIDER_ARN =
  /^arn:aws[a-z-]*:iam::\d{12}:oidc-provider\/token\.actions\.githubusercontent\.com$/;
/** S3 bucket names (general purpose). */
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

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
  const diagnostics: Diagnostic[] = [];
  if (value === undefined || value === false) return { diagnostics };
  if (value === true) return { settings: DEFAULT_BOOTSTRAP_SETTINGS, diagnostics };
  if (!isObject(value)) {
    diagnostics.push(configWrongType(AT, "true or an object of settings", value));
    return { diagnostics };
  }
  for (const key of Object.keys(value))
    if (!KEYS.includes(key)) diagnostics.push(configUnknownKey(`${AT}.${key}`, KEYS));
  const r = new Reader(value, diagnostics);
  const d = DEFAULT_BOOTSTRAP_SETTINGS;
  const accountId = r.string("accountId", ACCOUNT_ID, 'a 12-digit AWS account ID such as "123456789012"');
  const region = r.string("region", REGION, "an AWS region such as us-east-1");
  const alarmEmail = r.string("alarmEmail", EMAIL, "an e-mail address");
  const breakGlassRoleName = r.string("breakGlassRoleName", IAM_NAME, "an IAM role name (no path, no ARN)");
  const accessLogBucket = r.string("accessLogBucket", BUCKET_NAME, "an S3 bucket name");
  const github = githubSettings(value.github, `${AT}.github`, diagnostics);
  const settings: BootstrapSettings = {
    ...(accountId !== undefined && { accountId }),
    ...(region !== undefined && { region }),
    environments: environmentList(value.environments, `${AT}.environments`, diagnostics) ?? d.environments,
    keyDeletionWindowInDays:
      r.integer("keyDeletionWindowInDays", 7, 30, "KMS accepts a waiting period of 7 to 30 days") ??
      d.keyDeletionWindowInDays,
    stateBucketNoncurrentVersionDays:
      r.integer("stateBucketNoncurrentVersionDays", 1, 36500, "S3 needs at least 1 day") ??
      d.stateBucketNoncurrentVersionDays,
    monitoring: r.boolean("monitoring") ?? d.monitoring,
    cloudTrailLogGroupName:
      r.string(
        "cloudTrailLogGroupName",
        LOG_GROUP,
        "a CloudWatch Logs group name such as CloudTrail/DefaultLogGroup",
      ) ?? d.cloudTrailLogGroupName,
    ...(alarmEmail !== undefined && { alarmEmail }),
    failedDecryptThreshold:
      r.integer("failedDecryptThreshold", 1, 1_000_000, "the alarm needs at least 1 failed call") ??
      d.failedDecryptThreshold,
    access: accessMap(value.access, `${AT}.access`, diagnostics) ?? d.access,
    remoteState: r.boolean("remoteState") ?? d.remoteState,
    ...(breakGlassRoleName !== undefined && { breakGlassRoleName }),
    ...(github !== undefined && { github }),
    ...(accessLogBucket !== undefined && { accessLogBucket }),
  };
  if (settings.remoteState && value.breakGlassRoleName === undefined)
    diagnostics.push(
      configInvalidValue(
        `${AT}.remoteState`,
        "is true, but no break-glass role is set: only the configured principals may use the state key, so " +
          "the administrator who deploys the bootstrap stack could not write its state",
        `set "${AT}.breakGlassRoleName" to the role you deploy the bootstrap stack with, or set "${AT}.remoteState" to false`,
      ),
    );
  if (diagnostics.some((x) => x.severity === "error")) return { diagnostics };
  return { settings, diagnostics };
}

/** The environments the bootstrap stack manages: the folders plus `settings.environments`, sorted, once each. */
export function bootstrapEnvironments(folders: readonly string[], settings: BootstrapSettings): string[] {
  return [...new Set([...folders, ...settings.environments])].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * The bootstrap stack creates the S3 state bucket: with `context.backend.type` "local" there is none to create.
 * Call it when `parseBootstrapConfig` returned settings.
 */
export function checkBootstrapBackend(backend: BackendConfig): Diagnostic[] {
  if (backend.type === "s3") return [];
  return [
    configInvalidValue(
      AT,
      'is set, but "context.backend.type" is "local": the bootstrap stack creates the S3 state bucket',
      'set "context.backend" to { "type": "s3", "bucket": "<name>" }, or remove "context.bootstrap"',
    ),
  ];
}

/** Why `name` cannot be an environment, or undefined when it can. */
export function environmentNameProblem(name: string): string | undefined {
  if (!ENVIRONMENT_NAME.test(name))
    return "must start with a letter or digit and contain only letters, digits, '-' and '_'";
  if (name.length > ENVIRONMENT_NAME_MAX_LENGTH)
    return `is ${name.length} characters long; the maximum is ${ENVIRONMENT_NAME_MAX_LENGTH}`;
  if (name === BOOTSTRAP_STACK_NAME) return `is reserved for the bootstrap stack`;
  return undefined;
}

class Reader {
  constructor(
    private readonly obj: Record<string, unknown>,
    private readonly diagnostics: Diagnostic[],
    private readonly at: string = AT,
  ) {}

  string(key: string, pattern: RegExp, expected: string): string | undefined {
    const v = this.obj[key];
    if (v === undefined) return undefined;
    if (typeof v !== "string" || !pattern.test(v)) {
      this.diagnostics.push(configWrongType(`${this.at}.${key}`, expected, v));
      return undefined;
    }
    return v;
  }

  integer(key: string, min: number, max: number, why: string): number | undefined {
    const v = this.obj[key];
    const p = `${AT}.${key}`;
    if (v === undefined) return undefined;
    if (typeof v !== "number" || !Number.isInteger(v)) {
      this.diagnostics.push(configWrongType(p, "an integer", v));
      return undefined;
    }
    if (v < min || v > max) {
      this.diagnostics.push(
        configInvalidValue(p, `is ${v}; ${why}`, `set "${p}" to a number from ${min} to ${max}`),
      );
      return undefined;
    }
    return v;
  }

  boolean(key: string): boolean | undefined {
    const v = this.obj[key];
    if (v === undefined) return undefined;
    if (typeof v !== "boolean") {
      this.diagnostics.push(configWrongType(`${AT}.${key}`, "true or false", v));
      return undefined;
    }
    return v;
  }
}

function environmentList(v: unknown, p: string, diagnostics: Diagnostic[]): string[] | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v)) {
    diagnostics.push(configWrongType(p, "an array of environment names", v));
    return undefined;
  }
  const out: string[] = [];
  v.forEach((item, i) => {
    const ip = `${p}[${i}]`;
    if (typeof item !== "string") diagnostics.push(configWrongType(ip, "an environment name", item));
    else {
      const problem = environmentNameProblem(item);
      if (problem)
        diagnostics.push(configInvalidValue(ip, `("${item}") ${problem}`, `rename or remove "${ip}"`));
      else if (out.includes(item))
        diagnostics.push(
          configInvalidValue(ip, `lists "${item}" twice`, `list each environment once in "${p}"`),
        );
      else out.push(item);
    }
  });
  return out;
}

function accessMap(
  v: unknown,
  p: string,
  diagnostics: Diagnostic[],
): Record<string, EnvironmentAccess> | undefined {
  if (v === undefined) return undefined;
  if (!isObject(v)) {
    diagnostics.push(
      configWrongType(
        p,
        'an object keyed by environment name, e.g. { "production": { "deployers": { "roles": ["ci"] } } }',
        v,
      ),
    );
    return undefined;
  }
  const out: Record<string, EnvironmentAccess> = {};
  for (const [env, value] of Object.entries(v)) {
    const ep = `${p}.${env}`;
    const problem = environmentNameProblem(env);
    if (problem) {
      diagnostics.push(
        configInvalidValue(
          ep,
          `names an invalid environment: "${env}" ${problem}`,
          `rename or remove "${ep}"`,
        ),
      );
      continue;
    }
    if (!isObject(value)) {
      diagnostics.push(configWrongType(ep, 'an object with "editors", "deployers" and/or "planners"', value));
      continue;
    }
    for (const key of Object.keys(value))
      if (!ACCESS_KEYS.includes(key)) diagnostics.push(configUnknownKey(`${ep}.${key}`, ACCESS_KEYS));
    out[env] = {
      editors: principals(value.editors, `${ep}.editors`, diagnostics),
      deployers: principals(value.deployers, `${ep}.deployers`, diagnostics),
      planners: principals(value.planners, `${ep}.planners`, diagnostics),
    };
  }
  return out;
}

function principals(v: unknown, p: string, diagnostics: Diagnostic[]): PrincipalNames {
  const out = { roles: [] as string[], groups: [] as string[], users: [] as string[] };
  if (v === undefined) return out;
  if (!isObject(v)) {
    diagnostics.push(
      configWrongType(p, 'an object with "roles", "groups" and/or "users" arrays of IAM names', v),
    );
    return out;
  }
  for (const key of Object.keys(v))
    if (!(PRINCIPAL_KEYS as readonly string[]).includes(key))
      diagnostics.push(configUnknownKey(`${p}.${key}`, PRINCIPAL_KEYS));
  for (const kind of PRINCIPAL_KEYS) {
    const list = v[kind];
    const kp = `${p}.${kind}`;
    if (list === undefined) continue;
    if (!Array.isArray(list)) {
      diagnostics.push(configWrongType(kp, `an array of IAM ${kind.slice(0, -1)} names`, list));
      continue;
    }
    if (kind === "groups" && list.length > 0) {
      diagnostics.push(
        configInvalidValue(
          kp,
          "names IAM groups: a KMS key policy and an S3 bucket policy cannot name a group, so the bootstrap " +
            "stack could not keep an account-wide IAM policy from opening the keys and state to others",
          `list the group's members under "${p}.users", or a role they assume under "${p}.roles", and remove "${kp}"`,
        ),
      );
      continue;
    }
    list.forEach((name, i) => {
      if (typeof name !== "string" || !IAM_NAME.test(name))
        diagnostics.push(
          configWrongType(`${kp}[${i}]`, `an IAM ${kind.slice(0, -1)} name (no path, no ARN)`, name),
        );
      else if (out[kind].includes(name))
        diagnostics.push(
          configInvalidValue(`${kp}[${i}]`, `lists "${name}" twice`, `list each name once in "${kp}"`),
        );
      else out[kind].push(name);
    });
  }
  return out;
}

function githubSettings(v: unknown, p: string, diagnostics: Diagnostic[]): GitHubSettings | undefined {
  if (v === undefined) return undefined;
  if (!isObject(v)) {
    diagnostics.push(configWrongType(p, 'an object such as { "repository": "owner/repo" }', v));
    return undefined;
  }
  for (const key of Object.keys(v))
    if (!GITHUB_KEYS.includes(key)) diagnostics.push(configUnknownKey(`${p}.${key}`, GITHUB_KEYS));
  const r = new Reader(v, diagnostics, p);
  if (v.repository === undefined) {
    diagnostics.push(configWrongType(`${p}.repository`, 'a GitHub repository "owner/repo"', undefined));
    return undefined;
  }
  const repository = r.string("repository", GITHUB_REPOSITORY, 'a GitHub repository "owner/repo"');
  const oidcProviderArn = r.string(
    "oidcProviderArn",
    OIDC_PROVIDER_ARN,
    "the ARN of the IAM OIDC provider for token.actions.githubusercontent.com",
  );
  if (repository === undefined) return undefined;
  return { repository, ...(oidcProviderArn !== undefined && { oidcProviderArn }) };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
