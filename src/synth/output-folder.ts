/**
 * Synth replaces its output folder as a whole, so the folder must be one only synth writes. Refused, before
 * anything is written or deleted: the project root or a folder containing it, anything under `secrets/` or
 * `.git/`, a folder holding files tracked by Git, and an existing folder or link that synth did not make.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { Diagnostic } from "../diagnostics";
import { outputFolderRefused } from "../errors";
import { isGenerationLink } from "./publish-output";

/** What cdktf writes at the top of its output folder: an existing real folder may hold nothing else. */
const CDKTF_ENTRIES = new Set(["manifest.json", "stacks"]);

export function outputFolderProblem(root: string, outdir: string): Diagnostic | undefined {
  const rel = path.relative(root, outdir);
  const inside = rel !== "" && !rel.startsWith("..") && !path.isAbsolute(rel);
  const shown = inside ? rel.split(path.sep).join("/") : outdir;
  const refuse = (problem: string) => outputFolderRefused(shown, problem);

  if (isWithin(root, outdir))
    return refuse("it is the project root or contains it, and synth replaces its output folder as a whole");
  if (inside) {
    const top = rel.split(path.sep)[0];
    if (top === "secrets")
      return refuse("it is under secrets/, where synth would replace or delete secret files");
    if (top === ".git") return refuse("it is inside .git/");
  }

  let stat: fs.Stats | undefined;
  try {
    stat = fs.lstatSync(outdir);
  } catch {
    stat = undefined;
  }
  if (stat?.isSymbolicLink() && !isGenerationLink(outdir))
    return refuse(`it is a symbolic link synth did not make (to ${fs.readlinkSync(outdir)})`);
  if (stat && !stat.isSymbolicLink() && !stat.isDirectory()) return refuse("it is a file, not a folder");
  if (stat?.isDirectory()) {
    const foreign = fs.readdirSync(outdir).filter((e) => !CDKTF_ENTRIES.has(e));
    if (foreign.length)
      return refuse(
        `it holds ${foreign
          .sort()
          .slice(0, 3)
          .map((e) => JSON.stringify(e))
          .join(", ")}${foreign.length > 3 ? "…" : ""}, which synth did not write`,
      );
  }
  const tracked = trackedFilesUnder(outdir);
  if (tracked) return refuse(`Git tracks files in it (${tracked})`);
  return undefined;
}

/** True when `inner` is `outer` or inside it. */
function isWithin(inner: string, outer: string): boolean {
  const rel = path.relative(outer, inner);
  return rel === "" || (!rel.startsWith("..") && !path.isAbsolute(rel));
}

/** The first file Git tracks at or under `target`, or undefined (also when there is no Git repository). */
function trackedFilesUnder(target: string): string | undefined {
  let cwd = path.dirname(target);
  while (!fs.existsSync(cwd) && path.dirname(cwd) !== cwd) cwd = path.dirname(cwd);
  const r = spawnSync("git", ["ls-files", "-z", "--full-name", "--", path.relative(cwd, target) || "."], {
    cwd,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "ignore"],
    env: { ...process.env, GIT_OPTIONAL_LOCKS: "0" },
  });
  if (r.status !== 0 || !r.stdout) return undefined;
  const files = r.stdout.split("\0").filter(Boolean);
  return files.length ? `${files[0]}${files.length > 1 ? ` and ${files.length - 1} more` : ""}` : undefined;
}
