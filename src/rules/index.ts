/**
 * The rule set shared by `npm run check` and synth (see docs/guardrails.md).
 */
import { Diagnostic } from "../diagnostics";
import { brokenMetadata } from "./broken-metadata";
import { configCrossChecks } from "./config-cross-checks";
import { dataKeyAge } from "./data-key-age";
import { emptyEnvironment } from "./empty-environment";
import { names } from "./names";
import { noCreationRule } from "./no-creation-rule";
import { notEncrypted } from "./not-encrypted";
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
  emptyEnvironment,
  dataKeyAge,
];

export function runRules(context: RuleContext, rules: readonly Rule[] = ALL_RULES): Diagnostic[] {
  return rules.flatMap((rule) => rule.check(context));
}

/** The rule with this ID, if any (`npm run check -- --explain SS002`). */
export function findRule(id: string): Rule | undefined {
  return ALL_RULES.find((rule) => rule.id === id.toUpperCase());
}
