/**
 * config → discovery → sops inspection → rules: everything synth and `npm run check` know about a
 * repository, computed without constructs. Each secret file is read once and parsed once.
 */
import * as fs from "fs";
import * as path from "path";
import { EnvironmentSettings, ProjectConfig, secretNameFor, settingsFor } from "../config/config";
import { loadConfig } from "../config/load-config";
import { Diagnostic, sortDiagnostics } from "../diagnostics";
import { discoverSecrets, Discovery, SecretFileRef } from "../discovery/discover-secrets";
import { terraformIdFor } from "../discovery/terraform-id";
import { runRules } from "../rules";
import { InspectedFile, Rule } from "../rules/rule";
import { lastModifiedSeconds } from "../sops/sops-metadata";
import { parseSopsFile } from "../sops/parse-sops-file";
import { secretFileNotUtf8, secretFileUnreadable } from "../errors";

/** One secret as the stacks need it. */
export interface SecretPlan {
  readonly ref: SecretFileRef;
  /** Secrets Manager name, from the name template. */
  readonly secretName: string;
  /** Terraform address component of the secret's resources. */
  readonly terraformId: string;
  /** The encrypted file's bytes as read and checked; synth copies exactly these into the stack folder. */
  readonly content: Buffer;
  /** sops `lastmodified` in Unix seconds (write-only mode's secret_string_wo_version). */
  readonly lastModified?: number;
}

export interface EnvironmentPlan {
  readonly name: string;
  readonly settings: EnvironmentSettings;
  /** Sorted by logical name. */
  readonly secrets: readonly SecretPlan[];
}

export interface RepoAnalysis {
  /** Undefined when the configuration has errors (then nothing else was analysed). */
  readonly config?: ProjectConfig;
  readonly discovery?: Discovery;
  readonly environments: readonly EnvironmentPlan[];
  /** Sorted; synth refuses when any is an error. */
  readonly diagnostics: readonly Diagnostic[];
}

export interface AnalyzeOptions {
  /** @default - every rule (src/rules/index.ts) */
  readonly rules?: readonly Rule[];
}

/** Strict: invalid UTF-8 is an error, not silently replaced. */
const UTF8 = new TextDecoder("utf-8", { fatal: true });

export function analyzeRepo(root: string, options: AnalyzeOptions = {}): RepoAnalysis {
  const { config, diagnostics: configDiagnostics } = loadConfig(root);
  if (!config) return { environments: [], diagnostics: sortDiagnostics(configDiagnostics) };
  const discovery = discoverSecrets(root);
  const diagnostics: Diagnostic[] = [...configDiagnostics];

  const files: InspectedFile[] = [];
  const contents = new Map<string, Buffer>();
  for (const env of discovery.environments) {
    for (const ref of env.files) {
      let content: Buffer;
      try {
        content = fs.readFileSync(path.join(root, ref.path));
      } catch (e) {
        files.push({ ref, size: 0 });
        diagnostics.push(secretFileUnreadable(ref.path, (e as NodeJS.ErrnoException).code));
        continue;
      }
      contents.set(ref.path, content);
      let text: string;
      try {
        text = UTF8.decode(content);
      } catch {
        files.push({ ref, size: content.length });
        diagnostics.push(secretFileNotUtf8(ref.path));
        continue;
      }
      const result = parseSopsFile(ref.path, text, ref.inputType);
      if (result.ok) files.push({ ref, size: content.length, parsed: result.file });
      else {
        files.push({ ref, size: content.length });
        diagnostics.push(result.diagnostic);
      }
    }
  }
  diagnostics.push(...runRules({ root, config, discovery, files }, options.rules));

  const byPath = new Map(files.map((f) => [f.ref.path, f]));
  const environments = discovery.environments.map((env): EnvironmentPlan => {
    const settings = settingsFor(config, env.name);
    return {
      name: env.name,
      settings,
      secrets: env.files.map((ref): SecretPlan => {
        const metadata = byPath.get(ref.path)?.parsed?.metadata;
        return {
          ref,
          secretName: secretNameFor(settings, env.name, ref.name),
          terraformId: terraformIdFor(ref.name),
          content: contents.get(ref.path) as Buffer,
          lastModified: metadata ? lastModifiedSeconds(metadata) : undefined,
        };
      }),
    };
  });
  return { config, discovery, environments, diagnostics: sortDiagnostics(diagnostics) };
}
