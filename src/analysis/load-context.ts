/**
 * The loading step: everything the rules need, read once (cdktf.json is loaded before, by analyze-repo.ts).
 * Every file goes through readRegularFile, so a FIFO or device is refused, never waited on.
 */
import * as fs from "fs";
import * as path from "path";
import { ProjectConfig } from "../config/config";
import { Diagnostic } from "../diagnostics";
import { discoverSecrets, SECRETS_DIR } from "../discovery/discover-secrets";
import { describeReadFailure, readRegularFile } from "../discovery/safe-read";
import { secretFileNotUtf8, secretFileUnreadable } from "../errors";
import { InspectedFile, RuleContext, SopsConfigFacts } from "../rules/rule";
import { parseSopsFile } from "../sops/parse-sops-file";
import {
  CreationRule,
  findCreationRule,
  parseSopsConfig,
  ReadSopsConfigResult,
  SOPS_CONFIG_FILE,
  SOPS_CONFIG_IGNORED_NAME,
} from "../sops/sops-config";
import { loadGitFacts } from "./git-facts";

export const GITIGNORE = ".gitignore";

export interface LoadedRepo {
  readonly context: RuleContext;
  /** The bytes of each readable secret file, by repository-relative path: synth copies exactly these. */
  readonly contents: ReadonlyMap<string, Buffer>;
}

/** Strict: invalid UTF-8 is an error, not silently replaced. */
const UTF8 = new TextDecoder("utf-8", { fatal: true });

export function loadRuleContext(
  root: string,
  config: ProjectConfig,
  configDiagnostics: readonly Diagnostic[] = [],
): LoadedRepo {
  const discovery = discoverSecrets(root);
  const files: InspectedFile[] = [];
  const contents = new Map<string, Buffer>();
  for (const env of discovery.environments) {
    for (const ref of env.files) {
      const read = readRegularFile(path.join(root, ref.path), { noFollow: true });
      if (!read.ok) {
        files.push({ ref, size: 0, problem: secretFileUnreadable(ref.path, read.code ?? read.reason) });
        continue;
      }
      const content = read.content;
      contents.set(ref.path, content);
      let text: string;
      try {
        text = UTF8.decode(content);
      } catch {
        files.push({ ref, size: content.length, problem: secretFileNotUtf8(ref.path) });
        continue;
      }
      const result = parseSopsFile(ref.path, text, ref.inputType);
      if (result.ok) files.push({ ref, size: content.length, parsed: result.file });
      else files.push({ ref, size: content.length, problem: result.diagnostic });
    }
  }

  // Git is asked about every secret file (hidden ones too) and every environment folder (a folder can be
  // ignored as a whole).
  const envFolders = [...discovery.environments.map((e) => e.name), ...discovery.emptyEnvironments].map(
    (env) => `${SECRETS_DIR}/${env}/`,
  );
  const hidden = discovery.strays.filter((s) => s.kind === "hidden-secret").map((s) => s.path);
  const git = loadGitFacts(root, [...files.map((f) => f.ref.path), ...hidden, ...envFolders]);

  const gitignoreRead = readRegularFile(path.join(root, GITIGNORE));
  const gitignore = gitignoreRead.ok
    ? gitignoreRead.content
        .toString("utf8")
        .split(/\r?\n/)
        .map((l) => l.trim())
    : undefined;

  return {
    context: { config, configDiagnostics, discovery, files, sops: loadSopsConfig(root), gitignore, git },
    contents,
  };
}

/** Reads `<root>/.sops.yaml` (never a FIFO or folder) and parses it. */
export function loadSopsConfig(root: string): SopsConfigFacts {
  const read = readRegularFile(path.join(root, SOPS_CONFIG_FILE));
  if (read.ok)
    return sopsConfigFactsFor({ found: true, config: parseSopsConfig(read.content.toString("utf8")) });
  const ignoredAlternative = fs.lstatSync(path.join(root, SOPS_CONFIG_IGNORED_NAME), {
    throwIfNoEntry: false,
  });
  return sopsConfigFactsFor(
    { found: false, ignoredAlternative: ignoredAlternative !== undefined },
    read.reason === "missing" ? undefined : describeReadFailure(read),
  );
}

/** Facts over a `.sops.yaml` result, with the creation rule of each path memoised. */
export function sopsConfigFactsFor(result: ReadSopsConfigResult, unreadable?: string): SopsConfigFacts {
  const matches = new Map<string, CreationRule | undefined>();
  return {
    result,
    ...(unreadable !== undefined && { unreadable }),
    ruleFor(relativePath) {
      if (!result.found) return undefined;
      if (!matches.has(relativePath))
        matches.set(relativePath, findCreationRule(result.config, relativePath));
      return matches.get(relativePath);
    },
  };
}
