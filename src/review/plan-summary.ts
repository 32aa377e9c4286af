/**
 * Plan summaries for the pull request comment: each plan job reduces its `cdktf diff` log to counts
 * (import/add/change/destroy) and its outcome, uploads that small JSON, and the comment job combines them.
 * Counts only: never an address, an attribute or a line of the log.
 */
import * as fs from "fs";
import * as path from "path";
import { z } from "zod";
import { compare } from "../discovery/discover-secrets";

export const PLAN_OUTCOMES = ["success", "failure", "cancelled", "skipped"] as const;

export interface PlanCounts {
  readonly import: number;
  readonly add: number;
  readonly change: number;
  readonly destroy: number;
}

export interface PlanSummary {
  readonly environment: string;
  /** The plan step's outcome (`steps.<id>.outcome`). */
  readonly outcome: (typeof PLAN_OUTCOMES)[number];
  /** Undefined when the log has no `Plan:` line and no `No changes.` (the plan failed before it). */
  readonly changes?: PlanCounts;
}

const count = z.number().int().nonnegative();
const SummarySchema = z
  .object({
    environment: z.string().min(1).max(200),
    outcome: z.enum(PLAN_OUTCOMES),
    changes: z.object({ import: count, add: count, change: count, destroy: count }).strict().optional(),
  })
  .strict();

/** A problem with a summary file or the arguments: the review's usage error (exit 2). */
export class PlanSummaryError extends Error {}

const PLAN_LINE = /Plan: (?:(\d+) to import, )?(\d+) to add, (\d+) to change, (\d+) to destroy\./g;

/** The counts of the last `Plan:` line of a `cdktf diff` / `terraform plan` log; zeros on `No changes.`. */
export function summarizePlanLog(environment: string, outcome: string, log: string): PlanSummary {
  const parsedOutcome = SummarySchema.shape.outcome.safeParse(outcome);
  if (!parsedOutcome.success)
    throw new PlanSummaryError(`--outcome must be one of ${PLAN_OUTCOMES.join(", ")}, got "${outcome}"`);
  const plans = [...log.matchAll(PLAN_LINE)];
  const last = plans[plans.length - 1];
  const changes: PlanCounts | undefined = last
    ? {
        import: Number(last[1] ?? 0),
        add: Number(last[2]),
        change: Number(last[3]),
        destroy: Number(last[4]),
      }
    : /No changes\./.test(log)
      ? { import: 0, add: 0, change: 0, destroy: 0 }
      : undefined;
  return { environment, outcome: parsedOutcome.data, ...(changes && { changes }) };
}

/** Every `*.json` summary in `dir`, validated, sorted by environment. */
export function readPlanSummaries(dir: string): PlanSummary[] {
  if (!fs.existsSync(dir)) throw new PlanSummaryError(`${dir}: no such folder of plan summaries`);
  const out: PlanSummary[] = [];
  for (const name of fs.readdirSync(dir).sort(compare)) {
    if (!name.endsWith(".json")) continue;
    const file = path.join(dir, name);
    let parsed: unknown;
    try {
      parsed = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch {
      throw new PlanSummaryError(`${file}: not a JSON plan summary`);
    }
    const result = SummarySchema.safeParse(parsed);
    if (!result.success)
      throw new PlanSummaryError(
        `${file}: not a plan summary (${result.error.issues[0].path.join(".") || "root"})`,
      );
    out.push(result.data);
  }
  return out.sort((a, b) => compare(a.environment, b.environment));
}

/** "1 to import, 2 to add, 0 to change, 0 to destroy", "no changes", or why there are no counts. */
export function describePlan(plan: PlanSummary): string {
  if (plan.outcome !== "success")
    return `plan ${plan.outcome === "failure" ? "failed" : plan.outcome}: see the job log`;
  const c = plan.changes;
  if (!c) return "no plan totals in the log";
  if (c.import + c.add + c.change + c.destroy === 0) return "no changes";
  return `${c.import} to import, ${c.add} to add, ${c.change} to change, ${c.destroy} to destroy`;
}
