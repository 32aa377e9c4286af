/**
 * Adds an environment's creation rule to `.sops.yaml` without touching anything else: the file is parsed with
 * the `yaml` Document API to find the `creation_rules` items, and the new rule's text is spliced in at the
 * right place, so every comment, every other rule and the file's formatting stay byte-identical (re-printing
 * the document would re-indent it and respace comments). The result is parsed again and checked.
 *
 * sops uses the first rule whose `path_regex` matches a file, so the rule goes before the first rule that
 * would match the new environment's files: a catch-all (no `path_regex`, or one matching everything), or any
 * broader rule; otherwise at the end.
 */
import { Document, isMap, isScalar, isSeq, parseDocument, Scalar, YAMLMap, YAMLSeq } from "yaml";
import { tryCompileGoRegExp } from "../sops/go-regexp";
import { SOPS_CONFIG_FILE } from "../sops/sops-config";

export { SOPS_CONFIG_FILE };

/** `^secrets/<env>/.*\.enc\.(json|ya?ml|env)$`: the `path_regex` of an environment's rule. */
export function environmentPathRegex(environment: string): string {
  return `^secrets/${environment}/.*\\.enc\\.(json|ya?ml|env)$`;
}

export type AddRuleResult =
  | {
      readonly ok: true;
      readonly text: string;
      /** Position of the new rule in creation_rules. */ readonly index: number;
    }
  | { readonly ok: false; readonly problem: string };

interface RuleInfo {
  /** Undefined when the rule has no path_regex. */
  readonly pathRegex?: string;
}

/**
 * Reads the creation rules of a `.sops.yaml` text; a problem when it is not YAML sops can read.
 * `undefined` text (no file) has no rules.
 */
export function readCreationRules(text: string | undefined): { rules: RuleInfo[] } | { problem: string } {
  if (text === undefined) return { rules: [] };
  const doc = parseDocument(text);
  if (doc.errors.length > 0)
    return { problem: `${SOPS_CONFIG_FILE} is not valid YAML: ${doc.errors[0].message.split("\n")[0]}` };
  if (doc.contents === null) return { rules: [] };
  if (!isMap(doc.contents))
    return { problem: `${SOPS_CONFIG_FILE} must be a mapping with a "creation_rules" list` };
  const node = doc.contents.get("creation_rules", true);
  if (node === undefined || (isScalar(node) && node.value === null)) return { rules: [] };
  if (!isSeq(node)) return { problem: `"creation_rules" in ${SOPS_CONFIG_FILE} must be a list` };
  const rules: RuleInfo[] = [];
  for (const [i, item] of node.items.entries()) {
    if (!isMap(item)) return { problem: `creation_rules[${i}] in ${SOPS_CONFIG_FILE} must be a mapping` };
    const regex = item.get("path_regex");
    rules.push(regex === undefined || regex === null ? {} : { pathRegex: String(regex) });
  }
  return { rules };
}

/** Sample paths of a new environment's files, one per format, as sops matches them (relative to .sops.yaml). */
function samplePaths(environment: string): string[] {
  return ["json", "yaml", "yml", "env"].map((ext) => `secrets/${environment}/app.enc.${ext}`);
}

/** Whether sops would use `rule` for some file of `environment` (unreadable regexes count as matching). */
function ruleMatches(rule: RuleInfo, environment: string): boolean {
  if (rule.pathRegex === undefined) return true;
  const compiled = tryCompileGoRegExp(rule.pathRegex);
  if ("error" in compiled) return true;
  return samplePaths(environment).some((p) => compiled.regex.test(p));
}

/**
 * Whether a rule is specific to `environment` (it matches its files but not another environment's), i.e. the
 * environment already has a rule. A catch-all matches every environment and is not specific.
 */
export function ruleIsForEnvironment(rule: RuleInfo, environment: string): boolean {
  if (rule.pathRegex === undefined) return false;
  if (rule.pathRegex.includes(`secrets/${environment}/`)) return true;
  const other = environment === "other-environment" ? "another-environment" : "other-environment";
  return ruleMatches(rule, environment) && !ruleMatches(rule, other);
}

/** Where the new environment's rule goes: before the first rule that would match its files, else at the end. */
export function insertionIndex(rules: readonly RuleInfo[], environment: string): number {
  const i = rules.findIndex((rule) => ruleMatches(rule, environment));
  return i === -1 ? rules.length : i;
}

/** Returns `.sops.yaml` with the environment's rule added (a new file when `text` is undefined). */
export function addCreationRule(
  text: string | undefined,
  environment: string,
  kmsArn: string,
): AddRuleResult {
  const read = readCreationRules(text);
  if ("problem" in read) return { ok: false, problem: read.problem };
  const index = insertionIndex(read.rules, environment);
  const rule = { path_regex: environmentPathRegex(environment), kms: kmsArn };
  const result = text === undefined ? newFile(rule) : splice(text, index, rule);
  // Check the edit: the same rules, with the new one at `index`.
  const before = text === undefined ? [] : rulesJson(text);
  const expected = [...before.slice(0, index), rule, ...before.slice(index)];
  if (JSON.stringify(rulesJson(result)) !== JSON.stringify(expected))
    return {
      ok: false,
      problem:
        `could not add the rule to ${SOPS_CONFIG_FILE} safely (unusual layout); add it by hand as creation_rules[${index}]: ` +
        `{ path_regex: '${rule.path_regex}', kms: '${kmsArn}' }`,
    };
  return { ok: true, text: result, index };
}

interface NewRule {
  readonly path_regex: string;
  readonly kms: string;
}

function newFile(rule: NewRule): string {
  return (
    "# sops creation rules: which KMS key encrypts which files. The first rule whose path_regex matches is used.\n" +
    new Document({ creation_rules: [rule] }).toString({ lineWidth: 0 })
  );
}

function splice(text: string, index: number, rule: NewRule): string {
  const doc = parseDocument(text);
  const eol = text.includes("\r\n") ? "\r\n" : "\n";
  const root = doc.contents as YAMLMap | null;
  const seq = root?.get("creation_rules", true);
  if (!isSeq(seq) || seq.flow || seq.items.length === 0) return viaDocument(doc, root, index, rule);
  const items = seq.items as YAMLMap[];
  const styles = scalarStyles(items);

  const anchor = items[Math.min(index, items.length - 1)];
  const anchorStart = anchor.range![0];
  const anchorLineStart = lineStart(text, anchorStart);
  const prefix = text.slice(anchorLineStart, anchorStart);
  const dash = /^([ \t]*)-[ \t]+$/.exec(prefix);
  if (!dash) return viaDocument(doc, root, index, rule);
  const rendered = renderRule(rule, dash[1], prefix.length, styles, eol);
  const blankSeparated = items.some(
    (item, k) =>
      k > 0 && isBlank(previousLine(text, commentBlockStart(text, lineStart(text, item.range![0])))),
  );

  if (index < items.length) {
    // Before the anchor item, and before the comment lines directly above it (they describe it).
    const at = commentBlockStart(text, anchorLineStart);
    const separator = isBlank(previousLine(text, at)) ? eol : "";
    return text.slice(0, at) + rendered + separator + text.slice(at);
  }
  // After the last item: at the start of the line after its value.
  const valueEnd = anchor.range![1];
  let at = text[valueEnd - 1] === "\n" ? valueEnd : text.indexOf("\n", valueEnd);
  let lead = "";
  if (at === -1) {
    at = text.length;
    lead = eol;
  } else if (at !== valueEnd) at += 1;
  return text.slice(0, at) + lead + (blankSeparated ? eol : "") + rendered + text.slice(at);
}

/** Fallback for layouts the splice does not handle (flow list, empty list): edit the document and re-print it. */
function viaDocument(doc: Document, root: YAMLMap | null, index: number, rule: NewRule): string {
  const node = doc.createNode(rule);
  const seq = root?.get("creation_rules", true);
  if (isSeq(seq)) (seq as YAMLSeq).items.splice(index, 0, node);
  else if (root) root.set("creation_rules", doc.createNode([rule]));
  else doc.contents = doc.createNode({ creation_rules: [rule] }) as unknown as typeof doc.contents;
  return doc.toString({ lineWidth: 0 });
}

interface Styles {
  readonly path_regex?: Scalar.Type;
  readonly kms?: Scalar.Type;
}

/** The quoting the existing rules use for path_regex and kms, to write the new rule the same way. */
function scalarStyles(items: readonly YAMLMap[]): Styles {
  const style = (key: string): Scalar.Type | undefined => {
    for (const item of items) {
      const v = item.get(key, true);
      if (isScalar(v) && v.type && ["PLAIN", "QUOTE_SINGLE", "QUOTE_DOUBLE"].includes(v.type)) return v.type;
    }
    return undefined;
  };
  return { path_regex: style("path_regex"), kms: style("kms") };
}

function renderRule(
  rule: NewRule,
  dashIndent: string,
  keyColumn: number,
  styles: Styles,
  eol: string,
): string {
  const line = (key: keyof NewRule): string => {
    const scalar = new Scalar(rule[key]);
    if (styles[key]) scalar.type = styles[key];
    return `${key}: ${scalarText(scalar)}`;
  };
  return `${dashIndent}- ${line("path_regex")}${eol}${" ".repeat(keyColumn)}${line("kms")}${eol}`;
}

function scalarText(scalar: Scalar): string {
  const doc = new Document(scalar);
  return doc.toString({ lineWidth: 0 }).replace(/\n$/, "");
}

function rulesJson(text: string): unknown[] {
  const value = parseDocument(text).toJS() as { creation_rules?: unknown[] } | null;
  return value?.creation_rules ?? [];
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf("\n", offset - 1) + 1;
}

/** Start of the run of comment lines directly above the line starting at `start` (or `start` itself). */
function commentBlockStart(text: string, start: number): number {
  let at = start;
  while (at > 0) {
    const prev = lineStart(text, at - 1);
    if (!/^[ \t]*#/.test(text.slice(prev, at))) break;
    at = prev;
  }
  return at;
}

/** The line that ends just before `start` (a line start), or undefined at the top of the file. */
function previousLine(text: string, start: number): string | undefined {
  if (start === 0) return undefined;
  return text.slice(lineStart(text, start - 1), start - 1);
}

function isBlank(line: string | undefined): boolean {
  return line !== undefined && /^[ \t\r]*$/.test(line);
}
