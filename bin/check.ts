/**
 * `npm run check`: the guardrails of docs/guardrails.md, without synthesizing anything.
 * All logic is in src/check/run-check.ts.
 */
import { runCheck } from "../src/check/run-check";

const result = runCheck(process.argv.slice(2), process.cwd());
if (result.stdout) process.stdout.write(result.stdout);
if (result.stderr) process.stderr.write(result.stderr);
process.exitCode = result.exitCode;
