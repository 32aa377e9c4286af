/**
 * Helpers shared by the rules (not a rule). Facts several rules need, such as the parsed `.sops.yaml` and the
 * creation rule of each file, are loaded once into the RuleContext (src/analysis/load-context.ts).
 */
import { Diagnostic, Severity } from "../diagnostics";
import { CreationRule } from "../sops/sops-config";
import { Rule, RuleContext, SopsConfigFacts } from "./rule";

export function diagnostic(
  rule: Pick<Rule, "id" | "severity">,
  path: string,
  message: string,
  fix: string,
  options: { line?: number; severity?: Severity } = {},
): Diagnostic {
  return {
    ruleId: rule.id,
    severity: options.severity ?? rule.severity,
    path,
    ...(options.line !== undefined && { line: options.line }),
    message,
    fix,
  };
}

/** The loaded `.sops.yaml` facts (kept as a function so rules read them one way). */
export function sopsConfigFacts(context: RuleContext): SopsConfigFacts {
  return context.sops;
}

/** "rule #2 (line 5)" */
export function describeCreationRule(rule: CreationRule): string {
  return `.sops.yaml creation rule #${rule.index + 1}${rule.line !== undefined ? ` (line ${rule.line})` : ""}`;
}

/** Every environment name known from discovery (with or without files). */
export function environmentFolders(context: RuleContext): string[] {
  return [...context.discovery.environments.map((e) => e.name), ...context.discovery.emptyEnvironments];
}
export type { SopsConfigFacts } from "./rule";
