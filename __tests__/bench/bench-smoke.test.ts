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
  LABELS,
  renderConsole,
  renderMarkdown,
  RepoResult,
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
    bytes: files * 1800,
    byFormat: { json: files * 0.8, yaml: files * 0.1, dotenv: files * 0.1 },
    loadBefore: 0.5,
    loadAfter: 0.7,
    summaries: [
      summary(LABELS.synth, 1100 * scale, 400),
      summary(LABELS.floor, 1000 * scale, 280),
      summary(LABELS.floorCopy, 1050 * scale, 285),
      summary(LABELS.check, 300 * scale, 100),
      summary(LABELS.readParse, 100 * scale, 70),
    ],
  });
  const report: BenchReport = {
    date: "2026-01-01T00:00:00Z",
    machine: { cpu: "Test CPU", cores: 2, memoryGb: 24, node: "v20.0.0", os: "Linux" },
    runs: 3,
    quick: false,
    durationS: 42,
    repos: [repo(1_000, 10, 1), repo(10_000, 10, 10), repo(10_000, 50, 10)],
    staticChecks: [{ name: "scripts/run.js transpiles with esbuild", ok: true, detail: "esbuild.buildSync" }],
    notes: ["a note"],
  };

  it("evaluates the targets", () => {
    const verdicts = Object.fromEntries(evaluateTargets(report).map((t) => [t.target, t.verdict]));
    expect(Object.values(verdicts)).toEqual(["pass", "miss", "pass", "pass", "pass"]);
  });

  it("renders the console table and the Markdown report", () => {
    const text = renderConsole(report);
    expect(text).toContain("synth / floor (wall)");
    expect(text).toContain("1.10×");
    const md = renderMarkdown(report);
    expect(md).toContain("# Benchmarks");
    expect(md).toContain("Test CPU, 2 cores, 24 GB");
    expect(md).toContain("| 10,000 / 50 |");
    expect(md).toContain("**miss**");
  });

  it("takes the median", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(median([])).toBeNaN();
  });
});
