/**
 * Parses a sops-encrypted file (JSON, YAML or dotenv) into its data tree and its `sops` metadata.
 * Nothing is decrypted: values stay `ENC[...]` strings.
 */
import { LineCounter, parseDocument } from "yaml";
import { Diagnostic } from "../diagnostics";
import { secretFileParseError } from "../errors";
import { InputType } from "../discovery/discover-secrets";
import { isObject, readSopsMetadata, SopsMetadata } from "./sops-metadata";

export interface ParsedSopsFile {
  /** The file's data without the `sops` key. For dotenv: a flat object of strings. */
  readonly data: Record<string, unknown>;
  /** Undefined when the file has no `sops` metadata at all (a plaintext file). */
  readonly metadata?: SopsMetadata;
}

export type ParseResult =
  | { readonly ok: true; readonly file: ParsedSopsFile }
  | { readonly ok: false; readonly diagnostic: Diagnostic };

const FORMAT_NAMES: Record<InputType, string> = { json: "JSON", yaml: "YAML", dotenv: "dotenv" };

/**
 * @param path repository-relative path, used in diagnostics only
 * @param text the file's content
 */
export function parseSopsFile(path: string, text: string, inputType: InputType): ParseResult {
  const fail = (line: number | undefined, detail: string): ParseResult => ({
    ok: false,
    diagnostic: secretFileParseError(path, FORMAT_NAMES[inputType], line, detail),
  });
  let tree: unknown;
  if (inputType === "json") {
    try {
      tree = JSON.parse(text);
    } catch (e) {
      const { line, detail } = jsonErrorPosition(text, (e as Error).message);
      return fail(line, detail);
    }
  } else if (inputType === "yaml") {
    const lineCounter = new LineCounter();
    const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true, lineCounter });
    if (doc.errors.length > 0) {
      const err = doc.errors[0];
      return fail(lineCounter.linePos(err.pos[0]).line, err.message.split("\n")[0]);
    }
    tree = doc.toJS({ maxAliasCount: 100 });
  } else {
    const parsed = parseDotenv(text);
    if ("error" in parsed) return fail(parsed.line, parsed.error);
    tree = parsed.value;
  }
  if (!isObject(tree)) {
    return fail(
      undefined,
      `the top level must be an object of keys, found ${Array.isArray(tree) ? "an array" : tree === null ? "null" : typeof tree}`,
    );
  }
  const { sops, ...data } = tree;
  if (sops === undefined) return { ok: true, file: { data } };
  if (!isObject(sops)) return { ok: true, file: { data, metadata: readSopsMetadata({}) } };
  return { ok: true, file: { data, metadata: readSopsMetadata(sops) } };
}

function jsonErrorPosition(text: string, message: string): { line?: number; detail: string } {
  const cleaned = message
    .replace(/\s*in JSON at position \d+.*$/, "")
    .replace(/\s*\(line \d+ column \d+\)$/, "");
  // V8 quotes the text around some errors (`Unexpected token 'h', "{"a": hunter2}" is not valid JSON`):
  // that text may be a secret value, so a message that quotes anything is never repeated.
  const detail = /["'`]/.test(cleaned) ? "unexpected character (not valid JSON)" : cleaned;
  const lineCol = /line (\d+) column (\d+)/.exec(message);
  if (lineCol) return { line: Number(lineCol[1]), detail };
  const pos = /position (\d+)/.exec(message);
  if (pos) return { line: text.slice(0, Number(pos[1])).split("\n").length, detail };
  if (/Unexpected end of JSON input/.test(message)) return { line: text.split("\n").length, detail };
  return { detail };
}

/**
 * sops's dotenv format: `KEY=VALUE` lines, `#` comments, and the metadata flattened into `sops_*` keys
 * (`sops_kms__list_0__map_arn=...`), as sops's stores/dotenv and stores/flatten.go write them.
 */
function parseDotenv(text: string): { value: Record<string, unknown> } | { error: string; line: number } {
  const value: Record<string, unknown> = {};
  const flatMetadata: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.trim() === "" || line.trimStart().startsWith("#")) continue;
    const eq = line.indexOf("=");
    if (eq <= 0) return { error: "expected KEY=VALUE", line: i + 1 };
    const key = line.slice(0, eq);
    if (/\s/.test(key)) return { error: "a key may not contain white space", line: i + 1 };
    const v = line.slice(eq + 1).replace(/\\n/g, "\n");
    if (key.startsWith("sops_")) flatMetadata[key.slice(5)] = v;
    else if (Object.prototype.hasOwnProperty.call(value, key))
      return { error: `duplicate key ${key}`, line: i + 1 };
    else value[key] = v;
  }
  if (Object.keys(flatMetadata).length > 0) value.sops = unflatten(flatMetadata);
  return { value };
}

/** Inverse of sops's flatten.go: `kms__list_0__map_arn` → `{ kms: [{ arn }] }`. */
export function unflatten(flat: Record<string, string>): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [flatKey, raw] of Object.entries(flat)) {
    const parts = flatKey.split(/(__map_|__list_)/);
    // parts: [first, sep, key, sep, key, ...]
    const path: (string | number)[] = [parts[0]];
    for (let i = 1; i < parts.length; i += 2)
      path.push(parts[i] === "__list_" ? Number(parts[i + 1]) : parts[i + 1]);
    let node: Record<string | number, unknown> = root;
    for (let i = 0; i < path.length - 1; i++) {
      const k = path[i];
      const nextIsIndex = typeof path[i + 1] === "number";
      if (node[k] === undefined) node[k] = nextIsIndex ? [] : {};
      node = node[k] as Record<string | number, unknown>;
    }
    const last = path[path.length - 1];
    node[last] = raw === "true" ? true : raw === "false" ? false : raw;
  }
  return root;
}
