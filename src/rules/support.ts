/**
 * Helpers shared by the rules (not a rule). Facts several rules need, such as the parsed `.sops.yaml` and the
 * creation rule of each file, are computed once per check run: they are memoised on the RuleContext object,
 * which analyzeRepo creates once per run.
 */
import { Diagnostic, Severity } from "../diagnostics";
import { CreationRule, findCreationRule, readSopsConfig, ReadSopsConfigResult } from "../sops/sops-config";
import { Rule, RuleContext } from "./rule";

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

export interface SopsConfigFacts {
  readonly result: ReadSopsConfigResult;
  /** The first creation rule matching a repository-relative path (memoised). */
  ruleFor(relativePath: string): CreationRule | undefined;
}

const sopsFacts = new WeakMap<RuleContext, SopsConfigFacts>();

export function sopsConfigFacts(context: RuleContext): SopsConfigFacts {
  let facts = sopsFacts.get(context);
  if (!facts) {
    const result = readSopsConfig(context.root);
    const matches = new Map<string, CreationRule | undefined>();
    facts = {
      result,
      ruleFor(relativePath) {
        if (!result.found) return undefined;
        if (!matches.has(relativePath))
          matches.set(relativePath, findCreationRule(result.config, relativePath));
        return matches.get(relativePath);
      },
    };
    sopsFacts.set(context, facts);
  }
  return facts;
}

/** "rule #2 (line 5)" */
export function describeCreationRule(rule: CreationRule): string {
  return `.sops.yaml creation rule #${rule.index + 1}${rule.line !== undefined ? ` (line ${rule.line})` : ""}`;
}

/** Every environment name known from discovery (with or without files). */
export function environmentFolders(context: RuleContext): string[] {
  return [...context.discovery.environments.map((e) => e.name), ...context.discovery.emptyEnvironments];
}
