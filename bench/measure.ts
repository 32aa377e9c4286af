/**
 * Runs one command in a fresh child process and measures it.
 *
 * - Wall time: `process.hrtime` around `spawnSync`, so it includes Node's start-up, as a user sees it.
 * - Peak RSS and CPU time: the child is started with `node --require <preload>`; the preload (written by
 *   `ensurePreload`) registers an `exit` listener that writes `process.resourceUsage()` (`maxRSS` is the
 *   kernel's ru_maxrss, in KiB: the process's high-water mark, exact, no polling) to the file named by
 *   $BENCH_USAGE_FILE. It counts the Node process only, not the short-lived esbuild service process the
 *   launcher starts for its ~50 ms transpile.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export interface Command {
  /** Short label: "synth", "check", "floor:bare-cdktf", ... */
  readonly label: string;
  /** Arguments after `node` (and after the preload). */
  readonly args: readonly string[];
  readonly cwd: string;
  /** Added to the parent's environment; `undefined` removes a variable. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Untimed, before each run: e.g. remove the previous run's output folder. */
  readonly before?: () => void;
}

export interface Sample {
  readonly wallMs: number;
  /** Peak resident set size in MiB (NaN when the child did not report). */
  readonly rssMb: number;
  /** user + system CPU time in ms (NaN when the child did not report). */
  readonly cpuMs: number;
  readonly exitCode: number | null;
  /** Last lines of stdout+stderr, for the report when something failed. */
  readonly outputTail: string;
}

const PRELOAD = `"use strict";
// Written by bench/measure.ts. Reports this process's resource usage when it exits.
const fs = require("fs");
const file = process.env.BENCH_USAGE_FILE;
if (file) {
  delete process.env.BENCH_USAGE_FILE;
  process.on("exit", () => {
    const u = process.resourceUsage();
    try {
      fs.writeFileSync(file, JSON.stringify({ maxRSS: u.maxRSS, userCPUTime: u.userCPUTime, systemCPUTime: u.systemCPUTime }));
    } catch (_) {}
  });
}
`;

/** Writes the preload script into `dir` and returns its path. */
export function ensurePreload(dir: string): string {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, "usage-preload.cjs");
  fs.writeFileSync(file, PRELOAD);
  return file;
}

export function runOnce(command: Command, preload: string, timeoutMs = 10 * 60_000): Sample {
  command.before?.();
  const usageFile = path.join(os.tmpdir(), `bench-usage-${process.pid}-${Date.now()}.json`);
  fs.rmSync(usageFile, { force: true });
  const env: NodeJS.ProcessEnv = { ...process.env, ...command.env, BENCH_USAGE_FILE: usageFile };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete env[k];
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, ["--require", preload, ...command.args], {
    cwd: command.cwd,
    env,
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
    timeout: timeoutMs,
  });
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  let rssMb = NaN;
  let cpuMs = NaN;
  try {
    const u = JSON.parse(fs.readFileSync(usageFile, "utf8")) as {
      maxRSS: number;
      userCPUTime: number;
      systemCPUTime: number;
    };
    rssMb = u.maxRSS / 1024;
    cpuMs = (u.userCPUTime + u.systemCPUTime) / 1000;
  } catch {
    // the child died before its exit handler ran: keep NaN
  }
  fs.rmSync(usageFile, { force: true });
  const output = `${result.stdout ?? ""}${result.stderr ?? ""}${result.error ? `\n${result.error.message}` : ""}`;
  return { wallMs, rssMb, cpuMs, exitCode: result.status, outputTail: tail(output, 12) };
}

export function tail(text: string, lines: number): string {
  return text.trimEnd().split("\n").slice(-lines).join("\n");
}

/** Median (mean of the two middle values for an even count); NaN for no values. */
export function median(values: readonly number[]): number {
  const v = values.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

export interface Summary {
  readonly label: string;
  readonly runs: number;
  readonly wallMs: number;
  readonly wallMinMs: number;
  readonly wallMaxMs: number;
  readonly rssMb: number;
  readonly cpuMs: number;
  /** Runs that exited with a non-zero code (or were killed). */
  readonly failures: number;
  readonly outputTail?: string;
}

export function summarize(label: string, samples: readonly Sample[]): Summary {
  const ok = samples.filter((s) => s.exitCode === 0);
  const used = ok.length > 0 ? ok : samples;
  const walls = used.map((s) => s.wallMs);
  const failed = samples.find((s) => s.exitCode !== 0);
  return {
    label,
    runs: samples.length,
    wallMs: median(walls),
    wallMinMs: Math.min(...walls),
    wallMaxMs: Math.max(...walls),
    rssMb: median(used.map((s) => s.rssMb)),
    cpuMs: median(used.map((s) => s.cpuMs)),
    failures: samples.length - ok.length,
    ...(failed && { outputTail: failed.outputTail }),
  };
}

/**
 * Runs every command `runs` times, interleaved (run 1 of each, then run 2 of each, ...), so that a change of
 * load on the shared machine spreads over all of them instead of hitting one.
 */
export function measureAll(
  commands: readonly Command[],
  runs: number,
  preload: string,
  onSample?: (command: Command, run: number, sample: Sample) => void,
): Summary[] {
  const samples = commands.map(() => [] as Sample[]);
  for (let run = 0; run < runs; run++) {
    commands.forEach((command, i) => {
      const sample = runOnce(command, preload);
      samples[i].push(sample);
      onSample?.(command, run, sample);
    });
  }
  return commands.map((c, i) => summarize(c.label, samples[i]));
}

/** 1-, 5- and 15-minute load averages, rounded. */
export function loadAverage(): [number, number, number] {
  const [a, b, c] = os.loadavg();
  return [round2(a), round2(b), round2(c)];
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

/**
 * Removes synth's output from a repository: the `cdktf.out` link and every `.cdktf.out.*` generation, staging
 * folder or lock next to it (src/synth/publish-output.ts). Removing the link alone would leave the previous
 * generation for the next synth to delete, inside the timed run.
 */
export function removeSynthOutput(repoRoot: string): void {
  for (const entry of fs.readdirSync(repoRoot)) {
    if (entry === "cdktf.out" || entry.startsWith(".cdktf.out."))
      fs.rmSync(path.join(repoRoot, entry), { recursive: true, force: true });
  }
}
