import { Diagnostic } from "../diagnostics";
import { keyGroupSync } from "../sops/key-groups";
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
    "(for example the CI role that runs terraform). Keys are compared as `sops updatekeys` compares them: group " +
    "by group, a KMS key by ARN and role. A file that needs fewer key groups to decrypt than its rule asks for " +
    "(one group where the rule wants two with shamir_threshold 2) is less protected than its rule.",
  check(context) {
    const out: Diagnostic[] = [];
    const { ruleFor } = sopsConfigFacts(context);
    for (const file of context.files) {
      const metadata = file.parsed?.metadata;
      if (!metadata) continue; // SS001
      const rule = ruleFor(file.ref.path);
      if (!rule) continue; // SS004
      // The same comparison as `npm run access` and `npm run rekey` (undefined: no key at all, SS003).
      const found = keyGroupSync(metadata.raw, rule.keyGroups, {
        path: file.ref.path,
        ruleName: describeCreationRule(rule),
      })?.mismatch;
      if (found) out.push(diagnostic(recipientMismatch, file.ref.path, found.message, found.fix));
    }
    return out;
  },
};
