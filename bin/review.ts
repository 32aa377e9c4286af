/**
 * npm run review -- [<base-ref>] [--markdown | --json] [--plan-summaries <dir>]: what changes in the secrets, for reviewers, without decrypting.
 * Exit 0 normally, 2 on usage errors (bad ref, not a git repository). See docs/ci-and-review.md.
 */
import { runReviewCli } from "../src/review/review-cli";

const result = runReviewCli(process.argv.slice(2), process.cwd());
process.stdout.write(result.stdout);
process.stderr.write(result.stderr);
process.exitCode = result.exitCode;
