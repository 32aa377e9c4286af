/**
 * The access report of `npm run access`: per environment and secret file, who can decrypt it (the recipients
 * of its sops metadata, by key group, with the shamir threshold), the data key's age, the configured readers
 * of its Secrets Manager copy, and how its keys differ from its `.sops.yaml` creation rule.
 *
 * Key groups, thresholds and the difference from the rule all come from `keyGroupSync`
 * (src/sops/key-groups.ts), the one comparison rule SS005 makes, so `access` and `check` never disagree: a file
 * is out of sync here exactly when SS005 reports it, with SS005's own message.
 *
 * Pure: the inputs come from ./access-inputs.ts. Reads only the metadata block: nothing is ever decrypted and
 * no value appears in the report.
 */
import { fileKeyGroups, GroupKey, groupsNeeded, KeyGroups, keyGroupSync, kmsArnOf } from "../sops/key-groups";
import { RECIPIENT_TYPES, RecipientType } from "../sops/sops-metadata";

/** Every key type sops writes in a metadata block (`hckms`, Huawei Cloud KMS, since sops 3.12). */
export type KeyType = RecipientType;

/** The order the report lists key types in. */
export const KEY_TYPES: readonly KeyType[] = RECIPIENT_TYPES;

/** What the report calls each key type. */
export const KEY_TYPE_LABELS: Readonly<Record<KeyType, string>> = {
  kms: "AWS KMS",
  age: "age",
  pgp: "PGP",
  gcp_kms: "GCP KMS",
  azure_kv: "Azure Key Vault",
  hc_vault: "Vault transit",
  hckms: "HuaweiCloud KMS",
};

/** One key that can decrypt the data key (alone or together with the other groups, see `threshold`). */
export interface KeyHolder {
  readonly type: KeyType;
  /** KMS key ARN, age recipient, PGP fingerprint, GCP resource ID, Azure key URL, Vault key URL, hckms key ID. */
  readonly id: string;
  /** KMS only: the role sops assumes to use the key. @default - none */
  readonly role?: string;
}

/** A key as a creation rule names it: the same shape (a KMS key with its role compares as `arn+role`, as in SS005). */
export type RuleKey = KeyHolder;

/**
 * Where a file stands against its creation rule: `in-sync`, `out-of-sync` (`sops updatekeys` would re-key it),
 * `less-protected` (fewer key groups decrypt it than the rule requires), `no-rule` (SS004), `no-keys` (its
 * metadata names no key: SS003), `unreadable` (see `problem`).
 */
export type SyncState = "in-sync" | "out-of-sync" | "less-protected" | "no-rule" | "no-keys" | "unreadable";

export interface SecretAccess {
  readonly environment: string;
  /** Repository-relative path of the encrypted file. */
  readonly file: string;
  /** Logical name (`payments/stripe`). */
  readonly name: string;
  /** Secrets Manager name of the copy, when the configuration is valid. */
  readonly secretName?: string;
  /**
   * Principals the copy's secret policy lets read it (its environment's readers, or its `secrets` entry's,
   * account IDs as root ARNs); empty: none.
   */
  readonly readers: readonly string[];
  /** Key groups in file order; one group when the file has flat recipient lists. Empty when `problem` is set. */
  readonly keyGroups: readonly (readonly KeyHolder[])[];
  /** How many key groups are needed to decrypt (sops `shamir_threshold`; 1 with one group). */
  readonly threshold: number;
  /** sops `lastmodified` as written (RFC 3339): when the data key last encrypted the values. */
  readonly lastModified?: string;
  /** Whole days between `lastModified` and the report's `now`. */
  readonly dataKeyAgeDays?: number;
  /** The creation rule that applies, e.g. ".sops.yaml creation rule #2 (line 9)"; undefined when none matches. */
  readonly creationRule?: string;
  /** The rule's key groups, in the rule's order (present with `creationRule`). */
  readonly ruleKeyGroups?: readonly (readonly KeyHolder[])[];
  /** How many of the rule's key groups it requires to decrypt (present with `creationRule`). */
  readonly ruleThreshold?: number;
  readonly sync: SyncState;
  /** Rule SS005's finding for this file, word for word; set exactly when `sync` is out-of-sync or less-protected. */
  readonly finding?: { readonly message: string; readonly fix: string };
  /** Keys the rule names that no key group of the file has. */
  readonly missing: readonly RuleKey[];
  /** Keys that can decrypt the file although no key group of the rule names them. */
  readonly extra: readonly RuleKey[];
  /** Why the metadata could not be read (then nothing else is known about the file). */
  readonly problem?: string;
}

export interface EnvironmentAccess {
  readonly name: string;
  /**
   * The environment's readers (`readers` globally or under `environments.<env>`, account IDs as root ARNs); a
   * secret's own may differ (`SecretAccess.readers`). Empty: none configured.
   */
  readonly readers: readonly string[];
  /** Sorted by logical name. */
  readonly secrets: readonly SecretAccess[];
}

export interface AccessReport {
  /** The instant ages are measured from (RFC 3339). */
  readonly now: string;
  /** Sorted by name. */
  readonly environments: readonly EnvironmentAccess[];
  /** Every distinct key of every file (the matrix columns), sorted by type, then ID, then role. */
  readonly keys: readonly KeyHolder[];
}

/** One secret file as the inputs adapter hands it over. */
export interface SecretFileInput {
  readonly environment: string;
  readonly file: string;
  readonly name: string;
  readonly secretName?: string;
  /** The secret's resolved readers (src/config/secret-settings.ts). @default [] */
  readonly readers?: readonly string[];
  /** The `sops` metadata block as written, or why it could not be read. */
  readonly metadata: Readonly<Record<string, unknown>> | { readonly problem: string };
  /** The matching creation rule: its description and key groups; undefined when no rule matches. */
  readonly rule?: { readonly description: string; readonly keyGroups: KeyGroups };
}

export interface AccessInputs {
  readonly files: readonly SecretFileInput[];
  /** Readers per environment name (missing: none configured). */
  readonly readers: (environment: string) => readonly string[];
  /** Every environment name, files or not. */
  readonly environments: readonly string[];
}

const DAY_MS = 86_400_000;

export function buildAccessReport(inputs: AccessInputs, now: Date): AccessReport {
  const byEnv = new Map<string, SecretAccess[]>();
  for (const env of inputs.environments) byEnv.set(env, []);
  const keys = new Map<string, KeyHolder>();
  for (const input of inputs.files) {
    const secret = secretAccess(input, now);
    for (const group of secret.keyGroups) for (const k of group) keys.set(holderKey(k), k);
    if (!byEnv.has(input.environment)) byEnv.set(input.environment, []);
    byEnv.get(input.environment)!.push(secret);
  }
  const environments = [...byEnv.entries()]
    .sort(([a], [b]) => compare(a, b))
    .map(([name, secrets]) => ({
      name,
      readers: inputs.readers(name),
      secrets: secrets.sort((a, b) => compare(a.name, b.name) || compare(a.file, b.file)),
    }));
  return {
    now: now.toISOString().replace(/\.\d{3}Z$/, "Z"),
    environments,
    keys: [...keys.values()].sort(
      (a, b) =>
        KEY_TYPES.indexOf(a.type) - KEY_TYPES.indexOf(b.type) ||
        compare(a.id, b.id) ||
        compare(a.role ?? "", b.role ?? ""),
    ),
  };
}

function secretAccess(input: SecretFileInput, now: Date): SecretAccess {
  const rule = input.rule && {
    creationRule: input.rule.description,
    ruleKeyGroups: holderGroups(input.rule.keyGroups),
    ruleThreshold: groupsNeeded(input.rule.keyGroups),
  };
  const base = {
    environment: input.environment,
    file: input.file,
    name: input.name,
    ...(input.secretName !== undefined && { secretName: input.secretName }),
    readers: input.readers ?? [],
    ...rule,
  };
  if ("problem" in input.metadata && typeof input.metadata.problem === "string")
    return {
      ...base,
      keyGroups: [],
      threshold: 0,
      sync: "unreadable",
      missing: [],
      extra: [],
      problem: input.metadata.problem,
    };
  const raw = input.metadata as Readonly<Record<string, unknown>>;
  const file = fileKeyGroups(raw);
  const lastModified = typeof raw.lastmodified === "string" ? raw.lastmodified : undefined;
  const ms = lastModified !== undefined ? Date.parse(lastModified) : NaN;
  const dataKeyAgeDays = Number.isNaN(ms) ? undefined : Math.floor((now.getTime() - ms) / DAY_MS);
  const sync =
    input.rule &&
    keyGroupSync(raw, input.rule.keyGroups, { path: input.file, ruleName: input.rule.description });
  const keyGroups = holderGroups(file);
  return {
    ...base,
    keyGroups,
    threshold: groupsNeeded(file),
    ...(lastModified !== undefined && { lastModified }),
    ...(dataKeyAgeDays !== undefined && { dataKeyAgeDays }),
    sync: !input.rule ? "no-rule" : !sync ? "no-keys" : sync.comparison.verdict,
    ...(sync?.mismatch && { finding: sync.mismatch }),
    missing: inOrderOf(base.ruleKeyGroups ?? [], (sync?.drift.missing ?? []).map(holderOf)),
    extra: inOrderOf(keyGroups, (sync?.drift.extra ?? []).map(holderOf)),
  };
}

/** `keys` in the order they appear in `groups` (group by group, as the report lists them). */
function inOrderOf(groups: readonly (readonly KeyHolder[])[], keys: KeyHolder[]): KeyHolder[] {
  const order = groups.flat().map(holderKey);
  return keys.sort((a, b) => order.indexOf(holderKey(a)) - order.indexOf(holderKey(b)));
}

/** A key of the comparison as the report shows it: a KMS `arn+role` identity split into ARN and role. */
export function holderOf(k: GroupKey): KeyHolder {
  if (k.type !== "kms") return { type: k.type, id: k.id };
  const arn = kmsArnOf(k.id);
  return arn === k.id ? { type: "kms", id: arn } : { type: "kms", id: arn, role: k.id.slice(arn.length + 1) };
}

/** Key groups as the report shows them: each group's keys by type (KEY_TYPES order), then as written. */
function holderGroups(k: KeyGroups): KeyHolder[][] {
  return k.groups.map((g) =>
    g.map(holderOf).sort((a, b) => KEY_TYPES.indexOf(a.type) - KEY_TYPES.indexOf(b.type)),
  );
}

/**
 * The key groups as sops reads them (stores.go `internalKeygroups`, via `fileKeyGroups`): when any top-level
 * list is non-empty, those lists are the only group and `key_groups` is ignored; otherwise each `key_groups`
 * entry is a group.
 */
export function keyGroupsOf(raw: Readonly<Record<string, unknown>>): KeyHolder[][] {
  return holderGroups(fileKeyGroups(raw));
}

/** The matrix column identity of a key holder. */
export function holderKey(k: KeyHolder): string {
  return `${k.type} ${k.id}${k.role !== undefined ? `+${k.role}` : ""}`;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** True when `k` can decrypt `secret` although no key group of the file's creation rule names it. */
export function isExtra(secret: SecretAccess, k: KeyHolder): boolean {
  const id = holderKey(k);
  return secret.extra.some((e) => holderKey(e) === id);
}

/** True when the file has a creation rule and its key groups are in sync with it (SS005 says nothing). */
export function inSync(secret: SecretAccess): boolean {
  return secret.sync === "in-sync";
}

/** "AWS KMS arn:aws:kms:… (role arn:aws:iam::…)" */
export function describeKey(k: KeyHolder | RuleKey): string {
  const role = "role" in k && k.role !== undefined ? ` (role ${k.role})` : "";
  return `${KEY_TYPE_LABELS[k.type]} ${k.id}${role}`;
}
