/**
 * Names the bootstrap stack gives to what it creates, in one place: the stack itself, the per-environment KMS
 * alias and IAM policies, and ARNs built from them. Pure and dependency-free, so that the names rule, `npm run
 * new-env` and the stack agree without loading cdktf.
 */
import type { BackendConfig } from "../config/config";

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

/** `sops-<env>-planners`: the IAM policy for read-only plans of the environment's stack (`-lock=false`). */
export function plannersPolicyName(environment: string): string {
  return `sops-${environment}-planners`;
}

/** `sops-<env>-readers`: the IAM policy for applications that read the environment's secrets. */
export function readersPolicyName(environment: string): string {
  return `sops-${environment}-readers`;
}

/** Suffix of the GitHub environment that PR plan jobs run in: `<env>-plan`. */
export const GITHUB_PLAN_ENVIRONMENT_SUFFIX = "-plan";

/** `sops-<env>-deploy`: the role GitHub Actions deploy jobs (GitHub environment `<env>`) assume. */
export function githubDeployRoleName(environment: string): string {
  return `sops-${environment}-deploy`;
}

/** `sops-<env>-plan`: the role GitHub Actions PR plan jobs (GitHub environment `<env>-plan`) assume. */
export function githubPlanRoleName(environment: string): string {
  return `sops-${environment}-plan`;
}

/** The OIDC `sub` of a job that runs in GitHub environment `githubEnvironment` of `repository` (owner/repo). */
export function githubSubject(repository: string, githubEnvironment: string): string {
  return `repo:${repository}:environment:${githubEnvironment}`;
}

/** IAM role names are at most 64 characters. */
export const IAM_ROLE_NAME_MAX_LENGTH = 64;

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

/**
 * The state backend every stack uses: with the bootstrap stack on, state objects are SSE-KMS under the bootstrap
 * state key, so `kmsKeyId` is `backend.kmsKeyId` when set, else the state key by alias (its ARN exists only once
 * the key does): `arn:<partition>:kms:<backend region>:<account>:alias/terraform-state/<bucket>` with
 * `context.bootstrap.accountId`, else `alias/terraform-state/<bucket>` (resolved in the caller's account). The
 * state bucket's policy refuses a write that names another key. Without the bootstrap stack: `backend` as is.
 */
export function stateBackendFor(
  backend: BackendConfig,
  bootstrap: { readonly accountId?: string } | undefined,
): BackendConfig {
  if (backend.type !== "s3" || bootstrap === undefined || backend.kmsKeyId !== undefined) return backend;
  const alias = stateKeyAlias(backend.bucket);
  const kmsKeyId =
    bootstrap.accountId !== undefined
      ? `arn:${partitionOf(backend.region)}:kms:${backend.region}:${bootstrap.accountId}:${alias}`
      : alias;
  return { ...backend, kmsKeyId };
}

/** The alias of the dedicated state key: `alias/terraform-state/<bucket>` (dots become dashes). */
export function stateKeyAlias(bucket: string): string {
  return `alias/terraform-state/${bucket.replace(/\./g, "-")}`;
}
