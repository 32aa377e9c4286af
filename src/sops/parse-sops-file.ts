/**
 * Parses a sops-encrypted file (JSON, YAML, dotenv, INI or sops's binary format) into its data tree and its
 * `sops` metadata. Nothing is decrypted: values stay `ENC[...]` strings.
 */
import { Document, isAlias, isCollection, LineCounter, parseAllDocuments, parseDocument, visit } from "yaml";
import { Diagnostic } from "../diagnostics";
import { secretFileParseError, secretFileShapeError } from "../errors";
import { InputType } from "../discovery/discover-secrets";
import { isObject } from "../util/is-object";
import { readSopsMetadata, SopsMetadata } from "./sops-metadata";

export interface ParsedSopsFile {
  /**
   * The file's data without the `sops` key, as sops's tree: for dotenv a flat object of strings; for INI one
   * object per section (`DEFAULT` for keys before the first section); for the binary format `{ data }`.
   */
  readonly data: Record<string, unknown>;
  /** Undefined when the file has no `sops` metadata at all (a plaintext file). */
  readonly metadata?: SopsMetadata;
  /** How the `sops` key was written: a mapping (as sops writes it) or something else (then `metadata` is empty). */
  readonly metadataShape?: "mapping" | "other";
}

export type ParseResult =
  | { readonly ok: true; readonly file: ParsedSopsFile }
  | { readonly ok: false; readonly diagnostic: Diagnostic };

/** How messages name each format. */
export const FORMAT_NAMES: Readonly<Record<InputType, string>> = {
  json: "JSON",
  yaml: "YAML",
  dotenv: "dotenv",
  ini: "INI",
  raw: "sops binary-format JSON",
};

/** A shape sops writes but one secret cannot hold: reported as such, never as "cannot be parsed". */
interface ShapeProblem {
  readonly shape: string;
  readonly fix: string;
  readonly line?: number;
}

/**
 * Error messages never repeat the file's text: a parser's message or context can hold a value (V8's JSON
 * errors quote the input, yaml's quote tags, directives and escapes), so only fixed wording is used.
 *
 * @param path repository-relative path, used in diagnostics only
 * @param text the file's content
 */
export function parseSopsFile(path: string, text: string, inputType: InputType): ParseResult {
  const fail = (line: number | undefined, detail: string): ParseResult => ({
    ok: false,
    diagnostic: secretFileParseError(path, FORMAT_NAMES[inputType], line, detail),
  });
  const shape = (problem: ShapeProblem): ParseResult => ({
    ok: false,
    diagnostic: secretFileShapeError(path, problem.line, problem.shape, problem.fix),
  });
  if (text.charCodeAt(0) === 0xfeff)
    return fail(1, "starts with a byte-order mark (BOM), which sops never writes");
  let tree: unknown;
  if (inputType === "raw") return parseBinaryFormat(text, fail);
  if (inputType === "json") {
    try {
      tree = JSON.parse(text);
    } catch (e) {
      const { line, detail } = jsonErrorPosition(text, (e as Error).message);
      return fail(line, detail);
    }
    const duplicate = findDuplicateJsonKey(text);
    if (duplicate !== undefined) {
      return fail(lineAt(text, duplicate), "has a duplicate key (JSON parsers keep only the last one)");
    }
  } else if (inputType === "yaml") {
    const parsed = parseYaml(text);
    if ("shape" in parsed) return shape(parsed);
    if ("error" in parsed) return fail(parsed.line, parsed.error);
    tree = parsed.value;
  } else if (inputType === "ini") {
    const parsed = parseIni(text);
    if ("shape" in parsed) return shape(parsed);
    if ("error" in parsed) return fail(parsed.line, parsed.error);
    tree = parsed.value;
  } else {
    const parsed = parseDotenv(text);
    if ("shape" in parsed) return shape(parsed);
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
  if (!Object.prototype.hasOwnProperty.call(tree, "sops")) return { ok: true, file: { data } };
  if (!isObject(sops))
    return { ok: true, file: { data, metadata: readSopsMetadata({}), metadataShape: "other" } };
  return { ok: true, file: { data, metadata: readSopsMetadata(sops), metadataShape: "mapping" } };
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/**
 * Offset of the first key that repeats a key of the same object, or undefined. Runs only on text that
 * JSON.parse accepted, so it can be a simple scanner.
 */
function findDuplicateJsonKey(text: string): number | undefined {
  // Per open container: undefined for an array, else the keys seen so far and whether a key comes next.
  const stack: ({ keys: Set<string>; expectKey: boolean } | undefined)[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      const start = i;
      let escaped = false;
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 0x5c /* \ */) {
          escaped = true;
          i++;
        } else if (d === 0x22) break;
      }
      const top = stack[stack.length - 1];
      if (top?.expectKey) {
        const raw = text.slice(start, i + 1);
        const key = escaped ? (JSON.parse(raw) as string) : raw.slice(1, -1);
        if (top.keys.has(key)) return start;
        top.keys.add(key);
        top.expectKey = false;
      }
    } else if (c === 0x7b /* { */) stack.push({ keys: new Set(), expectKey: true });
    else if (c === 0x5b /* [ */) stack.push(undefined);
    else if (c === 0x7d /* } */ || c === 0x5d /* ] */) stack.pop();
    else if (c === 0x2c /* , */) {
      const top = stack[stack.length - 1];
      if (top) top.expectKey = true;
    }
  }
  return undefined;
}

const YAML_ERRORS: Record<string, string> = {
  DUPLICATE_KEY: "has a duplicate key",
  TAB_AS_INDENT: "uses a tab for indentation",
  BAD_INDENT: "has bad indentation",
};

/** YAML as sops writes it: one document, plain mappings, sequences and scalars. */
function parseYaml(text: string): { value: unknown } | { error: string; line?: number } | ShapeProblem {
  const lineCounter = new LineCounter();
  const doc: Document = parseDocument(text, { prettyErrors: false, uniqueKeys: true, lineCounter });
  const lineOf = (offset: number | undefined) =>
    offset === undefined ? undefined : lineCounter.linePos(offset).line;
  if (doc.errors.length > 0) {
    const err = doc.errors[0];
    if (err.code === "MULTIPLE_DOCS") {
      // Real sops output (stores/yaml/store.go: one branch per document, the `sops` block in each, one MAC
      // over all): sops reads it, but the provider's yamldecode takes one document and a secret is one object.
      const count = parseAllDocuments(text).length;
      return {
        shape:
          `holds ${count} YAML documents: sops encrypts a multi-document file as a whole, but this project ` +
          "makes one secret from one file, and one secret is one JSON object",
        fix: "split it into one file per document (one secret each): decrypt it with `sops decrypt`, move each document to its own file, and encrypt each with `sops encrypt --in-place`",
        line: lineOf(err.pos[0]),
      };
    }
    const detail =
      YAML_ERRORS[err.code] ?? `is not valid YAML (${err.code.toLowerCase().replace(/_/g, " ")})`;
    return { error: detail, line: lineOf(err.pos[0]) };
  }
  // sops never writes tags, anchors, aliases or complex keys. They hide values from the checks (a `!!set`
  // or an anchor on a null turns a value into something that is not a string) and yaml can warn or throw
  // with their text in the message: refuse them before converting.
  let problem: { error: string; line?: number } | undefined;
  visit(doc, {
    Pair(_, pair) {
      if (isCollection(pair.key)) {
        problem = {
          error: "has a key that is a list or mapping; sops writes string keys only",
          line: lineOf(pair.key.range?.[0]),
        };
        return visit.BREAK;
      }
      return undefined;
    },
    Node(_, node) {
      const what = isAlias(node)
        ? "an alias (*name)"
        : node.anchor
          ? "an anchor (&name)"
          : node.tag
            ? "a tag (!name)"
            : undefined;
      if (what) {
        problem = {
          error: `uses ${what}, which sops never writes: the file was edited by hand; restore it from Git and use \`sops edit\``,
          line: lineOf(node.range?.[0]),
        };
        return visit.BREAK;
      }
      return undefined;
    },
  });
  if (problem) return problem;
  try {
    return { value: doc.toJS({ maxAliasCount: 0 }) };
  } catch {
    return { error: "cannot be converted to data" };
  }
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
 * sops's dotenv format, exactly as stores/dotenv/store.go reads it: lines split on `\n` only; empty lines
 * skipped; a line starting with `#` is a comment; otherwise the key is everything before the first `=`, NOT
 * trimmed (`foo =x` has key `foo `, `export A=x` has key `export A`), and `\n` in the value is a newline. The
 * metadata is flattened into `sops_*` keys (`sops_kms__list_0__map_arn=...`, stores/flatten.go). sops keeps
 * a key that appears twice (its tree is a list); one JSON object cannot, so that is reported as a shape.
 */
function parseDotenv(
  text: string,
): { value: Record<string, unknown> } | { error: string; line: number } | ShapeProblem {
  const value: Record<string, unknown> = {};
  const firstLine = new Map<string, number>();
  const flatMetadata: Record<string, string> = {};
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line === "" || line.startsWith("#")) continue;
    const eq = line.indexOf("=");
    if (eq < 0) return { error: "expected KEY=VALUE (a line without `=`)", line: i + 1 };
    const key = line.slice(0, eq);
    const segments = (key.startsWith("sops_") ? key.slice(5) : key).split(/__map_|__list_/);
    if (FORBIDDEN_KEYS.has(key) || segments.some((part) => FORBIDDEN_KEYS.has(part))) {
      return { error: "uses a reserved key name (__proto__, constructor or prototype)", line: i + 1 };
    }
    const v = line.slice(eq + 1).replace(/\\n/g, "\n");
    if (key.startsWith("sops_")) flatMetadata[key.slice(5)] = v;
    else if (firstLine.has(key))
      return {
        shape:
          `has the key ${JSON.stringify(key)} twice (lines ${firstLine.get(key)} and ${i + 1}): sops accepts ` +
          "that, but one JSON object cannot hold two values for one key (the provider would keep only the last)",
        fix: "keep one of the two lines: `sops edit` the file and delete the other",
        line: i + 1,
      };
    else {
      firstLine.set(key, i + 1);
      value[key] = v;
    }
  }
  if (Object.keys(flatMetadata).length > 0) value.sops = unflatten(flatMetadata);
  return { value };
}

/** go-ini's name for the keys before the first section (what sops's INI store calls that section). */
export const INI_DEFAULT_SECTION = "DEFAULT";

/**
 * sops's INI format (stores/ini/store.go, gopkg.in/ini.v1 as sops writes it): `[section]` headers,
 * `key = value` lines (both trimmed; go-ini's `"""` multi-line and quoted values unwrapped), `;` and `#`
 * comment lines, the metadata in a `[sops]` section
 * flattened like dotenv's with `\n` escaped. The tree is `{ section: { key: value } }`, keys before the
 * first section under `DEFAULT`. Stored as the provider's `data`, which flattens it to `section.key` (see
 * `iniStoredKeys`): two entries that flatten to one key cannot become one JSON object.
 */
function parseIni(
  text: string,
): { value: Record<string, unknown> } | { error: string; line: number } | ShapeProblem {
  const value: Record<string, Record<string, string>> = {};
  const flatMetadata: Record<string, string> = {};
  const sectionLine = new Map<string, number>();
  const storedKeyLine = new Map<string, number>();
  let section = INI_DEFAULT_SECTION;
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].replace(/\r$/, "").trim();
    if (line === "" || line.startsWith(";") || line.startsWith("#")) continue;
    const header = /^\[(.*)\]$/.exec(line);
    if (header) {
      section = header[1].trim();
      if (FORBIDDEN_KEYS.has(section))
        return { error: "uses a reserved section name (__proto__, constructor or prototype)", line: i + 1 };
      if (sectionLine.has(section))
        return {
          shape:
            `has the section [${section}] twice (lines ${sectionLine.get(section)} and ${i + 1}): sops accepts ` +
            "that, but the provider keeps only the last one, so one JSON object cannot hold both",
          fix: "merge the two sections into one with `sops edit`",
          line: i + 1,
        };
      sectionLine.set(section, i + 1);
      continue;
    }
    const eq = line.indexOf("=");
    if (eq <= 0) return { error: "expected `key = value` or a `[section]` header", line: i + 1 };
    const key = line.slice(0, eq).trim();
    let v = line.slice(eq + 1).trim();
    if (v.startsWith('"""')) {
      // go-ini's multi-line value (older sops wrote the [sops] `enc` blocks so): up to the closing `"""`
      const first = i + 1;
      let body = v.slice(3);
      while (!body.includes('"""') && i + 1 < lines.length) body += "\n" + lines[++i].replace(/\r$/, "");
      const end = body.indexOf('"""');
      if (end < 0) return { error: 'a `"""` value is never closed', line: first };
      v = body.slice(0, end);
    } else if (v.length >= 2 && (v[0] === '"' || v[0] === "`") && v.endsWith(v[0])) v = v.slice(1, -1);
    if (FORBIDDEN_KEYS.has(key))
      return { error: "uses a reserved key name (__proto__, constructor or prototype)", line: i + 1 };
    if (section === "sops") {
      flatMetadata[key] = v.replace(/\\n/g, "\n");
      continue;
    }
    const stored = section === INI_DEFAULT_SECTION ? key : `${section}.${key}`;
    if (storedKeyLine.has(stored))
      return {
        shape:
          `has two entries stored as the key ${JSON.stringify(stored)} (lines ${storedKeyLine.get(stored)} and ` +
          `${i + 1}): the provider flattens sections to \`section.key\`, and one JSON object cannot hold both`,
        fix: "rename one of them with `sops edit`",
        line: i + 1,
      };
    storedKeyLine.set(stored, i + 1);
    (value[section] ??= {})[key] = v;
  }
  const tree: Record<string, unknown> = { ...value };
  if (Object.keys(flatMetadata).length > 0) tree.sops = unflatten(flatMetadata);
  return { value: tree };
}

/**
 * sops's binary format, used for every extension other than json/yaml/yml/env/ini (stores/json BinaryStore):
 * the whole plaintext is one string under `data`, written as `{"data": "ENC[...]", "sops": {...}}`. A file
 * that is not that JSON is treated as plaintext (no metadata: rule SS001), never parsed further, so nothing
 * of its content reaches a message.
 */
function parseBinaryFormat(
  text: string,
  fail: (line: number | undefined, detail: string) => ParseResult,
): ParseResult {
  let tree: unknown;
  try {
    tree = JSON.parse(text);
  } catch {
    return { ok: true, file: { data: {} } };
  }
  if (!isObject(tree) || !Object.prototype.hasOwnProperty.call(tree, "sops"))
    return { ok: true, file: { data: {} } };
  const { sops, ...data } = tree;
  const extra = Object.keys(data).filter((k) => k !== "data");
  if (extra.length > 0 || typeof data.data !== "string")
    return fail(
      undefined,
      extra.length > 0
        ? `a sops binary-format file holds exactly "data" and "sops", this one also ${extra.map((k) => JSON.stringify(k)).join(", ")}`
        : `a sops binary-format file holds its content as one string under "data"`,
    );
  if (!isObject(sops))
    return { ok: true, file: { data, metadata: readSopsMetadata({}), metadataShape: "other" } };
  return { ok: true, file: { data, metadata: readSopsMetadata(sops), metadataShape: "mapping" } };
}

/** Keys that would reach Object.prototype through plain objects. */
const FORBIDDEN_KEYS = new Set(["__proto__", "constructor", "prototype"]);

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
