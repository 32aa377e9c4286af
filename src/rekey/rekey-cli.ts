/**
 * `npm run rekey [-- --apply]`: which files need `sops updatekeys` and which need `sops rotate`, and why, from
 * the rules (SS005 recipient-mismatch, SS014 old-data-key); the sops commands, shell-quoted; with `--apply`,
 * runs them with the `sops` on PATH, stops at the first failure, then checks again.
 *
 * Exit codes: 0 nothing to do (or everything done and the re-check is clean), 1 files need work (or a command
 * failed, or the re-check still finds some), 2 usage or configuration error, or no `sops` on PATH.
 */
import { spawnSync } from "child_process";
import {
  CommandResult,
  CommandSpec,
  EXIT_FINDINGS,
  EXIT_OK,
  EXIT_USAGE,
  parseCommandLine,
  stringOption,
  usageError,
} from "../cli/command-line";
import { printable } from "../cli/printable";
import { formatDiagnostic } from "../diagnostics";
import { checkClock } from "../rules/data-key-age";
import { isRfc3339Date } from "../sops/sops-metadata";
import { readRekeyInputs } from "./rekey-inputs";
import { commandLine, planRekey, RekeyPlan } from "./rekey-plan";

export const REKEY_USAGE = `Usage: npm run rekey [-- <options>]

Lists, from the rules, the secret files whose keys must be updated and why:
  sops updatekeys  the file's key groups differ from its .sops.yaml creation rule (SS005), with
                   --shamir-secret-sharing-threshold when the file's own threshold would stay too low
  sops rotate      a key was removed from the rule (someone left), the file was less protected than its
                   rule, or the data key is older than dataKeyMaxAgeDays (SS014); after a removal or a less
                   protected file, change the values themselves too
and prints the sops commands. Nothing is decrypted by this command itself.

Options:
  --apply            run the commands with the sops on PATH (updatekeys with --yes), stop at the first
                     failure, then check again
  --now <date>       judge data key ages at this RFC 3339 date instead of the current time
  -h, --help         show this help

Exit codes: 0 nothing to do (or all done and the re-check is clean), 1 files need work, a command failed or
the re-check still finds some, 2 usage or configuration error, or no sops on PATH.
`;

const SPEC: CommandSpec = {
  name: "rekey",
  usage: REKEY_USAGE,
  options: { apply: { type: "boolean" }, now: { type: "string" } },
};

export interface RekeyOptions {
  /** Environment of the sops processes (its PATH finds `sops`). @default process.env */
  readonly env?: NodeJS.ProcessEnv;
}

export function runRekeyCli(
  argv: readonly string[],
  root: string,
  options: RekeyOptions = {},
): CommandResult {
  let cl = parseCommandLine(SPEC, argv);
  const nowText = cl.kind === "run" ? stringOption(cl.values, "now") : undefined;
  if (cl.kind === "run" && nowText !== undefined && !isRfc3339Date(nowText))
    cl = usageError(SPEC, `--now needs an RFC 3339 date such as 2026-12-01T00:00:00Z, received "${nowText}"`);
  if (cl.kind === "help") return { exitCode: EXIT_OK, stdout: cl.text, stderr: "" };
  if (cl.kind === "usage-error") return { exitCode: EXIT_USAGE, stdout: "", stderr: cl.message };
  const now = nowText !== undefined ? new Date(nowText) : checkClock();

  const inputs = readRekeyInputs(root, now);
  if (!inputs.ok) return configError(inputs.diagnostics.map(formatDiagnostic));
  const plan = planRekey(inputs.findings);
  const out: string[] = [describePlan(plan)];
  if (plan.steps.length === 0) return { exitCode: EXIT_OK, stdout: out.join("\n"), stderr: "" };
  if (!cl.values.apply) return { exitCode: EXIT_FINDINGS, stdout: out.join("\n"), stderr: "" };

  const err: string[] = [];
  for (const [i, step] of plan.steps.entries()) {
    out.push(`$ ${printable(commandLine(step))}`);
    const r = spawnSync("sops", [...step.args], {
      cwd: root,
      env: options.env ?? process.env,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
    if (r.stdout) out.push(r.stdout.replace(/\n$/, ""));
    if (r.stderr) err.push(r.stderr.replace(/\n$/, ""));
    const left = plan.steps.length - i - 1;
    const notRun = left > 0 ? `; the remaining ${left} command${left === 1 ? " was" : "s were"} not run` : "";
    if (r.error) {
      const code = (r.error as NodeJS.ErrnoException).code;
      err.push(
        code === "ENOENT"
          ? `rekey: no \`sops\` on PATH: install sops (https://github.com/getsops/sops) and run again${notRun}`
          : `rekey: could not run sops (${code ?? r.error.message})${notRun}`,
      );
      return { exitCode: EXIT_USAGE, stdout: out.join("\n") + "\n", stderr: err.join("\n") + "\n" };
    }
    if (r.status !== 0) {
      err.push(
        `rekey: \`${printable(commandLine(step))}\` failed (${r.status === null ? `signal ${r.signal}` : `exit ${r.status}`})` +
          `${notRun}. Fix the cause and run \`npm run rekey -- --apply\` again.`,
      );
      return { exitCode: EXIT_FINDINGS, stdout: out.join("\n") + "\n", stderr: err.join("\n") + "\n" };
    }
  }

  const again = readRekeyInputs(root, now);
  if (!again.ok) return configError(again.diagnostics.map(formatDiagnostic));
  const left = planRekey(again.findings);
  out.push("", "Re-check:", describePlan(left));
  if (plan.changeValues.length > 0)
    out.push(
      `Now change the values of ${plan.changeValues.map(printable).join(", ")} at their source (rotate the ` +
        "passwords, tokens and keys themselves) and write them with `sops edit`: a removed key's holder may " +
        "have read the old ones (or, for a file that was less protected than its rule, fewer keys could).\n",
    );
  return {
    exitCode: left.steps.length === 0 ? EXIT_OK : EXIT_FINDINGS,
    stdout: out.join("\n"),
    stderr: err.length > 0 ? err.join("\n") + "\n" : "",
  };
}

function configError(lines: readonly string[]): CommandResult {
  return {
    exitCode: EXIT_USAGE,
    stdout: "",
    stderr: [...lines, "rekey: fix cdktf.json first", ""].join("\n"),
  };
}

export function describePlan(plan: RekeyPlan): string {
  if (plan.steps.length === 0)
    return (
      "Nothing to re-key: every file's recipients match its .sops.yaml rule (SS005) and no data key is older " +
      "than dataKeyMaxAgeDays (SS014).\n"
    );
  const files = [...new Set(plan.steps.map((s) => s.file))];
  const lines: string[] = [`${files.length} file${files.length === 1 ? "" : "s"} to re-key:`, ""];
  for (const file of files) {
    lines.push(printable(file));
    for (const step of plan.steps.filter((s) => s.file === file))
      lines.push(`  ${step.action.padEnd(10)} ${printable(step.why)}`);
    if (plan.changeValues.includes(file))
      lines.push(
        `  then       change the values themselves: ${plan.changeValuesWhy[file]}; rotating the data ` +
          "key only protects future values",
      );
  }
  lines.push("", "Commands (from the project root; `npm run rekey -- --apply` runs them in this order):");
  for (const step of plan.steps) lines.push(printable(commandLine(step)));
  return lines.join("\n") + "\n";
}
