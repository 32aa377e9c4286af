/**
 * Synth of several checkouts of this project against the bare-cdktf floor, interleaved (floor, synth A,
 * synth B, ..., then again), for before/after figures on a busy machine. Each checkout needs its own
 * node_modules (a folder of symlinks to this one's is enough: scripts/run.js writes its bundle there).
 *
 *   node scripts/run.js bench/compare-synth.ts <repository> <runs> <checkout>...
 *
 * The repository is one `npm run bench` generated (.bench/repos/<name>). Prints one line per run and the
 * medians with their ratios to the floor.
 */
import * as fs from "fs";
import * as path from "path";
import { Command, ensurePreload, measureAll, removeSynthOutput } from "./measure";

const projectRoot = process.cwd();
const [repoArg, runsArg, ...checkouts] = process.argv.slice(2);
const runs = Number(runsArg);
if (!repoArg || !Number.isInteger(runs) || runs < 1 || checkouts.length === 0) {
  throw new Error("usage: node scripts/run.js bench/compare-synth.ts <repository> <runs> <checkout>...");
}
const repo = path.resolve(repoArg);
const rm = (dir: string) => () => fs.rmSync(path.join(repo, dir), { recursive: true, force: true });
const runJs = (root: string) => path.join(path.resolve(root), "scripts", "run.js");
const commands: Command[] = [
  {
    label: "floor: bare cdktf",
    args: [runJs(projectRoot), "bench/floors/bare-cdktf.ts", ".floor.out", "plain"],
    cwd: repo,
    before: rm(".floor.out"),
  },
  ...checkouts.map((c) => ({
    label: `synth ${c}`,
    args: [runJs(c), "main.ts"],
    cwd: repo,
    env: { CDKTF_OUTDIR: undefined },
    before: () => removeSynthOutput(repo),
  })),
];
const fmt = (x: number) => `${Math.round(x)}`;
const summaries = measureAll(commands, runs, ensurePreload(path.join(projectRoot, ".bench")), (c, run, s) =>
  console.log(
    `run ${run + 1} ${c.label}: wall ${fmt(s.wallMs)} ms, CPU ${fmt(s.cpuMs)} ms, peak RSS ${fmt(s.rssMb)} MB` +
      (s.exitCode === 0 ? "" : `, EXIT ${s.exitCode}\n${s.outputTail}`),
  ),
);
const [floor] = summaries;
for (const s of summaries) {
  console.log(
    `median ${s.label}: wall ${fmt(s.wallMs)} ms (${(s.wallMs / floor.wallMs).toFixed(2)}× floor), ` +
      `CPU ${fmt(s.cpuMs)} ms (${(s.cpuMs / floor.cpuMs).toFixed(2)}×), ` +
      `peak RSS ${fmt(s.rssMb)} MB (${(s.rssMb / floor.rssMb).toFixed(2)}×)${s.failures ? `, ${s.failures} FAILED` : ""}`,
  );
}
for (const d of ["cdktf.out", ".floor.out"]) rm(d)();
