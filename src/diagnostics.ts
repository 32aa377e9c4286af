/**
 * A problem found in the repository or its configuration: the one shape every check, parser and rule
 * reports in, so that `npm run check` and synth print the same thing.
 */
import { printable } from "./cli/printable";
export type Severity = "error" | "warning";

export interface Diagnostic {
  /** Stable identifier of the rule or error (see README, "Rules"). */
  readonly ruleId: string;
  readonly severity: Severity;
  /** Repository-relative POSIX path of the file the problem is in (or `cdktf.json` for configuration). */
  readonly path: string;
  /** 1-based line, where the problem has one. */
  readonly line?: number;
  /** What is wrong. Never contains a secret value. */
  readonly message: string;
  /** How to fix it. */
  readonly fix: string;
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === "error");
}

/** Sorts by path, then line, then rule, so that output is stable whatever order the checks ran in. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort(
    (a, b) =>
      compare(a.path, b.path) ||
      (a.line ?? 0) - (b.line ?? 0) ||
      compare(a.ruleId, b.ruleId) ||
      compare(a.message, b.message),
  );
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * One line per problem, names escaped by the one formatter (src/cli/printable.ts):
 * `error SS001 secrets/dev/db.enc.json:3: what is wrong. Fix: how to fix it.`
 */
export function formatDiagnostic(d: Diagnostic): string {
  const where = d.line !== undefined ? `${d.path}:${d.line}` : d.path;
  const message = /[.!?]$/.test(d.message) ? d.message : `${d.message}.`;
  return printable(`${d.severity} ${d.ruleId} ${where}: ${message} Fix: ${d.fix}`);
}

export function formatSummary(diagnostics: readonly Diagnostic[]): string {
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  const warnings = diagnostics.length - errors;
  return `${errors} error${errors === 1 ? "" : "s"}, ${warnings} warning${warnings === 1 ? "" : "s"}`;
}
