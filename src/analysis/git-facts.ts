/**
 * What Git would commit, asked once per analysis (rules SS007 and SS015 read the answer from the rule
 * context, they never run git themselves).
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

/** A path Git ignores, and the line of the ignore file that ignores it (`git check-ignore -v`). */
export interface IgnoredPath {
  /** Repository-relative POSIX path. */
  readonly path: string;
  /** The ignore file (`.gitignore`, `secrets/.gitignore`, `.git/info/exclude`...), as git names it. */
  readonly source: string;
  readonly line: number;
  /** The pattern as written (`.env.*`, `node_modules/`). */
  readonly pattern: string;
}

export interface GitFacts {
  /**
   * True when the project root is inside a Git work tree and git runs. Outside one, `committable` lists every
   * file of the tree (except node_modules/, .git/ and cdktf.out/) and `ignored` is empty: nothing is known
   * to be ignored.
   */
  readonly available: boolean;
  /** Repository-relative POSIX paths Git would commit: tracked, or untracked and not ignored. */
  readonly committable: readonly string[];
  /** Of the paths asked about, those Git ignores (untracked and matched by an ignore pattern). */
  readonly ignored: readonly IgnoredPath[];
}

const WALK_SKIP = new Set(["node_modules", ".git", "cdktf.out"]);
const MAX_BUFFER = 256 * 1024 * 1024;

/**
 * One `git ls-files --cached --others --exclude-standard` for the committable files; then, for the
 * `candidates` (e.g. the secret files) that are not committable, one `git check-ignore -v` for the pattern.
 */
export function loadGitFacts(root: string, candidates: readonly string[]): GitFacts {
  const git = spawnSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "-z"], {
    cwd: root,
    encoding: "utf8",
    maxBuffer: MAX_BUFFER,
    stdio: ["ignore", "pipe", "ignore"],
  });
  if (git.error || git.status !== 0) return { available: false, committable: walkTree(root), ignored: [] };
  const committable = git.stdout.split("\0").filter((f) => f !== "");
  const known = new Set(committable);
  const missing = candidates.filter((c) => !known.has(c));
  return { available: true, committable, ignored: missing.length ? checkIgnore(root, missing) : [] };
}

function checkIgnore(root: string, paths: readonly string[]): IgnoredPath[] {
  // --no-index: ask the patterns, not the index (a path that is not committable is not tracked anyway).
  const run = spawnSync("git", ["check-ignore", "-v", "-z", "--no-index", "--stdin"], {
    cwd: root,
    input: paths.join("\0") + "\0",
    encoding: "utf8",
    maxBuffer: MAX_BUFFER,
    stdio: ["pipe", "pipe", "ignore"],
  });
  // Exit 1: none of the paths is ignored.
  if (run.error || (run.status !== 0 && run.status !== 1)) return [];
  // -v -z: <source> NUL <linenum> NUL <pattern> NUL <pathname> NUL, per path.
  const fields = run.stdout.split("\0");
  const out: IgnoredPath[] = [];
  for (let i = 0; i + 3 < fields.length; i += 4) {
    const [source, line, pattern, file] = fields.slice(i, i + 4);
    if (source === "") continue; // not ignored (only listed with --non-matching)
    out.push({ path: file, source, line: Number(line), pattern });
  }
  return out;
}

/** Every file of the tree except node_modules/, .git/ and cdktf.out/ (no Git: assume all is committed). */
function walkTree(root: string): string[] {
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
