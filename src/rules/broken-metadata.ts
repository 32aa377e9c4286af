import { Diagnostic } from "../diagnostics";
import { encryptionRules, parseEncValue } from "../sops/encrypted-values";
import { isObject } from "../sops/sops-metadata";
import { Rule } from "./rule";
import { diagnostic } from "./support";

/** sops parses `lastmodified` with Go's time.RFC3339. */
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
const RECIPIENT_LISTS = ["kms", "age", "pgp", "gcp_kms", "azure_kv", "hc_vault"] as const;

/** SS003: the sops metadata is incomplete or damaged, so sops cannot decrypt or verify the file. */
export const brokenMetadata: Rule = {
  id: "SS003",
  severity: "error",
  title: "broken-metadata",
  explanation:
    "sops needs a file's metadata to decrypt and verify it: the encrypted MAC (`mac`), the `lastmodified` " +
    "date it is computed with, and at least one recipient (a KMS key, age key, PGP key, ...) holding an " +
    "encrypted copy of the data key. A file without them cannot be decrypted, or its integrity cannot be " +
    "checked: it was damaged or edited by hand. sops also refuses a file that sets more than one encryption " +
    "rule, or a rule regex it cannot compile.",
  check(context) {
    const out: Diagnostic[] = [];
    for (const file of context.files) {
      const metadata = file.parsed?.metadata;
      if (!metadata) continue;
      const path = file.ref.path;
      const fix =
        `restore the file from Git (\`git restore ${path}\`) or re-create it with sops; ` +
        "never edit the sops block by hand";
      const report = (message: string) => out.push(diagnostic(brokenMetadata, path, message, fix));

      if (!metadata.mac) report("has no sops mac, so its integrity cannot be verified");
      else if (parseEncValue(metadata.mac) === undefined)
        report("has a sops mac that is not an ENC[AES256_GCM,...] value");
      if (!metadata.lastModified) report("has no sops lastmodified date, which the mac is computed with");
      else if (!RFC3339.test(metadata.lastModified))
        report("has a sops lastmodified date that is not RFC 3339");
      if (metadata.recipients.length === 0) {
        report("names no recipient (kms, age, pgp, ...), so nobody can decrypt it");
      } else {
        for (const group of [
          metadata.raw,
          ...(Array.isArray(metadata.raw.key_groups) ? metadata.raw.key_groups : []),
        ]) {
          if (!isObject(group)) continue;
          for (const type of RECIPIENT_LISTS) {
            const list = group[type];
            if (!Array.isArray(list)) continue;
            for (const entry of list) {
              if (isObject(entry) && (typeof entry.enc !== "string" || entry.enc.trim() === ""))
                report(`has a ${type} recipient without its encrypted data key (enc)`);
            }
          }
        }
      }
      for (const problem of encryptionRules(metadata).problems) report(problem);
    }
    return out;
  },
};
