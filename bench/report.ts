/**
 * Turns measurements into the console table and docs/BENCHMARKS.md: ratios, targets (pass/miss), machine.
 * Pure: no measuring and no file access here, so the smoke test can render a report from made-up figures.
 */
import { Summary } from "./measure";
import { ProfileSummary } from "./profile";

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
  readonly bytes: number;
  readonly byFormat: Readonly<Record<string, number>>;
  readonly summaries: readonly Summary[];
  /** 1-minute load average before and after this repository's runs. */
  readonly loadBefore: number;
  readonly loadAfter: number;
}

export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGb: number;
  readonly node: string;
  readonly os: string;
}

export interface StaticCheck {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

export interface BenchReport {
  readonly date: string;
  readonly machine: Machine;
  readonly runs: number;
  readonly quick: boolean;
  readonly durationS: number;
  readonly repos: readonly RepoResult[];
  /** "no type checking on the synth path" evidence. */
  readonly staticChecks: readonly StaticCheck[];
  readonly profile?: { readonly repo: string; readonly summary: ProfileSummary };
  readonly notes: readonly string[];
}

export type Verdict = "pass" | "miss" | "not measured";

export interface TargetResult {
  readonly target: string;
  readonly limit: string;
  readonly measured: string;
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

export function fmtRatio(r: number): string {
  return Number.isNaN(r) ? "n/a" : `${r.toFixed(2)}×`;
}

function fmtMs(ms: number): string {
  if (Number.isNaN(ms)) return "n/a";
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`;
}

function fmtMb(mb: number): string {
  return Number.isNaN(mb) ? "n/a" : `${Math.round(mb)} MB`;
}

function repoAt(report: BenchReport, files: number, environments: number): RepoResult | undefined {
  return report.repos.find((r) => r.files === files && r.environments === environments);
}

export function evaluateTargets(report: BenchReport): TargetResult[] {
  const big = report.repos.filter((r) => r.files === 10_000);
  const verdict = (values: number[], limit: number): Verdict =>
    values.length === 0 || values.some((v) => Number.isNaN(v))
      ? "not measured"
      : values.every((v) => v <= limit)
        ? "pass"
        : "miss";
  const per = (f: (r: RepoResult) => number) => big.map((r) => ({ r, v: f(r) }));
  const show = (xs: { r: RepoResult; v: number }[]) =>
    xs.length ? xs.map(({ r, v }) => `${fmtRatio(v)} (${r.environments} envs)`).join(", ") : "n/a";

  const wall = per((r) => ratio(find(r, LABELS.synth)?.wallMs, find(r, LABELS.floor)?.wallMs));
  const rss = per((r) => ratio(find(r, LABELS.synth)?.rssMb, find(r, LABELS.floor)?.rssMb));
  const check = per((r) => ratio(find(r, LABELS.check)?.wallMs, find(r, LABELS.readParse)?.wallMs));
  const growth = ratio(
    find(repoAt(report, 10_000, 10), LABELS.synth)?.wallMs,
    find(repoAt(report, 1_000, 10), LABELS.synth)?.wallMs,
  );
  const fast = report.staticChecks;
  return [
    {
      target: "synth wall time vs bare-cdktf floor, 10,000 files",
      limit: "≤ 1.20×",
      measured: show(wall),
      verdict: verdict(
        wall.map((x) => x.v),
        1.2,
      ),
    },
    {
      target: "synth peak RSS vs bare-cdktf floor, 10,000 files",
      limit: "≤ 1.20×",
      measured: show(rss),
      verdict: verdict(
        rss.map((x) => x.v),
        1.2,
      ),
    },
    {
      target: "synth wall time growth, 1,000 → 10,000 files (10 envs)",
      limit: "≤ 11×",
      measured: fmtRatio(growth),
      verdict: verdict([growth], 11),
    },
    {
      target: "check wall time vs read-and-parse floor, 10,000 files",
      limit: "≤ 5×",
      measured: show(check),
      verdict: verdict(
        check.map((x) => x.v),
        5,
      ),
    },
    {
      target: "no type checking on the `npm run synth` / cdktf.json app path",
      limit: "esbuild launcher",
      measured: fast.map((c) => `${c.ok ? "✓" : "✗"} ${c.name}`).join("; ") || "n/a",
      verdict: fast.length === 0 ? "not measured" : fast.every((c) => c.ok) ? "pass" : "miss",
    },
  ];
}

/** Rows of the main table: one per repository and command. */
export function tableRows(report: BenchReport): string[][] {
  const rows: string[][] = [];
  for (const r of report.repos) {
    for (const s of r.summaries) {
      rows.push([
        `${r.files.toLocaleString("en-US")} / ${r.environments}`,
        s.label,
        fmtMs(s.wallMs),
        `${fmtMs(s.wallMinMs)} – ${fmtMs(s.wallMaxMs)}`,
        fmtMs(s.cpuMs),
        fmtMb(s.rssMb),
        s.failures ? `${s.failures}/${s.runs} FAILED` : `${s.runs}`,
      ]);
    }
  }
  return rows;
}

export const TABLE_HEADER = [
  "files / envs",
  "command",
  "wall (median)",
  "wall min – max",
  "CPU",
  "peak RSS",
  "runs",
];

export function ratioRows(report: BenchReport): string[][] {
  return report.repos.map((r) => {
    const synth = find(r, LABELS.synth);
    const floor = find(r, LABELS.floor);
    const copy = find(r, LABELS.floorCopy);
    const asset = find(r, LABELS.floorAsset);
    const check = find(r, LABELS.check);
    const rp = find(r, LABELS.readParse);
    const launcher = find(r, LABELS.launcher);
    const copyOnly = find(r, LABELS.copyOnly);
    return [
      `${r.files.toLocaleString("en-US")} / ${r.environments}`,
      fmtRatio(ratio(synth?.wallMs, floor?.wallMs)),
      fmtRatio(ratio(synth?.rssMb, floor?.rssMb)),
      fmtRatio(ratio(synth?.wallMs, copy?.wallMs)),
      fmtMs((copyOnly?.wallMs ?? NaN) - (launcher?.wallMs ?? NaN)),
      fmtMs((copy?.wallMs ?? NaN) - (floor?.wallMs ?? NaN)),
      fmtMs((asset?.wallMs ?? NaN) - (floor?.wallMs ?? NaN)),
      fmtRatio(ratio(check?.wallMs, rp?.wallMs)),
      fmtRatio(ratio(check?.rssMb, rp?.rssMb)),
    ];
  });
}

export const RATIO_HEADER = [
  "files / envs",
  "synth / floor (wall)",
  "synth / floor (RSS)",
  "synth / floor+copy (wall)",
  "copies alone (read + write − launcher)",
  "floor+copy − floor",
  "floor+TerraformAsset − floor",
  "check / read+parse (wall)",
  "check / read+parse (RSS)",
];

export function growthRows(report: BenchReport): string[][] {
  const small = repoAt(report, 1_000, 10);
  const big = repoAt(report, 10_000, 10);
  const labels = [
    LABELS.synth,
    LABELS.synthRerun,
    LABELS.floor,
    LABELS.floorCopy,
    LABELS.check,
    LABELS.readParse,
  ];
  return labels
    .filter((l) => find(small, l) || find(big, l))
    .map((l) => [
      l,
      fmtMs(find(small, l)?.wallMs ?? NaN),
      fmtMs(find(big, l)?.wallMs ?? NaN),
      fmtRatio(ratio(find(big, l)?.wallMs, find(small, l)?.wallMs)),
    ]);
}

export const GROWTH_HEADER = ["command", "1,000 files (10 envs)", "10,000 files (10 envs)", "growth"];

/** A plain-text table with aligned columns, for the console. */
export function textTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join("  ")
      .trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

/** A Markdown table. */
export function mdTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const esc = (c: string) => c.replace(/\|/g, "\\|");
  return [
    `| ${header.map(esc).join(" | ")} |`,
    `| ${header.map(() => "---").join(" | ")} |`,
    ...rows.map((r) => `| ${r.map(esc).join(" | ")} |`),
  ].join("\n");
}

export function renderConsole(report: BenchReport): string {
  const targets = evaluateTargets(report);
  return [
    textTable(TABLE_HEADER, tableRows(report)),
    "",
    textTable(RATIO_HEADER, ratioRows(report)),
    "",
    textTable(GROWTH_HEADER, growthRows(report)),
    "",
    textTable(
      ["target", "limit", "measured", "verdict"],
      targets.map((t) => [t.target, t.limit, t.measured, t.verdict.toUpperCase()]),
    ),
  ].join("\n");
}

export function renderProfile(profile: NonNullable<BenchReport["profile"]>): string {
  const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
  const { summary } = profile;
  return [
    `Sampled with \`node --cpu-prof\` on one synth of the ${profile.repo} repository (${fmtMs(summary.totalMs)} of samples).`,
    "",
    "Self time by area:",
    "",
    mdTable(
      ["area", "self time", "share"],
      summary.areas.filter((a) => a.share >= 0.005).map((a) => [a.area, fmtMs(a.ms), pct(a.share)]),
    ),
    "",
    "Inclusive time of the main steps:",
    "",
    mdTable(
      ["function", "inclusive", "share"],
      summary.inclusive.filter((a) => a.ms > 0).map((a) => [`\`${a.name}\``, fmtMs(a.ms), pct(a.share)]),
    ),
    "",
    "Top functions by self time:",
    "",
    mdTable(
      ["function", "where", "area", "self time", "share"],
      summary.functions.map((f) => [`\`${f.name}\``, f.where, f.area, fmtMs(f.ms), pct(f.share)]),
    ),
  ].join("\n");
}

/** A few sentences computed from the figures (so they cannot go stale): where the gap to the floor comes from. */
export function readingNotes(report: BenchReport): string[] {
  const notes: string[] = [];
  const r = repoAt(report, 10_000, 10);
  const synth = find(r, LABELS.synth);
  const floor = find(r, LABELS.floor);
  const copy = find(r, LABELS.floorCopy);
  const copyOnly = find(r, LABELS.copyOnly);
  const launcher = find(r, LABELS.launcher);
  if (synth && floor) {
    notes.push(
      `At 10,000 files in 10 environments synth takes ${fmtMs(synth.wallMs)} and ${fmtMb(synth.rssMb)}, against ` +
        `${fmtMs(floor.wallMs)} and ${fmtMb(floor.rssMb)} for bare cdktf doing the same minus the copies ` +
        `(${fmtRatio(ratio(synth.wallMs, floor.wallMs))} wall, ${fmtRatio(ratio(synth.rssMb, floor.rssMb))} RSS).` +
        (copy
          ? ` Bare cdktf plus the same per-file copy takes ${fmtMs(copy.wallMs)}: synth is ` +
            `${fmtRatio(ratio(synth.wallMs, copy.wallMs))} of that.`
          : "") +
        (copyOnly && launcher
          ? ` Reading and writing the 10,000 copies alone costs ${fmtMs(copyOnly.wallMs - launcher.wallMs)} on this` +
            " machine (file creation is system time, and it varies with whatever else the machine is doing)."
          : ""),
    );
  }
  if (copyOnly && copyOnly.wallMaxMs > 2 * copyOnly.wallMinMs) {
    notes.push(
      `File writes were unsteady on this machine during the run: reading and writing the 10,000 copies took ` +
        `from ${fmtMs(copyOnly.wallMinMs)} to ${fmtMs(copyOnly.wallMaxMs)} between runs, so every figure that ` +
        "includes the copies (synth, floor + copy) carries that noise; compare synth with floor + copy, measured " +
        "alongside it.",
    );
  }
  const p = report.profile?.summary;
  if (p) {
    const pct = (name: string) => p.inclusive.find((x) => x.name === name)?.share ?? 0;
    notes.push(
      `In the CPU profile, cdktf's token resolution (\`resolve\`) is ${(pct("resolve") * 100).toFixed(0)} % of ` +
        `synth, cdktf's per-token stack-trace capture (\`captureStackTrace\`) ${(pct("captureStackTrace") * 100).toFixed(0)} %, ` +
        `the analysis (\`analyzeRepo\`: read, parse, rules) ${(pct("analyzeRepo") * 100).toFixed(0)} % and ` +
        `the copies (\`write\`) ${(pct("write") * 100).toFixed(0)} %.`,
    );
  }
  return notes;
}

export function renderMarkdown(report: BenchReport): string {
  const targets = evaluateTargets(report);
  const m = report.machine;
  const loads = report.repos.map((r) => `${r.name}: ${r.loadBefore} → ${r.loadAfter}`).join("; ");
  return [
    "# Benchmarks",
    "",
    "<!-- Generated by `npm run bench` (bench/run-benchmarks.ts). Do not edit by hand: run it again. -->",
    "",
    `Measured ${report.date} by \`npm run bench${report.quick ? " -- --quick" : ""}\` (${report.runs} run${report.runs === 1 ? "" : "s"} per figure, median; whole run ${Math.round(report.durationS)} s).`,
    "",
    `**Machine:** ${m.cpu}, ${m.cores} cores, ${m.memoryGb} GB memory, ${m.os}, Node ${m.node}. Shared with other`,
    `users while measuring; 1-minute load average before → after each repository: ${loads}.`,
    "",
    "## Targets",
    "",
    ...readingNotes(report).map((n) => `${n}\n`),
    mdTable(
      ["target", "limit", "measured", "verdict"],
      targets.map((t) => [
        t.target,
        t.limit,
        t.measured,
        t.verdict === "pass" ? "**pass**" : `**${t.verdict}**`,
      ]),
    ),
    "",
    "## Results",
    "",
    mdTable(TABLE_HEADER, tableRows(report)),
    "",
    "### Ratios",
    "",
    mdTable(RATIO_HEADER, ratioRows(report)),
    "",
    "### Growth",
    "",
    mdTable(GROWTH_HEADER, growthRows(report)),
    "",
    "## What is measured",
    "",
    "Each figure is the median of the runs, each run a fresh child process (`node --require <preload>`), the",
    "commands interleaved (run 1 of every command, then run 2, ...) so that a change of load on the shared",
    "machine spreads over all of them. Wall time is measured by the parent around the child (Node start-up",
    "included); peak RSS is the child's own `process.resourceUsage().maxRSS` (the kernel's ru_maxrss, written by",
    "the preload at exit), CPU is user + system time of the same process. The ~50 ms esbuild service process",
    "that the launcher starts is not in the RSS figures. Output folders are removed (untimed) before each run,",
    "so every synth writes into an empty folder.",
    "",
    "- **synth**: `node <project>/scripts/run.js main.ts`, cwd = the repository: exactly what `npm run synth`",
    "  and cdktf.json's `app` run (esbuild transpile of the project, then `runSynth`).",
    "- **check**: `node <project>/scripts/run.js bin/check.ts`, cwd = the repository (`npm run check`).",
    "- **floor: bare cdktf** (bench/floors/bare-cdktf.ts, through the same launcher): find the files, read and",
    "  parse each one, then per environment a TerraformStack with the AWS and sops providers and per file a",
    "  minimal `sops_file` TerraformDataSource subclass, an `aws_secretsmanager_secret` and an",
    "  `aws_secretsmanager_secret_version` (deep imports), `app.synth()`. Nothing else.",
    "- **floor: bare cdktf + copy**: the same plus one `writeFileSync` per file into the stack folder, as",
    "  src/stacks/stack-source-files.ts does. **+ TerraformAsset**: each file through a cdktf `TerraformAsset`",
    "  instead (hash + copy through the asset machinery).",
    "- **synth (over previous output)**: the same again right after, over the output the previous run left",
    "  (what `cdktf synth` / `cdktf plan` do on every edit): synth writes a complete staging folder, then",
    "  src/synth/publish-output.ts replaces each stack's generated files with it (and removes the old copies).",
    "- **floor: read + write copies** (bench/floors/copy-files.ts): read every file and write it into a stack",
    "  folder, nothing else: the file-system part of synth on its own.",
    "- **floor: read + parse** (bench/floors/read-parse.ts): list the files, read each, `JSON.parse` it (YAML",
    "  with the `yaml` package, dotenv split into lines).",
    "- **floor: launcher only** (bench/floors/noop.ts): Node start-up + esbuild transpile of an empty entry.",
    "",
    "Synthetic repositories (bench/generate-repo.ts) use the sops-shaped file writer of test-support/: 80 %",
    "JSON, 10 % YAML, 10 % dotenv, ~1.8 kB each, in 0-2 levels of folders, one placeholder KMS key per",
    "environment and a `.sops.yaml` with one creation rule per environment, so `npm run check` passes.",
    "",
    "Repositories:",
    "",
    mdTable(
      ["repository", "files", "environments", "JSON / YAML / dotenv", "bytes"],
      report.repos.map((r) => [
        r.name,
        r.files.toLocaleString("en-US"),
        String(r.environments),
        `${r.byFormat.json ?? 0} / ${r.byFormat.yaml ?? 0} / ${r.byFormat.dotenv ?? 0}`,
        `${(r.bytes / 1e6).toFixed(1)} MB`,
      ]),
    ),
    "",
    "## No type checking on the synth path",
    "",
    ...report.staticChecks.map((c) => `- ${c.ok ? "✓" : "✗"} ${c.name}: ${c.detail}`),
    "",
    ...(report.profile ? ["## Profile", "", renderProfile(report.profile), ""] : []),
    ...(report.notes.length ? ["## Notes", "", ...report.notes.map((n) => `- ${n}`), ""] : []),
  ].join("\n");
}
