import { parseCommandLine, singleStringOption } from "../cli/command-line";

/**
 * The command line of `npm run new-env -- <name> [--kms-arn ARN]`.
 */
export const NEW_ENV_USAGE = [
  "usage: npm run new-env -- <name> [--kms-arn <arn>]",
  "",
  "Creates secrets/<name>/ and adds its creation rule to .sops.yaml.",
  "  <name>           environment name: letters, digits, '-' and '_', starting with a letter or digit (max 64)",
  "  --kms-arn <arn>  KMS key or alias ARN for the rule (default: the bootstrap stack's alias",
  "                   arn:aws:kms:<region>:<account>:alias/sops-<name>, when context.bootstrap.accountId is set)",
].join("\n");

export type NewEnvArgs =
  | { readonly kind: "run"; readonly name: string; readonly kmsArn?: string }
  | { readonly kind: "help" }
  | { readonly kind: "usage-error"; readonly problem: string };

export function parseNewEnvArgs(argv: readonly string[]): NewEnvArgs {
  const cl = parseCommandLine(
    {
      name: "new-env",
      usage: NEW_ENV_USAGE,
      options: { "kms-arn": { type: "string", multiple: true } },
      maxPositionals: Infinity,
    },
    argv,
  );
  if (cl.kind === "help") return { kind: "help" };
  if (cl.kind === "usage-error") return { kind: "usage-error", problem: cl.problem };
  const kms = singleStringOption(cl.values, "kms-arn");
  if ("error" in kms)
    return {
      kind: "usage-error",
      problem: kms.error.endsWith("needs a value")
        ? "--kms-arn needs a value: --kms-arn arn:aws:kms:<region>:<account>:key/<id>"
        : kms.error,
    };
  const positional = cl.positionals;
  if (positional.length === 0) return { kind: "usage-error", problem: "the environment name is missing" };
  if (positional.length > 1)
    return {
      kind: "usage-error",
      problem: `expected one environment name, received ${positional.length}: ${positional.join(" ")}`,
    };
  return { kind: "run", name: positional[0], ...(kms.value !== undefined && { kmsArn: kms.value }) };
}
