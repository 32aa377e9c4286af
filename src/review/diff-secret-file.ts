/**
 * Compares two versions of one sops-encrypted file WITHOUT decrypting anything: a value changed iff its
 * `ENC[...]` ciphertext changed (`sops edit` / `sops set` keep the ciphertext of untouched values).
 * Pure: no file system, no git. Nothing here ever returns a value, only key paths.
 */
import { compare } from "../discovery/discover-secrets";
import { ParsedSopsFile } from "../sops/parse-sops-file";
import { EncryptionRules, formatKeyPath, parseEncValue, walkLeaves } from "../sops/encrypted-values";
import { forEachRecipientEntry, Recipient, SopsMetadata } from "../sops/sops-metadata";

/** A leaf of the data tree, reduced to what may be compared and shown: never the plaintext itself. */
interface Leaf {
  /** True when the value is an `ENC[...]` string. */
  readonly encrypted: boolean;
  /** The ciphertext for encrypted values; an opaque fingerprint of plaintext values (compared, never shown). */
  readonly token: string;
}

export interface FileContentDiff {
  /** Key paths (`db.password`, `hosts[0]`) present only in the new version. Sorted. */
  readonly keysAdded: readonly string[];
  readonly keysRemoved: readonly string[];
  /**
   * Key paths whose value changed. Empty when `reencrypted` (then every ciphertext changed and nobody can
   * tell which values did without decrypting).
   */
  readonly valuesChanged: readonly string[];
  /** The data key was rotated (`sops -e` anew, `sops rotate`, `sops updatekeys --rotate`...). */
  readonly reencrypted: boolean;
  readonly recipientsAdded: readonly Recipient[];
  readonly recipientsRemoved: readonly Recipient[];
  /** An added file (no `before`): everyone who can decrypt it, sorted. Empty for other changes. */
  readonly recipients: readonly Recipient[];
  /** Key paths that were `ENC[...]` before and are plaintext now: a leak. Sorted. */
  readonly becamePlaintext: readonly string[];
  /** Key paths of the new version whose value is plaintext (added or changed keys only). Sorted. */
  readonly plaintextKeys: readonly string[];
  /** The new version has no `sops` metadata at all. */
  readonly newIsUnencrypted: boolean;
  /** The metadata changed in some other way (mac, lastmodified, ...) while no key, value or recipient did. */
  readonly metadataOnly: boolean;
}

/** The review judges no encryption rule (check does): it only needs every leaf and whether it is `ENC[...]`. */
const NO_RULES: EncryptionRules = { commentRules: false };

/**
 * Every leaf of a data tree by key path (`db.password`, `hosts[0]`, `["odd key"]`), walked and formatted
 * exactly as `npm run check` does (src/sops/encrypted-values.ts): the same leaves (nulls and empty lists or
 * maps are not values sops encrypts, so they are not leaves), the same key paths, the same `ENC[...]` test.
 */
export function leafPaths(data: Record<string, unknown>): Map<string, Leaf> {
  const out = new Map<string, Leaf>();
  walkLeaves(data, NO_RULES, ({ path, value }) => {
    const encrypted = typeof value === "string" && parseEncValue(value) !== undefined;
    out.set(formatKeyPath(path), { encrypted, token: encrypted ? (value as string) : fingerprint(value) });
  });
  return out;
}

/** A comparison token for a plaintext leaf: type plus value, kept in memory only, never rendered. */
function fingerprint(value: unknown): string {
  return `${value === null ? "null" : typeof value}:${JSON.stringify(value) ?? String(value)}`;
}

/** What changed between two parsed versions of the same secret (or an added file, when `before` is undefined). */
export function diffSecretFile(before: ParsedSopsFile | undefined, after: ParsedSopsFile): FileContentDiff {
  const old = before ? leafPaths(before.data) : new Map<string, Leaf>();
  const now = leafPaths(after.data);
  const keysAdded = sorted([...now.keys()].filter((k) => !old.has(k)));
  const keysRemoved = sorted([...old.keys()].filter((k) => !now.has(k)));
  const common = sorted([...now.keys()].filter((k) => old.has(k)));
  const changed = common.filter((k) => old.get(k)!.token !== now.get(k)!.token);
  const becamePlaintext = common.filter((k) => old.get(k)!.encrypted && !now.get(k)!.encrypted);

  const commonEncrypted = common.filter((k) => old.get(k)!.encrypted && now.get(k)!.encrypted);
  const allCiphertextsChanged =
    commonEncrypted.length >= 2 && commonEncrypted.every((k) => old.get(k)!.token !== now.get(k)!.token);
  const reencrypted =
    before !== undefined && (allCiphertextsChanged || dataKeyRotated(before.metadata, after.metadata));

  const oldRecipients = recipientKeys(before?.metadata);
  const newRecipients = recipientKeys(after.metadata);
  const recipientsAdded = before
    ? sortRecipients((after.metadata?.recipients ?? []).filter((r) => !oldRecipients.has(key(r))))
    : [];
  const recipientsRemoved = before
    ? sortRecipients((before.metadata?.recipients ?? []).filter((r) => !newRecipients.has(key(r))))
    : [];

  const leaked = new Set(becamePlaintext);
  const plaintextKeys = [...keysAdded, ...changed]
    .filter((k) => !leaked.has(k) && !now.get(k)!.encrypted)
    .sort(compare);
  // After a re-encryption only plaintext changes can still be told apart (leaks are reported on their own).
  const valuesChanged = changed.filter(
    (k) => !leaked.has(k) && (!reencrypted || !now.get(k)!.encrypted || !old.get(k)!.encrypted),
  );
  const metadataOnly =
    before !== undefined &&
    keysAdded.length === 0 &&
    keysRemoved.length === 0 &&
    changed.length === 0 &&
    recipientsAdded.length === 0 &&
    recipientsRemoved.length === 0 &&
    !reencrypted &&
    JSON.stringify(before.metadata?.raw ?? null) !== JSON.stringify(after.metadata?.raw ?? null);
  return {
    keysAdded,
    keysRemoved,
    valuesChanged,
    reencrypted,
    recipientsAdded,
    recipientsRemoved,
    recipients: before ? [] : sortRecipients(after.metadata?.recipients ?? []),
    becamePlaintext,
    plaintextKeys,
    newIsUnencrypted: after.metadata === undefined,
    metadataOnly,
  };
}

/**
 * The data key was rotated when the mac changed and every recipient that is in both versions got a new
 * encrypted data key (`enc`): sops keeps those blobs as long as it keeps the data key.
 */
function dataKeyRotated(before?: SopsMetadata, after?: SopsMetadata): boolean {
  if (!before || !after || before.mac === undefined || before.mac === after.mac) return false;
  const old = dataKeyBlobs(before);
  const now = dataKeyBlobs(after);
  const shared = [...now.keys()].filter((k) => old.has(k));
  return shared.length > 0 && shared.every((k) => old.get(k) !== now.get(k));
}

/** `type id` → the data key encrypted for that recipient, from the top-level lists and `key_groups`. */
function dataKeyBlobs(metadata: SopsMetadata): Map<string, string> {
  const out = new Map<string, string>();
  forEachRecipientEntry(metadata.raw, (r, entry) => {
    if (typeof entry.enc === "string") out.set(key(r), entry.enc);
  });
  return out;
}

function key(r: Recipient): string {
  return `${r.type} ${r.id}`;
}

function recipientKeys(metadata?: SopsMetadata): Set<string> {
  return new Set((metadata?.recipients ?? []).map(key));
}

function sortRecipients(list: readonly Recipient[]): Recipient[] {
  return [...list].sort((a, b) => compare(a.type, b.type) || compare(a.id, b.id));
}

function sorted(list: string[]): string[] {
  return [...list].sort(compare);
}
