import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { Diagnostic } from "../diagnostics";
import { SECRETS_DIR } from "../discovery/discover-secrets";
import { Rule, RuleContext } from "./rule";
import { diagnostic } from "./support";

/** `x.dec.json`, `x.dec.yaml`, `x.dec`: what people name a decrypted copy (matches `*.dec.*` and `*.dec`). */
const DECRYPTED_NAME = /\.dec(\.[^/]*)?$/;
/** .gitignore lines that keep decrypted copies out of Git. */
const DECRYPTED_IGNORE_LINES = new Set(["*.dec.*", "**/*.dec.*", "*.dec*", "**/*.dec*"]);
const WALK_SKIP = new Set(["node_modules", ".git", "cdktf.out"]);
const GITIGNORE = ".gitignore";

/** SS007: data files under secrets/ that are not encrypted secret files, and decrypted copies Git would commit. */
export const strayFile: Rule = {
  id: "SS007",
  severity: "error",
  title: "stray-file",
  explanation:
    "Only encrypted secret files (secrets/<env>/**/<name>.enc.<ext>), a README (README, " +
    "README.md, README.txt) and .gitkeep belong under secrets/. Anything else there is either a misnamed secret " +
    "that synth silently skips, or a plaintext copy (a notes file is as good a place for a leaked value as " +
    "any). FIFOs, sockets and devices are never read. `secrets` itself must be a folder. Decrypted copies " +
    "(`*.dec.*`, e.g. `db.dec.json`) are errors anywhere Git would commit them (tracked, or untracked and not " +
    "ignored: `git ls-files --cached --others --exclude-standard`; outside a Git repository, every file except " +
    "node_modules/, .git/ and cdktf.out/). A .gitignore without `*.dec.*` is a warning: it is what keeps the " +
    "next decrypted copy out of a commit.",
  check(context) {
    const out: Diagnostic[] = [];
    const reported = new Set<string>();
    for (const file of committableFiles(context.root)) {
      if (!DECRYPTED_NAME.test(file)) continue;
      reported.add(file);
      out.push(
        diagnostic(
          strayFile,
          file,
          "is a decrypted copy of a secret (named *.dec.*) that Git would commit",
          `delete it (\`rm ${file}\`; if it was committed: \`git rm --cached ${file}\`, then rotate its values); ` +
            "edit secrets with `sops edit` instead of decrypting them to files",
        ),
      );
    }
    if (context.discovery.secretsDir === "not-a-directory") {
      out.push(
        diagnostic(
          strayFile,
          SECRETS_DIR,
          `is not a folder (a file or a symbolic link): ${SECRETS_DIR}/ must be a real folder with one folder ` +
            "per environment, so nothing is deployed",
          `move it away (\`git mv ${SECRETS_DIR} <other-name>\`), then create the folder with ` +
            "`npm run new-env -- <name>`",
        ),
      );
    }
    for (const stray of context.discovery.strays) {
      if (stray.kind === "symlink" || reported.has(stray.path)) continue; // SS008
      const name = path.posix.basename(stray.path);
      if (stray.kind === "special") {
        out.push(
          diagnostic(
            strayFile,
            stray.path,
            "is not a regular file (a FIFO, socket or device), so it is never read or deployed",
            `delete it (\`rm ${stray.path}\`); only encrypted secret files belong under ${SECRETS_DIR}/`,
          ),
        );
      } else if (DECRYPTED_NAME.test(stray.path)) {
        out.push(
          diagnostic(
            strayFile,
            stray.path,
            `is a decrypted copy of a secret under ${SECRETS_DIR}/: plaintext on disk, next to the encrypted files`,
            `delete it (\`rm ${stray.path}\`); edit secrets with \`sops edit\` instead of decrypting them to files`,
          ),
        );
      } else if (stray.kind === "outside-environment") {
        out.push(
          diagnostic(
            strayFile,
            stray.path,
            `is a secret file directly under ${SECRETS_DIR}/, outside any environment folder, so no stack deploys it`,
            `move it into an environment folder: \`git mv ${stray.path} ${SECRETS_DIR}/<env>/${name}\``,
          ),
        );
      } else {
        out.push(
          diagnostic(
            strayFile,
            stray.path,
            `is not an encrypted secret file (<name>.enc.json, .enc.yaml, .enc.yml or .enc.env), so synth skips it`,
            "if it holds secrets, encrypt it with sops under a .enc.<ext> name " +
              `(\`sops encrypt ${stray.path} > <name>.enc.<ext>\`, then delete the plaintext); otherwise move it out ` +
              `of ${SECRETS_DIR}/ (only README, README.md, README.txt and .gitkeep may sit next to secret files)`,
          ),
        );
      }
    }
    if (context.files.length > 0 || context.discovery.secretsDir === "directory") {
      const problem = gitignoreProblem(context);
      if (problem) out.push(problem);
    }
    return out;
  },
};

function gitignoreProblem(context: RuleContext): Diagnostic | undefined {
  let text: string;
  try {
    text = fs.readFileSync(path.join(context.root, GITIGNORE), "utf8");
  } catch {
    return diagnostic(
      strayFile,
      GITIGNORE,
      `${GITIGNORE} is missing, so nothing keeps decrypted copies of secrets (*.dec.*) out of Git`,
      `create ${GITIGNORE} with the line \`*.dec.*\``,
      { severity: "warning" },
    );
  }
  const lines = text.split(/\r?\n/).map((l) => l.trim());
  if (lines.some((l) => DECRYPTED_IGNORE_LINES.has(l))) return undefined;
  return diagnostic(
    strayFile,
    GITIGNORE,
    `${GITIGNORE} does not ignore decrypted copies of secrets (*.dec.*)`,
    `add the line \`*.dec.*\` to ${GITIGNORE}`,
    { severity: "warning" },
  );
}

/**
 * Repository-relative POSIX paths of every file Git would commit: one `git ls-files` call; outside a Git
 * repository (or without git), every file of the tree except node_modules/, .git/ and cdktf.out/.
 */
function committableFiles(root: string): string[] {
  const git = spawnSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "-z"], {
    cwd: root,
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
    stdio: ["ignore", "pipe", "ignore"],
  });
  if (!git.error && git.status === 0) return git.stdout.split("\0").filter((f) => f !== "");
  const files: string[] = [];
  const walk = (dir: string, prefix: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (!WALK_SKIP.has(entry.name)) walk(path.join(dir, entry.name), rel);
      } else files.push(rel);
    }
  };
  walk(root, "");
  return files;
}
