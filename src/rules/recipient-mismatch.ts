import { Diagnostic } from "../diagnostics";
import { normalizeRecipientId } from "../sops/sops-config";
import { Recipient } from "../sops/sops-metadata";
import { Rule } from "./rule";
import { describeCreationRule, diagnostic, sopsConfigFacts } from "./support";

/** SS005: the keys a file is encrypted for differ from the keys its creation rule names. */
export const recipientMismatch: Rule = {
  id: "SS005",
  severity: "error",
  title: "recipient-mismatch",
  explanation:
    "A file is encrypted for the keys its `.sops.yaml` creation rule named WHEN IT WAS LAST ENCRYPTED. When the " +
    "rule changes (a key is added, a leaver's key removed, an environment gets its own KMS key), existing " +
    "files keep their old recipients until `sops updatekeys` re-encrypts the data key. An extra key means " +
    "someone who should no longer read the secret still can; a missing key means someone who should cannot " +
    "(for example the CI role that runs terraform).",
  check(context) {
    const out: Diagnostic[] = [];
    const { ruleFor } = sopsConfigFacts(context);
    for (const file of context.files) {
      const metadata = file.parsed?.metadata;
      if (!metadata || metadata.recipients.length === 0) continue; // SS001 / SS003
      const rule = ruleFor(file.ref.path);
      if (!rule) continue; // SS004
      const expected = keyed(rule.recipients);
      const actual = keyed(metadata.recipients);
      const missing = [...expected.keys()].filter((k) => !actual.has(k));
      const extra = [...actual.keys()].filter((k) => !expected.has(k));
      if (missing.length === 0 && extra.length === 0) continue;
      const parts: string[] = [];
      if (missing.length > 0)
        parts.push(`is not encrypted for ${list(missing)}, which ${describeCreationRule(rule)} names`);
      if (extra.length > 0)
        parts.push(
          rule.recipients.length === 0
            ? `is encrypted for ${list(extra)}, but ${describeCreationRule(rule)} names no key at all`
            : `is encrypted for ${list(extra)}, which ${describeCreationRule(rule)} does not name`,
        );
      out.push(
        diagnostic(
          recipientMismatch,
          file.ref.path,
          parts.join("; and it "),
          `run \`sops updatekeys ${file.ref.path}\` to re-encrypt the data key for exactly the rule's keys` +
            (extra.length > 0
              ? ", then rotate the values if a removed key's holder should no longer read them"
              : ""),
        ),
      );
    }
    return out;
  },
};

function keyed(recipients: readonly Recipient[]): Map<string, Recipient> {
  const map = new Map<string, Recipient>();
  for (const r of recipients) {
    const id = normalizeRecipientId(r.type, r.id);
    map.set(`${r.type} ${id}`, { type: r.type, id });
  }
  return map;
}

function list(keys: string[]): string {
  return keys.join(", ");
}
