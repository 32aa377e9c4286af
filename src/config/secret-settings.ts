/**
 * The settings of one secret: its environment's settings, then the most specific `context.secrets` entry that
 * matches its logical name, then the most specific `context.environments.<env>.secrets` entry (see
 * ./secret-globs.ts for globs and specificity). Each key of an entry replaces the value below it, except
 * `tags`, which merge (the secret's tags go on the secret over the environment's default tags). `readers`
 * replaces: a secret that lists readers is readable by exactly those (an empty list: by none of the
 * environment's readers), so a sensitive secret can be narrowed below its environment's readers.
 */
import { partitionOf } from "../bootstrap/bootstrap-names";
import {
  EnvironmentSettings,
  ProjectConfig,
  ReadersPolicy,
  ReplicaConfig,
  SecretOverride,
  settingsFor,
} from "./config";
import { arnAccount, normalizeReader, readerAccount } from "./principals";
import { mostSpecificMatch } from "./secret-globs";

/** The tags the stacks put on every secret themselves. */
export const GENERATED_SECRET_TAG_KEYS = ["ManagedBy", "Environment", "SourceFile"] as const;
/** AWS allows at most 50 tags on a resource; default_tags count (the provider sends them with the resource). */
export const MAX_TAGS_PER_RESOURCE = 50;

export interface SecretSettings {
  /** @default - "Managed by sops-secrets from <file>" */
  readonly description?: string;
  /** Tags of the secret resource itself (not the environment's default tags). */
  readonly tags: Readonly<Record<string, string>>;
  readonly recoveryWindowInDays: number;
  readonly kmsKeyId?: string;
  readonly replicaRegions: readonly ReplicaConfig[];
  /** Principal ARNs (account IDs as root ARNs), sorted and unique; empty: no secret policy. */
  readonly readers: readonly string[];
  readonly readersPolicy: ReadersPolicy;
}

export interface ResolvedSecretSettings {
  readonly settings: SecretSettings;
  /** The key paths of the entries applied, e.g. `context.secrets.payments/*`. */
  readonly applied: readonly string[];
  /** Two equally specific globs that both match (an error, SS011); empty when none. */
  readonly ties: readonly { readonly path: string; readonly globs: readonly [string, string] }[];
  /** Where each setting the cross-checks explain came from (a key path). */
  readonly sources: {
    readonly readers: string;
    readonly kmsKeyId: string;
    readonly tags: string;
    /** Undefined when the replica regions are the environment's (checked with the environment's settings). */
    readonly replicaRegions?: string;
  };
}

/** The per-secret settings of logical name `name` in environment `environment`. */
export function resolveSecretSettings(
  config: ProjectConfig,
  environment: string,
  name: string,
  envSettings: EnvironmentSettings = settingsFor(config, environment),
): ResolvedSecretSettings {
  const envOverrides = Object.hasOwn(config.environments, environment)
    ? config.environments[environment]
    : {};
  const envPath = `context.environments.${environment}`;
  const sources: { readers: string; kmsKeyId: string; tags: string; replicaRegions?: string } = {
    readers: envOverrides.readers !== undefined ? `${envPath}.readers` : "context.readers",
    kmsKeyId: envOverrides.kmsKeyId !== undefined ? `${envPath}.kmsKeyId` : "context.kmsKeyId",
    tags: envOverrides.tags !== undefined ? `${envPath}.tags` : "context.tags",
  };
  const layers: { path: string; entries: Readonly<Record<string, SecretOverride>> }[] = [
    { path: "context.secrets", entries: config.secrets ?? {} },
  ];
  const envSecrets = config.environmentSecrets ?? {};
  if (Object.hasOwn(envSecrets, environment))
    layers.push({ path: `${envPath}.secrets`, entries: envSecrets[environment] });

  let description: string | undefined;
  let tags: Record<string, string> = {};
  let { recoveryWindowInDays, kmsKeyId, replicaRegions, readers, readersPolicy } = envSettings;
  const applied: string[] = [];
  const ties: { path: string; globs: readonly [string, string] }[] = [];
  for (const layer of layers) {
    const match = mostSpecificMatch(Object.keys(layer.entries), name);
    if (match.kind === "none") continue;
    if (match.kind === "tie") {
      ties.push({ path: layer.path, globs: match.globs });
      continue;
    }
    const entry = layer.entries[match.glob];
    const at = `${layer.path}.${match.glob}`;
    applied.push(at);
    if (entry.description !== undefined) description = entry.description;
    if (entry.tags !== undefined) {
      tags = { ...tags, ...entry.tags };
      sources.tags = `${at}.tags`;
    }
    if (entry.recoveryWindowInDays !== undefined) recoveryWindowInDays = entry.recoveryWindowInDays;
    if (entry.kmsKeyId !== undefined) {
      kmsKeyId = entry.kmsKeyId;
      sources.kmsKeyId = `${at}.kmsKeyId`;
    }
    if (entry.replicaRegions !== undefined) {
      replicaRegions = entry.replicaRegions;
      sources.replicaRegions = `${at}.replicaRegions`;
    }
    if (entry.readers !== undefined) {
      readers = entry.readers;
      sources.readers = `${at}.readers`;
    }
    if (entry.readersPolicy !== undefined) readersPolicy = entry.readersPolicy;
  }
  const partition = partitionOf(envSettings.region);
  return {
    settings: {
      ...(description !== undefined && { description }),
      tags,
      recoveryWindowInDays,
      ...(kmsKeyId !== undefined && { kmsKeyId }),
      replicaRegions,
      readers: [...new Set(readers.map((r) => normalizeReader(r, partition)))].sort(),
      readersPolicy,
    },
    applied,
    ties,
    sources,
  };
}

/** Whether a secret's KMS key setting is the AWS managed key (unset, or named as `alias/aws/secretsmanager`). */
export function usesAwsManagedKey(kmsKeyId: string | undefined): boolean {
  return kmsKeyId === undefined || /(^|:)alias\/aws\/secretsmanager$/.test(kmsKeyId);
}

/**
 * The AWS account an environment's secrets are created in, when the configuration proves it: the account of
 * its `assumeRoleArn`, else `context.bootstrap.accountId`. Undefined: unknown (the ambient credentials decide).
 */
export function environmentAccount(config: ProjectConfig, settings: EnvironmentSettings): string | undefined {
  return arnAccount(settings.assumeRoleArn) ?? config.bootstrap?.accountId;
}

/** Readers (normalised ARNs) whose account is not proven to be `account` (all of them when it is unknown). */
export function crossAccountReaders(readers: readonly string[], account: string | undefined): string[] {
  return readers.filter((r) => account === undefined || readerAccount(r) !== account);
}
