/**
 * Estimates, without decrypting, how many bytes the SecretString that Secrets Manager stores for a file will
 * be (the service limit is 65,536 bytes).
 *
 * What is stored (src/stacks): for a JSON file, the sops provider's `raw` attribute; for YAML,
 * `jsonencode(yamldecode(raw))`; for dotenv, `jsonencode(data)`. carlpett/terraform-provider-sops sets
 * `raw` to `decrypt.Data(...)`, i.e. sops's JSON store `EmitPlainFile`: the tree encoded as `"key": value`
 * and re-indented with Go's `json.Indent(out, in, "", "\t")`, plus a final newline. So:
 *
 * - JSON files: pretty JSON, one member per line, TAB indentation, `": "` after keys, `{}`/`[]` when empty,
 *   trailing newline;
 * - YAML and dotenv files: compact JSON (`{"k":v,...}`), as Terraform's `jsonencode` writes it;
 * - INI files: the same, of the provider's flattened `data` (`section.key`);
 * - binary-format files (`input_type = "raw"`): the plaintext string itself, exactly as long as its ciphertext.
 *
 * Lengths come from the file itself: keys and unencrypted values are read as they are, and each encrypted
 * value's plaintext length is the length of its base64-decoded `data:` part (AES-GCM does not change the
 * length; the tag is stored apart). Types come from the `type:` field: `str` is a JSON string (two quotes
 * more), `int`/`float` print as they were written, `bool` is `True`/`False` in the ciphertext and
 * `true`/`false` in JSON (same length).
 *
 * The one thing that cannot be known without decrypting is how many characters of an encrypted string JSON
 * escapes (`"`, `\`, control characters such as newlines: +1 byte each; `<`, `>`, `&`, which Go and
 * Terraform write as `\u003c`...: +5 bytes each). The estimate counts none of them, so it is a lower bound
 * that is exact for values without such characters; the 90% warning leaves room for them.
 */
import { InputType } from "../discovery/discover-secrets";
import { parseEncValue } from "./encrypted-values";

/** Secrets Manager's limit on SecretString, in bytes. */
export const SECRET_STRING_MAX_BYTES = 65_536;

/**
 * `ini-flat`: compact JSON of the provider's `data` for an INI file, sections flattened to `section.key`
 * (the `DEFAULT` section's keys at the top); `raw`: the binary format's one string, stored as it is.
 */
export type StoredFormat = "pretty-json" | "compact-json" | "ini-flat" | "raw";

export function storedFormatFor(inputType: InputType): StoredFormat {
  switch (inputType) {
    case "json":
      return "pretty-json";
    case "ini":
      return "ini-flat";
    case "raw":
      return "raw";
    default:
      return "compact-json";
  }
}

/** Estimated byte length of the stored SecretString for a file's data tree (without the `sops` key). */
export function estimateStoredSize(data: Record<string, unknown>, format: StoredFormat): number {
  switch (format) {
    case "pretty-json":
      return pretty(data, 0) + 1;
    case "compact-json":
      return compact(data);
    case "ini-flat":
      return compact(flattenIniSections(data));
    case "raw": {
      const value = data.data;
      if (typeof value !== "string") return 0;
      return parseEncValue(value)?.plaintextLength ?? Buffer.byteLength(value, "utf8");
    }
  }
}

/** `{ DEFAULT: { a }, s: { b } }` → `{ a, "s.b" }`: what the provider's `data` holds for an INI file. */
function flattenIniSections(data: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [section, keys] of Object.entries(data)) {
    if (keys === null || typeof keys !== "object") continue;
    for (const [key, value] of Object.entries(keys as Record<string, unknown>))
      out[section === "DEFAULT" ? key : `${section}.${key}`] = value;
  }
  return out;
}

function pretty(value: unknown, depth: number): number {
  if (Array.isArray(value)) {
    const n = value.length;
    if (n === 0) return 2;
    let size = 2 + n * (depth + 2) + (n - 1) + 1 + depth;
    for (const item of value) size += pretty(item, depth + 1);
    return size;
  }
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>);
    const n = entries.length;
    if (n === 0) return 2;
    // "{" + per member: "\n" + tabs + key + ": " + value; "," between members; "\n" + tabs + "}"
    let size = 2 + n * (1 + depth + 1 + 2) + (n - 1) + 1 + depth;
    for (const [key, item] of entries) size += jsonStringLength(key) + pretty(item, depth + 1);
    return size;
  }
  return scalar(value);
}

function compact(value: unknown): number {
  if (Array.isArray(value)) {
    let size = 2 + Math.max(0, value.length - 1);
    for (const item of value) size += compact(item);
    return size;
  }
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>);
    let size = 2 + Math.max(0, entries.length - 1);
    for (const [key, item] of entries) size += jsonStringLength(key) + 1 + compact(item);
    return size;
  }
  return scalar(value);
}

function scalar(value: unknown): number {
  if (typeof value === "string") {
    const enc = parseEncValue(value);
    if (enc === undefined) return jsonStringLength(value);
    // a `time` value (YAML timestamp, sops >= 3.10) is a string once decoded and JSON-encoded
    return enc.type === "str" || enc.type === "bytes" || enc.type === "time"
      ? enc.plaintextLength + 2
      : enc.plaintextLength;
  }
  if (typeof value === "number") return Number.isFinite(value) ? JSON.stringify(value).length : 4;
  if (typeof value === "boolean") return value ? 4 : 5;
  return 4; // null
}

const PLAIN_ASCII = /^[\x20-\x21\x23-\x25\x27-\x3b\x3d\x3f-\x5b\x5d-\x7e]*$/;

/**
 * UTF-8 byte length of a string as Go's encoding/json (and Terraform's jsonencode) writes it: quotes;
 * `\"`, `\\`, `\n`, `\r`, `\t`, `\b`, `\f`; other control characters as `\u00XX`; `<`, `>`, `&`, U+2028 and
 * U+2029 as `\uXXXX`.
 */
export function jsonStringLength(s: string): number {
  if (PLAIN_ASCII.test(s)) return s.length + 2;
  let size = 2;
  for (const ch of s) {
    const c = ch.codePointAt(0) as number;
    if (c === 0x22 || c === 0x5c || c === 0x0a || c === 0x0d || c === 0x09 || c === 0x08 || c === 0x0c)
      size += 2;
    else if (c < 0x20 || c === 0x3c || c === 0x3e || c === 0x26 || c === 0x2028 || c === 0x2029) size += 6;
    else if (c < 0x80) size += 1;
    else if (c < 0x800) size += 2;
    else if (c < 0x10000) size += 3;
    else size += 4;
  }
  return size;
}
