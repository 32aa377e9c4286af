/**
 * Names the bootstrap stack gives to what it creates, in one place: the stack itself, the per-environment KMS
 * alias and IAM policies, and ARNs built from them. Pure and dependency-free, so that the names rule, `npm run
 * new-env` and the stack agree without loading cdktf.
 */

/** The bootstrap stack's name: defined with the environment-name rules it constrains. */
export { BOOTSTRAP_STACK_NAME } from "../config/names";

/** `alias/sops-<env>`: the alias of an environment's sops key. */
export function sopsKeyAlias(environment: string): string {
  return `alias/sops-${environment}`;
}

/** `sops-<env>-editors`: the IAM policy that lets a principal create and edit the environment's sops files. */
export function editorsPolicyName(environment: string): string {
  return `sops-${environment}-editors`;
}

/** `sops-<env>-deployers`: the IAM policy that lets a principal deploy the environment's stack. */
export function deployersPolicyName(environment: string): string {
  return `sops-${environment}-deployers`;
}

/** The AWS partition of a region: `aws-cn` for China, `aws-us-gov` for GovCloud, else `aws`. */
export function partitionOf(region: string): string {
  if (region.startsWith("cn-")) return "aws-cn";
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  return "aws";
}

/** `arn:<partition>:kms:<region>:<account>:alias/sops-<env>`: what `.sops.yaml` names for an environment. */
export function sopsKeyAliasArn(region: string, accountId: string, environment: string): string {
  return `arn:${partitionOf(region)}:kms:${region}:${accountId}:${sopsKeyAlias(environment)}`;
}

/**
 * The secret-name part of the ARN pattern that covers an environment's secrets, from the secret name template:
 * `{env}/{name}` → `production/*`. Secrets Manager appends `-` and 6 random characters to a secret's ARN, and
 * authorizes CreateSecret against the name; a trailing `*` covers both.
 */
export function secretNamePattern(template: string, environment: string): string {
  const pattern = template.replace(/\{(env|name)\}/g, (_, key: string) =>
    key === "env" ? environment : "*",
  );
  return pattern.endsWith("*") ? pattern : `${pattern}*`;
}

/** The alias of the dedicated state key: `alias/terraform-state/<bucket>` (dots become dashes). */
export function stateKeyAlias(bucket: string): string {
  return `alias/terraform-state/${bucket.replace(/\./g, "-")}`;
}
