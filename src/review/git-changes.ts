/**
 * The only module of the review that calls git: resolves the base, lists what changed under secrets/
 * between the base and the WORKING TREE (tracked changes plus untracked, not ignored files), and reads the
 * base's version of a file. Always `execFileSync` with an argument array: no shell, no quoting.
 */
import { execFileSync } from "child_process";
import * as path from "path";
import { SECRETS_DIR } from "../discovery/discover-secrets";
import { describeReadFailure, readRegularFile } from "../discovery/safe-read";
import { PathChange, secretPathInfo } from "./review-changes";

/** A problem with how the review was asked for (not a git repository, unknown ref): exit code 2. */
export class ReviewUsageError extends Error {}

export interface BaseRef {
  /** The ref as given, or how the default was found (`merge-base HEAD main`). */
  readonly ref: string;
  readonly commit: string;
}

/** Runs git in `root`; returns stdout, or undefined when git exits non-zero. */
function git(root: string, args: string[]): string | undefined {
  try {
    return execFileSync("git", args, {
      cwd: root,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      maxBuffer: 256 * 1024 * 1024,
      env: { ...process.env, GIT_OPTIONAL_LOCKS: "0", LC_ALL: "C" },
    });
  } catch {
    return undefined;
  }
}

export function assertGitRepository(root: string): void {
  if (git(root, ["rev-parse", "--is-inside-work-tree"])?.trim() !== "true")
    throw new ReviewUsageError(
      `${root} is not inside a git working tree: run the review in a clone of the repository`,
    );
}

/**
 * The commit to compare with: `ref` when given; else `git merge-base HEAD main`, else the merge base with
 * origin/main.
 */
export function resolveBase(root: string, ref?: string): BaseRef {
  assertGitRepository(root);
  if (ref !== undefined) {
    if (ref.startsWith("-")) throw new ReviewUsageError(`"${ref}" is not a git ref`);
    const commit = git(root, ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`])?.trim();
    if (!commit)
      throw new ReviewUsageError(
        `unknown git ref "${ref}": pass a branch, tag or commit (e.g. origin/main)${shallowHint(root)}`,
      );
    return { ref, commit };
  }
  for (const branch of ["main", "origin/main"]) {
    const commit = git(root, ["merge-base", "HEAD", branch])?.trim();
    if (commit) return { ref: `merge-base HEAD ${branch}`, commit };
  }
  throw new ReviewUsageError(
    "cannot find the base: neither main nor origin/main shares history with HEAD; pass the base ref, e.g. npm run review -- origin/develop" +
      shallowHint(root),
  );
}

/** In a shallow clone (`git clone --depth 1`, CI checkouts) the base is often simply not fetched: say how. */
function shallowHint(root: string): string {
  if (git(root, ["rev-parse", "--is-shallow-repository"])?.trim() !== "true") return "";
  return (
    "; this is a shallow clone (e.g. --depth 1), so older commits and other branches are missing: " +
    "fetch the history with `git fetch --unshallow` (or fetch the base: `git fetch origin main`) and run the review again"
  );
}

/**
 * What changed under secrets/ between `base` and the working tree, from
 * `git diff --name-status -M <base> -- secrets/` plus untracked files. Paths are relative to `root`.
 */
export function listChanges(root: string, base: string): PathChange[] {
  const diff = git(root, [
    "diff",
    "--name-status",
    "-z",
    "-M",
    "--relative",
    "--no-ext-diff",
    base,
    "--",
    SECRETS_DIR,
  ]);
  if (diff === undefined) throw new ReviewUsageError(`git diff against ${base} failed`);
  const fields = diff.split("\0");
  const changes: PathChange[] = [];
  for (let i = 0; i < fields.length && fields[i] !== "";) {
    const code = fields[i++];
    const status = code[0];
    if (status === "R" || status === "C") {
      const oldPath = fields[i++];
      const newPath = fields[i++];
      changes.push(status === "R" ? { status: "R", path: newPath, oldPath } : { status: "A", path: newPath });
    } else {
      const p = fields[i++];
      if (status === "A" || status === "M" || status === "D" || status === "T")
        changes.push({ status, path: p });
      else if (status === "U") changes.push({ status: "M", path: p });
    }
  }
  const untracked = git(root, ["ls-files", "-z", "--others", "--exclude-standard", "--", SECRETS_DIR]);
  for (const p of (untracked ?? "").split("\0")) if (p !== "") changes.push({ status: "A", path: p });
  return changes;
}

/** The base's version of a file (`git show --no-textconv <base>:./<path>`: the committed bytes). */
export function readAtBase(root: string, base: string, file: string): string {
  // --no-textconv: a configured `diff.sopsdiffer.textconv "sops decrypt"` (.gitattributes) must never run here.
  const text = git(root, ["show", "--no-textconv", `${base}:./${file}`]);
  if (text === undefined) throw new ReviewUsageError(`cannot read ${file} at ${base}`);
  return text;
}

export function readWorkingTree(root: string, file: string): string {
  // Never fs.readFileSync: a FIFO in the working tree would block forever (safe-read.ts).
  const read = readRegularFile(path.join(root, ...file.split("/")));
  if (!read.ok) throw new ReviewUsageError(`${file} ${describeReadFailure(read)}`);
  return read.content.toString("utf8");
}

/** Environments with at least one secret file in the base commit. */
export function environmentsAt(root: string, base: string): string[] {
  // Without --full-name, ls-tree prints paths relative to the working directory (the project root).
  const list = git(root, ["ls-tree", "-r", "-z", "--name-only", base, "--", SECRETS_DIR]) ?? "";
  const envs = new Set<string>();
  for (const p of list.split("\0")) {
    const info = secretPathInfo(p);
    if (info) envs.add(info.environment);
  }
  return [...envs].sort();
}
