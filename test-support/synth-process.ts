/**
 * Runs synth in child processes for kill and race tests (see synth-child.ts): build the child once with
 * `buildSynthChild()`, then `startSynth(cwd)` resolves once the child has loaded, `go()` starts the synth.
 */
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as esbuild from "esbuild";

const PROJECT = path.resolve(__dirname, "..");

/** Bundles synth-child.ts next to the project's dependencies (so they resolve); returns the file. */
export function buildSynthChild(): string {
  const outfile = path.join(
    PROJECT,
    "node_modules",
    ".cache",
    "sops-secrets",
    `synth-child-${process.pid}.js`,
  );
  esbuild.buildSync({
    entryPoints: [path.join(PROJECT, "test-support", "synth-child.ts")],
    outfile,
    bundle: true,
    packages: "external",
    platform: "node",
    format: "cjs",
    target: "node20",
    logLevel: "error",
  });
  return outfile;
}

export interface SynthExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Milliseconds from go() to exit. */
  readonly ms: number;
}

export interface SynthProcess {
  readonly child: ChildProcess;
  /** Starts the synth; resolves when the process has ended. */
  go(): Promise<SynthExit>;
}

export interface StartOptions {
  readonly env?: Record<string, string | undefined>;
  /** Run as this user (e.g. ["runuser", "-u", "nobody", "--"]): a prefix for the command. */
  readonly prefix?: readonly string[];
}

export function startSynth(
  childFile: string,
  cwd: string,
  options: StartOptions = {},
): Promise<SynthProcess> {
  const env: Record<string, string | undefined> = { ...process.env, ...options.env };
  // Never as if under the cdktf CLI unless a test says so.
  if (!options.env || !("CDKTF_OUTDIR" in options.env)) delete env.CDKTF_OUTDIR;
  if (!options.env || !("CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS" in options.env))
    delete env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS;
  const [cmd, ...args] = [...(options.prefix ?? []), process.execPath, childFile];
  const child = spawn(cmd, args, { cwd, env: env as NodeJS.ProcessEnv, stdio: ["pipe", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout!.setEncoding("utf8");
  child.stderr!.setEncoding("utf8");
  child.stderr!.on("data", (d: string) => (stderr += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })),
  );
  let ready = false;
  return new Promise((resolve, reject) => {
    child.stdout!.on("data", (d: string) => {
      stdout += d;
      if (!ready && stdout.startsWith("ready\n")) {
        ready = true;
        stdout = stdout.slice("ready\n".length);
        resolve({
          child,
          go: async () => {
            const start = Date.now();
            child.stdin!.end("go\n");
            const r = await exited;
            return { ...r, stdout, stderr, ms: Date.now() - start };
          },
        });
      }
    });
    void exited.then(({ code, signal }) => {
      if (!ready) reject(new Error(`synth child ended before it was ready (${code ?? signal}): ${stderr}`));
    });
  });
}

/** Deterministic PRNG (mulberry32), so that a failing trial can be replayed from its seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function removeSynthChild(file: string): void {
  fs.rmSync(file, { force: true });
}
