/**
 * `.sops.yaml`: the creation rules that tell sops which keys a new file is encrypted for. Parsed and matched
 * as getsops/sops `config/config.go` does (`parseCreationRuleForFile`, `getKeyGroupsFromCreationRule`):
 *
 * - The file is `.sops.yaml` (sops ignores `.sops.yml`, with a warning). sops looks for it from the CURRENT
 *   WORKING DIRECTORY upwards, never from the encrypted file's folder (cmd/sops/main.go calls
 *   `config.LookupConfigFile(".")`; config/config.go `LookupConfigFile` walks `path.Dir(start)`, then `..`,
 *   up to 100 levels). This project runs sops from the project root, so the project root's `.sops.yaml` is
 *   the one that applies, and the only one read here. A `.sops.yaml` that is a folder is found by sops (it
 *   only stats the name) and then fails to read; a multi-document file is decoded by `yaml.Unmarshal`, which
 *   reads the first document only.
 * - `path_regex` is a Go regular expression matched (unanchored) against the file's path relative to the
 *   folder that holds `.sops.yaml`, with `/` separators.
 * - Rules are tried in order; the first that matches wins; a rule without `path_regex` matches every file.
 * - Keys: `kms`, `age`, `pgp`, `gcp_kms`, `azure_keyvault`, `hc_vault_transit_uri`, `hckms`, each a comma-separated
 *   string or a list of strings; a `kms` entry may carry a role as `<key-arn>+<role-arn>`. Or `key_groups`:
 *   a list of groups with `kms` ({arn, role, context, aws_profile}), `age`, `pgp`, `gcp_kms` ({resource_id}),
 *   `azure_keyvault` ({vaultUrl, key, version}), `hc_vault` (URIs) and `merge` (nested groups).
 * - Encryption settings: at most one of `unencrypted_suffix`, `encrypted_suffix`, `unencrypted_regex`,
 *   `encrypted_regex`, `unencrypted_comment_regex`, `encrypted_comment_regex` (`configFromRule` refuses more),
 *   and `mac_only_encrypted`. None set means sops's default, `unencrypted_suffix: _unencrypted`.
 *
 * Pure apart from `readSopsConfig`, which reads the one file.
 */
import * as fs from "fs";
import * as path from "path";
import { isMap, isSeq, LineCounter, parseAllDocuments, parseDocument } from "yaml";
import { RULE_FIELDS } from "./encrypted-values";
import { GoRegExp, tryCompileGoRegExp } from "./go-regexp";
import { azureId, GroupKey, keyGroup, KeyGroups, kmsId, kmsIdFromRuleString, pgpId } from "./key-groups";
import { EncryptionSettings, Recipient, RecipientType } from "./sops-metadata";
import { isObject } from "../util/is-object";

export const SOPS_CONFIG_FILE = ".sops.yaml";
/** The name people expect to work, which sops ignores. */
export const SOPS_CONFIG_IGNORED_NAME = ".sops.yml";

export interface CreationRule {
  /** 0-based position in `creation_rules`. */
  readonly index: number;
  /** 1-based line of the rule in `.sops.yaml`, when known. */
  readonly line?: number;
  /** The `path_regex` as written; undefined when the rule matches every file. */
  readonly pathRegex?: string;
  /** Every key the rule names (all key groups together), without duplicates. */
  readonly recipients: readonly Recipient[];
  /** The rule's key groups and `shamir_threshold`, as `sops updatekeys` compares them (src/sops/key-groups.ts). */
  readonly keyGroups: KeyGroups;
  /**
   * What the rule tells sops to encrypt (`unencrypted_suffix`, `encrypted_regex`, ..., `mac_only_encrypted`)
   * as written; none set means sops's default, `unencrypted_suffix: _unencrypted`.
   */
  readonly encryption: EncryptionSettings;
  /** @internal compiled `path_regex` */
  readonly regex?: GoRegExp;
}

export interface SopsConfigProblem {
  readonly message: string;
  readonly line?: number;
}

export interface SopsConfig {
  readonly rules: readonly CreationRule[];
  /** Problems that make sops reject the file or a rule (a rule with a problem is left out of `rules`). */
  readonly problems: readonly SopsConfigProblem[];
}

export type ReadSopsConfigResult =
  | { readonly found: true; readonly config: SopsConfig }
  | { readonly found: false; readonly ignoredAlternative: boolean };

/** Reads `<root>/.sops.yaml`. */
export function readSopsConfig(root: string): ReadSopsConfigResult {
  let text: string;
  const file = path.join(root, SOPS_CONFIG_FILE);
  if (fs.statSync(file, { throwIfNoEntry: false })?.isDirectory()) {
    const message =
      "is a folder, not a file: sops finds it by name and then fails to read it, so no file has a creation rule";
    return { found: true, config: { rules: [], problems: [{ message }] } };
  }
  try {
    text = fs.readFileSync(file, "utf8");
  } catch {
    return { found: false, ignoredAlternative: fs.existsSync(path.join(root, SOPS_CONFIG_IGNORED_NAME)) };
  }
  return { found: true, config: parseSopsConfig(text) };
}

const KEY_FIELDS: readonly [string, RecipientType][] = [
  ["kms", "kms"],
  ["age", "age"],
  ["pgp", "pgp"],
  ["gcp_kms", "gcp_kms"],
  ["azure_keyvault", "azure_kv"],
  ["hc_vault_transit_uri", "hc_vault"],
  ["hckms", "hckms"],
];

/** Parses the text of a `.sops.yaml`. */
export function parseSopsConfig(text: string): SopsConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    const err = doc.errors[0];
    if (err.code === "MULTIPLE_DOCS") {
      const count = parseAllDocuments(text).length;
      return {
        rules: [],
        problems: [
          {
            message:
              `holds ${count} YAML documents (separated by \`---\`): sops reads only the first one and ` +
              "silently ignores the rest, so rules in the others never apply; keep one document",
            line: lineCounter.linePos(err.pos[0]).line,
          },
        ],
      };
    }
    return {
      rules: [],
      problems: [
        { message: `is not valid YAML (${err.message.split("\n")[0]})`, line: err.linePos?.[0]?.line },
      ],
    };
  }
  const tree: unknown = doc.toJS({ maxAliasCount: 100 });
  const rulesNode = isMap(doc.contents) ? doc.contents.get("creation_rules", true) : undefined;
  const lineOf = (i: number): number | undefined => {
    const item = isSeq(rulesNode) ? rulesNode.items[i] : undefined;
    const range = (item as { range?: [number, number, number] } | undefined)?.range;
    return range ? lineCounter.linePos(range[0]).line : undefined;
  };
  const topLine = (): number | undefined => {
    const range = (rulesNode as { range?: [number, number, number] } | undefined)?.range;
    return range ? lineCounter.linePos(range[0]).line : undefined;
  };
  const rawRules = isObject(tree) ? tree.creation_rules : undefined;
  if (rawRules === undefined || rawRules === null) {
    return {
      rules: [],
      problems: [{ message: "has no creation_rules, so sops has no keys to encrypt new files with" }],
    };
  }
  if (!Array.isArray(rawRules)) {
    return { rules: [], problems: [{ message: "creation_rules must be a list of rules", line: topLine() }] };
  }
  const rules: CreationRule[] = [];
  const problems: SopsConfigProblem[] = [];
  rawRules.forEach((raw, index) => {
    const line = lineOf(index);
    const rule = parseRule(raw, index, line);
    if (typeof rule === "string") problems.push({ message: `creation rule #${index + 1}: ${rule}`, line });
    else rules.push(rule);
  });
  return { rules, problems };
}

/** One creation rule, or why sops would reject it. */
function parseRule(raw: unknown, index: number, line: number | undefined): CreationRule | string {
  if (!isObject(raw)) return "must be a mapping of path_regex and keys";
  let regex: GoRegExp | undefined;
  let pathRegex: string | undefined;
  if (raw.path_regex !== undefined && raw.path_regex !== null && raw.path_regex !== "") {
    if (typeof raw.path_regex !== "string") return "path_regex must be a string";
    const compiled = tryCompileGoRegExp(raw.path_regex);
    if ("error" in compiled) return `path_regex is not a valid regular expression (${compiled.error})`;
    regex = compiled.regex;
    pathRegex = raw.path_regex;
  }
  const recipients = new RecipientSet();
  const groups: GroupKey[][] = [];
  try {
    if (Array.isArray(raw.key_groups) && raw.key_groups.length > 0) {
      for (const group of raw.key_groups) {
        if (!isObject(group)) return "each key_groups entry must be a mapping of keys";
        const keys: GroupKey[] = [];
        addKeyGroup(group, recipients, keys);
        groups.push(keyGroup(keys));
      }
    } else {
      const keys: GroupKey[] = [];
      for (const [field, type] of KEY_FIELDS) {
        for (const entry of keyList(raw[field], field)) {
          recipients.add(type, entry);
          keys.push({ type, id: groupKeyIdFromRuleString(type, entry) });
        }
      }
      groups.push(keyGroup(keys));
    }
  } catch (e) {
    return (e as Error).message;
  }
  const threshold = raw.shamir_threshold;
  if (
    threshold !== undefined &&
    threshold !== null &&
    !(typeof threshold === "number" && Number.isInteger(threshold) && threshold >= 0)
  )
    return "shamir_threshold must be a whole number";
  const encryption = encryptionSettingsOf(raw);
  if (typeof encryption === "string") return encryption;
  return {
    index,
    line,
    pathRegex,
    regex,
    recipients: recipients.list,
    keyGroups: { groups, shamirThreshold: typeof threshold === "number" ? threshold : 0 },
    encryption,
  };
}

/** A rule's encryption settings, or why sops would refuse them (config.go `configFromRule`). */
function encryptionSettingsOf(raw: Record<string, unknown>): EncryptionSettings | string {
  const settings: { -readonly [K in keyof EncryptionSettings]: EncryptionSettings[K] } = {
    macOnlyEncrypted: false,
  };
  for (const [name, field] of RULE_FIELDS) {
    const value = raw[name];
    if (value === undefined || value === null || value === "") continue;
    // sops reads these as Go strings: any YAML scalar is accepted as its text.
    if (typeof value !== "string" && typeof value !== "number" && typeof value !== "boolean")
      return `${name} must be a string`;
    settings[field] = String(value);
  }
  const set = RULE_FIELDS.filter(([, field]) => settings[field] !== undefined).map(([name]) => name);
  if (set.length > 1)
    return `sets more than one of ${set.join(", ")}, which sops refuses (use one encryption rule per creation rule)`;
  const macOnly = raw.mac_only_encrypted;
  if (macOnly !== undefined && macOnly !== null && typeof macOnly !== "boolean")
    return "mac_only_encrypted must be true or false";
  settings.macOnlyEncrypted = macOnly === true;
  return settings;
}

/** The first creation rule that matches `relativePath` (POSIX, relative to the folder of `.sops.yaml`). */
export function findCreationRule(config: SopsConfig, relativePath: string): CreationRule | undefined {
  for (const rule of config.rules) if (!rule.regex || rule.regex.test(relativePath)) return rule;
  return undefined;
}

/** The KMS key ARNs a rule names (roles and profiles stripped). */
export function kmsArnsOf(rule: CreationRule): string[] {
  return rule.recipients.filter((r) => r.type === "kms").map((r) => r.id);
}

/** `kms: "a,b"` or `kms: [a, b]` → ["a", "b"] (sops's parseKeyField: split on commas, trim, skip empties). */
function keyList(value: unknown, field: string): string[] {
  if (value === undefined || value === null) return [];
  if (typeof value === "string") return splitCsv(value);
  if (Array.isArray(value)) {
    return value.flatMap((item) => {
      if (typeof item !== "string") throw new Error(`${field} must be a string or a list of strings`);
      return splitCsv(item);
    });
  }
  throw new Error(`${field} must be a string or a list of strings`);
}

function splitCsv(value: string): string[] {
  return value
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
}

/** A flat-field key's updatekeys identity (key-groups.ts): `arn+role` for KMS, Azure URLs split. */
function groupKeyIdFromRuleString(type: RecipientType, entry: string): string {
  switch (type) {
    case "kms":
      return kmsIdFromRuleString(entry);
    case "pgp":
      return pgpId(entry);
    case "azure_kv": {
      const m = /^(.*?)\/keys\/([^/]+)(?:\/([^/]*))?\/?$/.exec(entry.trim());
      return m ? azureId(m[1], m[2], m[3] || undefined) : entry.trim();
    }
    default:
      return entry.trim();
  }
}

function addKeyGroup(group: Record<string, unknown>, out: RecipientSet, keys: GroupKey[]): void {
  const list = (field: string): unknown[] => {
    const v = group[field];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) throw new Error(`key_groups: ${field} must be a list`);
    return v;
  };
  for (const nested of list("merge")) {
    if (!isObject(nested)) throw new Error("key_groups: merge entries must be mappings of keys");
    addKeyGroup(nested, out, keys);
  }
  for (const entry of list("kms")) {
    if (!isObject(entry) || typeof entry.arn !== "string")
      throw new Error("key_groups: kms entries need an arn");
    out.add("kms", entry.arn);
    // aws_profile and context are not part of the identity (sops updatekeys ignores them)
    keys.push({ type: "kms", id: kmsId(entry.arn, typeof entry.role === "string" ? entry.role : undefined) });
  }
  for (const entry of list("gcp_kms")) {
    if (!isObject(entry) || typeof entry.resource_id !== "string")
      throw new Error("key_groups: gcp_kms entries need a resource_id");
    out.add("gcp_kms", entry.resource_id);
    keys.push({ type: "gcp_kms", id: entry.resource_id });
  }
  for (const entry of list("hckms")) {
    if (!isObject(entry) || typeof entry.key_id !== "string")
      throw new Error("key_groups: hckms entries need a key_id");
    out.add("hckms", entry.key_id);
    keys.push({ type: "hckms", id: entry.key_id });
  }
  for (const entry of list("azure_keyvault")) {
    if (!isObject(entry) || typeof entry.vaultUrl !== "string" || typeof entry.key !== "string")
      throw new Error("key_groups: azure_keyvault entries need vaultUrl and key");
    out.add("azure_kv", `${entry.vaultUrl.replace(/\/+$/, "")}/keys/${entry.key}`);
    const version = typeof entry.version === "string" && entry.version !== "" ? entry.version : undefined;
    keys.push({ type: "azure_kv", id: azureId(entry.vaultUrl, entry.key, version) });
  }
  for (const [field, type] of [
    ["age", "age"],
    ["pgp", "pgp"],
    ["hc_vault", "hc_vault"],
  ] as const) {
    for (const entry of list(field)) {
      if (typeof entry !== "string") throw new Error(`key_groups: ${field} entries must be strings`);
      for (const id of splitCsv(entry)) {
        out.add(type, id);
        keys.push({ type, id: groupKeyIdFromRuleString(type, id) });
      }
    }
  }
}

/** Recipients without duplicates, in the identity form sops-metadata.ts uses for files. */
class RecipientSet {
  readonly list: Recipient[] = [];
  private readonly seen = new Set<string>();

  add(type: RecipientType, raw: string): void {
    const id = normalizeRecipientId(type, raw);
    if (id === "" || this.seen.has(`${type} ${id}`)) return;
    this.seen.add(`${type} ${id}`);
    this.list.push({ type, id });
  }
}

/**
 * The comparable identity of a key, for `.sops.yaml` entries and file metadata alike:
 * KMS: the key ARN without `+role`; PGP: the fingerprint without spaces, upper case; Azure Key Vault:
 * `<vault-url>/keys/<name>` (a rule may omit the version, sops then records the current one).
 */
export function normalizeRecipientId(type: RecipientType, raw: string): string {
  const id = raw.trim();
  switch (type) {
    case "kms":
      return id.split("+")[0].trim();
    case "pgp":
      return id.replace(/\s+/g, "").toUpperCase();
    case "azure_kv": {
      const m = /^(.*?\/keys\/[^/]+)(\/.*)?$/.exec(id);
      return (m ? m[1] : id).replace(/\/+$/, "");
    }
    default:
      return id;
  }
}
