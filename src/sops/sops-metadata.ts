/**
 * The `sops` metadata block of an encrypted file, read without decrypting anything.
 */
import { isObject } from "../util/is-object";

/** `hckms`: HuaweiCloud KMS (sops 3.12+). */
export type RecipientType = "kms" | "age" | "pgp" | "gcp_kms" | "azure_kv" | "hc_vault" | "hckms";

/** Someone (a key) who can decrypt the file. `id` is what `.sops.yaml` names: ARN, age recipient, fingerprint... */
export interface Recipient {
  readonly type: RecipientType;
  readonly id: string;
}

/**
 * The settings that decide what sops encrypts, as a file's metadata records them or as a `.sops.yaml`
 * creation rule names them (same keys in both places). An empty string means "not set", as in sops.
 */
export interface EncryptionSettings {
  readonly unencryptedSuffix?: string;
  readonly encryptedSuffix?: string;
  readonly unencryptedRegex?: string;
  readonly encryptedRegex?: string;
  readonly unencryptedCommentRegex?: string;
  readonly encryptedCommentRegex?: string;
  readonly macOnlyEncrypted: boolean;
}

export interface SopsMetadata extends EncryptionSettings {
  /** The metadata as written in the file (the object under `sops`). */
  readonly raw: Readonly<Record<string, unknown>>;
  /** sops version that wrote the file; 1.x files store a number, turned into a string here. */
  readonly version?: string;
  /** `lastmodified`, as written (RFC 3339). */
  readonly lastModified?: string;
  readonly mac?: string;
  /** Every recipient, from the top-level lists and from `key_groups`, in file order, without duplicates. */
  readonly recipients: readonly Recipient[];
}

/** Every key type, in the order reports list them. */
export const RECIPIENT_TYPES: readonly RecipientType[] = [
  "kms",
  "age",
  "pgp",
  "gcp_kms",
  "azure_kv",
  "hc_vault",
  "hckms",
];

export function readSopsMetadata(raw: Record<string, unknown>): SopsMetadata {
  const str = (key: string): string | undefined => {
    const v = raw[key];
    return typeof v === "string" ? v : typeof v === "number" ? String(v) : undefined;
  };
  const recipients: Recipient[] = [];
  const seen = new Set<string>();
  forEachRecipientEntry(raw, (recipient) => {
    if (!seen.has(`${recipient.type} ${recipient.id}`)) {
      seen.add(`${recipient.type} ${recipient.id}`);
      recipients.push(recipient);
    }
  });
  return {
    raw,
    version: str("version"),
    lastModified: str("lastmodified"),
    mac: str("mac"),
    unencryptedSuffix: str("unencrypted_suffix"),
    encryptedSuffix: str("encrypted_suffix"),
    unencryptedRegex: str("unencrypted_regex"),
    encryptedRegex: str("encrypted_regex"),
    unencryptedCommentRegex: str("unencrypted_comment_regex"),
    encryptedCommentRegex: str("encrypted_comment_regex"),
    macOnlyEncrypted: raw.mac_only_encrypted === true || raw.mac_only_encrypted === "true",
    recipients,
  };
}

/**
 * Calls `visit` for every recipient entry of a metadata block, top-level lists first, then `key_groups`,
 * in file order (entries whose identity cannot be read are skipped).
 */
export function forEachRecipientEntry(
  raw: Readonly<Record<string, unknown>>,
  visit: (recipient: Recipient, entry: Record<string, unknown>) => void,
): void {
  const group = (g: Readonly<Record<string, unknown>>) => {
    for (const type of RECIPIENT_TYPES) {
      const list = g[type];
      if (!Array.isArray(list)) continue;
      for (const entry of list) {
        const id = recipientId(type, entry);
        if (id !== undefined && isObject(entry)) visit({ type, id }, entry);
      }
    }
  };
  group(raw);
  if (Array.isArray(raw.key_groups)) for (const g of raw.key_groups) if (isObject(g)) group(g);
}

/** The identity `.sops.yaml` uses for a recipient entry of the metadata. */
export function recipientId(type: RecipientType, entry: unknown): string | undefined {
  if (!isObject(entry)) return undefined;
  const s = (k: string) =>
    typeof entry[k] === "string" && entry[k] !== "" ? (entry[k] as string) : undefined;
  switch (type) {
    case "kms":
      return s("arn");
    case "age":
      return s("recipient");
    case "pgp":
      return s("fp")?.toUpperCase();
    case "gcp_kms":
      return s("resource_id");
    case "hckms":
      return s("key_id");
    case "azure_kv": {
      const url = s("vault_url");
      const name = s("name");
      return url && name ? `${url.replace(/\/+$/, "")}/keys/${name}/${s("version") ?? ""}` : undefined;
    }
    case "hc_vault": {
      const addr = s("vault_address");
      const engine = s("engine_path");
      const key = s("key_name");
      return addr && engine && key ? `${addr.replace(/\/+$/, "")}/v1/${engine}/keys/${key}` : undefined;
    }
  }
}

/** `lastmodified` as Unix seconds, or undefined when absent or not a real RFC 3339 date. */
export function lastModifiedSeconds(metadata: SopsMetadata): number | undefined {
  if (!metadata.lastModified || !isRfc3339Date(metadata.lastModified)) return undefined;
  const ms = Date.parse(metadata.lastModified);
  return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
}

/** Go's time.RFC3339 as sops parses `lastmodified` and `created_at`: upper-case T and Z, optional fraction. */
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:Z|[+-](\d{2}):(\d{2}))$/;

/**
 * True when `text` is an RFC 3339 date that Go's `time.Parse(time.RFC3339, ...)` accepts: every component in
 * range (month 1–12, a day that exists in that month, hour < 24, minute and second < 60, offset < 24:00).
 * JavaScript's Date.parse alone is not enough: it rolls `2026-02-30` over to March 2nd.
 */
export function isRfc3339Date(text: string): boolean {
  const m = RFC3339.exec(text);
  if (!m) return false;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return false;
  if (hour > 23 || minute > 59 || second > 59) return false;
  if (m[7] !== undefined && (Number(m[7]) > 23 || Number(m[8]) > 59)) return false;
  return !Number.isNaN(Date.parse(text));
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** The recipient lists of a metadata block (or of one key group), in the order sops writes them (stores.go). */
export const SOPS_KEY_LISTS: readonly RecipientType[] = [
  "kms",
  "gcp_kms",
  "hckms",
  "azure_kv",
  "hc_vault",
  "age",
  "pgp",
];

/**
 * Every key sops writes in the metadata block, across versions (getsops/sops `stores/stores.go` Metadata;
 * `attention` from sops 1.x; `hckms` from 3.12). Anything else was added by hand: it may hold a plaintext value
 * that synth would copy into the output (`sops_db_password=...` in a dotenv file is such a key).
 */
export const METADATA_KEYS: ReadonlySet<string> = new Set([
  ...SOPS_KEY_LISTS,
  "key_groups",
  "shamir_threshold",
  "lastmodified",
  "mac",
  "version",
  "unencrypted_suffix",
  "encrypted_suffix",
  "unencrypted_regex",
  "encrypted_regex",
  "unencrypted_comment_regex",
  "encrypted_comment_regex",
  "mac_only_encrypted",
  "attention",
]);

/** The keys of one entry of each recipient list (stores.go kmskey, gcpkmskey, ...). */
export const RECIPIENT_ENTRY_KEYS: Readonly<Record<string, ReadonlySet<string>>> = {
  kms: new Set(["arn", "role", "context", "created_at", "enc", "aws_profile"]),
  gcp_kms: new Set(["resource_id", "created_at", "enc"]),
  hckms: new Set(["key_id", "created_at", "enc"]),
  azure_kv: new Set(["vault_url", "name", "version", "created_at", "enc"]),
  hc_vault: new Set(["vault_address", "engine_path", "key_name", "created_at", "enc"]),
  age: new Set(["recipient", "enc"]),
  pgp: new Set(["created_at", "enc", "fp"]),
};

/** The keys of one `key_groups` entry: the recipient lists. */
const KEY_GROUP_KEYS: ReadonlySet<string> = new Set(Object.keys(RECIPIENT_ENTRY_KEYS));

/** A problem in the structure of the metadata block; `path` names keys (never a value). */
export interface MetadataShapeProblem {
  readonly path: readonly (string | number)[];
  readonly problem: "unknown-key" | "not-a-list" | "not-a-mapping" | "not-a-date";
}

/**
 * Keys sops never writes, recipient lists that are not lists, entries that are not mappings and `created_at`
 * dates Go cannot parse, anywhere in the metadata (top level, recipient entries, key groups). A `context`
 * (KMS encryption context) is a free mapping and is not looked into.
 */
export function metadataShapeProblems(raw: Readonly<Record<string, unknown>>): MetadataShapeProblem[] {
  const out: MetadataShapeProblem[] = [];
  const recipientLists = (group: Readonly<Record<string, unknown>>, prefix: (string | number)[]) => {
    for (const [type, keys] of Object.entries(RECIPIENT_ENTRY_KEYS)) {
      const list = group[type];
      if (list === undefined || list === null) continue;
      if (!Array.isArray(list)) {
        out.push({ path: [...prefix, type], problem: "not-a-list" });
        continue;
      }
      list.forEach((entry, i) => {
        if (!isObject(entry)) {
          out.push({ path: [...prefix, type, i], problem: "not-a-mapping" });
          return;
        }
        for (const key of Object.keys(entry)) {
          if (!keys.has(key)) out.push({ path: [...prefix, type, i, key], problem: "unknown-key" });
        }
        const created = entry.created_at;
        if (created !== undefined && !(typeof created === "string" && isRfc3339Date(created)))
          out.push({ path: [...prefix, type, i, "created_at"], problem: "not-a-date" });
      });
    }
  };
  for (const key of Object.keys(raw))
    if (!METADATA_KEYS.has(key)) out.push({ path: [key], problem: "unknown-key" });
  recipientLists(raw, []);
  const groups = raw.key_groups;
  if (groups !== undefined && groups !== null) {
    if (!Array.isArray(groups)) out.push({ path: ["key_groups"], problem: "not-a-list" });
    else
      groups.forEach((group, i) => {
        if (!isObject(group)) {
          out.push({ path: ["key_groups", i], problem: "not-a-mapping" });
          return;
        }
        for (const key of Object.keys(group)) {
          if (!KEY_GROUP_KEYS.has(key)) out.push({ path: ["key_groups", i, key], problem: "unknown-key" });
        }
        recipientLists(group, ["key_groups", i]);
      });
  }
  return out;
}
