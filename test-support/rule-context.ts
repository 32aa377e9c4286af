/**
 * An in-memory RuleContext, in the style of cdk-nag's test packs: give paths and contents, get the context
 * the loading step would build for such a repository, without touching the disk. Rules are pure functions
 * of their context (src/rules/rule.ts), so a rule test needs nothing else:
 *
 *   const context = ruleContext({ files: { "secrets/dev/db.enc.json": sopsShapedContent({ a: "x" }) } });
 *   expect(names.check(context)).toEqual([]);
 */
import { stringify as yamlStringify } from "yaml";
import { GitFacts } from "../src/analysis/git-facts";
import { sopsConfigFactsFor } from "../src/analysis/load-context";
import { parseContext } from "../src/config/load-config";
import { classifySecretsTree, Discovery, SECRETS_DIR, TreeEntry } from "../src/discovery/discover-secrets";
import { secretFileNotUtf8 } from "../src/errors";
import { InspectedFile, RuleContext } from "../src/rules/rule";
import { parseSopsFile } from "../src/sops/parse-sops-file";
import { parseSopsConfig } from "../src/sops/sops-config";
import { DEFAULT_SOPS_RULES, SopsYamlRule } from "./temp-repo";

export interface InMemoryRepo {
  /**
   * Repository-relative POSIX path → content. Files under secrets/ are discovered and parsed as the loading
   * step does; a path ending in "/" is an empty folder. @default {}
   */
  readonly files?: Readonly<Record<string, string | Buffer>>;
  /** Paths under secrets/ that are symbolic links, FIFOs or sockets (listed, never read). @default [] */
  readonly links?: readonly string[];
  readonly special?: readonly string[];
  /** cdktf.json `context`; it must be valid (rules only run on a valid configuration). @default {} */
  readonly context?: Record<string, unknown>;
  /** `.sops.yaml`: creation rules, raw text, or false for none. @default - one catch-all PLACEHOLDER_KMS_ARN rule */
  readonly sopsYaml?: readonly SopsYamlRule[] | string | false;
  /** `.gitignore` text, or false for none. @default "*.dec.*\n" */
  readonly gitignore?: string | false;
  /**
   * What Git reports. @default - not a Git repository: every file in `files` is committable, nothing ignored
   */
  readonly git?: Partial<GitFacts>;
  /** `secrets` is missing or not a folder. @default - a folder when any path is under secrets/, else missing */
  readonly secretsDir?: Discovery["secretsDir"];
}

const UTF8 = new TextDecoder("utf-8", { fatal: true });

export function ruleContext(repo: InMemoryRepo = {}): RuleContext {
  const loaded = parseContext(repo.context ?? {});
  if (!loaded.config)
    throw new Error(`invalid context: ${loaded.diagnostics.map((d) => d.message).join("; ")}`);
  const files = repo.files ?? {};
  const entries: TreeEntry[] = [];
  const addDirs = (p: string) => {
    const parts = p.split("/").filter((x) => x !== "");
    for (let i = 2; i < parts.length + (p.endsWith("/") ? 1 : 0); i++) {
      const dir = parts.slice(0, i).join("/");
      if (!entries.some((e) => e.path === dir)) entries.push({ path: dir, kind: "directory" });
    }
  };
  const under = (p: string) => p.startsWith(`${SECRETS_DIR}/`);
  for (const p of Object.keys(files).filter(under)) {
    addDirs(p);
    if (!p.endsWith("/")) entries.push({ path: p, kind: "file" });
  }
  for (const p of (repo.links ?? []).filter(under)) {
    addDirs(p);
    entries.push({ path: p, kind: "symlink" });
  }
  for (const p of (repo.special ?? []).filter(under)) {
    addDirs(p);
    entries.push({ path: p, kind: "special" });
  }
  const anyUnder = entries.length > 0;
  const discovery = classifySecretsTree(repo.secretsDir ?? (anyUnder ? "directory" : "missing"), entries);

  const inspected: InspectedFile[] = discovery.environments.flatMap((env) =>
    env.files.map((ref): InspectedFile => {
      const raw = files[ref.path];
      const content = typeof raw === "string" ? Buffer.from(raw) : raw;
      let text: string;
      try {
        text = UTF8.decode(content);
      } catch {
        return { ref, size: content.length, problem: secretFileNotUtf8(ref.path) };
      }
      const result = parseSopsFile(ref.path, text, ref.inputType);
      return result.ok
        ? { ref, size: content.length, parsed: result.file }
        : { ref, size: content.length, problem: result.diagnostic };
    }),
  );

  const sops = repo.sopsYaml ?? DEFAULT_SOPS_RULES;
  const sopsText =
    sops === false
      ? undefined
      : typeof sops === "string"
        ? sops
        : yamlStringify({ creation_rules: sops }, { lineWidth: 0 });
  const gitignore = repo.gitignore ?? "*.dec.*\n";
  return {
    config: loaded.config,
    configDiagnostics: loaded.diagnostics,
    discovery,
    files: inspected,
    sops: sopsConfigFactsFor(
      sopsText === undefined
        ? { found: false, ignoredAlternative: false }
        : { found: true, config: parseSopsConfig(sopsText) },
    ),
    gitignore: gitignore === false ? undefined : gitignore.split(/\r?\n/).map((l) => l.trim()),
    git: {
      available: false,
      committable: Object.keys(files).filter((p) => !p.endsWith("/")),
      ignored: [],
      ...repo.git,
    },
  };
}
