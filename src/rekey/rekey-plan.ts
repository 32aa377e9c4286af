/**
 * What `npm run rekey` does, decided from the rules' findings and the one key-group comparison behind them
 * (`keyGroupSync`, src/sops/key-groups.ts): every file rule SS005 flags needs `sops updatekeys` (with
 * `--shamir-secret-sharing-threshold` when updatekeys would otherwise keep a threshold below the rule's).
 * The data key must also be rotated (`sops rotate`), and the values themselves changed, when
 * - a key was REMOVED (someone left): its holder may have kept the old data key, which updatekeys keeps; or
 * - the file was LESS protected than its rule (fewer key groups decrypted it): one group's holders could
 *   recover the data key alone until now (SS005's fix says to rotate too).
 * Keys that only moved between groups, a KMS key named with another role and added keys need updatekeys only.
 * A data key older than dataKeyMaxAgeDays (rule SS014) needs `sops rotate` alone. Pure.
 */
import { describeKey, RuleKey } from "../access/access-report";

/** What the rules found about one file. */
export interface RekeyFinding {
  /** Repository-relative path. */
  readonly file: string;
  /** Rule SS005: the file's key groups differ from its `.sops.yaml` rule. @default - in sync */
  readonly recipients?: {
    /** The rule's message. */
    readonly why: string;
    /** Keys the rule names that no key group of the file has. */
    readonly missing: readonly RuleKey[];
    /** Keys that can decrypt the file although no key group of the rule names them. */
    readonly extra: readonly RuleKey[];
    /** The keys of `extra` whose holders lose access (a new data key keeps them out of future values). */
    readonly revoked: readonly RuleKey[];
    /** The file needs fewer key groups to decrypt than its rule requires. @default false */
    readonly lessProtected?: boolean;
    /** `--shamir-secret-sharing-threshold` for updatekeys. @default - none */
    readonly threshold?: number;
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
  /** Why, per file of `changeValues`. */
  readonly changeValuesWhy: Readonly<Record<string, string>>;
}

export function planRekey(findings: readonly RekeyFinding[]): RekeyPlan {
  const steps: RekeyStep[] = [];
  const changeValues: string[] = [];
  const changeValuesWhy: Record<string, string> = {};
  const sorted = [...findings].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  for (const f of sorted) {
    const revoked = f.recipients?.revoked ?? [];
    const lessProtected = f.recipients?.lessProtected === true;
    if (f.recipients)
      steps.push({
        file: f.file,
        action: "updatekeys",
        why: f.recipients.why,
        args: [
          "updatekeys",
          "--yes",
          ...(f.recipients.threshold !== undefined
            ? ["--shamir-secret-sharing-threshold", String(f.recipients.threshold)]
            : []),
          f.file,
        ],
      });
    const reasons: string[] = [];
    if (revoked.length > 0)
      reasons.push(
        `${revoked.map(describeKey).join(", ")} could decrypt the old data key, which a new one makes useless for ` +
          "future values",
      );
    if (lessProtected)
      reasons.push(
        "fewer key groups than the rule requires could recover the old data key, which a new one makes useless " +
          "for future values",
      );
    if (f.oldDataKey !== undefined) reasons.push(f.oldDataKey);
    if (reasons.length > 0)
      steps.push({
        file: f.file,
        action: "rotate",
        why: reasons.join("; and "),
        args: ["rotate", "--in-place", f.file],
      });
    if (revoked.length > 0 || lessProtected) {
      changeValues.push(f.file);
      changeValuesWhy[f.file] =
        revoked.length > 0
          ? "a removed key's holder may have read them"
          : "until now fewer keys than the rule requires could read them";
    }
  }
  return { steps, changeValues, changeValuesWhy };
}

/** POSIX shell quoting: plain words stay as they are, anything else is single-quoted. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

export function commandLine(step: RekeyStep): string {
  return ["sops", ...step.args].map(shellQuote).join(" ");
}
