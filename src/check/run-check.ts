/**
 * `npm run check`: runs the same analysis as synth (config → discovery → parsing → rules) and reports.
 * Kept apart from bin/check.ts so that it can be tested without spawning a process.
 *
 * Exit codes: 0 no errors (warnings allowed), 1 errors, 2 usage or configuration errors (SS011).
 */
import { analyzeRepo } from "../analysis/analyze-repo";
import { Diagnostic, formatDiagnostic, formatSummary } from "../diagnostics";
import { SuppressedDiagnostic } from "../analysis/suppressions";
import { diagnosticsExitCode, parseCommandLine, stringOption } from "../cli/command-line";
import { ALL_RULES, findRule } from "../rules";

export interface CheckResult {
  readonly exitCode: 0 | 1 | 2;
  readonly stdout: string;
  readonly stderr: string;
}

/** `--json` output. */
export interface CheckJson {
  readonly diagnostics: readonly Diagnostic[];
  /** Present when cdktf.json `context.suppressions` silenced findings: each with the reason given. */
  readonly suppressed?: readonly SuppressedDiagnostic[];
  readonly summary: {
    readonly errors: number;
    readonly warnings: number;
    /** Present when findings were suppressed. */
    readonly suppressed?: number;
  };
}

const USAGE = `Usage: npm run check [-- <options>]

Checks the repository's secret files, .sops.yaml and cdktf.json with every rule synth applies.

Options:
  --json             print {"diagnostics": [...], "summary": {"errors", "warnings"}} on stdout
  --explain <ID>     explain a rule, e.g. --explain SS002
  --list-rules       list every rule
  -h, --help         show this help

Exit codes: 0 no errors (warnings allowed), 1 errors, 2 usage or configuration (SS011) errors.
`;

type Options = { json: boolean; explain?: string; listRules: boolean; help: boolean };

export function runCheck(argv: readonly string[], root: string): CheckResult {
  const parsed = parseArgs(argv);
  if ("error" in parsed) return { exitCode: 2, stdout: "", stderr: `check: ${parsed.error}\n\n${USAGE}` };
  const options = parsed.options;
  if (options.help) return { exitCode: 0, stdout: USAGE, stderr: "" };
  if (options.listRules) return { exitCode: 0, stdout: listRules(), stderr: "" };
  if (options.explain !== undefined) return explain(options.explain);

  const started = process.hrtime.bigint();
  let diagnostics: readonly Diagnostic[];
  let suppressed: readonly SuppressedDiagnostic[];
  let files = 0;
  let environments = 0;
  try {
    const analysis = analyzeRepo(root);
    diagnostics = analysis.diagnostics;
    suppressed = analysis.suppressed;
    environments = analysis.environments.length;
    files = analysis.environments.reduce((n, env) => n + env.secrets.length, 0);
  } catch (e) {
    return {
      exitCode: 2,
      stdout: "",
      stderr: `check: could not analyse the repository: ${(e as Error).message}\n`,
    };
  }
  const ms = Number((process.hrtime.bigint() - started) / 1_000_000n);
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  const exitCode = diagnosticsExitCode(diagnostics);

  if (options.json) {
    const warnings = diagnostics.length - errors;
    const json: CheckJson =
      suppressed.length > 0
        ? { diagnostics, suppressed, summary: { errors, warnings, suppressed: suppressed.length } }
        : { diagnostics, summary: { errors, warnings } };
    return { exitCode, stdout: JSON.stringify(json, null, 2) + "\n", stderr: "" };
  }
  const lines = diagnostics.map(formatDiagnostic);
  const summary =
    `${formatSummary(diagnostics)}${suppressed.length > 0 ? `, ${suppressed.length} suppressed` : ""} (${files} secret file${files === 1 ? "" : "s"} in ${environments} ` +
    `environment${environments === 1 ? "" : "s"}, ${ms} ms)` +
    (exitCode === 2 ? "; fix cdktf.json first" : "");
  return { exitCode, stdout: lines.length ? lines.join("\n") + "\n" : "", stderr: summary + "\n" };
}

function parseArgs(argv: readonly string[]): { options: Options } | { error: string } {
  const cl = parseCommandLine({ name: "check", usage: USAGE, options: CHECK_OPTIONS }, argv);
  if (cl.kind === "usage-error") return { error: cl.problem };
  if (cl.kind === "help") return { options: { json: false, listRules: false, help: true } };
  const explain = stringOption(cl.values, "explain");
  if (explain === "") return { error: "--explain needs a rule ID, e.g. --explain SS002" };
  return {
    options: {
      json: cl.values.json === true,
      listRules: cl.values["list-rules"] === true,
      help: false,
      explain,
    },
  };
}

const CHECK_OPTIONS = {
  json: { type: "boolean" },
  explain: { type: "string" },
  "list-rules": { type: "boolean" },
} as const;

function listRules(): string {
  const rows = ALL_RULES.map((r) => ({ id: r.id, severity: r.severity, title: r.title })).sort((a, b) =>
    a.id < b.id ? -1 : a.id > b.id ? 1 : 0,
  );
  return rows.map((r) => `${r.id}  ${r.severity.padEnd(7)}  ${r.title}`).join("\n") + "\n";
}

function explain(id: string): CheckResult {
  const rule = findRule(id);
  if (!rule) {
    return {
      exitCode: 2,
      stdout: "",
      stderr: `check: unknown rule "${id}"; \`npm run check -- --list-rules\` lists them\n`,
    };
  }
  const { severity, title, explanation } = rule;
  const note = rule.suppressible === false ? "\n\nFindings of this rule cannot be suppressed." : "";
  return { exitCode: 0, stdout: `${rule.id} ${title} (${severity})\n\n${explanation}${note}\n`, stderr: "" };
}
