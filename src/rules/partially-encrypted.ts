import {
  describeEncryptionSettings,
  encryptionRules,
  formatKeyPath,
  parseEncValue,
  RULE_FIELDS,
  sameEncryptionSettings,
  walkLeaves,
} from "../sops/encrypted-values";
import { EncryptionSettings } from "../sops/sops-metadata";
import { Diagnostic } from "../diagnostics";
import { CreationRule, SOPS_CONFIG_FILE } from "../sops/sops-config";
import { Rule } from "./rule";
import { describeCreationRule, diagnostic, sopsConfigFacts } from "./support";

/** At most this many values are reported per file; the rest are counted in one more diagnostic. */
const MAX_PER_FILE = 20;

/**
 * SS002: a value the file's sops settings say must be encrypted is not an ENC[AES256_GCM,...] value; the
 * file's settings differ from its `.sops.yaml` creation rule's; or no value at all is encrypted.
 */
export const partiallyEncrypted: Rule = {
  id: "SS002",
  severity: "error",
  title: "partially-encrypted",
  suppressible: false,
  explanation:
    "sops decides per value what to encrypt, from the settings recorded in the file's metadata " +
    "(unencrypted_suffix, by default `_unencrypted`; encrypted_suffix; unencrypted_regex; encrypted_regex). " +
    "A value those settings say is encrypted but that is plaintext was added or edited by hand after " +
    "encryption: it is committed in clear, and sops will refuse to decrypt the file. Only key paths are " +
    "reported, never values. The file's settings are not trusted on their own: they must equal those of the " +
    "file's `.sops.yaml` creation rule (a rule that sets none means `unencrypted_suffix: _unencrypted`), since " +
    "a hand-written `encrypted_regex` that matches nothing would otherwise pass a fully plaintext file. A file " +
    "with values but not a single encrypted one is an error whatever its settings say. Files that use " +
    "comment-based rules (encrypted_comment_regex, unencrypted_comment_regex) cannot be checked value by " +
    "value and get a warning instead.",
  check(context) {
    const { ruleFor } = sopsConfigFacts(context);
    return context.files.flatMap((file) => {
      const metadata = file.parsed?.metadata;
      if (!file.parsed || !metadata) return [];
      const path = file.ref.path;
      const out: Diagnostic[] = [];
      const values = classifyValues(file.parsed.data, metadata);
      if (values.nonEmpty > 0 && values.encrypted === 0) out.push(nothingEncrypted(path, values.nonEmpty));
      const mismatch = settingsMismatch(file.parsed.data, metadata, ruleFor(path));
      if (mismatch) out.push(diagnostic(partiallyEncrypted, path, mismatch, settingsFix(path)));
      out.push(...valueProblems(path, values));
      if (values.commentRules) out.push(commentRulesWarning(path));
      return out;
    });
  },
};

interface ValueCensus {
  /** Key paths of values the settings say must be encrypted but are plaintext. */
  readonly plain: readonly string[];
  /** Key paths of values that start like ENC[...] but are not valid ones. */
  readonly malformed: readonly string[];
  readonly nonEmpty: number;
  readonly encrypted: number;
  /** The file uses comment-based rules: values cannot be judged one by one. */
  readonly commentRules: boolean;
}

/** Walks the file's values under its own sops settings. */
function classifyValues(data: Record<string, unknown>, metadata: EncryptionSettings): ValueCensus {
  const { rules } = encryptionRules(metadata);
  const plain: string[] = [];
  const malformed: string[] = [];
  let nonEmpty = 0;
  let encrypted = 0;
  walkLeaves(data, rules, (leaf) => {
    if (leaf.value !== "") nonEmpty++;
    if (typeof leaf.value === "string" && leaf.value.startsWith("ENC[")) {
      if (parseEncValue(leaf.value) === undefined) malformed.push(formatKeyPath(leaf.path));
      else encrypted++;
    } else if (leaf.shouldBeEncrypted && !rules.commentRules) {
      plain.push(formatKeyPath(leaf.path));
    }
  });
  return { plain, malformed, nonEmpty, encrypted, commentRules: !!rules.commentRules };
}

function nothingEncrypted(path: string, values: number): Diagnostic {
  return diagnostic(
    partiallyEncrypted,
    path,
    `no value is encrypted: it has ${values} value(s) and not one ENC[AES256_GCM,...] value, so it is a ` +
      "plaintext file with a sops block",
    `restore the last good version (\`git restore ${path}\`), or re-create the file with \`sops encrypt\` ` +
      `under the current ${SOPS_CONFIG_FILE}; treat its values as leaked (rotate them) if it was ever ` +
      `committed or pushed; a file with nothing secret in it does not belong under secrets/`,
  );
}

/** Plaintext and damaged values, at most MAX_PER_FILE of each listed, the rest counted. */
function valueProblems(path: string, values: ValueCensus): Diagnostic[] {
  // sops cannot open such a file (a plaintext value does not decrypt; a hand edit breaks the MAC), so
  // `sops edit` alone is no fix: go back to the last good version and redo the change through sops.
  const fix =
    `restore the last good version (\`git restore ${path}\`) and make the change with \`sops edit ${path}\`, ` +
    "which encrypts as it saves; if the plaintext was ever committed or pushed, rotate those values";
  const out = [
    ...values.plain
      .slice(0, MAX_PER_FILE)
      .map((keyPath) =>
        diagnostic(
          partiallyEncrypted,
          path,
          `the value at "${keyPath}" is plaintext, but the file's sops settings say it must be encrypted`,
          fix,
        ),
      ),
    ...values.malformed
      .slice(0, MAX_PER_FILE)
      .map((keyPath) =>
        diagnostic(
          partiallyEncrypted,
          path,
          `the value at "${keyPath}" looks like an ENC[...] value but is not one sops can decrypt (damaged or hand-made)`,
          fix,
        ),
      ),
  ];
  const more =
    Math.max(0, values.plain.length - MAX_PER_FILE) + Math.max(0, values.malformed.length - MAX_PER_FILE);
  if (more > 0)
    out.push(
      diagnostic(
        partiallyEncrypted,
        path,
        `${more} more value(s) are plaintext or damaged (not listed)`,
        fix,
      ),
    );
  return out;
}

function commentRulesWarning(path: string): Diagnostic {
  return diagnostic(
    partiallyEncrypted,
    path,
    "uses comment-based encryption rules (encrypted_comment_regex or unencrypted_comment_regex), so " +
      "which values must be encrypted depends on comments this check cannot see",
    "prefer encrypted_regex or unencrypted_suffix in .sops.yaml; until then, review the file's plaintext " +
      "values by hand",
    { severity: "warning" },
  );
}

/**
 * Why the file's recorded encryption settings are not those of its creation rule, or undefined when they
 * agree. No rule (SS004) and a file that sets more than one rule (SS003) are reported elsewhere.
 */
function settingsMismatch(
  data: Record<string, unknown>,
  metadata: EncryptionSettings,
  rule: CreationRule | undefined,
): string | undefined {
  if (!rule) return undefined;
  if (RULE_FIELDS.filter(([, field]) => !!metadata[field]).length > 1) return undefined;
  if (sameEncryptionSettings(metadata, rule.encryption)) return undefined;
  // Only for the rare mismatching file: how many values the rule's settings would have encrypted.
  const { rules: expected } = encryptionRules(rule.encryption);
  let exposed = 0;
  if (!expected.commentRules) {
    walkLeaves(data, expected, (leaf) => {
      if (!leaf.shouldBeEncrypted) return;
      if (!(typeof leaf.value === "string" && leaf.value.startsWith("ENC["))) exposed++;
    });
  }
  return (
    `its sops encryption settings (${describeEncryptionSettings(metadata)}) differ from those of ` +
    `${describeCreationRule(rule)} (${describeEncryptionSettings(rule.encryption)})` +
    (exposed > 0
      ? `, and under the rule's settings ${exposed} of its value(s) are plaintext that must be encrypted`
      : "")
  );
}

function settingsFix(path: string): string {
  return (
    `restore the last good version (\`git restore ${path}\`), or re-create the file with \`sops encrypt\` so ` +
    `that the current ${SOPS_CONFIG_FILE} settings apply; if the file's settings are the intended ones, put ` +
    `them into the creation rule instead; rotate any value that was ever committed or pushed in plaintext`
  );
}
