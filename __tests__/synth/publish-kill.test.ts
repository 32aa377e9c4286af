/**
 * `cdktf.out` is all old or all new, whatever happens: synth processes are killed (SIGKILL) at every step
 * of publishing and at seeded random times, and raced against each other while a reader reads; after each,
 * the consistency checker reads the output as `cdktf deploy` would and it must be exactly one of the known
 * outputs. Replay a failure with SOPS_SECRETS_KILL_SEED=<seed printed in the failure>.
 */
import { ChildProcess } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { synthesizeRepo } from "../../src/synth/synthesize-repo";
import { lockPathFor } from "../../src/synth/output-lock";
import { ExampleRepoSpec, makeTempDir, writeExampleRepo } from "../../test-support/example-repo";
import { checkOutput, leftoversNextTo, readOutput } from "../../test-support/check-output";
import {
  buildSynthChild,
  removeSynthChild,
  seededRandom,
  startSynth,
  SynthExit,
} from "../../test-support/synth-process";

const SEED = Number(process.env.SOPS_SECRETS_KILL_SEED ?? 20261202);
const TIMED_TRIALS = 24;
const RACES = 3;

function files(env: string, n: number, salt: string) {
  return Object.fromEntries(
    Array.from({ length: n }, (_, i) => [
      `${i % 3 === 0 ? "team/" : ""}s${i}.enc.${["json", "yaml", "env"][i % 3]}`,
      { values: { KEY: `${env}-${salt}-${i}`, OTHER: "x".repeat(200) } },
    ]),
  );
}
// A and B differ in every way a publish must get right: a stack only in A, one only in B, changed files.
const SPEC_A: ExampleRepoSpec = {
  environments: { development: files("development", 12, "a"), production: files("production", 10, "a") },
};
const SPEC_B: ExampleRepoSpec = {
  environments: { development: files("development", 9, "b"), qa: files("qa", 11, "b") },
};
const SPEC_ALL: ExampleRepoSpec = {
  environments: { ...SPEC_A.environments, ...SPEC_B.environments },
};

let childFile: string;
const started: ChildProcess[] = [];
async function start(root: string, options: Parameters<typeof startSynth>[2] = {}) {
  const p = await startSynth(childFile, root, options);
  started.push(p.child);
  return p;
}
beforeAll(() => {
  childFile = buildSynthChild();
});
afterAll(() => removeSynthChild(childFile));
afterEach(() => {
  for (const child of started.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
});

/** A repository whose secrets/ can be switched between A and B; the known output of each. */
function makeRig() {
  const root = writeExampleRepo(makeTempDir("kill-"), SPEC_ALL); // cdktf.json + a .sops.yaml for all
  const inputs = {
    A: writeExampleRepo(makeTempDir("input-a-"), SPEC_A),
    B: writeExampleRepo(makeTempDir("input-b-"), SPEC_B),
  };
  const fingerprint = { A: "", B: "" };
  for (const k of ["A", "B"] as const) {
    use(k);
    const expected = synthesizeRepo(root, { outdir: `expected-${k}` });
    expect(expected.synthesized).toBe(true);
    fingerprint[k] = readOutput(expected.outdir)!.fingerprint;
  }
  expect(fingerprint.A).not.toBe(fingerprint.B);
  function use(k: "A" | "B") {
    fs.rmSync(path.join(root, "secrets"), { recursive: true, force: true });
    fs.cpSync(path.join(inputs[k], "secrets"), path.join(root, "secrets"), { recursive: true });
  }
  return { root, outdir: path.join(root, "cdktf.out"), fingerprint, use };
}

/** The output is consistent and exactly one of `allowed` (fingerprints); returns its fingerprint. */
function expectOneOf(outdir: string, allowed: readonly string[], context: string): string {
  const snap = readOutput(outdir);
  if (!snap) throw new Error(`${context}: no output folder`);
  expect({ context, problems: checkOutput(snap) }).toEqual({ context, problems: [] });
  expect({ context, fingerprint: allowed.includes(snap.fingerprint) }).toEqual({
    context,
    fingerprint: true,
  });
  return snap.fingerprint;
}

/** Terraform's files in the development stack folder (in A and B) must survive every publish. */
function plantTerraformFiles(outdir: string) {
  const dir = path.join(outdir, "stacks", "development");
  fs.mkdirSync(path.join(dir, ".terraform", "providers"), { recursive: true });
  fs.writeFileSync(path.join(dir, ".terraform", "providers", "marker"), "provider cache\n");
  fs.writeFileSync(path.join(dir, ".terraform.lock.hcl"), "# lock\n");
}
function expectTerraformFilesKept(outdir: string, context: string) {
  const marker = path.join(outdir, "stacks", "development", ".terraform", "providers", "marker");
  expect({ context, kept: fs.existsSync(marker) && fs.readFileSync(marker, "utf8") }).toEqual({
    context,
    kept: "provider cache\n",
  });
}

function expectCleanAfterSuccess(outdir: string, r: SynthExit | undefined, context: string, planted = true) {
  if (r) {
    expect({ context, code: r.code, stderr: r.stderr }).toEqual({ context, code: 0, stderr: "" });
    expect(r.stdout).toMatch(/^Synthesized 2 stacks into cdktf\.out\/stacks/);
  }
  expect({ context, leftovers: leftoversNextTo(outdir) }).toEqual({ context, leftovers: [] });
  expect(fs.existsSync(lockPathFor(outdir))).toBe(false);
  if (planted) expectTerraformFilesKept(outdir, context);
}

/** A synth in this process (no start-up cost), checked like a finished child. */
function synthHere(root: string, context: string, planted = true) {
  const r = synthesizeRepo(root, { outdir: "cdktf.out" });
  expect({ context, synthesized: r.synthesized, warnings: r.warnings }).toEqual({
    context,
    synthesized: true,
    warnings: [],
  });
  expectCleanAfterSuccess(r.outdir, undefined, context, planted);
}

// Child processes are slow to start on a busy machine: generous time per test (each takes ~10-25 s alone).
const SLOW = 300_000;

// The copies written on the main thread (small repositories), and by the worker thread, which over a previous
// output also reuses unchanged copies by hard link (src/synth/background-writer.ts).
const WRITERS: [string, Record<string, string>, number][] = [
  ["copies written on the main thread", {}, TIMED_TRIALS],
  ["copies written by the worker thread", { SOPS_SECRETS_TEST_BACKGROUND_MIN_FILES: "0" }, TIMED_TRIALS / 2],
];

describe.each(WRITERS)(
  "a synth killed at any point leaves the complete old or the complete new output (%s)",
  (_, writer, trials) => {
    it(
      "at every step of publishing (kill points), then the next synth recovers",
      async () => {
        const rig = makeRig();
        rig.use("A");
        synthHere(rig.root, "first synth", false);
        plantTerraformFiles(rig.outdir);
        let current = rig.fingerprint.A;
        let next: "A" | "B" = "B";
        const points: [string, "old" | "new"][] = [
          ["locked", "old"],
          ["staged", "old"],
          ["generation", "old"],
          ["linked", "old"],
          ["swapped", "new"],
          ["carried", "new"],
          ["removed-one", "new"],
        ];
        for (const [point, outcome] of points) {
          rig.use(next);
          const child = await start(rig.root, { env: { ...writer, SOPS_SECRETS_TEST_KILL_POINT: point } });
          const r = await child.go();
          expect({ point, signal: r.signal }).toEqual({ point, signal: "SIGKILL" });
          const want = outcome === "old" ? current : rig.fingerprint[next];
          current = expectOneOf(rig.outdir, [want], `killed at ${point}`);
          // The next synth, whatever was left, publishes cleanly and keeps Terraform's files.
          synthHere(rig.root, `synth after a kill at ${point}`);
          current = expectOneOf(rig.outdir, [rig.fingerprint[next]], `synth after a kill at ${point}`);
          next = next === "A" ? "B" : "A";
        }
      },
      SLOW,
    );

    it(
      "while migrating a real cdktf.out/ folder written by an older version",
      async () => {
        const rig = makeRig();
        rig.use("A");
        expect(synthesizeRepo(rig.root, { outdir: "legacy" }).synthesized).toBe(true);
        fs.cpSync(fs.realpathSync(path.join(rig.root, "legacy")), rig.outdir, { recursive: true });
        plantTerraformFiles(rig.outdir);
        fs.writeFileSync(path.join(rig.outdir, "stacks", "production", "plan"), "saved plan\n");
        rig.use("B");
        const child = await start(rig.root, { env: { ...writer, SOPS_SECRETS_TEST_KILL_POINT: "migrated" } });
        expect((await child.go()).signal).toBe("SIGKILL");
        // The one window without atomicity: between moving the real folder aside and linking the new output.
        expect(fs.existsSync(rig.outdir)).toBe(false);
        synthHere(rig.root, "synth after a kill while migrating");
        expectOneOf(rig.outdir, [rig.fingerprint.B], "after migrating");
        expect(fs.lstatSync(rig.outdir).isSymbolicLink()).toBe(true);
      },
      SLOW,
    );

    it(
      `at ${trials} seeded random times (seed ${SEED})`,
      async () => {
        const rig = makeRig();
        const random = seededRandom(SEED);
        rig.use("A");
        const first = await (await start(rig.root, { env: writer })).go();
        expectCleanAfterSuccess(rig.outdir, first, "first synth", false);
        // The writer really is the one named: only the worker reuses an unchanged copy (same inode) over the
        // previous output.
        const copyInode = () =>
          fs.statSync(path.join(rig.outdir, "stacks", "development", "secrets", "development", "s1.enc.yaml"))
            .ino;
        const inodeBefore = copyInode();
        expectCleanAfterSuccess(
          rig.outdir,
          await (await start(rig.root, { env: writer })).go(),
          "same input",
          false,
        );
        expect(copyInode() === inodeBefore).toBe("SOPS_SECRETS_TEST_BACKGROUND_MIN_FILES" in writer);
        plantTerraformFiles(rig.outdir);
        const window = Math.max(first.ms, 200) * 1.3;
        let end = first.ms;
        let current = rig.fingerprint.A;
        let spare = start(rig.root, { env: writer }); // loads while the previous trial runs
        const outcomes = { killedOld: 0, killedNew: 0, killedSameInput: 0, finished: 0 };
        for (let trial = 0; trial < trials; trial++) {
          const input = random() < 0.5 ? "A" : "B";
          // Half anywhere in the run, half around its end, where publishing happens: `end` follows the
          // outcomes (a run's length varies with the machine's load), so those kills straddle the swap.
          const nearEnd = random() < 0.5;
          const delay = Math.floor(nearEnd ? (0.85 + random() * 0.3) * end : random() * window);
          const child = await spare;
          rig.use(input);
          spare = start(rig.root, { env: writer });
          const timer = setTimeout(() => child.child.kill("SIGKILL"), delay);
          const r = await child.go();
          clearTimeout(timer);
          const context = `seed ${SEED}, trial ${trial}, input ${input}, kill after ${delay} ms`;
          const now = expectOneOf(rig.outdir, [current, rig.fingerprint[input]], context);
          if (r.signal === "SIGKILL") {
            if (current === rig.fingerprint[input]) outcomes.killedSameInput++;
            else if (now === current) outcomes.killedOld++;
            else outcomes.killedNew++;
            if (nearEnd) end *= now === rig.fingerprint[input] ? 0.9 : 1.2;
          } else {
            end = Math.min(end, r.ms);
            outcomes.finished++;
            expectCleanAfterSuccess(rig.outdir, r, context);
            expect(now).toBe(rig.fingerprint[input]);
          }
          current = now;
        }
        (await spare).child.kill("SIGKILL");
        rig.use("A");
        synthHere(rig.root, "final synth");
        expectOneOf(rig.outdir, [rig.fingerprint.A], "final synth");
        if (process.env.SOPS_SECRETS_KILL_REPORT) console.log(JSON.stringify(outcomes));
        // The trials did stop synths (how many before or after the swap depends on the machine's load).
        expect(outcomes.finished).toBeLessThan(trials);
      },
      SLOW,
    );
  },
);

describe("two synths at once", () => {
  it(
    `serialize on the lock; a reader sees one complete output at every moment (${RACES} races)`,
    async () => {
      // Two repositories, A and B, publishing into one output folder ($CDKTF_OUTDIR).
      const a = writeExampleRepo(makeTempDir("race-a-"), SPEC_A);
      const b = writeExampleRepo(makeTempDir("race-b-"), SPEC_B);
      const shared = makeTempDir("race-out-");
      const outdir = path.join(shared, "cdktf.out");
      const fingerprint = {
        A: readOutput(synthesizeRepo(a, { outdir: path.join(makeTempDir(), "cdktf.out") }).outdir)!
          .fingerprint,
        B: readOutput(synthesizeRepo(b, { outdir: path.join(makeTempDir(), "cdktf.out") }).outdir)!
          .fingerprint,
      };
      const env = { CDKTF_OUTDIR: outdir };
      let readings = 0;
      let vanished = 0;
      const torn: string[] = [];
      for (let race = 0; race < RACES; race++) {
        const [pa, pb] = await Promise.all([start(a, { env }), start(b, { env })]);
        const before = readOutput(outdir)?.fingerprint;
        const allowed = [fingerprint.A, fingerprint.B, ...(before ? [before] : [])];
        const reader = setInterval(() => {
          try {
            const snap = readOutput(outdir);
            if (!snap) return;
            readings++;
            const problems = checkOutput(snap);
            if (problems.length || !allowed.includes(snap.fingerprint))
              torn.push(`race ${race}: ${problems.join("; ") || "an output that is neither A nor B"}`);
          } catch (e) {
            // A generation removed while this reader was in it: it vanished, it was never mixed.
            if ((e as NodeJS.ErrnoException).code === "ENOENT") vanished++;
            else throw e;
          }
        }, 15);
        const [ra, rb] = await Promise.all([pa.go(), pb.go()]);
        clearInterval(reader);
        for (const r of [ra, rb]) {
          expect({ race, code: r.code, stderr: r.stderr }).toEqual({ race, code: 0, stderr: "" });
          expect(r.stdout).toMatch(/^Synthesized 2 stacks into /);
        }
        expectOneOf(outdir, [fingerprint.A, fingerprint.B], `race ${race}`);
        expect(leftoversNextTo(outdir)).toEqual([]);
        expect(fs.existsSync(lockPathFor(outdir))).toBe(false);
      }
      expect(torn).toEqual([]);
      expect(readings).toBeGreaterThan(0);
      expect(vanished).toBeLessThanOrEqual(readings);
    },
    SLOW,
  );
});
