/**
 * Test support for the review: a throw-away git repository under os.tmpdir(), and "sops edit"-style
 * changes to sops-shaped files (test-support/sops-shaped-file.ts). Only ciphertext is ever written,
 * except where a test makes a plaintext leak on purpose.
 */
import * as fs from "fs";
import * as path from "path";
import { parse as yamlParse, stringify as yamlStringify } from "yaml";
import { ShapedRandom, shapedCiphertext } from "../../test-support/sops-shaped-file";
import { git, makeTempDir, writeRepo } from "../../test-support/temp-repo";

/** A git repository with commits, built on the one test repository builder (test-support/temp-repo.ts). */
export class TempRepo {
  readonly root: string;

  constructor(context: Record<string, unknown> = {}) {
    this.root = writeRepo(
      makeTempDir("sops-review-"),
      {},
      { context, cdktfJson: { language: "typescript", app: "true" }, sopsYaml: false, gitignore: false },
    );
    this.git("init", "-q", "-b", "main");
  }

  git(...args: string[]): string {
    return git(this.root, ...args);
  }

  write(file: string, content: string): void {
    const full = path.join(this.root, file);
    fs.mkdirSync(path.dirname(full), { recursive: true });
    fs.writeFileSync(full, content);
  }

  read(file: string): string {
    return fs.readFileSync(path.join(this.root, file), "utf8");
  }

  remove(file: string): void {
    fs.rmSync(path.join(this.root, file));
  }

  commitAll(message: string): void {
    this.git("add", "-A");
    this.git("commit", "-q", "-m", message);
  }

  dispose(): void {
    fs.rmSync(this.root, { recursive: true, force: true });
  }
}

type Tree = Record<string, unknown>;

function load(content: string, format: "json" | "yaml"): Tree {
  return (format === "json" ? JSON.parse(content) : yamlParse(content)) as Tree;
}

function dump(tree: Tree, format: "json" | "yaml"): string {
  return format === "json" ? JSON.stringify(tree, null, "\t") + "\n" : yamlStringify(tree, { lineWidth: 0 });
}

/** Walks to the parent of a dotted key path (`db.password`, `hosts.1`). */
function parentOf(tree: Tree, keyPath: string): [Record<string, unknown>, string] {
  const parts = keyPath.split(".");
  let node = tree as Record<string, unknown>;
  for (const p of parts.slice(0, -1)) node = node[p] as Record<string, unknown>;
  return [node, parts[parts.length - 1]];
}

export interface SopsEdit {
  /** Keys given a new ciphertext (as `sops set` / `sops edit` do for the values they change). */
  readonly set?: readonly string[];
  readonly remove?: readonly string[];
  /** Keys whose value is replaced by a PLAINTEXT string: a deliberate leak. */
  readonly plain?: Readonly<Record<string, string>>;
  /** Recipients added the way `sops updatekeys` does: a new entry, the others untouched. */
  readonly addAge?: readonly string[];
  readonly removeKms?: readonly string[];
}

/**
 * What `sops edit` / `sops set` / `sops updatekeys` leave behind: only the touched values get a new
 * ciphertext, the data key blobs stay, the mac changes when values do.
 */
export function sopsEdit(content: string, format: "json" | "yaml", edit: SopsEdit, seed = "edit"): string {
  const tree = load(content, format);
  const rng = new ShapedRandom(seed);
  for (const k of edit.set ?? []) {
    const [node, last] = parentOf(tree, k);
    node[last] = shapedCiphertext(rng, 12);
  }
  for (const k of edit.remove ?? []) {
    const [node, last] = parentOf(tree, k);
    delete node[last];
  }
  for (const [k, v] of Object.entries(edit.plain ?? {})) {
    const [node, last] = parentOf(tree, k);
    node[last] = v;
  }
  const sops = tree.sops as Record<string, unknown>;
  if (edit.addAge?.length) {
    const age = (sops.age as unknown[] | undefined) ?? [];
    for (const recipient of edit.addAge)
      age.push({
        recipient,
        enc: `-----BEGIN AGE ENCRYPTED FILE-----\n${rng.bytes(90).toString("base64")}\n-----END AGE ENCRYPTED FILE-----\n`,
      });
    sops.age = age;
  }
  if (edit.removeKms?.length)
    sops.kms = (sops.kms as { arn: string }[]).filter((k) => !edit.removeKms!.includes(k.arn));
  if (edit.set?.length || edit.remove?.length || edit.plain) sops.mac = shapedCiphertext(rng, 64);
  return dump(tree, format);
}

/** Adds keys with fresh ciphertext (`sops set` of a new key). */
export function sopsAddKeys(
  content: string,
  format: "json" | "yaml",
  keys: readonly string[],
  seed = "add",
): string {
  const tree = load(content, format);
  const rng = new ShapedRandom(seed);
  for (const k of keys) {
    const [node, last] = parentOf(tree, k);
    node[last] = shapedCiphertext(rng, 10);
  }
  (tree.sops as Record<string, unknown>).mac = shapedCiphertext(rng, 64);
  return dump(tree, format);
}
