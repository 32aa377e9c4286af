/**
 * The rule set shared by `npm run check` and synth.
 */
import { Diagnostic } from "../diagnostics";
import { Rule, RuleContext } from "./rule";

export const ALL_RULES: readonly Rule[] = [];

export function runRules(context: RuleContext, rules: readonly Rule[] = ALL_RULES): Diagnostic[] {
  return rules.flatMap((rule) => rule.check(context));
}
