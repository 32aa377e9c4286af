/**
 * The rule set shared by `npm run check` and synth (see docs/guardrails.md): the one list of every rule.
 * To add a rule: write `src/rules/<title>.ts` exporting a `Rule` (a pure function of RuleContext; if it needs
 * something not in the context, load it in src/analysis/load-context.ts), add it here, add its row to the
 * README rule table and a section to docs/guardrails.md.
 */
import { Diagnostic } from "../diagnostics";
import { brokenMetadata } from "./broken-metadata";
import { configCrossChecks } from "./config-cross-checks";
import { dataKeyAge } from "./data-key-age";
import { emptyEnvironment } from "./empty-environment";
import { gitIgnored } from "./git-ignored";
import { names } from "./names";
import { noCreationRule } from "./no-creation-rule";
import { notEncrypted } from "./not-encrypted";
import { parseError } from "./parse-error";
import { partiallyEncrypted } from "./partially-encrypted";
import { recipientMismatch } from "./recipient-mismatch";
import { Rule, RuleContext } from "./rule";
import { secretSize } from "./secret-size";
import { sharedKmsKey } from "./shared-kms-key";
import { strayFile } from "./stray-file";
import { symlink } from "./symlink";

export const ALL_RULES: readonly Rule[] = [
  notEncrypted,
  partiallyEncrypted,
  brokenMetadata,
  noCreationRule,
  recipientMismatch,
  sharedKmsKey,
  strayFile,
  symlink,
  secretSize,
  names,
  configCrossChecks,
  parseError,
  emptyEnvironment,
  dataKeyAge,
  gitIgnored,
];

export function runRules(context: RuleContext, rules: readonly Rule[] = ALL_RULES): Diagnostic[] {
  return rules.flatMap((rule) => rule.check(context));
}

/** The rule with this ID, if any (`npm run check -- --explain SS002`). */
export function findRule(id: string): Rule | undefined {
  return ALL_RULES.find((rule) => rule.id === id.toUpperCase());
}
