/**
 * The one home of test repositories on disk: a folder under the OS temp dir with cdktf.json, a .sops.yaml, a
 * .gitignore and the files you give (for secret files, use sopsShapedContent from ./sops-shaped-file). Not a
 * Git repository unless `git: true` (or the test runs `git init` itself). ./example-repo.ts builds complete
 * example projects on top of writeRepo; ./rule-context.ts builds the same repositories in memory, for rules.
 *
 *   const root = makeTempRepo({ "secrets/dev/db.enc.json": sopsShapedContent({ password: "x" }, { format: "json" }) });
 *   afterAll(removeTempRepos);
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { stringify as yamlStringify } from "yaml";
import { PLACEHOLDER_KMS_ARN } from "./sops-shaped-file";

/** One `.sops.yaml` creation rule, written as given (keys as in sops: path_regex, kms, age, pgp, key_groups...). */
export interface SopsYamlRule {
  readonly path_regex?: string;
  readonly kms?: string | readonly string[];
  readonly age?: string | readonly string[];
  readonly pgp?: string | readonly string[];
  readonly gcp_kms?: string | readonly string[];
  readonly azure_keyvault?: string | readonly string[];
  readonly hc_vault_transit_uri?: string | readonly string[];
  readonly key_groups?: readonly Record<string, unknown>[];
  readonly [key: string]: unknown;
}

export interface TempRepoOptions {
  /** cdktf.json `context`. @default {} */
  readonly context?: Record<string, unknown>;
  /**
   * `.sops.yaml`: creation rules, the file's raw text, or false for no file.
   * @default - one catch-all rule naming PLACEHOLDER_KMS_ARN (the key sops-shaped files use by default)
   */
  readonly sopsYaml?: readonly SopsYamlRule[] | string | false;
  /** `.gitignore` content, or false for no file. @default "*.dec.*\n" */
  readonly gitignore?: string | false;
  /** Other top-level keys of cdktf.json (`language`, `app`). @default {} */
  readonly cdktfJson?: Record<string, unknown>;
  /** Make it a Git repository (`git init`, everything added and committed). @default false */
  readonly git?: boolean;
}

export const DEFAULT_SOPS_RULES: readonly SopsYamlRule[] = [{ kms: PLACEHOLDER_KMS_ARN }];

const created: string[] = [];

/**
 * Creates a repository and returns its absolute root. `files` maps repository-relative POSIX paths to
 * contents; a path ending in "/" creates an empty folder.
 */
export function makeTempRepo(files: Record<string, string> = {}, options: TempRepoOptions = {}): string {
  const root = fs.realpathSync(makeTempDir());
  created.push(root);
  return writeRepo(root, files, options);
}

/** A new empty folder under the OS temp dir (inside Jest's per-run folder when run by Jest). */
export function makeTempDir(prefix = "sops-secrets-test-"): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Writes a repository into `root` (created when missing) and returns it: what makeTempRepo does in a new folder. */
export function writeRepo(
  root: string,
  files: Record<string, string> = {},
  options: TempRepoOptions = {},
): string {
  fs.mkdirSync(root, { recursive: true });
  fs.writeFileSync(
    path.join(root, "cdktf.json"),
    JSON.stringify({ ...options.cdktfJson, context: options.context ?? {} }, null, 2) + "\n",
  );
  const sops = options.sopsYaml ?? DEFAULT_SOPS_RULES;
  if (sops !== false) writeSopsYaml(root, sops);
  const gitignore = options.gitignore ?? "*.dec.*\n";
  if (gitignore !== false) fs.writeFileSync(path.join(root, ".gitignore"), gitignore);
  for (const [rel, content] of Object.entries(files)) {
    const abs = path.join(root, ...rel.split("/"));
    if (rel.endsWith("/")) {
      fs.mkdirSync(abs, { recursive: true });
      continue;
    }
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    fs.writeFileSync(abs, content);
  }
  if (options.git) {
    git(root, "init", "-q", "-b", "main");
    git(root, "add", "-A");
    git(root, "commit", "-q", "--allow-empty", "-m", "test repository");
  }
  return root;
}

/** Runs git in `root` with a fixed test identity and no signing; returns stdout. */
export function git(root: string, ...args: string[]): string {
  return execFileSync(
    "git",
    ["-c", "user.email=test@example.com", "-c", "user.name=Test", "-c", "commit.gpgsign=false", ...args],
    { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] },
  );
}

/** Writes `<root>/.sops.yaml` from creation rules (or raw text). */
export function writeSopsYaml(root: string, rules: readonly SopsYamlRule[] | string): void {
  const text = typeof rules === "string" ? rules : yamlStringify({ creation_rules: rules }, { lineWidth: 0 });
  fs.writeFileSync(path.join(root, ".sops.yaml"), text);
}

/** Deletes every repository makeTempRepo created in this process (use in afterAll). */
export function removeTempRepos(): void {
  for (const root of created.splice(0)) fs.rmSync(root, { recursive: true, force: true });
}
