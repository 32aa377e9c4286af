/**
 * Consistency checker for a synth output folder, reading it as `cdktf deploy` does (manifest, then each
 * stack's file and the copies next to it), from ONE resolution of the folder (a generation is pinned by
 * its real path, so a synth publishing meanwhile cannot mix two outputs into one reading).
 *
 *   const snap = readOutput(outdir);          // undefined when there is no output folder
 *   expect(checkOutput(snap)).toEqual([]);    // every manifest stack has its folder, stack file, copies…
 *   expect([fpA, fpB]).toContain(snap.fingerprint);   // …and it is exactly one of two known outputs
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";

/** What synth writes (everything else in a stack folder is Terraform's and is left out of the fingerprint). */
const SYNTH_FILES = new Set(["cdk.tf.json", "cdk.tf", "metadata.json", "secrets"]);

export interface OutputSnapshot {
  /** The real folder that was read. */
  readonly real: string;
  /** POSIX path under the output folder → content, for manifest.json and every file synth writes. */
  readonly files: ReadonlyMap<string, Buffer>;
  /** Every stack folder name under stacks/, and everything else each holds (Terraform's files, strays). */
  readonly stackFolders: ReadonlyMap<string, readonly string[]>;
  /** sha256 over `files`: equal for two outputs exactly when they are byte for byte the same. */
  readonly fingerprint: string;
}

/** Reads the output folder once; undefined when it does not exist. Throws ENOENT if it vanishes while read. */
export function readOutput(outdir: string): OutputSnapshot | undefined {
  let real: string;
  try {
    real = fs.realpathSync(outdir);
  } catch {
    return undefined;
  }
  const files = new Map<string, Buffer>();
  const stackFolders = new Map<string, string[]>();
  if (fs.existsSync(path.join(real, "manifest.json")))
    files.set("manifest.json", fs.readFileSync(path.join(real, "manifest.json")));
  const stacksDir = path.join(real, "stacks");
  for (const stack of fs.existsSync(stacksDir) ? fs.readdirSync(stacksDir).sort() : []) {
    const others: string[] = [];
    for (const entry of fs.readdirSync(path.join(stacksDir, stack)).sort()) {
      if (SYNTH_FILES.has(entry))
        readTree(path.join(stacksDir, stack, entry), `stacks/${stack}/${entry}`, files);
      else others.push(entry);
    }
    stackFolders.set(stack, others);
  }
  const hash = crypto.createHash("sha256");
  for (const [name, content] of [...files].sort(([a], [b]) => (a < b ? -1 : 1))) {
    hash.update(`${name}\0${content.length}\0`);
    hash.update(content);
  }
  return { real, files, stackFolders, fingerprint: hash.digest("hex") };
}

function readTree(abs: string, rel: string, into: Map<string, Buffer>): void {
  if (fs.lstatSync(abs).isDirectory()) {
    for (const e of fs.readdirSync(abs).sort()) readTree(path.join(abs, e), `${rel}/${e}`, into);
  } else into.set(rel, fs.readFileSync(abs));
}

/**
 * Problems in one reading (empty when consistent): the manifest parses; every stack it names has its
 * folder and stack file; every `source_file` resolves to a copy; no stack folder or copy the manifest does
 * not account for; no saved plan file.
 */
export function checkOutput(snap: OutputSnapshot): string[] {
  const problems: string[] = [];
  const manifestText = snap.files.get("manifest.json");
  if (!manifestText) return ["manifest.json is missing"];
  let manifest: { stacks: Record<string, { synthesizedStackPath: string; workingDirectory: string }> };
  try {
    manifest = JSON.parse(manifestText.toString("utf8"));
  } catch (e) {
    return [`manifest.json does not parse: ${(e as Error).message}`];
  }
  const referenced = new Set<string>();
  const named = new Set<string>();
  for (const [name, stack] of Object.entries(manifest.stacks ?? {})) {
    const folder = stack.workingDirectory;
    named.add(path.posix.basename(folder));
    if (!snap.stackFolders.has(path.posix.basename(folder))) {
      problems.push(`stack ${name}: folder ${folder} is missing`);
      continue;
    }
    const body = snap.files.get(stack.synthesizedStackPath);
    if (!body) {
      problems.push(`stack ${name}: ${stack.synthesizedStackPath} is missing`);
      continue;
    }
    for (const source of sourceFiles(stack.synthesizedStackPath, body, problems)) {
      const copy = path.posix.normalize(`${folder}/${source}`);
      referenced.add(copy);
      if (!snap.files.has(copy)) problems.push(`stack ${name}: source_file ${source} has no copy (${copy})`);
    }
  }
  for (const [folder, others] of snap.stackFolders) {
    const hasFiles = [...snap.files.keys()].some((f) => f.startsWith(`stacks/${folder}/`));
    // An empty folder (left for the cdktf CLI to remove, publish-output.ts) holds nothing deployable.
    if (!named.has(folder) && (hasFiles || others.length))
      problems.push(`stacks/${folder} is not in the manifest`);
    if (others.includes("plan")) problems.push(`stacks/${folder}/plan: a saved plan survived synth`);
  }
  for (const file of snap.files.keys()) {
    if (/^stacks\/[^/]+\/secrets\//.test(file) && !referenced.has(file))
      problems.push(`${file} is a copy no stack references`);
  }
  return problems;
}

function sourceFiles(stackPath: string, body: Buffer, problems: string[]): string[] {
  const text = body.toString("utf8");
  if (stackPath.endsWith(".tf")) return [...text.matchAll(/source_file\s*=\s*"([^"]+)"/g)].map((m) => m[1]);
  try {
    const json = JSON.parse(text);
    return [json.data?.sops_file, json.ephemeral?.sops_file]
      .flatMap((blocks) => Object.values<{ source_file: string }>(blocks ?? {}))
      .map((b) => b.source_file);
  } catch (e) {
    problems.push(`${stackPath} does not parse: ${(e as Error).message}`);
    return [];
  }
}

/** Everything next to the output folder that synth made and a finished synth leaves nothing of. */
export function leftoversNextTo(outdir: string): string[] {
  const base = path.basename(outdir);
  let current = "";
  try {
    current = fs.readlinkSync(outdir);
  } catch {
    // not a link
  }
  return fs
    .readdirSync(path.dirname(outdir))
    .filter((e) => e.startsWith(`.${base}.`) && e !== current)
    .sort();
}
