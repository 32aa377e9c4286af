/**
 * config → loading (discovery, secret files, .sops.yaml, .gitignore, Git: load-context.ts) → rules (pure
 * functions of that context) → suppressions: everything synth and `npm run check` know about a repository,
 * computed without constructs. Each secret file is read once and parsed once.
 */
import { EnvironmentSettings, ProjectConfig, secretNameFor, settingsFor } from "../config/config";
import { loadConfig } from "../config/load-config";
import { resolveSecretSettings, SecretSettings } from "../config/secret-settings";
import { Diagnostic, sortDiagnostics } from "../diagnostics";
import { Discovery, SecretFileRef } from "../discovery/discover-secrets";
import { terraformIdFor } from "../discovery/terraform-id";
import { ALL_RULES, runRules } from "../rules";
import { Rule } from "../rules/rule";
import { lastModifiedSeconds } from "../sops/sops-metadata";
import { loadRuleContext } from "./load-context";
import { applySuppressions, SuppressedDiagnostic } from "./suppressions";

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
  /** The secret's own settings: its environment's, with the matching `secrets` entries applied. */
  readonly settings: SecretSettings;
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
  /** Sorted; synth refuses when any is an error. Suppressed findings are not among them. */
  readonly diagnostics: readonly Diagnostic[];
  /** Findings silenced by `context.suppressions`, with the reason given. */
  readonly suppressed: readonly SuppressedDiagnostic[];
}

export interface AnalyzeOptions {
  /** @default - every rule (src/rules/index.ts) */
  readonly rules?: readonly Rule[];
}

export function analyzeRepo(root: string, options: AnalyzeOptions = {}): RepoAnalysis {
  const { config, diagnostics: configDiagnostics } = loadConfig(root);
  if (!config) return { environments: [], suppressed: [], diagnostics: sortDiagnostics(configDiagnostics) };
  const { context, contents } = loadRuleContext(root, config, configDiagnostics);
  const { discovery, files } = context;
  const { kept, suppressed } = applySuppressions(
    runRules(context, options.rules),
    config.suppressions ?? [],
    options.rules ?? ALL_RULES,
    ALL_RULES,
  );

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
          settings: resolveSecretSettings(config, env.name, ref.name, settings).settings,
        };
      }),
    };
  });
  return { config, discovery, environments, suppressed, diagnostics: sortDiagnostics(kept) };
}
