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
  const positional: string[] = [];
  let kmsArn: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--help" || arg === "-h") return { kind: "help" };
    if (arg === "--kms-arn" || arg.startsWith("--kms-arn=")) {
      const value = arg === "--kms-arn" ? argv[++i] : arg.slice("--kms-arn=".length);
      if (value === undefined || value === "" || value.startsWith("--"))
        return {
          kind: "usage-error",
          problem: "--kms-arn needs a value: --kms-arn arn:aws:kms:<region>:<account>:key/<id>",
        };
      if (kmsArn !== undefined) return { kind: "usage-error", problem: "--kms-arn was given twice" };
      kmsArn = value;
    } else if (arg.startsWith("-") && arg.length > 1) {
      return { kind: "usage-error", problem: `unknown option "${arg}"` };
    } else positional.push(arg);
  }
  if (positional.length === 0) return { kind: "usage-error", problem: "the environment name is missing" };
  if (positional.length > 1)
    return {
      kind: "usage-error",
      problem: `expected one environment name, received ${positional.length}: ${positional.join(" ")}`,
    };
  return { kind: "run", name: positional[0], ...(kmsArn !== undefined && { kmsArn }) };
}
