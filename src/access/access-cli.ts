/**
 * `npm run access`: who can decrypt what (see README, "Who can decrypt what"). Kept apart from bin/access.ts
 * so that it can be tested without spawning a process.
 *
 * Exit codes: 0 every file in sync with its `.sops.yaml` rule, 1 some file is not (or unreadable, or without a
 * rule), 2 usage or configuration error.
 */
import * as fs from "fs";
import * as path from "path";
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
import { formatDiagnostic } from "../diagnostics";
import { checkClock } from "../rules/data-key-age";
import { isRfc3339Date } from "../sops/sops-metadata";
import { readAccessInputs } from "./access-inputs";
import { buildAccessReport, inSync } from "./access-report";
import {
  renderAccessHtml,
  renderAccessJson,
  renderAccessMarkdown,
  renderAccessText,
  summaryLine,
} from "./render-access";

export const ACCESS_USAGE = `Usage: npm run access [-- <options>]

Who can decrypt what: per environment and secret file, every key that can decrypt it (AWS KMS ARN and role,
age, PGP, GCP KMS, Azure Key Vault, Vault transit, HuaweiCloud KMS), its key group and the shamir threshold,
the data key's age (sops lastmodified), the readers of the Secrets Manager copy, and what differs from the
file's .sops.yaml creation rule. Reads the sops metadata only: nothing is decrypted.

Options:
  --markdown         print Markdown (for a pull request or a wiki) instead of the table
  --json             print the report as JSON
  --html <file>      also write a self-contained HTML page with a secrets x keys matrix to <file>
  --now <date>       measure ages from this RFC 3339 date instead of the current time
  -h, --help         show this help

Exit codes: 0 every file in sync with .sops.yaml, 1 some file is not, 2 usage or configuration error.
`;

const SPEC: CommandSpec = {
  name: "access",
  usage: ACCESS_USAGE,
  options: {
    markdown: { type: "boolean" },
    json: { type: "boolean" },
    html: { type: "string" },
    now: { type: "string" },
  },
};

export function runAccessCli(argv: readonly string[], root: string, cwd: string = root): CommandResult {
  let cl = parseCommandLine(SPEC, argv);
  const nowText = cl.kind === "run" ? stringOption(cl.values, "now") : undefined;
  const htmlFile = cl.kind === "run" ? stringOption(cl.values, "html") : undefined;
  if (cl.kind === "run") {
    if (cl.values.markdown && cl.values.json)
      cl = usageError(SPEC, "--markdown and --json exclude each other");
    else if (nowText !== undefined && !isRfc3339Date(nowText))
      cl = usageError(
        SPEC,
        `--now needs an RFC 3339 date such as 2026-12-01T00:00:00Z, received "${nowText}"`,
      );
    else if (htmlFile === "") cl = usageError(SPEC, "--html needs a file name");
  }
  if (cl.kind === "help") return { exitCode: EXIT_OK, stdout: cl.text, stderr: "" };
  if (cl.kind === "usage-error") return { exitCode: EXIT_USAGE, stdout: "", stderr: cl.message };

  const inputs = readAccessInputs(root);
  if (!inputs.ok)
    return {
      exitCode: EXIT_USAGE,
      stdout: "",
      stderr: inputs.diagnostics.map(formatDiagnostic).join("\n") + "\naccess: fix cdktf.json first\n",
    };
  const report = buildAccessReport(inputs.inputs, nowText !== undefined ? new Date(nowText) : checkClock());
  const exitCode = report.environments.every((e) => e.secrets.every(inSync)) ? EXIT_OK : EXIT_FINDINGS;
  let stderr = "";
  if (htmlFile !== undefined) {
    const target = path.resolve(cwd, htmlFile);
    const temp = `${target}.tmp-${process.pid}`;
    try {
      fs.writeFileSync(temp, renderAccessHtml(report));
      fs.renameSync(temp, target);
    } catch (e) {
      fs.rmSync(temp, { force: true });
      return {
        exitCode: EXIT_USAGE,
        stdout: "",
        stderr: `access: cannot write ${htmlFile} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); nothing was written\n`,
      };
    }
    stderr = `access: wrote ${htmlFile}\n`;
  }
  const stdout = cl.values.json
    ? renderAccessJson(report)
    : cl.values.markdown
      ? renderAccessMarkdown(report)
      : renderAccessText(report);
  if (cl.values.json || cl.values.markdown) stderr += summaryLine(report) + "\n";
  return { exitCode, stdout, stderr };
}
