/**
 * `context.suppressions` in cdktf.json: silence one rule's findings on one file, with a reason, as cdk-nag's
 * NagSuppressions and checkov's skip comments do. Applied after the rules ran, by analyze-repo.ts, so `npm run
 * check` and synth agree. Rules whose findings mean plaintext is (or may be) committed, or that synth cannot
 * work past, say `suppressible: false`: a suppression naming one is an SS011 error.
 */
import { Suppression } from "../config/config";
import { Diagnostic } from "../diagnostics";
import { CONFIG_RULE_ID, configInvalidValue, configUnusedSuppression } from "../errors";
import { Rule } from "../rules/rule";

export interface SuppressedDiagnostic {
  readonly diagnostic: Diagnostic;
  /** The reason given in cdktf.json. */
  readonly reason: string;
}

/**
 * Splits the rules' findings into those kept and those suppressed, and adds SS011 findings for suppressions
 * that name an unknown or unsuppressible rule (errors) or match nothing (warnings).
 * @param ran the rules that ran (a suppression of another rule is not reported as unused)
 * @param all every rule, for IDs and suppressibility
 */
export function applySuppressions(
  diagnostics: readonly Diagnostic[],
  suppressions: readonly Suppression[],
  ran: readonly Rule[],
  all: readonly Rule[] = ran,
): { kept: Diagnostic[]; suppressed: SuppressedDiagnostic[] } {
  if (suppressions.length === 0) return { kept: [...diagnostics], suppressed: [] };
  const problems: Diagnostic[] = [];
  const active = new Map<string, { index: number; reason: string }>();
  suppressions.forEach((s, index) => {
    const at = `context.suppressions[${index}]`;
    const rule = all.find((r) => r.id === s.rule);
    if (!rule) {
      problems.push(
        configInvalidValue(
          `${at}.rule`,
          `names ${s.rule}, which is no rule`,
          "use a rule ID from `npm run check -- --list-rules`",
        ),
      );
    } else if (rule.suppressible === false) {
      problems.push(
        configInvalidValue(
          `${at}.rule`,
          `names ${s.rule} (${rule.title}), which cannot be suppressed: its findings mean a plaintext value is or ` +
            "may be committed, or synth cannot produce working output",
          `remove ${at} and fix ${s.file} instead (\`npm run check -- --explain ${s.rule}\`)`,
        ),
      );
    } else if (!active.has(key(s.rule, s.file))) active.set(key(s.rule, s.file), { index, reason: s.reason });
  });
  const used = new Set<number>();
  const kept: Diagnostic[] = [];
  const suppressed: SuppressedDiagnostic[] = [];
  for (const d of diagnostics) {
    const match = d.ruleId === CONFIG_RULE_ID ? undefined : active.get(key(d.ruleId, d.path));
    if (!match) kept.push(d);
    else {
      used.add(match.index);
      suppressed.push({ diagnostic: d, reason: match.reason });
    }
  }
  const ranIds = new Set(ran.map((r) => r.id));
  for (const [, { index }] of active) {
    const s = suppressions[index];
    if (!used.has(index) && ranIds.has(s.rule)) problems.push(configUnusedSuppression(index, s.rule, s.file));
  }
  return { kept: [...kept, ...problems], suppressed };
}

function key(rule: string, file: string): string {
  return `${rule}\0${file}`;
}
