/**
 * What `npm run rekey` does, decided from the rules' findings: every file whose recipients differ from its
 * `.sops.yaml` rule (rule SS005) needs `sops updatekeys`; when a key was REMOVED (the file can still be
 * decrypted by a key its rule no longer names: someone left), the data key must also be rotated
 * (`sops rotate`) and, because the leaver may have read them, the values themselves changed. A data key older
 * than dataKeyMaxAgeDays (rule SS014) needs `sops rotate` alone. Pure.
 */
import { describeKey, RuleKey } from "../access/access-report";

/** What the rules found about one file. */
export interface RekeyFinding {
  /** Repository-relative path. */
  readonly file: string;
  /** Rule SS005: the file's recipients differ from its `.sops.yaml` rule. @default - in sync */
  readonly recipients?: {
    /** The rule's message. */
    readonly why: string;
    /** Keys the rule names that cannot decrypt the file. */
    readonly missing: readonly RuleKey[];
    /** Keys that can decrypt the file although the rule no longer names them. */
    readonly extra: readonly RuleKey[];
  };
  /** Rule SS014: the data key is older than dataKeyMaxAgeDays (the rule's message). @default - not old */
  readonly oldDataKey?: string;
}

export interface RekeyStep {
  readonly file: string;
  readonly action: "updatekeys" | "rotate";
  /** Why this step is needed. */
  readonly why: string;
  /** The sops arguments (without `sops`). */
  readonly args: readonly string[];
}

export interface RekeyPlan {
  /** In order: files sorted by path; a file's updatekeys before its rotate. */
  readonly steps: readonly RekeyStep[];
  /** Files whose values must be changed at their source: a key that was removed could read them. */
  readonly changeValues: readonly string[];
}

export function planRekey(findings: readonly RekeyFinding[]): RekeyPlan {
  const steps: RekeyStep[] = [];
  const changeValues: string[] = [];
  const sorted = [...findings].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  for (const f of sorted) {
    const extra = f.recipients?.extra ?? [];
    if (f.recipients)
      steps.push({
        file: f.file,
        action: "updatekeys",
        why: f.recipients.why,
        args: ["updatekeys", "--yes", f.file],
      });
    const reasons: string[] = [];
    if (extra.length > 0)
      reasons.push(
        `${extra.map(describeKey).join(", ")} could decrypt the old data key, which a new one makes useless for ` +
          "future values",
      );
    if (f.oldDataKey !== undefined) reasons.push(f.oldDataKey);
    if (reasons.length > 0)
      steps.push({
        file: f.file,
        action: "rotate",
        why: reasons.join("; and "),
        args: ["rotate", "--in-place", f.file],
      });
    if (extra.length > 0) changeValues.push(f.file);
  }
  return { steps, changeValues };
}

/** POSIX shell quoting: plain words stay as they are, anything else is single-quoted. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

export function commandLine(step: RekeyStep): string {
  return ["sops", ...step.args].map(shellQuote).join(" ");
}
