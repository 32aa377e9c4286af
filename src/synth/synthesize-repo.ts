/**
 * The main job: analyse the repository, refuse on any error, otherwise build one stack per environment
 * and write them. Used by main.ts (so by `npm run synth` and `cdktf synth|plan|deploy`), tests and the
 * benchmark, so all of them run the same path.
 */
import * as fs from "fs";
import * as path from "path";
import { analyzeRepo, AnalyzeOptions, RepoAnalysis } from "../analysis/analyze-repo";
import { diagnosticsExitCode, EXIT_FINDINGS, EXIT_USAGE } from "../cli/command-line";
import { formatDiagnostic, formatSummary, hasErrors } from "../diagnostics";
import { stateBackendFor } from "../bootstrap/bootstrap-names";
import type { BootstrapStack as BootstrapStackType } from "../bootstrap/bootstrap-stack";
import { ProjectConfig, settingsFor } from "../config/config";
import { EnvironmentStack } from "../stacks/environment-stack";
import { FileSink } from "../stacks/stack-source-files";
import { copyProviderLock } from "../stacks/provider-lock";
import { acquireOutputLock, OutputLockedError } from "./output-lock";
import { outputFolderProblem } from "./output-folder";
import {
  addFoldersTheCdktfCliRemoves,
  currentGeneration,
  killPoint,
  makeStagingDir,
  publishOutput,
  recoverLeftovers,
} from "./publish-output";
import { StackByStackSynth } from "../cdktf/stack-by-stack";
import { sinkForCopies } from "./background-writer";
import { withoutTokenStackTraces } from "../cdktf/token-stack-traces";

export interface SynthOptions extends AnalyzeOptions {
  /**
   * Output folder, relative to the project root or absolute.
   * @default - $CDKTF_OUTDIR (set by the cdktf CLI), else "cdktf.out"
   */
  readonly outdir?: string;
  /** Render HCL instead of JSON (`cdktf synth --hcl` sets SYNTH_HCL_OUTPUT). @default false */
  readonly hclOutput?: boolean;
  /** How long to wait for another synth of the same output folder (output-lock.ts). @default 60000 */
  readonly lockWaitMs?: number;
}

export interface SynthResult {
  readonly analysis: RepoAnalysis;
  /** False when an error stopped synth (then nothing was written). */
  readonly synthesized: boolean;
  /** Absolute output folder. */
  readonly outdir: string;
  /** Clean-up that failed after the output was published (it is published all the same). */
  readonly warnings: readonly string[];
}

export function synthesizeRepo(root: string, options: SynthOptions = {}): SynthResult {
  const outdir = path.resolve(root, options.outdir ?? process.env.CDKTF_OUTDIR ?? "cdktf.out");
  const analysis = analyzeRepo(root, options);
  const refused = { analysis, synthesized: false, outdir, warnings: [] };
  if (!analysis.config || hasErrors(analysis.diagnostics)) return refused;
  const { config } = analysis;
  const badOutdir = outputFolderProblem(root, outdir);
  if (badOutdir)
    return { ...refused, analysis: { ...analysis, diagnostics: [...analysis.diagnostics, badOutdir] } };

  // Only now, once nothing can refuse any more, is anything written: one synth at a time, into a staging
  // folder, published as a whole when complete (see publish-output.ts).
  const release = acquireOutputLock(outdir, { waitMs: options.lockWaitMs });
  try {
    killPoint("locked");
    const warnings = recoverLeftovers(outdir);
    const staging = makeStagingDir(outdir);
    try {
      buildAndSynth({
        root,
        outdir,
        staging,
        previous: currentGeneration(outdir),
        analysis,
        config,
        options,
      });
      addFoldersTheCdktfCliRemoves(staging, outdir);
      killPoint("staged");
      warnings.push(...publishOutput(staging, outdir).warnings);
    } finally {
      fs.rmSync(staging, { recursive: true, force: true });
    }
    return { analysis, synthesized: true, outdir, warnings };
  } finally {
    release();
  }
}

/** What one synth builds from: the analysed repository, where the output goes, the options. */
interface BuildInputs {
  readonly root: string;
  /** The published output folder (`cdktf.out`): stack folders' relative paths are computed from it. */
  readonly outdir: string;
  /** Where this synth writes (the staging folder, published whole afterwards). */
  readonly staging: string;
  /** The generation `outdir` links to now, if any: its copies can be reused (background-writer.ts). */
  readonly previous?: string;
  readonly analysis: RepoAnalysis;
  readonly config: ProjectConfig;
  readonly options: SynthOptions;
}

function buildAndSynth(inputs: BuildInputs): void {
  const { analysis, root, staging, previous } = inputs;
  // The copies are written on a worker thread while the stacks are built (background-writer.ts); all of
  // them are on disk before this returns, or it throws.
  const copies = sinkForCopies(
    analysis.environments.reduce((n, e) => n + e.secrets.length, 0),
    previous ? { reuse: { from: previous, to: staging } } : {},
  );
  try {
    synthStacks(inputs, copies);
    copies.finish();
  } finally {
    copies.abandon();
  }
  copyProviderLock(root, path.join(staging, "stacks"));
}

function synthStacks(
  { root, outdir, staging, analysis, config, options }: BuildInputs,
  sourceFileSink: FileSink,
): void {
  // One App per stack: only one stack's constructs are in memory at a time (src/cdktf/stack-by-stack.ts).
  const synth = new StackByStackSynth({ outdir: staging, hclOutput: options.hclOutput });
  for (const env of analysis.environments) {
    const stackDir = path.join(outdir, "stacks", env.name);
    synth.add(
      (app) =>
        new EnvironmentStack(app, env.name, {
          settings: env.settings,
          backend: stateBackendFor(config.backend, config.bootstrap),
          secrets: env.secrets,
          projectRootFromStack: path.relative(stackDir, root).split(path.sep).join("/") || ".",
          sourceFileSink,
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
    // Loaded only when used: its ~20 AWS resource modules cost ~70 ms and ~8 MB of memory to load.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { BootstrapStack } = require("../bootstrap/bootstrap-stack") as {
      BootstrapStack: typeof BootstrapStackType;
    };
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

/**
 * Runs the main job and reports like a CLI: diagnostics to stderr, a summary, the exit code: 0 written, 1
 * refused by a rule error, another synth holding the output, or an internal error, 2 refused by a
 * configuration error (SS011). Nothing is written unless it returns 0.
 */
export function runSynth(
  root: string,
  log: Pick<Console, "log" | "error"> = console,
  options: SynthOptions = {},
): number {
  let result: SynthResult;
  try {
    // Skips cdktf's per-token stack traces: ~30 % of synth's time at 10,000 secrets (src/cdktf/token-stack-traces.ts).
    result = withoutTokenStackTraces(() => synthesizeRepo(root, options));
  } catch (e) {
    if (e instanceof OutputLockedError) {
      log.error(`synth refused: ${e.message}. Nothing was written.`);
      return 1;
    }
    // A bug, not bad input (bad input ends in diagnostics). Messages of this code never hold values.
    // Everything that can throw runs before the new output is published (publish-output.ts), so:
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
    // 2 for a configuration error (cdktf.json, the output folder: SS011), 1 for any other, as `npm run check`.
    return diagnosticsExitCode(diagnostics) === EXIT_USAGE ? EXIT_USAGE : EXIT_FINDINGS;
  }
  for (const w of result.warnings) log.error(`warning: ${w}`);
  const envs = result.analysis.environments;
  const rel = path.relative(root, result.outdir) || ".";
  // The same condition buildAndSynth writes the bootstrap stack on: count every stack written.
  const config = result.analysis.config;
  const bootstrap = !!(config?.bootstrap && config.backend.type === "s3" && result.analysis.discovery);
  const stacks = [
    ...envs.map(
      (e) =>
        `${e.name} (${e.secrets.length} secret${e.secrets.length === 1 ? "" : "s"}${e.settings.writeOnly ? ", write-only" : ""})`,
    ),
    ...(bootstrap ? ["bootstrap (KMS keys, IAM policies, state bucket)"] : []),
  ];
  log.log(
    stacks.length === 0
      ? `No environment has a secret file under secrets/: no stack written.`
      : `Synthesized ${stacks.length} stack${stacks.length === 1 ? "" : "s"} into ${rel}/stacks: ` +
          stacks.join(", ") +
          (diagnostics.length ? ` — ${formatSummary(diagnostics)}` : ""),
  );
  return 0;
}
