import { Diagnostic } from "../diagnostics";
import { InputType } from "../discovery/discover-secrets";
import { encryptionRules, formatKeyPath, parseEncValue } from "../sops/encrypted-values";
import { isRfc3339Date, metadataShapeProblems, MetadataShapeProblem } from "../sops/sops-metadata";
import { isObject } from "../util/is-object";
import { Rule } from "./rule";
import { diagnostic } from "./support";

const RECIPIENT_LISTS = ["kms", "age", "pgp", "gcp_kms", "azure_kv", "hc_vault", "hckms"] as const;
/** What sops writes as `version`: "3.9.4", "1.13", 1.6 (1.x wrote a number), "3.10.0-rc.1". */
const VERSION = /^\d+(\.\d+){0,3}([-+][0-9A-Za-z.+-]+)?$/;
/** Unknown metadata keys listed by name in one diagnostic; the rest are counted. */
const MAX_KEYS_LISTED = 10;

/** SS003: the sops metadata is incomplete or damaged, so sops cannot decrypt or verify the file. */
export const brokenMetadata: Rule = {
  id: "SS003",
  severity: "error",
  title: "broken-metadata",
  suppressible: false,
  explanation:
    "sops needs a file's metadata to decrypt and verify it: the encrypted MAC (`mac`), the `lastmodified` " +
    "date it is computed with (a real RFC 3339 date), and at least one recipient (a KMS key, age key, PGP " +
    "key, ...) holding an encrypted copy of the data key. A file without them cannot be decrypted, or its " +
    "integrity cannot be checked: it was damaged or edited by hand. sops also refuses a file that sets more " +
    "than one encryption rule, or a rule regex it cannot compile. The metadata must be a mapping holding only " +
    "keys sops writes (getsops/sops stores.go, every version): anything else was added by hand and may be a " +
    "plaintext value that synth would publish (for example `sops_db_password=...` in a dotenv file). Only key " +
    "names are reported, never values.",
  check(context) {
    const out: Diagnostic[] = [];
    for (const file of context.files) {
      const metadata = file.parsed?.metadata;
      if (!file.parsed || !metadata) continue;
      const path = file.ref.path;
      const fix =
        `restore the file from Git (\`git restore ${path}\`) or re-create it with sops; ` +
        "never edit the sops block by hand";
      const report = (message: string, fixText = fix) =>
        out.push(diagnostic(brokenMetadata, path, message, fixText));

      if (file.parsed.metadataShape === "other") {
        report(
          "has a sops key that is not a mapping: the sops metadata must be a mapping (mac, lastmodified, " +
            "recipients, ...)",
        );
        continue;
      }

      if (!metadata.mac) report("has no sops mac, so its integrity cannot be verified");
      else if (parseEncValue(metadata.mac) === undefined)
        report("has a sops mac that is not an ENC[AES256_GCM,...] value");
      if (!metadata.lastModified) report("has no sops lastmodified date, which the mac is computed with");
      else if (!isRfc3339Date(metadata.lastModified))
        report("has a sops lastmodified that is not a valid RFC 3339 date (e.g. 2026-01-31T12:00:00Z)");
      const rawVersion = metadata.raw.version;
      if (
        rawVersion !== undefined &&
        rawVersion !== null &&
        (metadata.version === undefined || !VERSION.test(metadata.version))
      )
        report("has a sops version that is not a version number");
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
      reportShapeProblems(metadataShapeProblems(metadata.raw), file.ref.inputType, path, report);
    }
    return out;
  },
};

function reportShapeProblems(
  problems: readonly MetadataShapeProblem[],
  inputType: InputType,
  path: string,
  report: (message: string, fix?: string) => void,
): void {
  const name = (p: MetadataShapeProblem) => `"${metadataKeyName(p.path, inputType)}"`;
  const unknown = problems.filter((p) => p.problem === "unknown-key").map(name);
  if (unknown.length > 0) {
    const listed = unknown.slice(0, MAX_KEYS_LISTED).join(", ");
    const more = unknown.length > MAX_KEYS_LISTED ? ` and ${unknown.length - MAX_KEYS_LISTED} more` : "";
    report(
      `has key(s) in its sops metadata that sops never writes: ${listed}${more}; a value added there by hand is ` +
        "committed in plaintext and published by synth",
      `restore the file from Git (\`git restore ${path}\`) or re-create it with sops, without the extra key(s); ` +
        "if one held a secret value and was ever committed or pushed, rotate it",
    );
  }
  for (const p of problems) {
    if (p.problem === "not-a-list") report(`has a sops metadata ${name(p)} that is not a list`);
    else if (p.problem === "not-a-mapping")
      report(`has a sops metadata entry ${name(p)} that is not a mapping`);
    else if (p.problem === "not-a-date")
      report(`has a sops metadata ${name(p)} that is not a valid RFC 3339 date, which sops refuses`);
  }
}

/**
 * How the file spells a metadata key: `sops.kms[0].note` in JSON and YAML, the flattened
 * `sops_kms__list_0__map_note` in dotenv and `[sops] kms__list_0__map_note` in INI (sops's stores/flatten.go).
 */
function metadataKeyName(path: readonly (string | number)[], inputType: InputType): string {
  if (inputType !== "dotenv" && inputType !== "ini") return formatKeyPath(["sops", ...path]);
  let out = inputType === "dotenv" ? "sops_" : "[sops] ";
  path.forEach((part, i) => {
    if (typeof part === "number") out += `__list_${part}`;
    else out += i === 0 ? part : `__map_${part}`;
  });
  return out;
}
