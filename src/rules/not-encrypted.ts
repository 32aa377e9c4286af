import { Rule } from "./rule";
import { diagnostic } from "./support";

/** SS001: a secret file without `sops` metadata is a plaintext file. */
export const notEncrypted: Rule = {
  id: "SS001",
  severity: "error",
  title: "not-encrypted",
  suppressible: false,
  explanation:
    "A file named like a secret (secrets/<env>/**/<name>.enc.<ext>) has no `sops` metadata: it is plaintext. " +
    "Committing it publishes every value it holds, and synth would hand the sops provider a file it cannot read. " +
    "Encrypt it in place with sops, and treat the values as leaked if the plaintext was ever pushed.",
  check(context) {
    return context.files
      .filter((f) => f.parsed !== undefined && f.parsed.metadata === undefined)
      .map((f) =>
        diagnostic(
          notEncrypted,
          f.ref.path,
          "has no sops metadata: it is a plaintext file, not a sops-encrypted one",
          `encrypt it in place with \`sops encrypt --in-place ${f.ref.path}\` (the .sops.yaml creation rule picks ` +
            "the keys); if the plaintext was ever committed or pushed, rotate every value it holds",
        ),
      );
  },
};
