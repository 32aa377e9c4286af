/**
 * Publishing is atomic for the whole output folder. The output folder (`cdktf.out`) is a symbolic link to a
 * generation folder next to it, `.cdktf.out.gen-<id>/`, which holds a complete output: `manifest.json` and
 * every `stacks/<env>/` with its stack file and source copies. Synth writes a new generation in a staging
 * folder (`.cdktf.out.staging-<random>/`), renames it to a generation once complete, and publishes it by
 * renaming a new link over the old one (rename(2) replaces it atomically). Whoever resolves `cdktf.out`
 * gets the complete old or the complete new output, never a mix, and a synth killed at any point leaves
 * the previous output in place.
 *
 * After the swap, Terraform's own files in each stack folder that still exists (`.terraform/`, the lock
 * file, a local state file) are moved into the new generation, and every older generation, staging folder
 * and temporary link is removed. Everything else an older generation held goes with it: stack folders of
 * environments that no longer exist and saved plan files (`plan`, written by `cdktf diff`).
 *
 * A first publish over a real `cdktf.out/` folder (written by an older version) moves it aside into a
 * generation, which the new link then replaces; between those two renames `cdktf.out` is briefly missing.
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { isProcessGone, lockTempPrefix } from "./output-lock";

/**
 * What Terraform keeps in a stack folder: moved into each new generation unless the new generation has its
 * own (synth writes `.terraform.lock.hcl` when the project commits one: the committed lock wins).
 */
export const TERRAFORM_FILES: readonly string[] = [
  ".terraform",
  ".terraform.lock.hcl",
  "terraform.tfstate",
  "terraform.tfstate.backup",
];

interface Names {
  readonly dir: string;
  readonly gen: string;
  readonly staging: string;
  readonly link: string;
}

function namesFor(outdir: string): Names {
  const base = path.basename(outdir);
  return {
    dir: path.dirname(outdir),
    gen: `.${base}.gen-`,
    staging: `.${base}.staging-`,
    link: `.${base}.link-`,
  };
}

/** True when `outdir` is a link synth made: to a generation folder next to it. */
export function isGenerationLink(outdir: string): boolean {
  let target: string;
  try {
    target = fs.readlinkSync(outdir);
  } catch {
    return false;
  }
  return target.startsWith(namesFor(outdir).gen) && path.basename(target) === target;
}

/**
 * Test hook: `SOPS_SECRETS_TEST_KILL_POINT=<name>` makes synth kill itself with SIGKILL at that point, so
 * tests can stop it at every step of publishing. Does nothing otherwise.
 */
export function killPoint(name: string): void {
  if (process.env.SOPS_SECRETS_TEST_KILL_POINT === name) process.kill(process.pid, "SIGKILL");
}

export function makeStagingDir(outdir: string): string {
  fs.mkdirSync(path.dirname(outdir), { recursive: true });
  const staging = fs.mkdtempSync(path.join(path.dirname(outdir), namesFor(outdir).staging));
  fs.chmodSync(staging, 0o755); // mkdtemp makes it 0700; an output folder is as readable as any other
  return staging;
}

/**
 * The cdktf CLI lists `stacks/*` before it runs the app and afterwards removes (rmSync without `force`) the
 * folders the manifest no longer names, failing with ENOENT on those synth already left out. Under the CLI
 * (it sets both variables), the staged output gets an empty folder for each such stack, which the CLI
 * then removes; an empty folder has no stack file and is not in the manifest, so nothing can deploy it.
 */
export function addFoldersTheCdktfCliRemoves(staging: string, outdir: string): void {
  if (!process.env.CDKTF_OUTDIR || process.env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS !== "true") return;
  const current = currentOutput(outdir);
  if (current === "none") return;
  const from = path.join(current === "directory" ? outdir : current, "stacks");
  for (const stack of safeReaddir(from)) {
    const target = path.join(staging, "stacks", stack);
    if (isDirectory(path.join(from, stack)) && !lexists(target)) fs.mkdirSync(target, { recursive: true });
  }
}

/**
 * Removes what a killed synth left next to `outdir` and no later step needs: staging folders, temporary
 * links, lock temp files of processes that are gone. Older generations stay until the next publish, which
 * first takes Terraform's files out of them. Call it holding the lock. Never throws: returns warnings.
 */
export function recoverLeftovers(outdir: string): string[] {
  const n = namesFor(outdir);
  const warnings: string[] = [];
  const lockTemp = lockTempPrefix(outdir);
  for (const entry of safeReaddir(n.dir)) {
    if (entry.startsWith(n.staging) || entry.startsWith(n.link)) remove(path.join(n.dir, entry), warnings);
    else if (entry.startsWith(lockTemp)) {
      const pid = /^(?:stale-)?(\d+)-/.exec(entry.slice(lockTemp.length));
      if (pid && isProcessGone(Number(pid[1]))) remove(path.join(n.dir, entry), warnings);
    }
  }
  return warnings;
}

export interface PublishResult {
  /** Absolute path of the generation folder `outdir` now links to. */
  readonly generation: string;
  /** Clean-up that failed after the new output was published (it stays published). */
  readonly warnings: readonly string[];
}

/**
 * Publishes the complete output in `staging` as `outdir`. Throws only before the swap (then `outdir` is
 * unchanged); after the swap nothing throws, problems become warnings.
 */
export function publishOutput(staging: string, outdir: string): PublishResult {
  const n = namesFor(outdir);
  const id = newId();
  const generation = path.join(n.dir, n.gen + id);
  const link = path.join(n.dir, n.link + id);
  const previous = currentOutput(outdir);
  let migrated: string | undefined;
  try {
    fs.renameSync(staging, generation);
    killPoint("generation");
    fs.symlinkSync(path.basename(generation), link, "dir");
    killPoint("linked");
    if (previous === "directory") {
      migrated = path.join(n.dir, `${n.gen}${id}-migrated`);
      fs.renameSync(outdir, migrated);
      killPoint("migrated");
    }
    fs.renameSync(link, outdir);
  } catch (e) {
    // Not published: put a moved-aside folder back (before anything else), drop what this run made.
    if (migrated && !fs.existsSync(outdir)) tryRename(migrated, outdir);
    const ignored: string[] = [];
    remove(link, ignored);
    remove(generation, ignored);
    throw e;
  }
  killPoint("swapped");

  // Published. Nothing below throws.
  const warnings: string[] = [];
  const older = safeReaddir(n.dir)
    .filter((e) => e.startsWith(n.gen) && path.join(n.dir, e) !== generation)
    .sort()
    .reverse()
    .map((e) => path.join(n.dir, e));
  // The output just replaced first: its Terraform files are the current ones.
  const replaced = migrated ?? (previous !== "none" && previous !== "directory" ? previous : undefined);
  const sources = replaced ? [replaced, ...older.filter((o) => o !== replaced)] : older;
  for (const source of sources) carryTerraformFiles(source, generation, outdir, warnings);
  killPoint("carried");
  for (const old of older) {
    // Renamed to a staging name first, so that a half-removed generation is never a source again.
    const trash = path.join(n.dir, `${n.staging}old-${path.basename(old).slice(n.gen.length)}`);
    remove(tryRename(old, trash) ? trash : old, warnings);
    killPoint("removed-one");
  }
  warnings.push(...recoverLeftovers(outdir));
  return { generation, warnings: [...new Set(warnings)] }; // a leftover that resists is named once
}

/** The generation folder `outdir` links to now, if it is one synth made (else undefined). */
export function currentGeneration(outdir: string): string | undefined {
  const current = currentOutput(outdir);
  return current === "none" || current === "directory" ? undefined : current;
}

/** The generation folder `outdir` links to, "directory" for a real folder, "none" when there is none. */
function currentOutput(outdir: string): string {
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(outdir);
  } catch {
    return "none";
  }
  if (stat.isDirectory()) return "directory";
  if (isGenerationLink(outdir)) {
    const target = path.join(path.dirname(outdir), fs.readlinkSync(outdir));
    return fs.existsSync(target) ? target : "none";
  }
  // output-folder.ts refuses anything else before synth gets here.
  throw new Error(`${outdir} is neither a folder nor a link to an output generation`);
}

/** Moves Terraform's files of each stack folder of `from` into the same stack folder of `to`, where missing. */
function carryTerraformFiles(from: string, to: string, outdir: string, warnings: string[]): void {
  const fromStacks = path.join(from, "stacks");
  for (const stack of safeReaddir(fromStacks)) {
    const target = path.join(to, "stacks", stack);
    if (!isDirectory(target)) continue; // an environment that is gone: its files go with the old output
    for (const file of TERRAFORM_FILES) {
      const source = path.join(fromStacks, stack, file);
      const destination = path.join(target, file);
      if (!lexists(source) || lexists(destination)) continue;
      try {
        moveOut(source, destination);
      } catch (e) {
        const shown = path.join(path.basename(outdir), "stacks", stack, file);
        warnings.push(
          `could not keep ${shown} from the previous output (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}): run \`terraform init\` in that stack folder again`,
        );
      }
    }
  }
}

/** rename(2), first making the old stack folder writable when it was read-only (it is about to be removed). */
function moveOut(source: string, destination: string): void {
  try {
    fs.renameSync(source, destination);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== "EACCES" && code !== "EPERM") throw e;
    const parent = path.dirname(source);
    fs.chmodSync(parent, fs.statSync(parent).mode | 0o700);
    fs.renameSync(source, destination);
  }
}

/** Removes a file or folder; a folder synth made read-only-by-hand is made writable first. */
function remove(target: string, warnings: string[]): void {
  try {
    fs.rmSync(target, { recursive: true, force: true });
    return;
  } catch {
    // retried below
  }
  try {
    makeFoldersWritable(target);
    fs.rmSync(target, { recursive: true, force: true });
  } catch (e) {
    warnings.push(
      `could not remove ${target} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}): delete it by hand`,
    );
  }
}

function makeFoldersWritable(target: string): void {
  const stat = fs.lstatSync(target);
  if (!stat.isDirectory()) return;
  fs.chmodSync(target, stat.mode | 0o700);
  for (const entry of fs.readdirSync(target)) makeFoldersWritable(path.join(target, entry));
}

function newId(): string {
  // Time first, so that names sort oldest to newest.
  return `${Date.now().toString(36).padStart(9, "0")}-${crypto.randomBytes(4).toString("hex")}`;
}

function tryRename(from: string, to: string): boolean {
  try {
    fs.renameSync(from, to);
    return true;
  } catch {
    return false;
  }
}

function safeReaddir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}

function isDirectory(p: string): boolean {
  try {
    return fs.lstatSync(p).isDirectory();
  } catch {
    return false;
  }
}

function lexists(p: string): boolean {
  try {
    fs.lstatSync(p);
    return true;
  } catch {
    return false;
  }
}
