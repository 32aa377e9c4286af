/**
 * The access report of `npm run access`: per environment and secret file, who can decrypt it (the recipients
 * of its sops metadata, by key group, with the shamir threshold), the data key's age, the configured readers
 * of its Secrets Manager copy, and how its recipients differ from its `.sops.yaml` creation rule.
 *
 * Pure: the inputs come from ./access-inputs.ts. Reads only the metadata block: nothing is ever decrypted and
 * no value appears in the report.
 */
import { recipientId, RecipientType } from "../sops/sops-metadata";
import { isObject } from "../util/is-object";
import { normalizeRecipientId } from "../sops/sops-config";

/** Every key type sops writes in a metadata block (`hckms`, Huawei Cloud KMS, since sops 3.12). */
export type KeyType = RecipientType | "hckms";

export const KEY_TYPES: readonly KeyType[] = [
  "kms",
  "age",
  "pgp",
  "gcp_kms",
  "azure_kv",
  "hc_vault",
  "hckms",
];

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

/** A key as `.sops.yaml` names it (identity only: roles are not compared, as in rule SS005). */
export interface RuleKey {
  readonly type: KeyType;
  readonly id: string;
}

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
  /** Keys the rule names that cannot decrypt the file. */
  readonly missing: readonly RuleKey[];
  /** Keys that can decrypt the file although the rule does not name them. */
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
  /** The matching creation rule: its description and keys; undefined when no rule matches. */
  readonly rule?: { readonly description: string; readonly keys: readonly RuleKey[] };
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
  const base = {
    environment: input.environment,
    file: input.file,
    name: input.name,
    ...(input.secretName !== undefined && { secretName: input.secretName }),
    readers: input.readers ?? [],
    ...(input.rule && { creationRule: input.rule.description }),
  };
  if ("problem" in input.metadata && typeof input.metadata.problem === "string")
    return { ...base, keyGroups: [], threshold: 0, missing: [], extra: [], problem: input.metadata.problem };
  const raw = input.metadata as Readonly<Record<string, unknown>>;
  const keyGroups = keyGroupsOf(raw);
  const threshold = thresholdOf(raw, keyGroups.length);
  const lastModified = typeof raw.lastmodified === "string" ? raw.lastmodified : undefined;
  const ms = lastModified !== undefined ? Date.parse(lastModified) : NaN;
  const dataKeyAgeDays = Number.isNaN(ms) ? undefined : Math.floor((now.getTime() - ms) / DAY_MS);

  const actual = new Map<string, RuleKey>();
  for (const group of keyGroups)
    for (const k of group) actual.set(ruleKeyId(k), { type: k.type, id: identity(k.type, k.id) });
  const expected = new Map((input.rule?.keys ?? []).map((k) => [ruleKeyId(k), k]));
  return {
    ...base,
    keyGroups,
    threshold,
    ...(lastModified !== undefined && { lastModified }),
    ...(dataKeyAgeDays !== undefined && { dataKeyAgeDays }),
    missing: input.rule ? [...expected].filter(([k]) => !actual.has(k)).map(([, v]) => v) : [],
    extra: input.rule ? [...actual].filter(([k]) => !expected.has(k)).map(([, v]) => v) : [],
  };
}

/**
 * The key groups as sops reads them (stores.go `internalKeygroups`): when any top-level list is non-empty,
 * those lists are the only group and `key_groups` is ignored; otherwise each `key_groups` entry is a group.
 */
export function keyGroupsOf(raw: Readonly<Record<string, unknown>>): KeyHolder[][] {
  const top = holdersOf(raw);
  if (top.length > 0) return [top];
  if (!Array.isArray(raw.key_groups)) return [];
  return raw.key_groups.filter(isObject).map(holdersOf);
}

function holdersOf(group: Readonly<Record<string, unknown>>): KeyHolder[] {
  const out: KeyHolder[] = [];
  for (const type of KEY_TYPES) {
    const list = group[type];
    if (!Array.isArray(list)) continue;
    for (const entry of list) {
      if (!isObject(entry)) continue;
      const id =
        type === "hckms"
          ? typeof entry.key_id === "string" && entry.key_id !== ""
            ? entry.key_id
            : undefined
          : recipientId(type, entry);
      if (id === undefined) continue;
      const role =
        type === "kms" && typeof entry.role === "string" && entry.role !== "" ? entry.role : undefined;
      out.push({ type, id, ...(role !== undefined && { role }) });
    }
  }
  return out;
}

/** sops: `shamir_threshold` from the file, capped by the number of groups; unset (0) means every group. */
function thresholdOf(raw: Readonly<Record<string, unknown>>, groups: number): number {
  if (groups <= 1) return groups;
  const t = Number(raw.shamir_threshold);
  return Number.isInteger(t) && t > 0 ? Math.min(t, groups) : groups;
}

function identity(type: KeyType, id: string): string {
  return type === "hckms" ? id.trim() : normalizeRecipientId(type, id);
}

function ruleKeyId(k: RuleKey): string {
  return `${k.type} ${identity(k.type, k.id)}`;
}

/** The matrix column identity of a key holder. */
export function holderKey(k: KeyHolder): string {
  return `${k.type} ${k.id}${k.role !== undefined ? `+${k.role}` : ""}`;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** True when `k` can decrypt `secret` although the file's creation rule does not name it. */
export function isExtra(secret: SecretAccess, k: KeyHolder): boolean {
  const id = ruleKeyId(k);
  return secret.extra.some((e) => ruleKeyId(e) === id);
}

/** True when the file has a creation rule and its recipients are exactly the rule's. */
export function inSync(secret: SecretAccess): boolean {
  return (
    secret.problem === undefined &&
    secret.creationRule !== undefined &&
    secret.missing.length === 0 &&
    secret.extra.length === 0
  );
}

/** "AWS KMS arn:aws:kms:… (role arn:aws:iam::…)" */
export function describeKey(k: KeyHolder | RuleKey): string {
  const role = "role" in k && k.role !== undefined ? ` (role ${k.role})` : "";
  return `${KEY_TYPE_LABELS[k.type]} ${k.id}${role}`;
}
