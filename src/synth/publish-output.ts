/**
 * Synth writes into a staging folder next to the output folder and publishes it only when everything was
 * written: a failure half-way leaves the previous output as it was. Publishing replaces each stack's
 * generated files (the stack JSON or HCL and its `secrets/` copies) and keeps what Terraform keeps in a
 * stack folder (`.terraform/`, the lock file); stack folders of environments that no longer exist are
 * removed, so a deleted environment cannot be deployed from stale output.
 */
import * as fs from "fs";
import * as path from "path";

/** Entries of a stack folder that synth owns. */
const GENERATED = ["cdk.tf.json", "cdk.tf", "secrets"];

export function makeStagingDir(outdir: string): string {
  fs.mkdirSync(path.dirname(outdir), { recursive: true });
  return fs.mkdtempSync(path.join(path.dirname(outdir), `.${path.basename(outdir)}.staging-`));
}

export function publishOutput(staging: string, outdir: string): void {
  const stagedStacks = path.join(staging, "stacks");
  const stacksDir = path.join(outdir, "stacks");
  fs.mkdirSync(stacksDir, { recursive: true });
  const names = fs.existsSync(stagedStacks) ? fs.readdirSync(stagedStacks) : [];
  for (const existing of fs.readdirSync(stacksDir)) {
    if (!names.includes(existing))
      fs.rmSync(path.join(stacksDir, existing), { recursive: true, force: true });
  }
  for (const name of names) {
    const target = path.join(stacksDir, name);
    fs.mkdirSync(target, { recursive: true });
    for (const entry of GENERATED) fs.rmSync(path.join(target, entry), { recursive: true, force: true });
    for (const entry of fs.readdirSync(path.join(stagedStacks, name))) {
      fs.renameSync(path.join(stagedStacks, name, entry), path.join(target, entry));
    }
  }
  for (const entry of fs.readdirSync(staging)) {
    if (entry !== "stacks") {
      fs.rmSync(path.join(outdir, entry), { recursive: true, force: true });
      fs.renameSync(path.join(staging, entry), path.join(outdir, entry));
    }
  }
}
