/**
 * Reads and validates cdktf.json `context`. Pure apart from reading the one file; every problem becomes a
 * diagnostic with the key's path (`context.environments.production.region`), none is thrown.
 */
import * as path from "path";
import { checkBootstrapBackend, parseBootstrapConfig } from "../bootstrap/bootstrap-config";
import { Diagnostic } from "../diagnostics";
import { describeReadFailure, readRegularFile } from "../discovery/safe-read";
import {
  configFileMissing,
  configFileNotRegular,
  configFileUnreadable,
  configInvalidValue,
  configUnknownKey,
  configWrongType,
} from "../errors";
import {
  BackendConfig,
  DEFAULT_LOCAL_STATE_DIRECTORY,
  DEFAULT_SETTINGS,
  DEFAULT_STATE_BUCKET,
  DEFAULT_STATE_KEY_PREFIX,
  EnvironmentSettings,
  ProjectConfig,
  ReplicaConfig,
  Suppression,
} from "./config";

export interface ConfigResult {
  /** Undefined when there are errors. */
  readonly config?: ProjectConfig;
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * Keys cdktf itself reads from `context` (feature flags); they are allowed and ignored here.
 */
const CDKTF_CONTEXT_KEYS = [
  "excludeStackIdFromLogicalIds",
  "allowSepCharsInLogicalIds",
  "cdktfRelativeModules",
  "cdktfStaticModuleAssetHash",
];

const SETTINGS_KEYS = [
  "region",
  "assumeRoleArn",
  "tags",
  "recoveryWindowInDays",
  "replicaRegions",
  "kmsKeyId",
  "secretNameTemplate",
  "writeOnly",
  "awsProviderVersion",
] as const;
const TOP_KEYS = [...SETTINGS_KEYS, "backend", "environments", "bootstrap", "suppressions"];
const SUPPRESSION_KEYS = ["rule", "file", "reason"];
const S3_BACKEND_KEYS = ["type", "bucket", "region", "keyPrefix", "dynamodbTable", "kmsKeyId", "roleArn"];
const LOCAL_BACKEND_KEYS = ["type", "directory"];

const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;
const KMS_KEY =
  /^(arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key|alias)\/[\w/+=,.@-]+|alias\/[\w/+=,.@-]+|[0-9a-f-]{36})$/;
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const TAG_KEY = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u;
const TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{0,256}$/u;

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
  } catch (e) {
    return { diagnostics: [configFileUnreadable((e as Error).message)] };
  }
  const context = isObject(json) ? json.context : undefined;
  return parseContext(context ?? {});
}

/** Validates a context object (exported for tests and for tools that hold the context already). */
export function parseContext(context: unknown): ConfigResult {
  const diagnostics: Diagnostic[] = [];
  const r = new Reader(diagnostics);
  if (!isObject(context)) {
    diagnostics.push(configWrongType("context", "an object", context));
    return { diagnostics };
  }
  r.checkKeys(context, "context", [...TOP_KEYS, ...CDKTF_CONTEXT_KEYS]);
  const defaults: EnvironmentSettings = { ...DEFAULT_SETTINGS, ...r.settings(context, "context") };

  const environments: Record<string, Partial<EnvironmentSettings>> = {};
  const envs = context.environments;
  if (envs !== undefined) {
    if (!isObject(envs))
      diagnostics.push(configWrongType("context.environments", "an object keyed by environment name", envs));
    else
      for (const [env, value] of Object.entries(envs)) {
        const p = `context.environments.${env}`;
        if (!isObject(value)) {
          diagnostics.push(configWrongType(p, "an object of settings", value));
          continue;
        }
        r.checkKeys(value, p, SETTINGS_KEYS);
        environments[env] = r.settings(value, p);
      }
  }
  const backend = r.backend(context.backend, defaults.region);
  const { settings: bootstrap, diagnostics: bootstrapDiagnostics } = parseBootstrapConfig(context.bootstrap);
  diagnostics.push(...bootstrapDiagnostics, ...(bootstrap ? checkBootstrapBackend(backend) : []));
  const suppressions = r.suppressions(context.suppressions);
  if (diagnostics.some((d) => d.severity === "error")) return { diagnostics };
  return { config: { defaults, backend, environments, bootstrap, suppressions }, diagnostics };
}

class Reader {
  constructor(private readonly diagnostics: Diagnostic[]) {}

  checkKeys(obj: Record<string, unknown>, at: string, known: readonly string[]): void {
    for (const key of Object.keys(obj)) {
      if (!known.includes(key)) this.diagnostics.push(configUnknownKey(`${at}.${key}`, known));
    }
  }

  settings(obj: Record<string, unknown>, at: string): Partial<EnvironmentSettings> {
    const out: { -readonly [K in keyof EnvironmentSettings]?: EnvironmentSettings[K] } = {};
    const region = this.string(obj, at, "region", REGION, "an AWS region such as us-east-1");
    if (region !== undefined) out.region = region;
    const role = this.string(
      obj,
      at,
      "assumeRoleArn",
      ROLE_ARN,
      "an IAM role ARN (arn:aws:iam::<account>:role/<name>)",
    );
    if (role !== undefined) out.assumeRoleArn = role;
    const kms = this.string(obj, at, "kmsKeyId", KMS_KEY, "a KMS key ID, key ARN, alias ARN or alias/<name>");
    if (kms !== undefined) out.kmsKeyId = kms;
    const tags = this.tags(obj.tags, `${at}.tags`);
    if (tags !== undefined) out.tags = tags;
    if (obj.recoveryWindowInDays !== undefined) {
      const v = obj.recoveryWindowInDays;
      const p = `${at}.recoveryWindowInDays`;
      if (typeof v !== "number" || !Number.isInteger(v))
        this.diagnostics.push(configWrongType(p, "an integer", v));
      else if (v !== 0 && (v < 7 || v > 30))
        this.diagnostics.push(
          configInvalidValue(
            p,
            `is ${v}; Secrets Manager accepts 0 (delete without recovery) or 7 to 30`,
            `set "${p}" to 0 or a number from 7 to 30`,
          ),
        );
      else out.recoveryWindowInDays = v;
    }
    const replicas = this.replicas(obj.replicaRegions, `${at}.replicaRegions`);
    if (replicas !== undefined) out.replicaRegions = replicas;
    const template = this.string(obj, at, "secretNameTemplate", /^/, "a string");
    if (template !== undefined) {
      const p = `${at}.secretNameTemplate`;
      const unknown = [...template.matchAll(/\{([^}]*)\}/g)]
        .map((m) => m[1])
        .filter((k) => k !== "env" && k !== "name");
      if (unknown.length > 0)
        this.diagnostics.push(
          configInvalidValue(
            p,
            `uses unknown placeholder(s) {${unknown.join("}, {")}}`,
            `use only {env} and {name} in "${p}"`,
          ),
        );
      else if (!template.includes("{name}"))
        this.diagnostics.push(
          configInvalidValue(
            p,
            "has no {name} placeholder, so every secret of an environment would get the same name",
            `include {name} in "${p}", e.g. "{env}/{name}"`,
          ),
        );
      else out.secretNameTemplate = template;
    }
    const awsVersion = this.string(
      obj,
      at,
      "awsProviderVersion",
      /^\s*(?:(?:[<>]=?|~>|!?=)?\s*\d+(?:\.\d+){0,2}(?:-[0-9A-Za-z.-]+)?\s*)(?:,\s*(?:[<>]=?|~>|!?=)?\s*\d+(?:\.\d+){0,2}(?:-[0-9A-Za-z.-]+)?\s*)*$/,
      'a Terraform version constraint such as "6.25.0" or "~> 6.50"',
    );
    if (awsVersion !== undefined) out.awsProviderVersion = awsVersion.trim();
    if (obj.writeOnly !== undefined) {
      if (typeof obj.writeOnly !== "boolean")
        this.diagnostics.push(configWrongType(`${at}.writeOnly`, "true or false", obj.writeOnly));
      else out.writeOnly = obj.writeOnly;
    }
    return out;
  }

  backend(value: unknown, defaultRegion: string): BackendConfig {
    const at = "context.backend";
    const fallback: BackendConfig = {
      type: "s3",
      bucket: DEFAULT_STATE_BUCKET,
      region: defaultRegion,
      keyPrefix: DEFAULT_STATE_KEY_PREFIX,
    };
    if (value === undefined) return fallback;
    if (!isObject(value)) {
      this.diagnostics.push(configWrongType(at, "an object", value));
      return fallback;
    }
    const type = value.type ?? "s3";
    if (type === "local") {
      this.checkKeys(value, at, LOCAL_BACKEND_KEYS);
      const directory =
        this.string(value, at, "directory", /^(?!\/)(?![A-Za-z]:)[^\0]+$/, "a relative folder path") ??
        DEFAULT_LOCAL_STATE_DIRECTORY;
      return { type: "local", directory: directory.replace(/\\/g, "/").replace(/\/+$/, "") };
    }
    if (type !== "s3") {
      this.diagnostics.push(configWrongType(`${at}.type`, '"s3" or "local"', type));
      return fallback;
    }
    this.checkKeys(value, at, S3_BACKEND_KEYS);
    const bucket = this.string(
      value,
      at,
      "bucket",
      BUCKET,
      "an S3 bucket name (3-63 lowercase letters, digits, dots, hyphens)",
    );
    const region = this.string(value, at, "region", REGION, "an AWS region such as us-east-1");
    const keyPrefix = this.string(
      value,
      at,
      "keyPrefix",
      /^[^/].*[^/]$|^[^/]$/,
      "a key prefix without leading or trailing slash",
    );
    const dynamodbTable = this.string(
      value,
      at,
      "dynamodbTable",
      /^[a-zA-Z0-9_.-]{3,255}$/,
      "a DynamoDB table name",
    );
    const kmsKeyId = this.string(
      value,
      at,
      "kmsKeyId",
      KMS_KEY,
      "a KMS key ID, key ARN, alias ARN or alias/<name>",
    );
    const roleArn = this.string(
      value,
      at,
      "roleArn",
      ROLE_ARN,
      "an IAM role ARN (arn:aws:iam::<account>:role/<name>)",
    );
    return {
      type: "s3",
      bucket: bucket ?? DEFAULT_STATE_BUCKET,
      region: region ?? defaultRegion,
      keyPrefix: keyPrefix ?? DEFAULT_STATE_KEY_PREFIX,
      ...(dynamodbTable !== undefined && { dynamodbTable }),
      ...(kmsKeyId !== undefined && { kmsKeyId }),
      ...(roleArn !== undefined && { roleArn }),
    };
  }

  private string(
    obj: Record<string, unknown>,
    at: string,
    key: string,
    pattern: RegExp,
    expected: string,
  ): string | undefined {
    const v = obj[key];
    if (v === undefined) return undefined;
    const p = `${at}.${key}`;
    if (typeof v !== "string" || v.length === 0 || !pattern.test(v)) {
      this.diagnostics.push(configWrongType(p, expected, v));
      return undefined;
    }
    return v;
  }

  private tags(v: unknown, p: string): Record<string, string> | undefined {
    if (v === undefined) return undefined;
    if (!isObject(v)) {
      this.diagnostics.push(configWrongType(p, "an object of tag names to string values", v));
      return undefined;
    }
    const out: Record<string, string> = {};
    for (const [k, value] of Object.entries(v)) {
      if (!TAG_KEY.test(k) || k.toLowerCase().startsWith("aws:"))
        this.diagnostics.push(
          configInvalidValue(
            `${p}.${k}`,
            "is not a valid AWS tag key",
            "use 1-128 letters, digits, spaces and _ . : / = + - @, not starting with aws:",
          ),
        );
      else if (typeof value !== "string" || !TAG_VALUE.test(value))
        this.diagnostics.push(
          configWrongType(
            `${p}.${k}`,
            "a tag value (0-256 letters, digits, spaces and _ . : / = + - @)",
            value,
          ),
        );
      else out[k] = value;
    }
    return out;
  }

  /** `suppressions`: [{ rule, file, reason }]; whether the rule may be suppressed is checked in analysis. */
  suppressions(v: unknown): Suppression[] {
    const p = "context.suppressions";
    if (v === undefined) return [];
    if (!Array.isArray(v)) {
      this.diagnostics.push(configWrongType(p, 'an array of { "rule", "file", "reason" } objects', v));
      return [];
    }
    const out: Suppression[] = [];
    v.forEach((item, i) => {
      const ip = `${p}[${i}]`;
      if (!isObject(item)) {
        this.diagnostics.push(configWrongType(ip, 'an object { "rule", "file", "reason" }', item));
        return;
      }
      this.checkKeys(item, ip, SUPPRESSION_KEYS);
      const rule = this.string(item, ip, "rule", /^SS\d{3}$/, 'a rule ID such as "SS009"');
      const file = this.string(
        item,
        ip,
        "file",
        /^(?!\/)(?!.*\\)(?!.*(^|\/)\.\.?(\/|$))[^\0]+$/,
        "a repository-relative path with / separators, such as secrets/production/big.enc.json",
      );
      const reason = this.string(
        item,
        ip,
        "reason",
        /\S/,
        "a non-empty reason (why the finding is acceptable)",
      );
      for (const key of SUPPRESSION_KEYS)
        if (item[key] === undefined)
          this.diagnostics.push(
            configInvalidValue(
              `${ip}.${key}`,
              "is missing: a suppression names a rule, a file and the reason the finding is acceptable",
              `add "${key}" to ${ip} (see docs/guardrails.md, "Suppressing a finding")`,
            ),
          );
      if (rule !== undefined && file !== undefined && reason !== undefined)
        out.push({ rule, file, reason: reason.trim() });
    });
    return out;
  }

  private replicas(v: unknown, p: string): ReplicaConfig[] | undefined {
    if (v === undefined) return undefined;
    if (!Array.isArray(v)) {
      this.diagnostics.push(configWrongType(p, 'an array of regions or { "region", "kmsKeyId" } objects', v));
      return undefined;
    }
    const out: ReplicaConfig[] = [];
    v.forEach((item, i) => {
      const ip = `${p}[${i}]`;
      if (typeof item === "string") {
        if (REGION.test(item)) out.push({ region: item });
        else this.diagnostics.push(configWrongType(ip, "an AWS region such as eu-west-1", item));
      } else if (isObject(item)) {
        this.checkKeys(item, ip, ["region", "kmsKeyId"]);
        const region = this.string(item, ip, "region", REGION, "an AWS region such as eu-west-1");
        const kmsKeyId = this.string(
          item,
          ip,
          "kmsKeyId",
          KMS_KEY,
          "a KMS key ID, key ARN, alias ARN or alias/<name>",
        );
        if (region === undefined) {
          if (item.region === undefined)
            this.diagnostics.push(
              configWrongType(`${ip}.region`, "an AWS region such as eu-west-1", undefined),
            );
        } else out.push({ region, ...(kmsKeyId !== undefined && { kmsKeyId }) });
      } else
        this.diagnostics.push(configWrongType(ip, 'a region or a { "region", "kmsKeyId" } object', item));
    });
    const seen = new Set<string>();
    for (const r of out) {
      if (seen.has(r.region))
        this.diagnostics.push(
          configInvalidValue(p, `lists region ${r.region} twice`, `list each replica region once in "${p}"`),
        );
      seen.add(r.region);
    }
    return out;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
