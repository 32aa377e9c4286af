import type { BootstrapSettings } from "../bootstrap/bootstrap-config";

/**
 * The project's configuration: cdktf.json `context`, with defaults. See README, "Configuration". Validated by
 * the one schema in ./schema.ts; ./load-config.ts builds these types from it.
 */

export interface ReplicaConfig {
  /** Region to replicate the secret to. */
  readonly region: string;
  /**
   * KMS key for the replica.
   * @default - the AWS managed key `aws/secretsmanager` in that region
   */
  readonly kmsKeyId?: string;
}

/** Settings that can be set globally and overridden per environment under `environments.<env>`. */
export interface EnvironmentSettings {
  /** AWS region of the provider (where the secrets are created). @default "us-east-1" */
  readonly region: string;
  /** Role the AWS provider assumes. @default - no role: the ambient credentials are used */
  readonly assumeRoleArn?: string;
  /** Default tags on every resource (provider `default_tags`); per-environment tags merge over global ones. @default {} */
  readonly tags: Readonly<Record<string, string>>;
  /** Days Secrets Manager keeps a deleted secret recoverable: 0 (delete at once) or 7 to 30. @default 30 */
  readonly recoveryWindowInDays: number;
  /** Regions to replicate each secret to. @default [] */
  readonly replicaRegions: readonly ReplicaConfig[];
  /** KMS key Secrets Manager encrypts the secrets with. @default - the AWS managed key `aws/secretsmanager` */
  readonly kmsKeyId?: string;
  /** Secret name template with `{env}` and `{name}`. @default "{env}/{name}" */
  readonly secretNameTemplate: string;
  /** Write-only mode (ephemeral sops_file, secret_string_wo): no decrypted value in state. @default false */
  readonly writeOnly: boolean;
  /**
   * Version constraint for hashicorp/aws in `required_providers`.
   * @default "6.25.0" (the version the @cdktf/provider-aws bindings are generated for)
   */
  readonly awsProviderVersion: string;
  /**
   * Per environment only (`environments.<env>.adopt`): logical name → ARN of an existing secret that the stack
   * imports instead of creating (docs/adoption.md). @default - none: every secret is created
   */
  readonly adopt?: Readonly<Record<string, string>>;
  /**
   * IAM principals that may read every secret of the environment (`GetSecretValue`, `DescribeSecret`), as
   * configured (an account ID stays an ID here: see src/config/secret-settings.ts). @default [] (no secret policy)
   */
  readonly readers: readonly string[];
  /**
   * "strict": the secret policy also denies `GetSecretValue` to every principal but the readers and the
   * deploying principal. @default "allow"
   */
  readonly readersPolicy: ReadersPolicy;
}

export type ReadersPolicy = "allow" | "strict";

/** One entry of `secrets` (globally or per environment): settings for the secrets its glob matches. */
export interface SecretOverride {
  /** @default - "Managed by sops-secrets from <file>" */
  readonly description?: string;
  /** Tags on the secret resource, merged over the environment's default tags. @default {} */
  readonly tags?: Readonly<Record<string, string>>;
  readonly recoveryWindowInDays?: number;
  readonly kmsKeyId?: string;
  /** Replaces the environment's replica regions. */
  readonly replicaRegions?: readonly ReplicaConfig[];
  /** Replaces the environment's readers. */
  readonly readers?: readonly string[];
  readonly readersPolicy?: ReadersPolicy;
}

export type BackendConfig = S3BackendConfig | LocalBackendConfig | CloudBackendConfig;

export interface S3BackendConfig {
  readonly type: "s3";
  /** State bucket. @default "my-terraform-state-bucket" (a placeholder: set your own) */
  readonly bucket: string;
  /** Region of the state bucket. @default - the global `region` */
  readonly region: string;
  /** Prefix of the state key; the key is `<keyPrefix>/<env>/terraform.tfstate`. @default "secrets" */
  readonly keyPrefix: string;
  /** DynamoDB table for state locking. @default - none: S3 native locking (`use_lockfile`) is used */
  readonly dynamodbTable?: string;
  /** KMS key that encrypts the state objects. @default - the bucket's default encryption (`encrypt: true`) */
  readonly kmsKeyId?: string;
  /** Role assumed to reach the state bucket. @default - the ambient credentials */
  readonly roleArn?: string;
}

export interface LocalBackendConfig {
  readonly type: "local";
  /** Folder, relative to the project root, that holds `<env>.tfstate` files. @default "terraform-state" */
  readonly directory: string;
}

/** HCP Terraform / Terraform Enterprise: `terraform { cloud { } }`, one workspace per environment. */
export interface CloudBackendConfig {
  readonly type: "cloud";
  /** The organization that holds the workspaces. */
  readonly organization: string;
  /** HCP Terraform, or the Terraform Enterprise host. @default "app.terraform.io" */
  readonly hostname: string;
  /** The HCP Terraform project of the workspaces. @default - the organization's default project */
  readonly project?: string;
  /**
   * The workspace of an environment's stack: this template with `{env}` replaced, or, when `workspaceTags` is
   * set, undefined. @default "{env}" (when `workspaceTags` is not set)
   */
  readonly workspaceTemplate?: string;
  /** Workspace tags (each with `{env}` replaced) instead of a name. @default - select by name */
  readonly workspaceTags?: readonly string[];
}

export const DEFAULT_CLOUD_HOSTNAME = "app.terraform.io";
export const DEFAULT_WORKSPACE_TEMPLATE = "{env}";

/** `context.suppressions[]`: one finding of one rule silenced for one file, with a reason (docs/guardrails.md). */
export interface Suppression {
  /** Rule ID, e.g. "SS009". */
  readonly rule: string;
  /** Repository-relative POSIX path the finding is reported on (`secrets/production/big.enc.json`). */
  readonly file: string;
  /** Why it is acceptable: required, shown by `npm run check`. */
  readonly reason: string;
}

export interface ProjectConfig {
  /** Global settings; each environment starts from these. */
  readonly defaults: EnvironmentSettings;
  readonly backend: BackendConfig;
  /** Per-environment overrides, keyed by environment folder name (an object without prototype: read own keys). */
  readonly environments: Readonly<Record<string, Partial<EnvironmentSettings>>>;
  /** `context.secrets`: per-secret settings by glob on logical names (no prototype). @default {} */
  readonly secrets?: Readonly<Record<string, SecretOverride>>;
  /**
   * `context.environments.<env>.secrets`, by environment (no prototype; an environment without any: absent).
   * @default {}
   */
  readonly environmentSecrets?: Readonly<Record<string, Readonly<Record<string, SecretOverride>>>>;
  /** The opt-in bootstrap stack's settings, or undefined when `bootstrap` is not set (or false). */
  readonly bootstrap?: BootstrapSettings;
  /**
   * Days after which a file's data key (sops `lastmodified`) is old enough for a warning (rule SS014); 0 turns
   * the warning off.
   * @default 365
   */
  readonly dataKeyMaxAgeDays?: number;
  /** Findings silenced per file (`context.suppressions`). @default [] */
  readonly suppressions?: readonly Suppression[];
}

export const DEFAULT_SETTINGS: EnvironmentSettings = {
  region: "us-east-1",
  tags: {},
  recoveryWindowInDays: 30,
  replicaRegions: [],
  secretNameTemplate: "{env}/{name}",
  writeOnly: false,
  awsProviderVersion: "6.25.0",
  readers: [],
  readersPolicy: "allow",
};

export const DEFAULT_DATA_KEY_MAX_AGE_DAYS = 365;
export const DEFAULT_STATE_BUCKET = "my-terraform-state-bucket";
export const DEFAULT_STATE_KEY_PREFIX = "secrets";
export const DEFAULT_LOCAL_STATE_DIRECTORY = "terraform-state";

/** The settings of one environment: its overrides over the global settings (tags are merged). */
export function settingsFor(config: ProjectConfig, environment: string): EnvironmentSettings {
  // Own keys only: an environment named `constructor` or `toString` never reads an inherited property.
  const overrides = Object.hasOwn(config.environments, environment) ? config.environments[environment] : {};
  return {
    ...config.defaults,
    ...overrides,
    tags: { ...config.defaults.tags, ...(overrides.tags ?? {}) },
  };
}

/** Expands the secret name template for one secret. */
export function secretNameFor(settings: EnvironmentSettings, environment: string, name: string): string {
  return settings.secretNameTemplate.replace(/\{(env|name)\}/g, (_, key: string) =>
    key === "env" ? environment : name,
  );
}
