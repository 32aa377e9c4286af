import * as path from "path";
import { Diagnostic } from "../diagnostics";
import { SECRETS_DIR, StrayRef } from "../discovery/discover-secrets";
import { Rule, RuleContext } from "./rule";
import { diagnostic } from "./support";

/** `x.dec.json`, `x.dec.yaml`, `x.dec`: what people name a decrypted copy (matches `*.dec.*` and `*.dec`). */
const DECRYPTED_NAME = /\.dec(\.[^/]*)?$/;
/** .gitignore lines that keep decrypted copies out of Git. */
const DECRYPTED_IGNORE_LINES = new Set(["*.dec.*", "**/*.dec.*", "*.dec*", "**/*.dec*"]);
const GITIGNORE = ".gitignore";

/** SS007: data files under secrets/ that are not encrypted secret files, and decrypted copies Git would commit. */
export const strayFile: Rule = {
  id: "SS007",
  severity: "error",
  title: "stray-file",
  suppressible: false,
  explanation:
    "Only encrypted secret files (secrets/<env>/**/<name>.enc.<ext>), a README (README, " +
    "README.md, README.txt) and .gitkeep belong under secrets/. Anything else there is either a misnamed secret " +
    "that synth silently skips, or a plaintext copy (a notes file is as good a place for a leaked value as " +
    "any). FIFOs, sockets and devices are never read. `secrets` itself must be a folder. Decrypted copies " +
    "(`*.dec.*`, e.g. `db.dec.json`) are errors anywhere Git would commit them (tracked, or untracked and not " +
    "ignored: `git ls-files --cached --others --exclude-standard`; outside a Git repository, every file except " +
    "node_modules/, .git/ and cdktf.out/). A .gitignore without `*.dec.*` is a warning: it is what keeps the " +
    "next decrypted copy out of a commit. Files operating systems leave behind (.DS_Store, Thumbs.db, " +
    "desktop.ini, ._*) are never read and only get a warning.",
  check(context) {
    const reported = new Set<string>();
    const out = decryptedCopies(context, reported);
    if (context.discovery.secretsDir === "not-a-directory") out.push(secretsNotAFolder());
    for (const stray of context.discovery.strays) {
      if (reported.has(stray.path)) continue;
      const d = strayDiagnostic(stray);
      if (d) out.push(d);
    }
    if (context.files.length > 0 || context.discovery.secretsDir === "directory") {
      const problem = gitignoreProblem(context.gitignore);
      if (problem) out.push(problem);
    }
    return out;
  },
};

/** `*.dec.*` files anywhere Git would commit them. */
function decryptedCopies(context: RuleContext, reported: Set<string>): Diagnostic[] {
  return context.git.committable
    .filter((file) => DECRYPTED_NAME.test(file))
    .map((file) => {
      reported.add(file);
      return diagnostic(
        strayFile,
        file,
        "is a decrypted copy of a secret (named *.dec.*) that Git would commit",
        `delete it (\`rm ${file}\`; if it was committed: \`git rm --cached ${file}\`, then rotate its values); ` +
          "edit secrets with `sops edit` instead of decrypting them to files",
      );
    });
}

function secretsNotAFolder(): Diagnostic {
  return diagnostic(
    strayFile,
    SECRETS_DIR,
    `is not a folder (a file or a symbolic link): ${SECRETS_DIR}/ must be a real folder with one folder ` +
      "per environment, so nothing is deployed",
    `move it away (\`git mv ${SECRETS_DIR} <other-name>\`), then create the folder with ` +
      "`npm run new-env -- <name>`",
  );
}

/** One stray under secrets/; symbolic links (SS008) and hidden secret files (SS010) are other rules'. */
function strayDiagnostic(stray: StrayRef): Diagnostic | undefined {
  const file = stray.path;
  switch (stray.kind) {
    case "symlink":
    case "hidden-secret":
      return undefined;
    case "special":
      return diagnostic(
        strayFile,
        file,
        "is not a regular file (a FIFO, socket or device), so it is never read or deployed",
        `delete it (\`rm ${file}\`); only encrypted secret files belong under ${SECRETS_DIR}/`,
      );
    case "os-litter":
      return diagnostic(
        strayFile,
        file,
        "is a file the operating system leaves in folders (Finder or Explorer metadata); it is ignored",
        `delete it (\`rm ${file}\`) and add its name to your global Git ignore file ` +
          "(`git config --global core.excludesFile`)",
        { severity: "warning" },
      );
  }
  if (DECRYPTED_NAME.test(file)) {
    return diagnostic(
      strayFile,
      file,
      `is a decrypted copy of a secret under ${SECRETS_DIR}/: plaintext on disk, next to the encrypted files`,
      `delete it (\`rm ${file}\`); edit secrets with \`sops edit\` instead of decrypting them to files`,
    );
  }
  if (stray.kind === "outside-environment") {
    return diagnostic(
      strayFile,
      file,
      `is a secret file directly under ${SECRETS_DIR}/, outside any environment folder, so no stack deploys it`,
      `move it into an environment folder: \`git mv ${file} ${SECRETS_DIR}/<env>/${path.posix.basename(file)}\``,
    );
  }
  return diagnostic(
    strayFile,
    file,
    `is not an encrypted secret file (<name>.enc.json, .enc.yaml, .enc.yml or .enc.env), so synth skips it`,
    "if it holds secrets, encrypt it with sops under a .enc.<ext> name " +
      `(\`sops encrypt ${file} > <name>.enc.<ext>\`, then delete the plaintext); otherwise move it out ` +
      `of ${SECRETS_DIR}/ (only README, README.md, README.txt and .gitkeep may sit next to secret files)`,
  );
}

function gitignoreProblem(lines: readonly string[] | undefined): Diagnostic | undefined {
  if (lines === undefined) {
    return diagnostic(
      strayFile,
      GITIGNORE,
      `${GITIGNORE} is missing, so nothing keeps decrypted copies of secrets (*.dec.*) out of Git`,
      `create ${GITIGNORE} with the line \`*.dec.*\``,
      { severity: "warning" },
    );
  }
  if (lines.some((l) => DECRYPTED_IGNORE_LINES.has(l))) return undefined;
  return diagnostic(
    strayFile,
    GITIGNORE,
    `${GITIGNORE} does not ignore decrypted copies of secrets (*.dec.*)`,
    `add the line \`*.dec.*\` to ${GITIGNORE}`,
    { severity: "warning" },
  );
}
