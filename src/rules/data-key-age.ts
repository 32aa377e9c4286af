import { DEFAULT_DATA_KEY_MAX_AGE_DAYS } from "../config/config";
import { Diagnostic } from "../diagnostics";
import { lastModifiedSeconds } from "../sops/sops-metadata";
import { Rule } from "./rule";
import { diagnostic } from "./support";

const DAY_SECONDS = 86_400;

/**
 * SS014: a file's data key is older than `dataKeyMaxAgeDays` (default 365). sops keeps one data key per file
 * until `sops rotate`; its `lastmodified` is the last time the values were encrypted with it.
 *
 * @param now the clock (injected so that tests are deterministic)
 */
export function makeDataKeyAge(now: () => Date): Rule {
  const rule: Rule = {
    id: "SS014",
    severity: "warning",
    title: "old-data-key",
    explanation:
      "sops encrypts a file's values with one data key, which only `sops rotate` replaces. Anyone who ever held " +
      "one of the file's keys, or saw the data key, can decrypt every value encrypted with it, also values " +
      "written later. Rotating the data key regularly bounds that exposure. The file's `lastmodified` is the " +
      "last time its values were encrypted; when it is older than `dataKeyMaxAgeDays` in cdktf.json (default " +
      "365; 0 turns this warning off), rotate with `sops rotate --in-place <file>` (`npm run rekey` lists them).",
    check(context) {
      const maxDays = context.config.dataKeyMaxAgeDays ?? DEFAULT_DATA_KEY_MAX_AGE_DAYS;
      if (maxDays === 0) return [];
      const nowSeconds = Math.floor(now().getTime() / 1000);
      const out: Diagnostic[] = [];
      for (const file of context.files) {
        const metadata = file.parsed?.metadata;
        const modified = metadata ? lastModifiedSeconds(metadata) : undefined;
        if (modified === undefined) continue; // SS001 / SS003
        const days = Math.floor((nowSeconds - modified) / DAY_SECONDS);
        if (nowSeconds - modified <= maxDays * DAY_SECONDS) continue;
        out.push(
          diagnostic(
            rule,
            file.ref.path,
            `its data key was last used to encrypt on ${metadata!.lastModified} (${days} days ago), more than ` +
              `dataKeyMaxAgeDays (${maxDays})`,
            `rotate the data key with \`sops rotate --in-place ${file.ref.path}\` (or \`npm run rekey -- --apply\`)`,
          ),
        );
      }
      return out;
    },
  };
  return rule;
}

/**
 * The clock of `npm run check` and synth: `SOURCE_DATE_EPOCH` (Unix seconds, the reproducible-builds
 * convention) when set, so that a run's output can be made byte-identical; otherwise the system clock.
 */
export function checkClock(env: NodeJS.ProcessEnv = process.env): Date {
  const epoch = env.SOURCE_DATE_EPOCH;
  return epoch !== undefined && /^\d{1,12}$/.test(epoch) ? new Date(Number(epoch) * 1000) : new Date();
}

/** SS014 on the check clock. */
export const dataKeyAge: Rule = makeDataKeyAge(() => checkClock());
