/**
 * `npm run bench [-- options]`: generates synthetic repositories, measures synth, check and the floors in
 * fresh child processes, prints the tables and writes them into docs/BENCHMARKS.md (between its
 * bench:begin / bench:end markers). See docs/BENCHMARKS.md.
 *
 *   --quick          100 and 1,000 files only, 1 run each, no profile; writes .bench/BENCHMARKS.quick.md
 *   --runs N         runs per figure (default 3; 1 with --quick)
 *   --out FILE       where to write the Markdown report (default docs/BENCHMARKS.md; .bench/BENCHMARKS.quick.md
 *                    with --quick, .bench/BENCHMARKS.partial.md with --only)
 *   --dir DIR        where the synthetic repositories go (default .bench/repos, git-ignored)
 *   --only TEXT      measure only the repositories whose name contains TEXT (e.g. 10000-files-10)
 *   --regenerate     write the repositories again even when they are up to date
 *   --no-profile     skip the CPU profile of synth at 10,000 files
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CommandSpec, parseCommandLine, stringOption, usageError } from "../src/cli/command-line";
import { generateRepo, GeneratedRepo, repoSpec, RepoSpec } from "./generate-repo";
import { Command, ensurePreload, loadAverage, measureAll, removeSynthOutput, runOnce } from "./measure";
import { BenchReport, LABELS, renderMarkdown, RepoResult, spliceGenerated, StaticCheck } from "./report";

interface Options {
  readonly quick: boolean;
  readonly runs: number;
  readonly out?: string;
  readonly dir?: string;
  readonly only?: string;
  readonly regenerate: boolean;
  readonly profile: boolean;
}

export const BENCH_USAGE = `Usage: npm run bench [-- <options>]

Generates synthetic repositories, measures synth, check and the floors in fresh child processes, prints the
tables and writes docs/BENCHMARKS.md.

Options:
  --quick            100 and 1,000 files only, 1 run each, no profile; writes .bench/BENCHMARKS.quick.md
  --runs <n>         runs per figure (default 3; 1 with --quick)
  --out <file>       where to write the Markdown report (default docs/BENCHMARKS.md;
                     .bench/BENCHMARKS.quick.md with --quick, .bench/BENCHMARKS.partial.md with --only)
  --dir <dir>        where the synthetic repositories go (default .bench/repos, git-ignored)
  --only <text>      measure only the repositories whose name contains <text> (e.g. 10000-files-10)
  --regenerate       write the repositories again even when they are up to date
  --no-profile       skip the CPU profile of synth at 10,000 files
  -h, --help         show this help

Exit codes: 0 measured, 1 a measurement failed, 2 usage error.
`;

const BENCH_SPEC: CommandSpec = {
  name: "bench",
  usage: BENCH_USAGE,
  options: {
    quick: { type: "boolean" },
    runs: { type: "string" },
    out: { type: "string" },
    dir: { type: "string" },
    only: { type: "string" },
    regenerate: { type: "boolean" },
    "no-profile": { type: "boolean" },
  },
};

/** A usage error, already worded (`bench: <problem>` and the usage). */
class BenchUsageError extends Error {}

/** The options, or `{ help }` for `--help`; throws BenchUsageError on a usage error. */
export function parseArgs(argv: readonly string[]): Options | { readonly help: string } {
  const cl = parseCommandLine(BENCH_SPEC, argv);
  if (cl.kind === "help") return { help: cl.text };
  if (cl.kind === "usage-error") throw new BenchUsageError(cl.message);
  const value = (name: string): string | undefined => {
    const v = stringOption(cl.values, name);
    if (v === "") throw new BenchUsageError(usageError(BENCH_SPEC, `--${name} needs a value`).message);
    return v;
  };
  const quick = cl.values.quick === true;
  const runsText = value("runs");
  const runs = runsText === undefined ? (quick ? 1 : 3) : Number(runsText);
  if (!Number.isInteger(runs) || runs < 1)
    throw new BenchUsageError(
      usageError(BENCH_SPEC, `--runs must be a positive integer, received ${runsText}`).message,
    );
  return {
    quick,
    runs,
    out: value("out"),
    dir: value("dir"),
    only: value("only"),
    regenerate: cl.values.regenerate === true,
    profile: !quick && cl.values["no-profile"] !== true,
  };
}

export function specsFor(quick: boolean): RepoSpec[] {
  return quick
    ? [repoSpec(100, 10), repoSpec(1_000, 10)]
    : [repoSpec(1_000, 10), repoSpec(10_000, 10), repoSpec(10_000, 50), repoSpec(50_000, 100)];
}

function machine(): string {
  let cpu = os.cpus()[0]?.model ?? "unknown CPU";
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(fs.readFileSync("/proc/cpuinfo", "utf8"));
    if (m) cpu = m[1].trim();
  } catch {
    // not Linux: keep os.cpus()
  }
  const memoryGb = Math.round(os.totalmem() / 2 ** 30);
  return `${cpu}, ${os.cpus().length} cores, ${memoryGb} GB, ${os.type()} ${os.release()}, Node ${process.version}`;
}

/** Evidence that the synth path does no type checking: the launcher is esbuild, and everything uses it. */
export function staticChecks(projectRoot: string): StaticCheck[] {
  const read = (f: string) => fs.readFileSync(path.join(projectRoot, f), "utf8");
  const runJs = read("scripts/run.js");
  const app = (JSON.parse(read("cdktf.json")) as { app?: string }).app;
  const scripts = (JSON.parse(read("package.json")) as { scripts?: Record<string, string> }).scripts ?? {};
  const usesEsbuild = /require\("esbuild"\)/.test(runJs) && /buildSync\(/.test(runJs);
  const noChecker = !/ts-node|require\("typescript"\)|\btsc\b/.test(runJs.replace(/^\s*\/\/.*$/gm, ""));
  return [
    {
      name: "scripts/run.js transpiles with esbuild",
      ok: usesEsbuild && noChecker,
      detail: usesEsbuild
        ? `\`esbuild.buildSync\` (bundle, no type check)${noChecker ? "; no ts-node / typescript / tsc in its code" : "; but it mentions ts-node / typescript / tsc"}`
        : "no esbuild.buildSync call found",
    },
    {
      name: "`npm run synth` uses it",
      ok: scripts.synth === "node scripts/run.js main.ts",
      detail: `package.json scripts.synth = \`${scripts.synth ?? "(none)"}\``,
    },
    {
      name: "cdktf.json's app uses it",
      ok: app === "node scripts/run.js main.ts",
      detail: `cdktf.json app = \`${app ?? "(none)"}\``,
    },
  ];
}

/** Every command on each repository; at 50,000 files only the floor and synth (the linearity check). */
function commandsFor(repo: GeneratedRepo, projectRoot: string, hasCheck: boolean): Command[] {
  const runJs = path.join(projectRoot, "scripts", "run.js");
  const cwd = repo.root;
  const rm = (dir: string) => () => fs.rmSync(path.join(cwd, dir), { recursive: true, force: true });
  const floor = (label: string, mode: string): Command => ({
    label,
    args: [runJs, "bench/floors/bare-cdktf.ts", ".floor.out", mode],
    cwd,
    before: rm(".floor.out"),
  });
  const synth: Command = {
    label: LABELS.synth,
    args: [runJs, "main.ts"],
    cwd,
    // CDKTF_OUTDIR removed: main.ts writes into <repo>/cdktf.out as `npm run synth` would.
    env: { CDKTF_OUTDIR: undefined },
    before: () => removeSynthOutput(cwd),
  };
  if (repo.spec.files > 10_000) return [floor(LABELS.floor, "plain"), synth];
  return [
    { label: LABELS.launcher, args: [runJs, "bench/floors/noop.ts"], cwd },
    { label: LABELS.readParse, args: [runJs, "bench/floors/read-parse.ts"], cwd },
    {
      label: LABELS.copyOnly,
      args: [runJs, "bench/floors/copy-files.ts", ".floor.out"],
      cwd,
      before: rm(".floor.out"),
    },
    ...(hasCheck ? [{ label: LABELS.check, args: [runJs, "bin/check.ts"], cwd }] : []),
    floor(LABELS.floor, "plain"),
    floor(LABELS.floorCopy, "copy"),
    floor(LABELS.floorAsset, "asset"),
    synth,
    // Right after: the same over the output synth just wrote (the edit-synth-plan loop).
    { label: LABELS.synthRerun, args: [runJs, "main.ts"], cwd, env: { CDKTF_OUTDIR: undefined } },
  ];
}

/** The synth output must hold every secret and every copy, or the timing means nothing. */
function verifySynthOutput(repo: GeneratedRepo): string | undefined {
  const stacks = path.join(repo.root, "cdktf.out", "stacks");
  let secrets = 0;
  let copies = 0;
  for (const env of repo.environments) {
    const file = path.join(stacks, env, "cdk.tf.json");
    if (!fs.existsSync(file)) return `missing ${path.relative(repo.root, file)}`;
    const tf = JSON.parse(fs.readFileSync(file, "utf8")) as {
      resource?: Record<string, Record<string, unknown>>;
    };
    secrets += Object.keys(tf.resource?.aws_secretsmanager_secret ?? {}).length;
    const walk = (dir: string): void => {
      if (!fs.existsSync(dir)) return;
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        if (e.isDirectory()) walk(path.join(dir, e.name));
        else copies++;
      }
    };
    walk(path.join(stacks, env, "secrets"));
  }
  if (secrets !== repo.spec.files)
    return `${secrets} aws_secretsmanager_secret in the output, expected ${repo.spec.files}`;
  if (copies !== repo.spec.files) return `${copies} copied files in the output, expected ${repo.spec.files}`;
  return undefined;
}

function fmt(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`;
}

function main(): number {
  const started = Date.now();
  const options = parseArgs(process.argv.slice(2));
  if ("help" in options) {
    process.stdout.write(options.help);
    return 0;
  }
  const projectRoot = path.resolve(
    path.dirname(process.argv[1] ?? path.join(process.cwd(), "bench", "x")),
    "..",
  );
  const benchDir = path.join(projectRoot, ".bench");
  const baseDir = path.resolve(projectRoot, options.dir ?? path.join(".bench", "repos"));
  const preload = ensurePreload(benchDir);
  const hasCheck = fs.existsSync(path.join(projectRoot, "bin", "check.ts"));
  const notes: string[] = [];
  if (!hasCheck) notes.push("bin/check.ts does not exist yet: `npm run check` was not measured.");

  console.error(
    `bench: ${options.quick ? "quick" : "full"} run, ${options.runs} run(s) per figure, repositories in ${baseDir}`,
  );
  const repos: RepoResult[] = [];
  const generated: GeneratedRepo[] = [];
  const specs = specsFor(options.quick).filter(
    (s) => options.only === undefined || s.name.includes(options.only),
  );
  if (specs.length === 0) throw new Error(`--only ${options.only}: no repository matches`);
  for (const spec of specs) {
    const t = Date.now();
    const repo = generateRepo(baseDir, spec, projectRoot, { regenerate: options.regenerate });
    generated.push(repo);
    console.error(`bench: ${spec.name}: ${repo.written ? `generated in ${fmt(Date.now() - t)}` : "reused"}`);
    const loadBefore = loadAverage()[0];
    const summaries = measureAll(
      commandsFor(repo, projectRoot, hasCheck),
      options.runs,
      preload,
      (c, run, s) => {
        const status = s.exitCode === 0 ? "" : `  EXIT ${s.exitCode}\n${s.outputTail}`;
        console.error(
          `bench: ${spec.name} run ${run + 1}/${options.runs} ${c.label.padEnd(34)} ${fmt(s.wallMs).padStart(9)} ${Math.round(s.rssMb)} MB${status}`,
        );
      },
    );
    const problem = verifySynthOutput(repo);
    if (problem) notes.push(`${spec.name}: synth output check failed: ${problem}.`);
    for (const s of summaries) {
      if (s.failures)
        notes.push(
          `${spec.name}: ${s.label} failed ${s.failures} of ${s.runs} runs:\n\n  \`\`\`\n${s.outputTail}\n  \`\`\``,
        );
    }
    repos.push({
      name: spec.name,
      files: spec.files,
      environments: spec.environments,
      summaries,
      loadBefore,
      loadAfter: loadAverage()[0],
    });
    removeSynthOutput(repo.root);
    fs.rmSync(path.join(repo.root, ".floor.out"), { recursive: true, force: true });
  }

  const target = generated.find((r) => r.spec.files === 10_000 && r.spec.environments === 10);
  if (options.profile && target) {
    const dir = path.join(benchDir, "profile");
    fs.rmSync(dir, { recursive: true, force: true });
    const s = runOnce(
      {
        label: "profile",
        args: ["--cpu-prof", "--cpu-prof-dir", dir, path.join(projectRoot, "scripts", "run.js"), "main.ts"],
        cwd: target.root,
        env: { CDKTF_OUTDIR: undefined },
        before: () => removeSynthOutput(target.root),
      },
      preload,
    );
    if (s.exitCode === 0)
      console.error(`bench: CPU profile of synth (${target.spec.name}) in .bench/profile/`);
    else notes.push(`The CPU profile run failed (exit ${s.exitCode}).`);
    removeSynthOutput(target.root);
  }

  const report: BenchReport = {
    date: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
    machine: machine(),
    runs: options.runs,
    durationS: (Date.now() - started) / 1000,
    repos,
    staticChecks: staticChecks(projectRoot),
    notes,
  };
  const markdown = renderMarkdown(report);
  console.log(markdown);
  // Only a complete run replaces docs/BENCHMARKS.md.
  const defaultOut = options.quick
    ? ".bench/BENCHMARKS.quick.md"
    : options.only !== undefined
      ? ".bench/BENCHMARKS.partial.md"
      : "docs/BENCHMARKS.md";
  const out = path.resolve(projectRoot, options.out ?? defaultOut);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, spliceGenerated(fs.existsSync(out) ? fs.readFileSync(out, "utf8") : "", markdown));
  console.error(`bench: wrote ${path.relative(projectRoot, out)} (${Math.round(report.durationS)} s)`);
  return notes.some((n) => n.includes("failed")) ? 1 : 0;
}

if (process.argv[1]?.endsWith("run-benchmarks.ts")) {
  try {
    process.exitCode = main();
  } catch (e) {
    console.error(e instanceof BenchUsageError ? e.message : `bench: ${(e as Error).message}`);
    process.exitCode = 2;
  }
}
