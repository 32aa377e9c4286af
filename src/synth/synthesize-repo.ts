/**
 * The main job: analyse the repository, refuse on any error, otherwise build one stack per environment
 * and write them. Used by main.ts (so by `npm run synth` and `cdktf synth|plan|deploy`), tests and the
 * benchmark, so all of them run the same path.
 */
import * as fs from "fs";
import * as path from "path";
import { analyzeRepo, AnalyzeOptions, RepoAnalysis } from "../analysis/analyze-repo";
import { formatDiagnostic, formatSummary, hasErrors } from "../diagnostics";
import { BootstrapStack } from "../bootstrap/bootstrap-stack";
import { ProjectConfig, settingsFor } from "../config/config";
import { EnvironmentStack } from "../stacks/environment-stack";
import { makeStagingDir, publishOutput } from "./publish-output";
import { StackByStackSynth } from "../cdktf/stack-by-stack";
import { withoutTokenStackTraces } from "../cdktf/token-stack-traces";

export interface SynthOptions extends AnalyzeOptions {
  /**
   * Output folder, relative to the project root or absolute.
   * @default - $CDKTF_OUTDIR (set by the cdktf CLI), else "cdktf.out"
   */
  readonly outdir?: string;
  /** Render HCL instead of JSON (`cdktf synth --hcl` sets SYNTH_HCL_OUTPUT). @default false */
  readonly hclOutput?: boolean;
}

export interface SynthResult {
  readonly analysis: RepoAnalysis;
  /** False when an error stopped synth (then nothing was written). */
  readonly synthesized: boolean;
  /** Absolute output folder. */
  readonly outdir: string;
}

export function synthesizeRepo(root: string, options: SynthOptions = {}): SynthResult {
  const outdir = path.resolve(root, options.outdir ?? process.env.CDKTF_OUTDIR ?? "cdktf.out");
  const analysis = analyzeRepo(root, options);
  if (!analysis.config || hasErrors(analysis.diagnostics)) return { analysis, synthesized: false, outdir };
  const { config } = analysis;

  // Only now, once nothing can refuse any more, is anything written: into a staging folder, published
  // when complete (see publish-output.ts).
  const staging = makeStagingDir(outdir);
  try {
    buildAndSynth(root, outdir, staging, analysis, config, options);
    publishOutput(staging, outdir);
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
  return { analysis, synthesized: true, outdir };
}

function buildAndSynth(
  root: string,
  outdir: string,
  staging: string,
  analysis: RepoAnalysis,
  config: ProjectConfig,
  options: SynthOptions,
): void {
  // One App per stack: only one stack's constructs are in memory at a time (src/cdktf/stack-by-stack.ts).
  const synth = new StackByStackSynth({ outdir: staging, hclOutput: options.hclOutput });
  for (const env of analysis.environments) {
    const stackDir = path.join(outdir, "stacks", env.name);
    synth.add(
      (app) =>
        new EnvironmentStack(app, env.name, {
          settings: env.settings,
          backend: config.backend,
          secrets: env.secrets,
          projectRootFromStack: path.relative(stackDir, root).split(path.sep).join("/") || ".",
        }),
    );
  }
  const { bootstrap, backend } = config;
  if (bootstrap && backend.type === "s3" && analysis.discovery) {
    // Empty environment folders too: a new environment needs its key before its first secret exists.
    const folders = [
      ...analysis.discovery.environments.map((e) => e.name),
      ...analysis.discovery.emptyEnvironments,
    ];
    const stackDir = path.join(outdir, "stacks", "bootstrap");
    synth.add(
      (app) =>
        new BootstrapStack(app, {
          environments: folders,
          settings: bootstrap,
          backend,
          region: config.defaults.region,
          tags: config.defaults.tags,
          environmentSettings: Object.fromEntries(
            [...folders, ...bootstrap.environments].map((env) => [env, settingsFor(config, env)]),
          ),
          localStatePath: `${path.relative(stackDir, root).split(path.sep).join("/") || "."}/terraform.bootstrap.tfstate`,
        }),
    );
  }
  synth.finish();
}

/** Runs the main job and reports like a CLI: diagnostics to stderr, a summary, the exit code. */
export function runSynth(root: string, log: Pick<Console, "log" | "error"> = console): number {
  let result: SynthResult;
  try {
    // Skips cdktf's per-token stack traces: ~30 % of synth's time at 10,000 secrets (src/cdktf/token-stack-traces.ts).
    result = withoutTokenStackTraces(() => synthesizeRepo(root));
  } catch (e) {
    // A bug, not bad input (bad input ends in diagnostics). Messages of this code never hold values.
    log.error(
      `synth failed: ${(e as Error).message}. Nothing was written (the previous output is unchanged).`,
    );
    if (process.env.SOPS_SECRETS_DEBUG) log.error((e as Error).stack);
    return 1;
  }
  const { diagnostics } = result.analysis;
  for (const d of diagnostics) log.error(formatDiagnostic(d));
  if (!result.synthesized) {
    log.error(
      `synth refused: ${formatSummary(diagnostics)}. Nothing was written. Fix the problems above and run it again.`,
    );
    return 1;
  }
  const envs = result.analysis.environments;
  const rel = path.relative(root, result.outdir) || ".";
  log.log(
    envs.length === 0
      ? `No environment has a secret file under secrets/: no stack written.`
      : `Synthesized ${envs.length} stack${envs.length === 1 ? "" : "s"} into ${rel}/stacks: ` +
          envs
            .map(
              (e) =>
                `${e.name} (${e.secrets.length} secret${e.secrets.length === 1 ? "" : "s"}${e.settings.writeOnly ? ", write-only" : ""})`,
            )
            .join(", ") +
          (diagnostics.length ? ` — ${formatSummary(diagnostics)}` : ""),
  );
  return 0;
}
