/**
 * Adapter between the rules and `npm run rekey`: the SS005 (recipient-mismatch) and SS014 (old-data-key)
 * findings of the same analysis `npm run check` runs; for each SS005 file, what changed comes from
 * `keyGroupSync` (src/sops/key-groups.ts), the one comparison SS005 and `npm run access` make. The only part of
 * src/rekey that knows the rest of the project.
 */
import { readAccessInputs } from "../access/access-inputs";
import { holderOf } from "../access/access-report";
import { KeyGroupSync, keyGroupSync } from "../sops/key-groups";
import { analyzeRepo } from "../analysis/analyze-repo";
import { Diagnostic } from "../diagnostics";
import { CONFIG_RULE_ID } from "../errors";
import { ALL_RULES } from "../rules";
import { makeDataKeyAge } from "../rules/data-key-age";
import { recipientMismatch } from "../rules/recipient-mismatch";
import { RekeyFinding } from "./rekey-plan";

/** Rule whose findings need `sops updatekeys`. */
export const UPDATEKEYS_RULE_ID = recipientMismatch.id;
/** Rule whose findings need only `sops rotate` (an old data key). */
export const OLD_DATA_KEY_RULE_ID = "SS014";

export type RekeyInputs =
  | { readonly ok: true; readonly findings: readonly RekeyFinding[] }
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] };

export function readRekeyInputs(root: string, now: Date): RekeyInputs {
  // The same rules as `npm run check`, with SS014 on the given clock.
  const rules = ALL_RULES.map((r) => (r.id === OLD_DATA_KEY_RULE_ID ? makeDataKeyAge(() => now) : r));
  const analysis = analyzeRepo(root, { rules });
  if (
    !analysis.config ||
    analysis.diagnostics.some((d) => d.ruleId === CONFIG_RULE_ID && d.severity === "error")
  )
    return { ok: false, diagnostics: analysis.diagnostics.filter((d) => d.ruleId === CONFIG_RULE_ID) };
  const access = readAccessInputs(root);
  const syncs = new Map<string, KeyGroupSync>();
  if (access.ok)
    for (const f of access.inputs.files) {
      if (!f.rule || "problem" in f.metadata) continue;
      const names = { path: f.file, ruleName: f.rule.description };
      const sync = keyGroupSync(f.metadata, f.rule.keyGroups, names);
      if (sync) syncs.set(f.file, sync);
    }
  const findings = new Map<string, { -readonly [K in keyof RekeyFinding]: RekeyFinding[K] }>();
  const finding = (file: string) => {
    if (!findings.has(file)) findings.set(file, { file });
    return findings.get(file)!;
  };
  for (const d of analysis.diagnostics) {
    if (d.ruleId === UPDATEKEYS_RULE_ID) {
      const sync = syncs.get(d.path);
      finding(d.path).recipients = {
        why: d.message,
        missing: (sync?.drift.missing ?? []).map(holderOf),
        extra: (sync?.drift.extra ?? []).map(holderOf),
        revoked: (sync?.revoked ?? []).map(holderOf),
        lessProtected: sync?.comparison.verdict === "less-protected",
        ...(sync?.updatekeysThreshold !== undefined && { threshold: sync.updatekeysThreshold }),
      };
    } else if (d.ruleId === OLD_DATA_KEY_RULE_ID) finding(d.path).oldDataKey = d.message;
  }
  return { ok: true, findings: [...findings.values()] };
}
