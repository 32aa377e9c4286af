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

/**
 * symlink: SS008; unrecognized, outside-environment, special: SS007; os-litter (`.DS_Store`, `Thumbs.db`,
 * `._x`...): an SS007 warning, otherwise ignored; hidden-secret (`.x.enc.json`, `.enc.json`): SS010.
 */
export type StrayKind =
  "symlink" | "unrecognized" | "outside-environment" | "special" | "os-litter" | "hidden-secret";

/** Something under secrets/ that is not a secret file of an environment (see rules SS007, SS008, SS010). */
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

/**
 * Files operating systems leave in folders (Finder, Explorer): never secrets, never read; at most a warning.
 * `._<name>` is macOS's AppleDouble companion of `<name>` (it can be named like a secret file).
 */
export function isOsLitter(fileName: string): boolean {
  return (
    /^(\.ds_store|thumbs\.db|ehthumbs\.db|ehthumbs_vista\.db|desktop\.ini|icon\r|\.directory)$/i.test(
      fileName,
    ) || fileName.startsWith("._")
  );
}

/**
 * Parses a path under an environment folder (`payments/stripe.enc.json`); undefined when it is no secret file.
 * A hidden file (`.x.enc.json`, or `.enc.json` with no name at all) is none: see isHiddenSecretPath.
 */
export function parseSecretPath(
  pathInEnvironment: string,
): { name: string; inputType: InputType } | undefined {
  if (isHiddenSecretPath(pathInEnvironment)) return undefined;
  const m = SECRET_FILE.exec(pathInEnvironment);
  if (!m) return undefined;
  return {
    name: m[1],
    inputType: Object.prototype.hasOwnProperty.call(INPUT_TYPES, m[2]) ? INPUT_TYPES[m[2]] : "raw",
  };
}

/** A file named like a secret whose name starts with a dot: `.x.enc.json`, `.enc.json` (rule SS010). */
export function isHiddenSecretPath(pathInEnvironment: string): boolean {
  const base = pathInEnvironment.slice(pathInEnvironment.lastIndexOf("/") + 1);
  return base.startsWith(".") && SECRET_FILE.test(`x${base}`);
}

/** An entry of the secrets/ tree as listed (symbolic links are not followed). */
export interface TreeEntry {
  /** Repository-relative POSIX path (`secrets/dev/db.enc.json`). */
  readonly path: string;
  readonly kind: "file" | "directory" | "symlink" | "special";
}

/** Lists secrets/ (without following links) and classifies what it holds. Reads no file content. */
export function discoverSecrets(root: string): Discovery {
  const base = path.join(root, SECRETS_DIR);
  const stat = fs.lstatSync(base, { throwIfNoEntry: false });
  if (!stat || !stat.isDirectory()) return classifySecretsTree(stat ? "not-a-directory" : "missing", []);
  const entries: TreeEntry[] = [];
  const walk = (dir: string, rel: string) => {
    for (const entry of readDir(dir)) {
      const entryRel = `${rel}/${entry.name}`;
      const kind = entry.isSymbolicLink()
        ? "symlink"
        : entry.isDirectory()
          ? "directory"
          : entry.isFile()
            ? "file"
            : "special";
      entries.push({ path: entryRel, kind });
      if (kind === "directory") walk(path.join(dir, entry.name), entryRel);
    }
  };
  walk(base, SECRETS_DIR);
  return classifySecretsTree("directory", entries);
}

/**
 * The pure half of discovery: what a listing of secrets/ means. Tests build a Discovery from paths alone
 * with it (test-support/rule-context.ts).
 */
export function classifySecretsTree(
  secretsDir: Discovery["secretsDir"],
  entries: readonly TreeEntry[],
): Discovery {
  if (secretsDir !== "directory") return { environments: [], emptyEnvironments: [], strays: [], secretsDir };
  const envFiles = new Map<string, SecretFileRef[]>();
  const strays: StrayRef[] = [];
  const prefix = `${SECRETS_DIR}/`;
  for (const { path: rel, kind } of entries) {
    if (!rel.startsWith(prefix)) continue;
    const parts = rel.slice(prefix.length).split("/");
    const fileName = parts[parts.length - 1];
    if (parts.length === 1) {
      // directly under secrets/: an environment folder, or something that belongs in one
      if (kind === "symlink") strays.push({ path: rel, kind: "symlink" });
      else if (kind === "directory") {
        if (!envFiles.has(fileName)) envFiles.set(fileName, []);
      } else if (kind === "special") strays.push({ path: rel, kind: "special" });
      else if (isOsLitter(fileName)) strays.push({ path: rel, kind: "os-litter" });
      else if (!isAllowedNonSecret(fileName)) {
        strays.push({ path: rel, kind: SECRET_FILE.test(fileName) ? "outside-environment" : "unrecognized" });
      }
      continue;
    }
    const environment = parts[0];
    const inEnv = parts.slice(1).join("/");
    if (kind === "symlink") strays.push({ path: rel, kind: "symlink" });
    else if (kind === "directory") continue;
    else if (kind === "special")
      strays.push({ path: rel, kind: "special" }); // a FIFO or socket: never read it
    else if (isOsLitter(fileName)) strays.push({ path: rel, kind: "os-litter" });
    else if (isHiddenSecretPath(inEnv)) strays.push({ path: rel, kind: "hidden-secret" });
    else {
      const parsed = parseSecretPath(inEnv);
      let files = envFiles.get(environment);
      if (!files) envFiles.set(environment, (files = []));
      if (parsed) files.push({ environment, name: parsed.name, path: rel, inputType: parsed.inputType });
      else if (!isAllowedNonSecret(fileName)) strays.push({ path: rel, kind: "unrecognized" });
    }
  }
  const environments: EnvironmentRef[] = [];
  const emptyEnvironments: string[] = [];
  for (const name of [...envFiles.keys()].sort(compare)) {
    const files = envFiles.get(name) as SecretFileRef[];
    files.sort((a, b) => compare(a.name, b.name) || compare(a.path, b.path));
    if (files.length > 0) environments.push({ name, files });
    else emptyEnvironments.push(name);
  }
  strays.sort((a, b) => compare(a.path, b.path));
  return { environments, emptyEnvironments, strays, secretsDir: "directory" };
}

function readDir(dir: string): fs.Dirent[] {
  return fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => compare(a.name, b.name));
}

/** Byte-order comparison: independent of the machine's locale. */
export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
