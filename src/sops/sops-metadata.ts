/**
 * The `sops` metadata block of an encrypted file, read without decrypting anything.
 */

export type RecipientType = "kms" | "age" | "pgp" | "gcp_kms" | "azure_kv" | "hc_vault";

/** Someone (a key) who can decrypt the file. `id` is what `.sops.yaml` names: ARN, age recipient, fingerprint... */
export interface Recipient {
  readonly type: RecipientType;
  readonly id: string;
}

export interface SopsMetadata {
  /** The metadata as written in the file (the object under `sops`). */
  readonly raw: Readonly<Record<string, unknown>>;
  /** sops version that wrote the file; 1.x files store a number, turned into a string here. */
  readonly version?: string;
  /** `lastmodified`, as written (RFC 3339). */
  readonly lastModified?: string;
  readonly mac?: string;
  readonly unencryptedSuffix?: string;
  readonly encryptedSuffix?: string;
  readonly unencryptedRegex?: string;
  readonly encryptedRegex?: string;
  readonly unencryptedCommentRegex?: string;
  readonly encryptedCommentRegex?: string;
  readonly macOnlyEncrypted: boolean;
  /** Every recipient, from the top-level lists and from `key_groups`, in file order, without duplicates. */
  readonly recipients: readonly Recipient[];
}

const RECIPIENT_TYPES: readonly RecipientType[] = ["kms", "age", "pgp", "gcp_kms", "azure_kv", "hc_vault"];

export function readSopsMetadata(raw: Record<string, unknown>): SopsMetadata {
  const str = (key: string): string | undefined => {
    const v = raw[key];
    return typeof v === "string" ? v : typeof v === "number" ? String(v) : undefined;
  };
  const recipients: Recipient[] = [];
  const seen = new Set<string>();
  const add = (group: Record<string, unknown>) => {
    for (const type of RECIPIENT_TYPES) {
      const list = group[type];
      if (!Array.isArray(list)) continue;
      for (const entry of list) {
        const id = recipientId(type, entry);
        if (id !== undefined && !seen.has(`${type} ${id}`)) {
          seen.add(`${type} ${id}`);
          recipients.push({ type, id });
        }
      }
    }
  };
  add(raw);
  if (Array.isArray(raw.key_groups)) for (const g of raw.key_groups) if (isObject(g)) add(g);
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

/** `lastmodified` as Unix seconds, or undefined when absent or not a date. */
export function lastModifiedSeconds(metadata: SopsMetadata): number | undefined {
  if (!metadata.lastModified) return undefined;
  const ms = Date.parse(metadata.lastModified);
  return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
