/**
 * `npm run review -- [<base-ref>] [--markdown | --json] [--plan-summaries <dir>]`: the review of the working tree against a base, as text or
 * Markdown. bin/review.ts only wires this to the process; tests call it directly.
 */
import {
  CommandResult,
  CommandSpec,
  EXIT_OK,
  EXIT_USAGE,
  parseCommandLine,
  stringOption,
  usageError,
} from "../cli/command-line";
import { loadConfig } from "../config/load-config";
import { discoverSecrets } from "../discovery/discover-secrets";
import {
  environmentsAt,
  listChanges,
  readAtBase,
  readWorkingTree,
  resolveBase,
  ReviewUsageError,
} from "./git-changes";
import * as fs from "fs";
import * as path from "path";
import { PlanSummaryError, readPlanSummaries, summarizePlanLog } from "./plan-summary";
import { renderJson, renderMarkdown, renderPlanSummaries, renderText } from "./render-review";
import { reviewChanges, ReviewReport } from "./review-changes";

export const REVIEW_USAGE = `usage: npm run review -- [<base-ref>] [--markdown | --json] [--plan-summaries <dir>]
       npm run review -- --summarize-plan <plan.log> --env <env> --outcome <outcome> [--markdown]

Lists, per secret file changed under secrets/ between <base-ref> and the working tree, the keys added,
removed and changed, the recipients (of added files; recipient changes of the others) and what Terraform
will do. Never decrypts, never prints a value.

  <base-ref>                branch, tag or commit to compare with (default: git merge-base HEAD main,
                            falling back to the merge base with origin/main)
  --markdown                render for a pull request comment
  --json                    the review as JSON, for tools
  --plan-summaries <dir>    add the plans of the *.json plan summaries in <dir> (CI's comment job)
  --summarize-plan <log>    reduce a cdktf diff log to a plan summary (JSON; a table with --markdown)
                            for environment --env whose plan step ended with --outcome
                            (success, failure, cancelled, skipped); prints counts only

  -h, --help                show this help

Exit codes: 0 (whatever changed), 2 usage errors (unknown option or ref, not a git repository).
`;

/** What `npm run review` returns (the shared CommandResult: exit 0 whatever changed, 2 on a usage error). */
export type CliResult = CommandResult;

const SPEC: CommandSpec = {
  name: "review",
  usage: REVIEW_USAGE,
  options: {
    markdown: { type: "boolean" },
    json: { type: "boolean" },
    "plan-summaries": { type: "string" },
    "summarize-plan": { type: "string" },
    env: { type: "string" },
    outcome: { type: "string" },
  },
  // At most one base ref: checked below, with a message that lists what was given.
  maxPositionals: Number.POSITIVE_INFINITY,
};

/** Compares the working tree of the project at `root` with `ref` (see resolveBase for the default). */
export function reviewWorkingTree(root: string, ref?: string): ReviewReport {
  const base = resolveBase(root, ref);
  const { config } = loadConfig(root);
  return reviewChanges({
    base,
    changes: listChanges(root, base.commit),
    readBefore: (p) => readAtBase(root, base.commit, p),
    readAfter: (p) => readWorkingTree(root, p),
    config,
    environmentsBefore: environmentsAt(root, base.commit),
    environmentsAfter: discoverSecrets(root).environments.map((e) => e.name),
  });
}

type Format = "text" | "markdown" | "json";

export function runReviewCli(args: readonly string[], root: string): CliResult {
  const cl = parseCommandLine(SPEC, args);
  if (cl.kind === "help") return { exitCode: EXIT_OK, stdout: cl.text, stderr: "" };
  if (cl.kind === "usage-error") return { exitCode: EXIT_USAGE, stdout: "", stderr: cl.message };
  if (cl.values.markdown && cl.values.json) return usage("--markdown and --json exclude each other");
  const format: Format = cl.values.json ? "json" : cl.values.markdown ? "markdown" : "text";
  const refs = cl.positionals;
  const values: Partial<Record<"--plan-summaries" | "--summarize-plan" | "--env" | "--outcome", string>> = {};
  for (const name of ["plan-summaries", "summarize-plan", "env", "outcome"] as const) {
    const value = stringOption(cl.values, name);
    if (value === "") return usage(`--${name} needs a value`);
    if (value !== undefined) values[`--${name}`] = value;
  }
  try {
    if (values["--summarize-plan"] !== undefined) return summarizePlan(values, refs, format, root);
    if (values["--env"] !== undefined || values["--outcome"] !== undefined)
      return usage("--env and --outcome go with --summarize-plan");
    if (refs.length > 1) return usage(`expected at most one base ref, got ${refs.length}: ${refs.join(" ")}`);
    const plans =
      values["--plan-summaries"] !== undefined
        ? readPlanSummaries(path.resolve(root, values["--plan-summaries"]))
        : undefined;
    const report = reviewWorkingTree(root, refs[0]);
    const render = format === "json" ? renderJson : format === "markdown" ? renderMarkdown : renderText;
    return { exitCode: EXIT_OK, stdout: render(report, plans), stderr: "" };
  } catch (e) {
    if (e instanceof ReviewUsageError || e instanceof PlanSummaryError) return usage(e.message);
    throw e;
  }
}

function summarizePlan(
  values: Partial<Record<string, string>>,
  refs: readonly string[],
  format: Format,
  root: string,
): CliResult {
  const env = values["--env"];
  const outcome = values["--outcome"];
  if (env === undefined || outcome === undefined) return usage("--summarize-plan needs --env and --outcome");
  if (refs.length > 0 || values["--plan-summaries"] !== undefined || format === "json")
    return usage("--summarize-plan takes no base ref, --plan-summaries or --json");
  const file = path.resolve(root, values["--summarize-plan"]!);
  if (!fs.existsSync(file)) return usage(`${values["--summarize-plan"]}: no such plan log`);
  const log = fs.readFileSync(file, "utf8");
  const summary = summarizePlanLog(env, outcome, log);
  if (format === "markdown") return { exitCode: EXIT_OK, stdout: renderPlanSummaries([summary]), stderr: "" };
  return { exitCode: EXIT_OK, stdout: JSON.stringify(summary) + "\n", stderr: "" };
}

function usage(problem: string): CliResult {
  return { exitCode: EXIT_USAGE, stdout: "", stderr: usageError(SPEC, problem).message };
}
