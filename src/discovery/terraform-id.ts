/**
 * The Terraform address of a secret's resources, derived from its logical name only, so that adding or
 * removing another file never moves it: `payments/stripe` → `payments--stripe`
 * (`aws_secretsmanager_secret.payments--stripe`).
 */
import * as crypto from "crypto";

/**
 * Ids a secret's address may not be, because it is also its construct id: the ids EnvironmentStack gives its
 * own children (src/stacks/environment-stack.ts; a test keeps this list complete), and the property names
 * of every JavaScript object, which constructs looks children up by (`constructor`, `toString`, ...).
 */
const RESERVED_IDS = new Set([
  "aws",
  "sops",
  "source-files",
  "secrets",
  "backend",
  ...Object.getOwnPropertyNames(Object.prototype),
]);

export function terraformIdFor(name: string): string {
  let id = name.replace(/\//g, "--").replace(/[^A-Za-z0-9_-]/g, "_");
  // Characters that had to be replaced, or a "--" that was in the name itself, would make two names share
  // an address: a short hash of the exact name keeps them apart.
  // So would a "-" next to a "/" (`a/-b` and `a-/b` both give `a---b`), and the "_" put in front of a
  // name that does not start with a letter (`1x` and `_1x`). A reserved id gets the hash too.
  const lossy =
    /[^A-Za-z0-9_/-]/.test(name) ||
    name.includes("--") ||
    /\/-|-\//.test(name) ||
    !/^[A-Za-z_]/.test(name) ||
    RESERVED_IDS.has(id);
  if (!/^[A-Za-z_]/.test(id)) id = `_${id}`;
  return lossy ? `${id}_${crypto.createHash("sha256").update(name).digest("hex").slice(0, 8)}` : id;
}
