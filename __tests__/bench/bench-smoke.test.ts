/**
 * Smoke test of the benchmark's pieces (not of performance: no timing here). The benchmark itself is
 * `npm run bench`, outside `npm test`.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { analyzeRepo } from "../../src/analysis/analyze-repo";
import { hasErrors } from "../../src/diagnostics";
import { parseSopsFile } from "../../src/sops/parse-sops-file";
import { generateRepo, kmsArnFor, repoSpec } from "../../bench/generate-repo";
import { median, Summary } from "../../bench/measure";
import {
  BenchReport,
  evaluateTargets,
  GENERATED_BEGIN,
  GENERATED_END,
  LABELS,
  renderMarkdown,
  RepoResult,
  spliceGenerated,
} from "../../bench/report";

const projectRoot = path.resolve(__dirname, "..", "..");

describe("bench generator", () => {
  let base: string;
  beforeAll(() => {
    base = fs.mkdtempSync(path.join(os.tmpdir(), "bench-smoke-"));
  });
  afterAll(() => fs.rmSync(base, { recursive: true, force: true }));

  it("writes a sops-shaped repository that the project's analysis accepts", () => {
    const repo = generateRepo(base, repoSpec(20, 2), projectRoot);
    expect(repo.written).toBe(true);
    expect(repo.environments).toEqual(["env-1", "env-2"]);
    expect(repo.byFormat.json + repo.byFormat.yaml + repo.byFormat.dotenv).toBe(20);
    expect(repo.byFormat.yaml).toBeGreaterThan(0);
    expect(repo.byFormat.dotenv).toBeGreaterThan(0);

    const sopsYaml = fs.readFileSync(path.join(repo.root, ".sops.yaml"), "utf8");
    for (const env of repo.environments) expect(sopsYaml).toContain(kmsArnFor(env));
    expect(JSON.parse(fs.readFileSync(path.join(repo.root, "cdktf.json"), "utf8")).context).toEqual({});

    const file = path.join(repo.root, "secrets", "env-1", "secret-00000.enc.json");
    const parsed = parseSopsFile(
      "secrets/env-1/secret-00000.enc.json",
      fs.readFileSync(file, "utf8"),
      "json",
    );
    expect(parsed.ok && parsed.file.metadata?.recipients).toEqual([{ type: "kms", id: kmsArnFor("env-1") }]);

    const analysis = analyzeRepo(repo.root);
    expect(analysis.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(hasErrors(analysis.diagnostics)).toBe(false);
    expect(analysis.environments.map((e) => e.secrets.length)).toEqual([10, 10]);
  });

  it("reuses an up-to-date repository instead of writing it again", () => {
    const again = generateRepo(base, repoSpec(20, 2), projectRoot);
    expect(again.written).toBe(false);
  });
});

describe("bench report", () => {
  const summary = (label: string, wallMs: number, rssMb: number): Summary => ({
    label,
    runs: 3,
    wallMs,
    wallMinMs: wallMs * 0.9,
    wallMaxMs: wallMs * 1.1,
    rssMb,
    cpuMs: wallMs,
    failures: 0,
  });
  const repo = (files: number, environments: number, scale: number): RepoResult => ({
    name: `${files}-files-${environments}-envs`,
    files,
    environments,
    loadBefore: 0.5,
    loadAfter: 0.7,
    summaries: [
      summary(LABELS.synth, 900 * scale, 260),
      summary(LABELS.floor, 1000 * scale, 280),
      summary(LABELS.check, 300 * scale, 100),
      summary(LABELS.readParse, 100 * scale, 70),
    ],
  });
  const report: BenchReport = {
    date: "2026-01-01T00:00:00Z",
    machine: "Test CPU, 2 cores, 24 GB, Linux, Node v20.0.0",
    runs: 3,
    durationS: 42,
    // 50,000 files at 6× the 10,000-file time: 1.2× per file, just within the limit.
    repos: [
      repo(10_000, 10, 10),
      {
        ...repo(10_000, 50, 10),
        summaries: [summary(LABELS.synth, 11_000, 300), summary(LABELS.floor, 10_000, 280)],
      },
      repo(50_000, 100, 60),
    ],
    staticChecks: [{ name: "scripts/run.js transpiles with esbuild", ok: true, detail: "esbuild.buildSync" }],
    notes: ["a note"],
  };

  it("evaluates the targets against the floors", () => {
    const targets = evaluateTargets(report);
    expect(targets.map((t) => [t.target, t.verdict])).toEqual([
      ["synth wall time / bare-cdktf floor, 10,000 files", "miss"],
      ["synth peak RSS / bare-cdktf floor, 10,000 files", "miss"],
      ["synth wall time per file, 50,000 files / 10,000 files (10 envs)", "pass"],
      ["check wall time / read-and-parse floor, 10,000 files", "not measured"],
    ]);
    expect(targets[0].measured).toEqual([
      { where: "10 envs", value: 0.9 },
      { where: "50 envs", value: 1.1 },
    ]);
    expect(targets[2].measured[0].value).toBeCloseTo(1.2);
  });

  it("renders the Markdown tables", () => {
    const md = renderMarkdown(report);
    expect(md).toContain("Test CPU, 2 cores, 24 GB");
    expect(md).toContain(
      "| 10,000 / 10 | synth | 9.00 s | 8.10 s – 9.90 s | 9.00 s | 260 MB | 0.90× / 0.93× | 3 |",
    );
    expect(md).toContain(
      "| synth wall time / bare-cdktf floor, 10,000 files | ≤ 1.00× | 0.90× (10 envs), 1.10× (50 envs) | **miss** |",
    );
    expect(md).toContain("- ✓ no type checking: scripts/run.js transpiles with esbuild (esbuild.buildSync)");
    expect(md).toContain("- a note");
  });

  it("replaces only the generated part of docs/BENCHMARKS.md", () => {
    const doc = `# Benchmarks\n\nby hand\n\n${GENERATED_BEGIN}\nold\n${GENERATED_END}\n\n## Also by hand\n`;
    expect(spliceGenerated(doc, "new")).toBe(
      `# Benchmarks\n\nby hand\n\n${GENERATED_BEGIN}\n\nnew\n\n${GENERATED_END}\n\n## Also by hand\n`,
    );
    expect(spliceGenerated("", "new")).toBe(
      `# Benchmarks\n\n${GENERATED_BEGIN}\n\nnew\n\n${GENERATED_END}\n`,
    );
  });

  it("takes the median", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(median([])).toBeNaN();
  });
});
