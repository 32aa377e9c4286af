/**
 * `npm run review -- [<base-ref>] [--markdown]`: the review of the working tree against a base, as text or
 * Markdown. bin/review.ts only wires this to the process; tests call it directly.
 */
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
import { renderMarkdown, renderText } from "./render-review";
import { reviewChanges, ReviewReport } from "./review-changes";

export const REVIEW_USAGE = `usage: npm run review -- [<base-ref>] [--markdown]

Lists, per secret file changed under secrets/ between <base-ref> and the working tree, the keys added,
removed and changed, recipient changes and what Terraform will do. Never decrypts, never prints a value.

  <base-ref>   branch, tag or commit to compare with (default: git merge-base HEAD main,
               falling back to the merge base with origin/main)
  --markdown   render for a pull request comment
  --help       show this help`;

export interface CliResult {
  readonly code: 0 | 2;
  readonly stdout: string;
  readonly stderr: string;
}

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

export function runReviewCli(args: readonly string[], root: string): CliResult {
  let markdown = false;
  const refs: string[] = [];
  for (const arg of args) {
    if (arg === "--help" || arg === "-h") return { code: 0, stdout: REVIEW_USAGE + "\n", stderr: "" };
    if (arg === "--markdown") markdown = true;
    else if (arg.startsWith("-")) return usage(`unknown option ${arg}`);
    else refs.push(arg);
  }
  if (refs.length > 1) return usage(`expected at most one base ref, got ${refs.length}: ${refs.join(" ")}`);
  try {
    const report = reviewWorkingTree(root, refs[0]);
    return { code: 0, stdout: markdown ? renderMarkdown(report) : renderText(report), stderr: "" };
  } catch (e) {
    if (e instanceof ReviewUsageError) return usage(e.message);
    throw e;
  }
}

function usage(message: string): CliResult {
  return { code: 2, stdout: "", stderr: `review: ${message}\n\n${REVIEW_USAGE}\n` };
}
