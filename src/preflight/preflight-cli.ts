/**
 * `npm run preflight [-- --env <name>]... [--json]`: before the first deploy of an environment, asks Secrets
 * Manager (DescribeSecret, read-only) about every secret the stack would manage and says what the apply will
 * do with it: create, import (adopted), already managed by this project; or why it would fail and the fix
 * (a secret of that name exists that this project did not create, one is scheduled for deletion, an `adopt`
 * entry names a missing secret or another ARN, the lookup was denied). Reads no value: DescribeSecret returns
 * metadata only.
 *
 * Exit codes: 0 every secret can be created, imported or is managed already, 1 a problem was found, 2 usage or
 * configuration error.
 */
import { analyzeRepo } from "../analysis/analyze-repo";
import {
  CommandResult,
  CommandSpec,
  EXIT_FINDINGS,
  EXIT_OK,
  EXIT_USAGE,
  parseCommandLine,
  usageError,
} from "../cli/command-line";
import { printable } from "../cli/printable";
import { formatDiagnostic } from "../diagnostics";
import { preflight, PreflightFinding, PreflightSecret } from "./preflight";
import { AwsSecretLookup, SecretLookup } from "./secret-lookup";

export const PREFLIGHT_USAGE = `Usage: npm run preflight [-- <options>]

Before a deploy, asks AWS Secrets Manager (DescribeSecret: names, ARNs, tags, deletion dates; never a value)
about every secret the stacks would manage, and says for each one what the apply will do:
  create    no secret of that name exists
  import    it exists and is adopted (context.environments.<env>.adopt)
  managed   it exists with the tags this project gives its secrets
or why the apply would fail, with the fix: a secret of that name exists that this project did not create,
one is scheduled for deletion (the restore command is printed), an adopt entry names a missing secret or
another ARN, or the lookup was denied.

Uses the default AWS credentials (environment variables, AWS_PROFILE, SSO...); each environment's region
comes from cdktf.json. Run it with credentials of the environment's account that may DescribeSecret (the
environment's plan role may).

Options:
  --env <name>   only this environment (repeat for more); default: every environment with secret files
  --json         the findings as JSON
  -h, --help     show this help

Exit codes: 0 nothing would fail, 1 a problem was found, 2 usage or configuration error.
`;

const SPEC: CommandSpec = {
  name: "preflight",
  usage: PREFLIGHT_USAGE,
  options: { env: { type: "string", multiple: true }, json: { type: "boolean" } },
};

export interface PreflightOptions {
  /** @default - AWS Secrets Manager with the default credential chain */
  readonly lookup?: SecretLookup;
}

export async function runPreflightCli(
  argv: readonly string[],
  root: string,
  options: PreflightOptions = {},
): Promise<CommandResult> {
  const cl = parseCommandLine(SPEC, argv);
  if (cl.kind === "help") return { exitCode: EXIT_OK, stdout: cl.text, stderr: "" };
  if (cl.kind === "usage-error") return { exitCode: EXIT_USAGE, stdout: "", stderr: cl.message };

  const analysis = analyzeRepo(root);
  if (!analysis.config) {
    const lines = analysis.diagnostics.map(formatDiagnostic);
    return {
      exitCode: EXIT_USAGE,
      stdout: "",
      stderr: [...lines, "preflight: fix cdktf.json first", ""].join("\n"),
    };
  }
  const known = analysis.environments.map((e) => e.name);
  const wanted = [...new Set((cl.values.env as readonly string[] | undefined) ?? known)];
  const unknown = wanted.filter((e) => !known.includes(e));
  if (unknown.length > 0) {
    const u = usageError(
      SPEC,
      `no environment ${unknown.map((e) => `"${printable(e)}"`).join(", ")} with secret files under secrets/ ` +
        `(there ${known.length === 1 ? "is" : "are"}: ${known.map(printable).join(", ") || "none"})`,
    );
    return { exitCode: EXIT_USAGE, stdout: "", stderr: u.message };
  }
  const secrets: PreflightSecret[] = analysis.environments
    .filter((e) => wanted.includes(e.name))
    .flatMap((e) =>
      e.secrets.map((s) => ({
        environment: e.name,
        name: s.ref.name,
        secretName: s.secretName,
        path: s.ref.path,
        region: e.settings.region,
        ...(e.settings.adopt?.[s.ref.name] !== undefined && { adoptArn: e.settings.adopt[s.ref.name] }),
      })),
    );

  const lookup = options.lookup ?? new AwsSecretLookup();
  let findings: PreflightFinding[];
  try {
    findings = await preflight(secrets, lookup);
  } finally {
    if (lookup instanceof AwsSecretLookup) lookup.destroy();
  }
  // No credentials at all is one problem of the run, not one per secret.
  if (
    findings.length > 0 &&
    findings.every((f) => f.verdict.kind === "problem" && f.verdict.code === "CredentialsProviderError")
  ) {
    return {
      exitCode: EXIT_USAGE,
      stdout: "",
      stderr:
        "preflight: no AWS credentials found (CredentialsProviderError): run it with credentials of the " +
        "environment's account that may secretsmanager:DescribeSecret (AWS_PROFILE=<profile>, or " +
        "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY); nothing was checked\n",
    };
  }
  const problems = findings.filter((f) => f.verdict.kind === "problem").length;
  const exitCode = problems > 0 ? EXIT_FINDINGS : EXIT_OK;
  if (cl.values.json) {
    const json = findings.map(({ secret, verdict }) => ({ ...secret, ...verdict }));
    return { exitCode, stdout: `${JSON.stringify({ findings: json }, null, 2)}\n`, stderr: "" };
  }
  return { exitCode, stdout: renderText(wanted, findings), stderr: "" };
}

function renderText(environments: readonly string[], findings: readonly PreflightFinding[]): string {
  const out: string[] = [];
  for (const env of environments) {
    const mine = findings.filter((f) => f.secret.environment === env);
    const count = (kind: string) => mine.filter((f) => f.verdict.kind === kind).length;
    const region = mine[0]?.secret.region ?? "";
    out.push(
      `${printable(env)} (${region}): ${count("create")} to create, ${count("import")} to import, ` +
        `${count("managed")} managed already, ${count("problem")} problem${count("problem") === 1 ? "" : "s"}`,
    );
    for (const { verdict } of mine) {
      if (verdict.kind !== "problem") continue;
      out.push(`  error ${printable(verdict.file)}: ${verdict.message}`, `    Fix: ${verdict.fix}`);
    }
  }
  const problems = findings.filter((f) => f.verdict.kind === "problem").length;
  out.push(
    problems === 0
      ? "Nothing would fail: every secret can be created, imported or is managed already."
      : `${problems} problem${problems === 1 ? "" : "s"}: the first apply would fail for ${problems === 1 ? "this secret" : "these secrets"}. Fix ${problems === 1 ? "it" : "them"} and run \`npm run preflight\` again.`,
  );
  return `${out.join("\n")}\n`;
}
