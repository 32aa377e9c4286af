import { encryptionRules, formatKeyPath, parseEncValue, walkLeaves } from "../sops/encrypted-values";
import { Diagnostic } from "../diagnostics";
import { Rule } from "./rule";
import { diagnostic } from "./support";

/** At most this many values are reported per file; the rest are counted in one more diagnostic. */
const MAX_PER_FILE = 20;

/** SS002: a value the file's own sops settings say must be encrypted is not an ENC[AES256_GCM,...] value. */
export const partiallyEncrypted: Rule = {
  id: "SS002",
  severity: "error",
  title: "partially-encrypted",
  explanation:
    "sops decides per value what to encrypt, from the settings recorded in the file's metadata " +
    "(unencrypted_suffix, by default `_unencrypted`; encrypted_suffix; unencrypted_regex; encrypted_regex). " +
    "A value those settings say is encrypted but that is plaintext was added or edited by hand after " +
    "encryption: it is committed in clear, and sops will refuse to decrypt the file. Only key paths are " +
    "reported, never values. Files that use comment-based rules (encrypted_comment_regex, " +
    "unencrypted_comment_regex) cannot be checked value by value and get a warning instead.",
  check(context) {
    const out: Diagnostic[] = [];
    for (const file of context.files) {
      const metadata = file.parsed?.metadata;
      if (!file.parsed || !metadata) continue;
      const path = file.ref.path;
      const { rules } = encryptionRules(metadata);
      const plain: string[] = [];
      const malformed: string[] = [];
      walkLeaves(file.parsed.data, rules, (leaf) => {
        if (typeof leaf.value === "string" && leaf.value.startsWith("ENC[")) {
          if (parseEncValue(leaf.value) === undefined) malformed.push(formatKeyPath(leaf.path));
        } else if (leaf.shouldBeEncrypted && !rules.commentRules) {
          plain.push(formatKeyPath(leaf.path));
        }
      });
      // sops cannot open such a file (a plaintext value does not decrypt; a hand edit breaks the MAC), so
      // `sops edit` alone is no fix: go back to the last good version and redo the change through sops.
      const fix =
        `restore the last good version (\`git restore ${path}\`) and make the change with \`sops edit ${path}\`, ` +
        "which encrypts as it saves; if the plaintext was ever committed or pushed, rotate those values";
      for (const keyPath of plain.slice(0, MAX_PER_FILE)) {
        out.push(
          diagnostic(
            partiallyEncrypted,
            path,
            `the value at "${keyPath}" is plaintext, but the file's sops settings say it must be encrypted`,
            fix,
          ),
        );
      }
      for (const keyPath of malformed.slice(0, MAX_PER_FILE)) {
        out.push(
          diagnostic(
            partiallyEncrypted,
            path,
            `the value at "${keyPath}" looks like an ENC[...] value but is not one sops can decrypt (damaged or hand-made)`,
            fix,
          ),
        );
      }
      const more = Math.max(0, plain.length - MAX_PER_FILE) + Math.max(0, malformed.length - MAX_PER_FILE);
      if (more > 0) {
        out.push(
          diagnostic(
            partiallyEncrypted,
            path,
            `${more} more value(s) are plaintext or damaged (not listed)`,
            fix,
          ),
        );
      }
      if (rules.commentRules) {
        out.push(
          diagnostic(
            partiallyEncrypted,
            path,
            "uses comment-based encryption rules (encrypted_comment_regex or unencrypted_comment_regex), so " +
              "which values must be encrypted depends on comments this check cannot see",
            "prefer encrypted_regex or unencrypted_suffix in .sops.yaml; until then, review the file's plaintext " +
              "values by hand",
            { severity: "warning" },
          ),
        );
      }
    }
    return out;
  },
};
