/**
 * Key groups, and whether a file's keys are in sync with its creation rule, exactly as `sops updatekeys`
 * decides it (getsops/sops cmd/sops/subcommand/updatekeys/updatekeys.go, cmd/sops/common/common.go
 * `DiffKeyGroups`, stores/stores.go `internalKeygroups`). Pure functions, no I/O.
 *
 * - A file's groups: if ANY top-level recipient list is non-empty, those lists form the only group and
 *   `key_groups` is ignored; otherwise each `key_groups` entry is a group. Never both.
 * - A rule's groups: its `key_groups` (each with `merge` folded in) if non-empty, else one group of its flat
 *   fields (config/config.go `getKeyGroupsFromCreationRule`).
 * - Compared group by group, by index, as sets of `MasterKey.ToString()`: KMS = `arn` or `arn+role`
 *   (kms/keysource.go), age = recipient, PGP = fingerprint, GCP = resource_id, HuaweiCloud KMS = key_id,
 *   Azure = `<vault>/keys/<name>/<version>`, Vault = `<address>/v1/<engine>/keys/<name>`. `aws_profile` and
 *   `context` are not part of the identity, so they never make a difference.
 * - Threshold: updatekeys keeps the FILE's `shamir_threshold` (capped at the number of groups) and ignores
 *   the rule's. This project follows that with one exception, on purpose: a file that needs FEWER groups to
 *   decrypt than its rule asks for (one group where the rule wants two of two, threshold 1 where the rule
 *   says 2) is less protected than its rule, and that is an error of its own, never "in sync".
 *
 * Two deliberate leniencies, both about the same key written two ways: PGP fingerprints compare without
 * spaces and case, and an Azure key without a version in the rule matches any version in the file (sops
 * resolves the current version online when it encrypts).
 */
import { isObject } from "../util/is-object";
import { forEachRecipientEntry, RecipientType, SOPS_KEY_LISTS } from "./sops-metadata";

/** One key of a key group. */
export interface GroupKey {
  readonly type: RecipientType;
  /** The key's identity as `sops updatekeys` compares it (`arn+role` for KMS). */
  readonly id: string;
}

/** The key groups of a file or rule, and the number of groups needed to decrypt (1 for one group). */
export interface KeyGroups {
  readonly groups: readonly (readonly GroupKey[])[];
  /** The `shamir_threshold` as written (0 when absent). */
  readonly shamirThreshold: number;
}

const FILE_LISTS = SOPS_KEY_LISTS;

/** The key groups of a file's `sops` metadata (stores.go `internalKeygroups`). */
export function fileKeyGroups(raw: Readonly<Record<string, unknown>>): KeyGroups {
  const threshold = typeof raw.shamir_threshold === "number" ? raw.shamir_threshold : 0;
  const groupOf = (g: Readonly<Record<string, unknown>>): GroupKey[] => {
    const keys: GroupKey[] = [];
    for (const type of FILE_LISTS) {
      const list = g[type];
      if (!Array.isArray(list)) continue;
      for (const entry of list) {
        const id = fileEntryId(type, entry);
        if (id !== undefined) keys.push({ type, id });
      }
    }
    return dedupe(keys);
  };
  const flat = FILE_LISTS.some((t) => Array.isArray(raw[t]) && (raw[t] as unknown[]).length > 0);
  if (flat) return { groups: [groupOf(raw)], shamirThreshold: threshold };
  const groups = Array.isArray(raw.key_groups) ? raw.key_groups.filter(isObject).map(groupOf) : [];
  return { groups, shamirThreshold: threshold };
}

function fileEntryId(type: RecipientType, entry: unknown): string | undefined {
  if (!isObject(entry)) return undefined;
  const s = (k: string) =>
    typeof entry[k] === "string" && entry[k] !== "" ? (entry[k] as string) : undefined;
  switch (type) {
    case "kms": {
      const arn = s("arn");
      return arn && kmsId(arn, s("role"));
    }
    case "age":
      return s("recipient");
    case "pgp":
      return s("fp") && pgpId(s("fp") as string);
    case "gcp_kms":
      return s("resource_id");
    case "hckms":
      return s("key_id");
    case "azure_kv": {
      const url = s("vault_url");
      const name = s("name");
      return url && name ? azureId(url, name, s("version")) : undefined;
    }
    case "hc_vault": {
      const addr = s("vault_address");
      const engine = s("engine_path");
      const key = s("key_name");
      return addr && engine && key ? `${addr.replace(/\/+$/, "")}/v1/${engine}/keys/${key}` : undefined;
    }
  }
}

/** `arn` or `arn+role`, as kms.MasterKey.ToString() writes it. */
export function kmsId(arn: string, role: string | undefined): string {
  return role ? `${arn}+${role}` : arn;
}

/** A KMS entry of a rule's flat `kms` field: `arn` or `arn+role-arn`, spaces removed (kms.MasterKeysFromArnString). */
export function kmsIdFromRuleString(value: string): string {
  const compact = value.replace(/ /g, "");
  const plus = compact.indexOf("+arn:");
  return plus < 0 ? compact : kmsId(compact.slice(0, plus), compact.slice(plus + 1));
}

export function pgpId(fingerprint: string): string {
  return fingerprint.replace(/\s+/g, "").toUpperCase();
}

/** `<vault>/keys/<name>/<version>`; without a version: `<vault>/keys/<name>/` (matches any version). */
export function azureId(vaultUrl: string, name: string, version: string | undefined): string {
  return `${vaultUrl.replace(/\/+$/, "")}/keys/${name}/${version ?? ""}`;
}

function dedupe(keys: readonly GroupKey[]): GroupKey[] {
  const seen = new Set<string>();
  return keys.filter((k) => {
    const id = `${k.type} ${k.id}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

/** One group's keys without duplicates (for rules: `merge` folded in by the caller). */
export function keyGroup(keys: readonly GroupKey[]): GroupKey[] {
  return dedupe(keys);
}

/** How many groups are needed to decrypt: 1 for one group, else the threshold (0 or more than the groups: all). */
export function groupsNeeded(k: KeyGroups): number {
  const n = k.groups.length;
  if (n <= 1) return Math.min(n, 1);
  return k.shamirThreshold > 0 && k.shamirThreshold <= n ? k.shamirThreshold : n;
}

/** One group's difference, by index (common.go DiffKeyGroups). */
export interface GroupDiff {
  readonly index: number;
  /** In the rule, not in the file's group. */
  readonly added: readonly GroupKey[];
  /** In the file's group, not in the rule. */
  readonly removed: readonly GroupKey[];
}

export type KeyGroupComparison =
  | { readonly verdict: "in-sync" }
  /** The file needs fewer groups to decrypt than the rule asks for. */
  | {
      readonly verdict: "less-protected";
      readonly fileNeeds: number;
      readonly fileGroups: number;
      readonly ruleNeeds: number;
      readonly ruleGroups: number;
      /** True when `sops updatekeys` alone fixes it (the groups differ); else the threshold must be passed. */
      readonly groupsDiffer: boolean;
      readonly diffs: readonly GroupDiff[];
    }
  /** `sops updatekeys` would re-key the file. */
  | { readonly verdict: "out-of-sync"; readonly diffs: readonly GroupDiff[] };

/** Compares a file's key groups with its rule's, as `sops updatekeys` does (see the module comment). */
export function compareKeyGroups(file: KeyGroups, rule: KeyGroups): KeyGroupComparison {
  const diffs: GroupDiff[] = [];
  for (let i = 0; i < Math.max(file.groups.length, rule.groups.length); i++) {
    const ours = file.groups[i] ?? [];
    const theirs = rule.groups[i] ?? [];
    const added = theirs.filter((k) => !ours.some((o) => sameKey(o, k)));
    const removed = ours.filter((o) => !theirs.some((k) => sameKey(o, k)));
    if (added.length > 0 || removed.length > 0) diffs.push({ index: i, added, removed });
  }
  const fileNeeds = groupsNeeded(file);
  const ruleNeeds = groupsNeeded(rule);
  if (fileNeeds < ruleNeeds)
    return {
      verdict: "less-protected",
      fileNeeds,
      fileGroups: file.groups.length,
      ruleNeeds,
      ruleGroups: rule.groups.length,
      groupsDiffer: diffs.length > 0,
      diffs,
    };
  return diffs.length > 0 ? { verdict: "out-of-sync", diffs } : { verdict: "in-sync" };
}

/** Same key: equal identities; an Azure rule key without a version matches any version of that key. */
function sameKey(fileKey: GroupKey, ruleKey: GroupKey): boolean {
  if (fileKey.type !== ruleKey.type) return false;
  if (fileKey.id === ruleKey.id) return true;
  return fileKey.type === "azure_kv" && ruleKey.id.endsWith("/") && fileKey.id.startsWith(ruleKey.id);
}

/**
 * The `--shamir-secret-sharing-threshold` that `sops updatekeys` needs so that the file is not less protected than
 * its rule afterwards, or undefined when updatekeys alone does it. updatekeys keeps the FILE's threshold, capped at
 * the rule's number of groups (updatekeys.go), so a file with threshold 1 stays at 1 unless told otherwise.
 */
export function updatekeysThreshold(file: KeyGroups, rule: KeyGroups): number | undefined {
  const kept = Math.min(file.shamirThreshold, rule.groups.length);
  const ruleNeeds = groupsNeeded(rule);
  return groupsNeeded({ groups: rule.groups, shamirThreshold: kept }) < ruleNeeds ? ruleNeeds : undefined;
}

/** What differs whatever the groups: a key in both, only in another group, is neither missing nor extra. */
export interface KeyDrift {
  /** Keys the rule names that no group of the file has. */
  readonly missing: readonly GroupKey[];
  /** Keys of the file that no group of the rule names. */
  readonly extra: readonly GroupKey[];
}

export function keyDrift(result: KeyGroupComparison): KeyDrift {
  if (result.verdict === "in-sync") return { missing: [], extra: [] };
  const all = (pick: (d: GroupDiff) => readonly GroupKey[]) => {
    const keys = new Map<string, GroupKey>();
    for (const d of result.diffs) for (const k of pick(d)) keys.set(`${k.type} ${k.id}`, k);
    return keys;
  };
  const added = all((d) => d.added);
  const removed = all((d) => d.removed);
  return {
    missing: [...added].filter(([id]) => !removed.has(id)).map(([, k]) => k),
    extra: [...removed].filter(([id]) => !added.has(id)).map(([, k]) => k),
  };
}

/**
 * The keys of `extra` whose holders lose access: every extra key except a KMS key whose ARN the rule still names
 * with another role (or none). The role is only how sops reaches the key; whoever may use the key can decrypt
 * the data key either way, so a new data key would not keep anyone out.
 */
export function revokedKeys(drift: KeyDrift, rule: KeyGroups): GroupKey[] {
  const ruleArns = new Set(rule.groups.flat().flatMap((k) => (k.type === "kms" ? [kmsArnOf(k.id)] : [])));
  return drift.extra.filter((k) => k.type !== "kms" || !ruleArns.has(kmsArnOf(k.id)));
}

/** The key ARN of a KMS identity `arn` or `arn+role`. */
export function kmsArnOf(id: string): string {
  const plus = id.indexOf("+arn:");
  return plus < 0 ? id : id.slice(0, plus);
}

/** A file's key-group mismatch as one message and fix, or undefined when the file is in sync with its rule. */
export function describeKeyGroupMismatch(
  file: KeyGroups,
  rule: KeyGroups,
  names: { readonly path: string; readonly ruleName: string },
): { message: string; fix: string } | undefined {
  const result = compareKeyGroups(file, rule);
  if (result.verdict === "in-sync") return undefined;
  const updatekeys = `sops updatekeys ${names.path}`;
  if (result.verdict === "less-protected") {
    const needs = (n: number, groups: number) =>
      groups <= 1 ? "any single key of its one key group" : `keys from ${n} of its ${groups} key groups`;
    const message =
      `is LESS protected than ${names.ruleName}: ${needs(result.fileNeeds, result.fileGroups)} decrypts it, ` +
      `but the rule requires ${needs(result.ruleNeeds, result.ruleGroups)}`;
    const threshold = updatekeysThreshold(file, rule);
    const fix =
      threshold === undefined
        ? `run \`${updatekeys}\` to re-encrypt the data key for the rule's key groups, then rotate the values (until now fewer keys could read them)`
        : result.groupsDiffer
          ? `run \`sops updatekeys --shamir-secret-sharing-threshold ${threshold} ${names.path}\` to re-encrypt the data key for the rule's key groups (updatekeys keeps the file's own threshold otherwise), then rotate the values (until now fewer keys could read them)`
          : `run \`sops updatekeys --shamir-secret-sharing-threshold ${threshold} ${names.path}\` (updatekeys keeps the file's own threshold otherwise), then rotate the values`;
    return { message, fix };
  }
  const drift = keyDrift(result);
  const missing = drift.missing.map((k) => `${k.type} ${k.id}`);
  const extra = drift.extra.map((k) => `${k.type} ${k.id}`);
  const parts: string[] = [];
  if (missing.length > 0)
    parts.push(`is not encrypted for ${missing.join(", ")}, which ${names.ruleName} names`);
  if (extra.length > 0)
    parts.push(
      rule.groups.every((g) => g.length === 0)
        ? `is encrypted for ${extra.join(", ")}, but ${names.ruleName} names no key at all`
        : `is encrypted for ${extra.join(", ")}, which ${names.ruleName} does not name`,
    );
  if (parts.length === 0)
    parts.push(
      `has the keys ${names.ruleName} names, but grouped differently (file: ${describeGroups(file)}; rule: ${describeGroups(rule)}), so \`sops updatekeys\` would re-encrypt it`,
    );
  return {
    message: parts.join("; and it "),
    fix:
      `run \`${updatekeys}\` to re-encrypt the data key for exactly the rule's keys and groups` +
      (extra.length > 0
        ? ", then rotate the values if a removed key's holder should no longer read them"
        : ""),
  };
}

/**
 * A file's keys against its creation rule: the ONE comparison behind rule SS005, `npm run access` and `npm run
 * rekey`, so that they can never disagree. Undefined when the metadata names no key at all (SS003 reports that,
 * and SS005 says nothing).
 */
export interface KeyGroupSync {
  readonly file: KeyGroups;
  readonly rule: KeyGroups;
  readonly comparison: KeyGroupComparison;
  readonly drift: KeyDrift;
  /** The keys whose holders lose access (`revokedKeys`): the data key must be rotated. */
  readonly revoked: readonly GroupKey[];
  /** SS005's message and fix; undefined exactly when the file is in sync with its rule. */
  readonly mismatch?: { readonly message: string; readonly fix: string };
  /** The threshold `sops updatekeys` must be given (`updatekeysThreshold`). @default - none */
  readonly updatekeysThreshold?: number;
}

export function keyGroupSync(
  metadata: Readonly<Record<string, unknown>>,
  rule: KeyGroups,
  names: { readonly path: string; readonly ruleName: string },
): KeyGroupSync | undefined {
  let anyKey = false;
  forEachRecipientEntry(metadata, () => (anyKey = true));
  if (!anyKey) return undefined;
  const file = fileKeyGroups(metadata);
  const comparison = compareKeyGroups(file, rule);
  const drift = keyDrift(comparison);
  const mismatch = describeKeyGroupMismatch(file, rule, names);
  const threshold = comparison.verdict === "in-sync" ? undefined : updatekeysThreshold(file, rule);
  return {
    file,
    rule,
    comparison,
    drift,
    revoked: revokedKeys(drift, rule),
    ...(mismatch && { mismatch }),
    ...(threshold !== undefined && { updatekeysThreshold: threshold }),
  };
}

function describeGroups(k: KeyGroups): string {
  if (k.groups.length === 1)
    return `one group of ${k.groups[0].length} key${k.groups[0].length === 1 ? "" : "s"}`;
  return `${k.groups.length} groups of ${k.groups.map((g) => g.length).join("/")} keys`;
}
