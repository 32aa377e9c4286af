/**
 * Reads cdktf.json and validates its `context` against the one configuration schema (./schema.ts). Pure apart
 * from reading the one file; every problem becomes a diagnostic with the key's path
 * (`context.environments.production.region`), none is thrown.
 */
import * as path from "path";
import { bootstrapSettingsOf, checkBootstrapBackend } from "../bootstrap/bootstrap-config";
import { Diagnostic } from "../diagnostics";
import { describeReadFailure, readRegularFile } from "../discovery/safe-read";
import {
  configFileMissing,
  configFileNotRegular,
  configFileUnreadable,
  configPlaceholderBucket,
  configWrongType,
  describeReceived,
} from "../errors";
import { isObject } from "../util/is-object";
import {
  BackendConfig,
  DEFAULT_CLOUD_HOSTNAME,
  DEFAULT_LOCAL_STATE_DIRECTORY,
  DEFAULT_SETTINGS,
  DEFAULT_STATE_BUCKET,
  DEFAULT_STATE_KEY_PREFIX,
  DEFAULT_WORKSPACE_TEMPLATE,
  EnvironmentSettings,
  ProjectConfig,
  ReplicaConfig,
  SecretOverride,
  Suppression,
} from "./config";
import { jsonSyntaxError } from "./json-syntax-error";
import { reservedKeyDiagnostics } from "./reserved-keys";
import { ContextInput, contextSchema, secretSettingsShape, settingsShape } from "./schema";
import { diagnosticsOf } from "./schema-kit";
import { z } from "zod";

export interface ConfigResult {
  /** Undefined when there are errors. */
  readonly config?: ProjectConfig;
  readonly diagnostics: readonly Diagnostic[];
}

/** Loads `<root>/cdktf.json` and validates its context. */
export function loadConfig(root: string): ConfigResult {
  const file = path.join(root, "cdktf.json");
  // Never fs.readFileSync: a FIFO named cdktf.json would block forever (safe-read.ts).
  const read = readRegularFile(file);
  if (!read.ok)
    return {
      diagnostics: [
        read.reason === "missing" ? configFileMissing() : configFileNotRegular(describeReadFailure(read)),
      ],
    };
  const text = read.content.toString("utf8");
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    const error = jsonSyntaxError(text);
    return { diagnostics: [configFileUnreadable(error.problem, error.line, error.column, error.fix)] };
  }
  const context = isObject(json) ? json.context : undefined;
  return parseContext(context ?? {});
}

/** Validates a context object (exported for tests and for tools that hold the context already). */
export function parseContext(context: unknown): ConfigResult {
  const reserved = reservedKeyDiagnostics(context, "context");
  if (!isObject(context))
    return { diagnostics: [configWrongType("context", "an object", describeReceived(context))] };
  const result = contextSchema.safeParse(context);
  const diagnostics = [...reserved, ...(result.success ? [] : diagnosticsOf(result.error.issues, "context"))];
  if (!result.success || diagnostics.length > 0) return { diagnostics };
  const config = toProjectConfig(result.data);
  if (config.bootstrap) diagnostics.push(...checkBootstrapBackend(config.backend));
  // The shipped cdktf.json names the placeholder bucket: a copy that still does is not ready to deploy.
  if (isObject(context.backend) && context.backend.bucket === DEFAULT_STATE_BUCKET)
    diagnostics.push(configPlaceholderBucket(DEFAULT_STATE_BUCKET));
  if (diagnostics.some((d) => d.severity === "error")) return { diagnostics };
  return { config, diagnostics };
}

/** The typed configuration from a validated context, with every default filled in. */
function toProjectConfig(context: ContextInput): ProjectConfig {
  const defaults: EnvironmentSettings = { ...DEFAULT_SETTINGS, ...settingsOf(context) };
  // No prototype: an environment named `constructor` or `toString` is an ordinary key.
  const environments = Object.create(null) as Record<string, Partial<EnvironmentSettings>>;
  const environmentSecrets = Object.create(null) as Record<string, Record<string, SecretOverride>>;
  for (const [env, overrides] of Object.entries(context.environments ?? {})) {
    environments[env] = {
      ...settingsOf(overrides),
      ...(overrides.adopt !== undefined && {
        adopt: Object.assign(Object.create(null) as Record<string, string>, overrides.adopt),
      }),
    };
    if (overrides.secrets !== undefined) environmentSecrets[env] = secretsOf(overrides.secrets);
  }
  return {
    defaults,
    backend: backendOf(context.backend, defaults.region),
    environments,
    secrets: secretsOf(context.secrets ?? {}),
    environmentSecrets,
    bootstrap: bootstrapSettingsOf(context.bootstrap).settings,
    suppressions: (context.suppressions ?? []).map((x): Suppression => ({
      rule: x.rule ?? "",
      file: x.file ?? "",
      reason: (x.reason ?? "").trim(),
    })),
    ...(context.dataKeyMaxAgeDays !== undefined && { dataKeyMaxAgeDays: context.dataKeyMaxAgeDays }),
  };
}

type SettingsInput = z.output<z.ZodObject<typeof settingsShape>>;
type SecretSettingsInput = z.output<z.ZodObject<typeof secretSettingsShape>>;

function replicasOf(raw: NonNullable<SettingsInput["replicaRegions"]>): ReplicaConfig[] {
  return raw.map((r) =>
    typeof r === "string"
      ? { region: r }
      : { region: r.region, ...(r.kmsKeyId !== undefined && { kmsKeyId: r.kmsKeyId }) },
  );
}

/** `secrets` as parsed: an object without prototype, keyed by glob. */
function secretsOf(raw: Readonly<Record<string, SecretSettingsInput>>): Record<string, SecretOverride> {
  const out = Object.create(null) as Record<string, SecretOverride>;
  for (const [glob, s] of Object.entries(raw))
    out[glob] = {
      ...(s.description !== undefined && { description: s.description }),
      ...(s.tags !== undefined && { tags: { ...s.tags } }),
      ...(s.recoveryWindowInDays !== undefined && { recoveryWindowInDays: s.recoveryWindowInDays }),
      ...(s.kmsKeyId !== undefined && { kmsKeyId: s.kmsKeyId }),
      ...(s.replicaRegions !== undefined && { replicaRegions: replicasOf(s.replicaRegions) }),
      ...(s.readers !== undefined && { readers: [...s.readers] }),
      ...(s.readersPolicy !== undefined && { readersPolicy: s.readersPolicy }),
    };
  return out;
}

function settingsOf(raw: SettingsInput): Partial<EnvironmentSettings> {
  const out: { -readonly [K in keyof EnvironmentSettings]?: EnvironmentSettings[K] } = {};
  if (raw.region !== undefined) out.region = raw.region;
  if (raw.assumeRoleArn !== undefined) out.assumeRoleArn = raw.assumeRoleArn;
  if (raw.kmsKeyId !== undefined) out.kmsKeyId = raw.kmsKeyId;
  if (raw.tags !== undefined) out.tags = { ...raw.tags };
  if (raw.recoveryWindowInDays !== undefined) out.recoveryWindowInDays = raw.recoveryWindowInDays;
  if (raw.replicaRegions !== undefined) out.replicaRegions = replicasOf(raw.replicaRegions);
  if (raw.readers !== undefined) out.readers = [...raw.readers];
  if (raw.readersPolicy !== undefined) out.readersPolicy = raw.readersPolicy;
  if (raw.secretNameTemplate !== undefined) out.secretNameTemplate = raw.secretNameTemplate;
  if (raw.awsProviderVersion !== undefined) out.awsProviderVersion = raw.awsProviderVersion.trim();
  if (raw.writeOnly !== undefined) out.writeOnly = raw.writeOnly;
  return out;
}

function backendOf(raw: ContextInput["backend"], defaultRegion: string): BackendConfig {
  if (raw?.type === "cloud")
    return {
      type: "cloud",
      organization: raw.organization,
      hostname: raw.hostname ?? DEFAULT_CLOUD_HOSTNAME,
      ...(raw.project !== undefined && { project: raw.project }),
      ...(raw.workspaceTags !== undefined
        ? { workspaceTags: [...raw.workspaceTags] }
        : { workspaceTemplate: raw.workspaceTemplate ?? DEFAULT_WORKSPACE_TEMPLATE }),
    };
  if (raw?.type === "local")
    return {
      type: "local",
      directory: (raw.directory ?? DEFAULT_LOCAL_STATE_DIRECTORY).replace(/\\/g, "/").replace(/\/+$/, ""),
    };
  return {
    type: "s3",
    bucket: raw?.bucket ?? DEFAULT_STATE_BUCKET,
    region: raw?.region ?? defaultRegion,
    keyPrefix: raw?.keyPrefix ?? DEFAULT_STATE_KEY_PREFIX,
    ...(raw?.dynamodbTable !== undefined && { dynamodbTable: raw.dynamodbTable }),
    ...(raw?.kmsKeyId !== undefined && { kmsKeyId: raw.kmsKeyId }),
    ...(raw?.roleArn !== undefined && { roleArn: raw.roleArn }),
  };
}
