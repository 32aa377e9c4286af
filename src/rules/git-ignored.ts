import { Rule } from "./rule";
import { diagnostic } from "./support";

/** SS015: a secret file or environment folder that Git ignores, so a local synth deploys what CI never sees. */
export const gitIgnored: Rule = {
  id: "SS015",
  severity: "error",
  title: "git-ignored",
  suppressible: false,
  explanation:
    "A secret file (or environment folder) that matches a .gitignore pattern is never committed: a local " +
    "synth deploys it, CI does not have it, and the next deployment from CI deletes the secret. The project's " +
    "own .gitignore ignores `.env.*`, `node_modules/`, `dist/` and `.terraform/`, so " +
    "`secrets/production/.env.enc.env` or `secrets/production/dist/db.enc.json` are refused, naming the " +
    "ignore file, line and pattern (`git check-ignore -v`). Tracked files are committed whatever the patterns " +
    "say and are not reported. Outside a Git repository nothing is known to be ignored, so this rule reports " +
    "nothing there.",
  check(context) {
    const ignored = [...context.git.ignored].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    const folders = ignored.filter((i) => i.path.endsWith("/")).map((i) => i.path);
    return ignored
      .filter((i) => !folders.some((f) => i.path !== f && i.path.startsWith(f)))
      .map((i) => {
        const where = i.path.replace(/\/$/, "");
        const what = i.path.endsWith("/") ? "an environment folder" : "a secret file";
        return diagnostic(
          gitIgnored,
          where,
          `is ${what} that Git ignores (${i.source}:${i.line}: \`${i.pattern}\`), so it is never committed: a ` +
            "local synth would deploy it, CI never sees it",
          `rename it (or the folder it is in) so that \`${i.pattern}\` no longer matches it, with \`mv\` (Git ` +
            "does not track it, so `git mv` cannot), then commit it; secret files are deployed from what is committed",
        );
      });
  },
};
