/**
 * What sops encrypts, read from the encrypted file alone (nothing is decrypted here).
 *
 * The semantics follow getsops/sops `sops.go` (`Tree.shouldBeEncrypted`, `walkBranch`, `walkSlice`) and
 * `aes/cipher.go`, and `stores/stores.go` (`Metadata.ToInternal`):
 *
 * - A leaf is judged on the list of KEYS from the root to it; list indices are not part of that path, so
 *   list items inherit their parent key.
 * - `unencrypted_suffix`: plain when ANY key on the path ends with it (so a matching key leaves its whole
 *   subtree plain). When the file sets none of the six rules, sops uses `_unencrypted`.
 * - `encrypted_suffix`: encrypted only when some key on the path ends with it.
 * - `unencrypted_regex`: plain when any key on the path matches (Go regexp, unanchored).
 * - `encrypted_regex`: encrypted only when some key on the path matches.
 * - `unencrypted_comment_regex` / `encrypted_comment_regex` depend on the comments above a value, which the
 *   parsed tree does not keep: such files cannot be verified value by value (see `commentRules`).
 * - sops refuses a file that sets more than one of the six rules.
 * - `mac_only_encrypted` changes which values the MAC covers, not which values are encrypted.
 * - Empty strings are never encrypted (the cipher returns "" for them); nulls are not walked at all.
 * - Comments in YAML may be encrypted too (`#ENC[...,type:comment]`); they are not part of the data tree.
 */
import { EncryptionSettings } from "./sops-metadata";
import { compileGoRegExp, GoRegExp, MATCH_NOTHING } from "./go-regexp";

/** sops's default when a file names no encryption rule (`sops.DefaultUnencryptedSuffix`). */
export const DEFAULT_UNENCRYPTED_SUFFIX = "_unencrypted";

/** `time` since sops 3.10 (aes/cipher.go; YAML timestamps keep their type). */
export type EncType = "str" | "int" | "int64" | "float" | "bool" | "bytes" | "time" | "comment";

export interface EncValue {
  /** Length in bytes of the plaintext: AES-GCM ciphertext is exactly as long as its plaintext. */
  readonly plaintextLength: number;
  readonly type: EncType;
}

const B64 = "[A-Za-z0-9+/]*={0,2}";
/** sops's value format, stricter than sops's own regex so that a hand-made look-alike is caught. */
const ENC_VALUE = new RegExp(
  `^ENC\\[AES256_GCM,data:(${B64}),iv:(${B64}),tag:(${B64}),type:(str|int|int64|float|bool|bytes|time|comment)\\]$`,
);

/** Parses an `ENC[AES256_GCM,data:...,iv:...,tag:...,type:...]` value; undefined when it is not one sops can decrypt. */
export function parseEncValue(value: string): EncValue | undefined {
  if (!value.startsWith("ENC[")) return undefined;
  const m = ENC_VALUE.exec(value);
  if (!m) return undefined;
  const [, data, iv, tag, type] = m;
  if (data.length === 0 || data.length % 4 !== 0 || iv.length === 0 || iv.length % 4 !== 0) return undefined;
  if (base64DecodedLength(tag) !== 16) return undefined;
  return { plaintextLength: base64DecodedLength(data), type: type as EncType };
}

/** Bytes that a padded base64 string decodes to, without decoding it. */
export function base64DecodedLength(b64: string): number {
  const padding = b64.endsWith("==") ? 2 : b64.endsWith("=") ? 1 : 0;
  return (b64.length / 4) * 3 - padding;
}

/** The file's encryption rules, compiled once per file (and each regex once per process). */
export interface EncryptionRules {
  readonly unencryptedSuffix?: string;
  readonly encryptedSuffix?: string;
  readonly unencryptedRegex?: GoRegExp;
  readonly encryptedRegex?: GoRegExp;
  /** True when a comment-based rule is set: which values are encrypted depends on comments. */
  readonly commentRules: boolean;
}

export interface EncryptionRulesResult {
  readonly rules: EncryptionRules;
  /** Why sops would refuse the metadata (more than one rule, a regex that cannot be compiled). */
  readonly problems: readonly string[];
}

/** The six mutually exclusive rules: sops key name and EncryptionSettings field. */
export const RULE_FIELDS = [
  ["unencrypted_suffix", "unencryptedSuffix"],
  ["encrypted_suffix", "encryptedSuffix"],
  ["unencrypted_regex", "unencryptedRegex"],
  ["encrypted_regex", "encryptedRegex"],
  ["unencrypted_comment_regex", "unencryptedCommentRegex"],
  ["encrypted_comment_regex", "encryptedCommentRegex"],
] as const;

/**
 * The settings sops actually applies: when none of the six rules is set, `unencrypted_suffix: _unencrypted`
 * (sops's default both when encrypting without a rule and when reading a file that records none).
 */
export function effectiveEncryptionSettings(settings: EncryptionSettings): EncryptionSettings {
  const out: { -readonly [K in keyof EncryptionSettings]: EncryptionSettings[K] } = {
    macOnlyEncrypted: settings.macOnlyEncrypted,
  };
  for (const [, field] of RULE_FIELDS) if (settings[field]) out[field] = settings[field];
  if (RULE_FIELDS.every(([, field]) => !out[field])) out.unencryptedSuffix = DEFAULT_UNENCRYPTED_SUFFIX;
  return out;
}

/** True when two sets of settings make sops encrypt differently (compared after applying the default). */
export function sameEncryptionSettings(a: EncryptionSettings, b: EncryptionSettings): boolean {
  const ea = effectiveEncryptionSettings(a);
  const eb = effectiveEncryptionSettings(b);
  return (
    ea.macOnlyEncrypted === eb.macOnlyEncrypted && RULE_FIELDS.every(([, field]) => ea[field] === eb[field])
  );
}

/** Longest setting value quoted in a message (settings are configuration, not secrets, but stay short). */
const MAX_SETTING_LENGTH = 60;

/** `encrypted_regex "^(data|stringData)$", mac_only_encrypted` (after applying the default). */
export function describeEncryptionSettings(settings: EncryptionSettings): string {
  const effective = effectiveEncryptionSettings(settings);
  const parts: string[] = [];
  for (const [name, field] of RULE_FIELDS) {
    const value = effective[field];
    if (!value) continue;
    const shown = value.length > MAX_SETTING_LENGTH ? `${value.slice(0, MAX_SETTING_LENGTH)}…` : value;
    parts.push(`${name} ${JSON.stringify(shown)}`);
  }
  if (effective.macOnlyEncrypted) parts.push("mac_only_encrypted");
  return parts.join(", ");
}

export function encryptionRules(metadata: EncryptionSettings): EncryptionRulesResult {
  const problems: string[] = [];
  const set = RULE_FIELDS.filter(([, field]) => !!metadata[field]);
  if (set.length > 1) {
    problems.push(
      `sets more than one encryption rule (${set.map(([name]) => name).join(", ")}), which sops refuses to read`,
    );
  }
  const regex = (name: string, source: string | undefined): GoRegExp | undefined => {
    if (!source) return undefined;
    try {
      return compileGoRegExp(source);
    } catch (e) {
      problems.push(`has a ${name} that is not a valid regular expression (${(e as Error).message})`);
      return undefined;
    }
  };
  const rules: EncryptionRules = {
    unencryptedSuffix:
      set.length === 0 ? DEFAULT_UNENCRYPTED_SUFFIX : metadata.unencryptedSuffix || undefined,
    encryptedSuffix: metadata.encryptedSuffix || undefined,
    unencryptedRegex: regex("unencrypted_regex", metadata.unencryptedRegex),
    encryptedRegex: regex("encrypted_regex", metadata.encryptedRegex),
    commentRules: !!(metadata.unencryptedCommentRegex || metadata.encryptedCommentRegex),
  };
  if (!rules.encryptedRegex && metadata.encryptedRegex) {
    // sops ignores a regex it cannot compile (`matched, _ := regexp.Match(...)`): nothing would match.
    return { rules: { ...rules, encryptedRegex: MATCH_NOTHING }, problems };
  }
  return { rules, problems };
}

/** One leaf of the data tree, as sops walks it. */
export interface Leaf {
  /**
   * Keys from the root; list indices are included as numbers for display (sops ignores them). The array is
   * reused during the walk: copy it to keep it.
   */
  readonly path: readonly (string | number)[];
  readonly value: string | number | boolean;
  /** Whether the file's rules say sops encrypted this value (empty strings are never encrypted). */
  readonly shouldBeEncrypted: boolean;
}

const US = 1;
const ES = 2;
const UR = 4;
const ER = 8;

/**
 * Calls `visit` for every non-null scalar of `data` with sops's verdict. The per-key tests run once per key
 * (their results are carried down the tree as bit flags), never once per leaf and path component.
 */
export function walkLeaves(
  data: Record<string, unknown>,
  rules: EncryptionRules,
  visit: (leaf: Leaf) => void,
): void {
  const path: (string | number)[] = [];
  const keyFlags = (key: string): number =>
    (rules.unencryptedSuffix !== undefined && key.endsWith(rules.unencryptedSuffix) ? US : 0) |
    (rules.encryptedSuffix !== undefined && key.endsWith(rules.encryptedSuffix) ? ES : 0) |
    (rules.unencryptedRegex?.test(key) ? UR : 0) |
    (rules.encryptedRegex?.test(key) ? ER : 0);
  const verdict = (flags: number): boolean => {
    let encrypted = true;
    if (rules.unencryptedSuffix !== undefined && flags & US) encrypted = false;
    if (rules.encryptedSuffix !== undefined) encrypted = (flags & ES) !== 0;
    if (rules.unencryptedRegex !== undefined && flags & UR) encrypted = false;
    if (rules.encryptedRegex !== undefined) encrypted = (flags & ER) !== 0;
    return encrypted;
  };
  const walk = (value: unknown, flags: number): void => {
    if (value === null || value === undefined) return;
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        path.push(i);
        walk(value[i], flags);
        path.pop();
      }
    } else if (typeof value === "object") {
      for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
        path.push(key);
        walk(child, flags | keyFlags(key));
        path.pop();
      }
    } else if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") {
      visit({ path, value, shouldBeEncrypted: value !== "" && verdict(flags) });
    }
  };
  walk(data, 0);
}

/**
 * `app.db.password`, `phoneNumbers[0].number`, `["odd key"]`: a key path for messages (keys only, never a
 * value). Keys other than `[A-Za-z_][A-Za-z0-9_-]*` are quoted, so that the path is unambiguous (`a.b` is
 * two keys, `["a.b"]` one). The one formatter of `check` and `review`.
 */
export function formatKeyPath(path: readonly (string | number)[]): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else if (!/^[A-Za-z_][A-Za-z0-9_-]*$/.test(part)) out += `[${JSON.stringify(part)}]`;
    else out += out === "" ? part : `.${part}`;
  }
  return out;
}
