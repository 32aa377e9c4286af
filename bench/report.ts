/**
 * Turns measurements into the tables of docs/BENCHMARKS.md (and the console): one results table, the
 * ratios to the floors, the targets. Pure: no measuring and no file access, so the smoke test can render
 * a report from made-up figures.
 */
import { Summary } from "./measure";

export const LABELS = {
  synth: "synth",
  synthRerun: "synth (over previous output)",
  check: "check",
  floor: "floor: bare cdktf",
  floorCopy: "floor: bare cdktf + copy",
  floorAsset: "floor: bare cdktf + TerraformAsset",
  readParse: "floor: read + parse",
  copyOnly: "floor: read + write copies",
  launcher: "floor: launcher only",
} as const;

export interface RepoResult {
  readonly name: string;
  readonly files: number;
  readonly environments: number;
  readonly summaries: readonly Summary[];
  /** 1-minute load average before and after this repository's runs. */
  readonly loadBefore: number;
  readonly loadAfter: number;
}

export interface StaticCheck {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

export interface BenchReport {
  readonly date: string;
  /** One line: CPU, cores, memory, OS, Node. */
  readonly machine: string;
  readonly runs: number;
  readonly durationS: number;
  readonly repos: readonly RepoResult[];
  /** "no type checking on the synth path" evidence. */
  readonly staticChecks: readonly StaticCheck[];
  readonly notes: readonly string[];
}

export type Verdict = "pass" | "miss" | "not measured";

export interface TargetResult {
  readonly target: string;
  readonly limit: number;
  readonly measured: readonly { readonly where: string; readonly value: number }[];
  readonly verdict: Verdict;
}

export function find(repo: RepoResult | undefined, label: string): Summary | undefined {
  const s = repo?.summaries.find((x) => x.label === label);
  return s && s.failures < s.runs ? s : undefined;
}

/** a / b, or NaN when either is missing. */
export function ratio(a: number | undefined, b: number | undefined): number {
  return a === undefined || b === undefined || !(b > 0) ? NaN : a / b;
}

const fmtRatio = (r: number) => (Number.isNaN(r) ? "n/a" : `${r.toFixed(2)}×`);
const fmtMs = (ms: number) =>
  Number.isNaN(ms) ? "n/a" : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`;
const fmtMb = (mb: number) => (Number.isNaN(mb) ? "n/a" : `${Math.round(mb)} MB`);
const size = (r: RepoResult) => `${r.files.toLocaleString("en-US")} / ${r.environments}`;

export function evaluateTargets(report: BenchReport): TargetResult[] {
  const at = (files: number, envs?: number) =>
    report.repos.filter((r) => r.files === files && (envs === undefined || r.environments === envs));
  const target = (name: string, limit: number, repos: RepoResult[], f: (r: RepoResult) => number) => {
    const measured = repos.map((r) => ({ where: `${r.environments} envs`, value: f(r) }));
    const values = measured.map((m) => m.value);
    const verdict: Verdict =
      values.length === 0 || values.some(Number.isNaN)
        ? "not measured"
        : values.every((v) => v <= limit)
          ? "pass"
          : "miss";
    return { target: name, limit, measured, verdict };
  };
  const vsFloor = (label: string, key: "wallMs" | "rssMb", floor: string) => (r: RepoResult) =>
    ratio(find(r, label)?.[key], find(r, floor)?.[key]);
  const base = at(10_000, 10)[0];
  // Linear: 5× the files (and 10× the environments) should cost ~5× the time.
  const growth = (r: RepoResult) =>
    ratio(find(r, LABELS.synth)?.wallMs, find(base, LABELS.synth)?.wallMs) / (r.files / (base?.files ?? NaN));
  return [
    target(
      "synth wall time / bare-cdktf floor, 10,000 files",
      1,
      at(10_000),
      vsFloor(LABELS.synth, "wallMs", LABELS.floor),
    ),
    target(
      "synth peak RSS / bare-cdktf floor, 10,000 files",
      1,
      at(10_000),
      vsFloor(LABELS.synth, "rssMb", LABELS.floor),
    ),
    target("synth wall time per file, 50,000 files / 10,000 files (10 envs)", 1.2, at(50_000), growth),
    target(
      "check wall time / read-and-parse floor, 10,000 files",
      5,
      at(10_000),
      vsFloor(LABELS.check, "wallMs", LABELS.readParse),
    ),
  ];
}

/** A Markdown table. */
export function mdTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const esc = (c: string) => c.replace(/\|/g, "\\|");
  return [header, header.map(() => "---"), ...rows].map((r) => `| ${r.map(esc).join(" | ")} |`).join("\n");
}

/** The generated part of docs/BENCHMARKS.md: what was measured where, the targets, every figure. */
export function renderMarkdown(report: BenchReport): string {
  const loads = report.repos.map((r) => `${r.name} ${r.loadBefore} → ${r.loadAfter}`).join("; ");
  const targets = evaluateTargets(report).map((t) => [
    t.target,
    `≤ ${t.limit.toFixed(2)}×`,
    t.measured.map((m) => `${fmtRatio(m.value)} (${m.where})`).join(", ") || "n/a",
    `**${t.verdict}**`,
  ]);
  const results = report.repos.flatMap((r) => {
    const floor = find(r, LABELS.floor);
    return r.summaries.map((s) => [
      size(r),
      s.label,
      fmtMs(s.wallMs),
      `${fmtMs(s.wallMinMs)} – ${fmtMs(s.wallMaxMs)}`,
      fmtMs(s.cpuMs),
      fmtMb(s.rssMb),
      `${fmtRatio(ratio(s.wallMs, floor?.wallMs))} / ${fmtRatio(ratio(s.rssMb, floor?.rssMb))}`,
      s.failures ? `${s.failures}/${s.runs} FAILED` : `${s.runs}`,
    ]);
  });
  return [
    `Measured ${report.date} by \`npm run bench\` (${report.runs} interleaved runs per figure, median; whole run ${Math.round(report.durationS)} s) on ${report.machine}. 1-minute load average before → after each repository: ${loads}.`,
    "",
    mdTable(["target", "limit", "measured", "verdict"], targets),
    "",
    ...report.staticChecks.map((c) => `- ${c.ok ? "✓" : "✗"} no type checking: ${c.name} (${c.detail})`),
    "",
    mdTable(
      [
        "files / envs",
        "command",
        "wall (median)",
        "wall min – max",
        "CPU",
        "peak RSS",
        "÷ floor (wall / RSS)",
        "runs",
      ],
      results,
    ),
    ...(report.notes.length ? ["", ...report.notes.map((n) => `- ${n}`)] : []),
  ].join("\n");
}

export const GENERATED_BEGIN = "<!-- bench:begin: generated by `npm run bench`, do not edit by hand -->";
export const GENERATED_END = "<!-- bench:end -->";

/** Puts the generated part between the markers of an existing document, keeping the text around it. */
export function spliceGenerated(document: string, generated: string): string {
  const begin = document.indexOf(GENERATED_BEGIN);
  const end = document.indexOf(GENERATED_END);
  const block = `${GENERATED_BEGIN}\n\n${generated}\n\n${GENERATED_END}`;
  if (begin < 0 || end < begin) return `# Benchmarks\n\n${block}\n`;
  return document.slice(0, begin) + block + document.slice(end + GENERATED_END.length);
}
