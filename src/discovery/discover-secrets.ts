/**
 * Finds the secret files of a repository: `secrets/<env>/**\/<name>.enc.<ext>`: json, yaml/yml, env (dotenv),
 * ini, and any other extension (`tls.enc.pem`, `token.enc.txt`) for sops's binary format, stored as a raw string.
 * Pure apart from listing folders: it reads no file content and knows nothing of constructs.
 */
import * as fs from "fs";
import * as path from "path";

/** The carlpett/sops provider's `input_type`; "raw" is a file in sops's binary format (`{"data": ENC[...], "sops": ...}`). */
export type InputType = "json" | "yaml" | "dotenv" | "ini" | "raw";

/** The folder, relative to the project root, that holds one folder per environment. */
export const SECRETS_DIR = "secrets";

/** A secret file: one Secrets Manager secret. */
export interface SecretFileRef {
  /** Environment (the folder under secrets/). */
  readonly environment: string;
  /** Logical name: the path under the environment folder without `.enc.<ext>` (`payments/stripe`). */
  readonly name: string;
  /** Repository-relative POSIX path (`secrets/production/payments/stripe.enc.json`). */
  readonly path: string;
  /** How sops and the sops provider read it. */
  readonly inputType: InputType;
}

export interface EnvironmentRef {
  readonly name: string;
  /** Sorted by logical name. */
  readonly files: readonly SecretFileRef[];
}

export type StrayKind = "symlink" | "unrecognized" | "outside-environment" | "special";

/** Something under secrets/ that is not a secret file of an environment (see rules SS007, SS008). */
export interface StrayRef {
  readonly path: string;
  readonly kind: StrayKind;
}

export interface Discovery {
  /** Environments with at least one secret file, sorted by name. */
  readonly environments: readonly EnvironmentRef[];
  /** Environment folders without any secret file (they make no stack). */
  readonly emptyEnvironments: readonly string[];
  readonly strays: readonly StrayRef[];
  /** What `secrets` is: a folder, missing, or something else (a file, a link...). */
  readonly secretsDir: "directory" | "missing" | "not-a-directory";
}

/**
 * sops picks its store by extension (cmd/sops/formats/formats.go): yaml/yml, json, env, ini, and the binary
 * store for every other extension. The extension is letters and digits only, so `x.enc.json.bak` is no secret.
 */
const SECRET_FILE = /^(.*)\.enc\.([A-Za-z0-9]+)$/;
const INPUT_TYPES: Readonly<Record<string, InputType>> = {
  json: "json",
  yaml: "yaml",
  yml: "yaml",
  env: "dotenv",
  ini: "ini",
};

/**
 * Files that may sit under secrets/ without being secrets: a README (`README`, `README.md`, `README.txt`)
 * and `.gitkeep`. Anything else is a stray (rule SS007): a notes file is as good a place for a leaked
 * value as any other.
 */
function isAllowedNonSecret(fileName: string): boolean {
  return /^readme(\.md|\.txt)?$/i.test(fileName) || fileName === ".gitkeep";
}

/** Parses a path under an environment folder (`payments/stripe.enc.json`); undefined when it is no secret file. */
export function parseSecretPath(
  pathInEnvironment: string,
): { name: string; inputType: InputType } | undefined {
  const m = SECRET_FILE.exec(pathInEnvironment);
  if (!m) return undefined;
  return {
    name: m[1],
    inputType: Object.prototype.hasOwnProperty.call(INPUT_TYPES, m[2]) ? INPUT_TYPES[m[2]] : "raw",
  };
}

export function discoverSecrets(root: string): Discovery {
  const base = path.join(root, SECRETS_DIR);
  const stat = fs.lstatSync(base, { throwIfNoEntry: false });
  if (!stat || !stat.isDirectory()) {
    return {
      environments: [],
      emptyEnvironments: [],
      strays: [],
      secretsDir: stat ? "not-a-directory" : "missing",
    };
  }
  const top = readDir(base);
  const environments: EnvironmentRef[] = [];
  const emptyEnvironments: string[] = [];
  const strays: StrayRef[] = [];
  for (const entry of top) {
    const rel = `${SECRETS_DIR}/${entry.name}`;
    if (entry.isSymbolicLink()) strays.push({ path: rel, kind: "symlink" });
    else if (entry.isDirectory()) {
      const files: SecretFileRef[] = [];
      walk(path.join(base, entry.name), "", entry.name, files, strays);
      files.sort((a, b) => compare(a.name, b.name) || compare(a.path, b.path));
      if (files.length > 0) environments.push({ name: entry.name, files });
      else emptyEnvironments.push(entry.name);
    } else if (!entry.isFile()) strays.push({ path: rel, kind: "special" });
    else if (!isAllowedNonSecret(entry.name)) {
      strays.push({ path: rel, kind: SECRET_FILE.test(entry.name) ? "outside-environment" : "unrecognized" });
    }
  }
  strays.sort((a, b) => compare(a.path, b.path));
  return { environments, emptyEnvironments, strays, secretsDir: "directory" };
}

function walk(
  dir: string,
  prefix: string,
  environment: string,
  files: SecretFileRef[],
  strays: StrayRef[],
): void {
  for (const entry of readDir(dir)) {
    const inEnv = prefix ? `${prefix}/${entry.name}` : entry.name;
    const rel = `${SECRETS_DIR}/${environment}/${inEnv}`;
    if (entry.isSymbolicLink()) strays.push({ path: rel, kind: "symlink" });
    else if (entry.isDirectory()) walk(path.join(dir, entry.name), inEnv, environment, files, strays);
    else if (!entry.isFile())
      strays.push({ path: rel, kind: "special" }); // a FIFO or socket: never read it
    else {
      const parsed = parseSecretPath(inEnv);
      if (parsed) files.push({ environment, name: parsed.name, path: rel, inputType: parsed.inputType });
      else if (!isAllowedNonSecret(entry.name)) strays.push({ path: rel, kind: "unrecognized" });
    }
  }
}

function readDir(dir: string): fs.Dirent[] {
  return fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => compare(a.name, b.name));
}

/** Byte-order comparison: independent of the machine's locale. */
export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
