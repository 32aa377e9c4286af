import { Diagnostic } from "../diagnostics";
import { estimateStoredSize, SECRET_STRING_MAX_BYTES, storedFormatFor } from "../sops/size-estimate";
import { Rule } from "./rule";
import { diagnostic } from "./support";

const WARN_AT = 0.9;

/** SS009: the stored secret would exceed (or come close to) Secrets Manager's 65,536-byte limit. */
export const secretSize: Rule = {
  id: "SS009",
  severity: "error",
  title: "secret-size",
  explanation:
    "Secrets Manager stores at most 65,536 bytes per secret value; a larger one fails at `terraform apply`, " +
    "half-way through a deployment. The stored value is estimated without decrypting: for JSON files the sops " +
    "provider's `raw` output (tab-indented JSON), for YAML and dotenv files compact JSON; each encrypted " +
    "value's plaintext length is the length of its base64-decoded ciphertext (AES-GCM keeps the length). " +
    "JSON escaping inside encrypted strings cannot be seen, so the estimate is a lower bound: error above " +
    "65,536 bytes, warning above 90% of it.",
  check(context) {
    const out: Diagnostic[] = [];
    for (const file of context.files) {
      if (!file.parsed) continue;
      const size = estimateStoredSize(file.parsed.data, storedFormatFor(file.ref.inputType));
      if (size <= SECRET_STRING_MAX_BYTES * WARN_AT) continue;
      const over = size > SECRET_STRING_MAX_BYTES;
      const percent = Math.round((size / SECRET_STRING_MAX_BYTES) * 100);
      out.push(
        diagnostic(
          secretSize,
          file.ref.path,
          `its stored value would be at least ${size.toLocaleString("en-US")} bytes (${percent}% of Secrets Manager's ` +
            `${SECRET_STRING_MAX_BYTES.toLocaleString("en-US")}-byte limit)` +
            (over ? ", so terraform apply would fail" : ""),
          `split it into several secret files (e.g. ${file.ref.path.replace(/\.enc\./, "-part2.enc.")}), or move ` +
            "large non-secret data (certificate chains, configuration) out of the secret",
          { severity: over ? "error" : "warning" },
        ),
      );
    }
    return out;
  },
};
