/**
 * Terraform provider locking: the project's committed `.terraform.lock.hcl` (repository root) is copied into
 * every stack folder at synth, so `terraform init -lockfile=readonly` in CI installs exactly the locked providers
 * (checked against the recorded hashes) or fails. Without a root lock file nothing is copied (a lock file
 * without hashes is not valid): create it with the command in docs/bootstrap.md, "Provider locking".
 */
import * as fs from "fs";
import * as path from "path";

export const PROVIDER_LOCK_FILE = ".terraform.lock.hcl";

/**
 * Copies `<root>/.terraform.lock.hcl` into each folder under `stacksDir` (the staged `stacks/`). Returns the
 * stack names it was copied to ([] when the project has no lock file).
 */
export function copyProviderLock(root: string, stacksDir: string): string[] {
  const source = path.join(root, PROVIDER_LOCK_FILE);
  if (!fs.existsSync(source) || !fs.existsSync(stacksDir)) return [];
  const lock = fs.readFileSync(source);
  const names = fs
    .readdirSync(stacksDir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  for (const name of names) fs.writeFileSync(path.join(stacksDir, name, PROVIDER_LOCK_FILE), lock);
  return names;
}
