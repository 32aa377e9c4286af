/**
 * Checks of the bootstrap configuration that need the environment list (folders under secrets/ plus
 * `context.bootstrap.environments`): run by the config cross-checks (SS011, so `npm run check` and synth agree)
 * and again by the bootstrap stack, which refuses to build when any fails.
 *
 * - Secret name scope: the deployers' and planners' Secrets Manager grants are `<template with {env}, {name} → *>*`.
 *   They must not reach another environment's secrets: `{env}` comes before `{name}` and is followed at once by a
 *   character no environment name contains (`/`, `.`, `+`, `=`, `@`), and no environment's literal prefix is a
 *   prefix of another's (which also catches per-environment templates that nest).
 * - With `context.bootstrap.github`, role names `sops-<env>-deploy` must fit IAM's 64 characters. (An environment
 *   named `<x>-plan`, which would share its GitHub environment with the plan jobs of `<x>`, is refused everywhere
 *   by the one environment-name check, src/config/names.ts.)
 */
import type { ProjectConfig } from "../config/config";
import { settingsFor } from "../config/config";
import type { Diagnostic } from "../diagnostics";
import { configInvalidValue } from "../errors";
import { bootstrapEnvironments } from "./bootstrap-config";
import { githubDeployRoleName, IAM_ROLE_NAME_MAX_LENGTH, secretNamePattern } from "./bootstrap-names";

/** Characters an environment name may contain after its first: what must not follow `{env}`. */
const ENV_NAME_CHAR = /[A-Za-z0-9_-]/;

/** Every problem of the bootstrap configuration for these environment folders; [] when bootstrap is off. */
export function bootstrapConfigProblems(config: ProjectConfig, folders: readonly string[]): Diagnostic[] {
  const { bootstrap } = config;
  if (!bootstrap) return [];
  const environments = bootstrapEnvironments(folders, bootstrap);
  const accountProblems: Diagnostic[] = [];
  for (const env of Object.keys(bootstrap.accounts))
    if (!environments.includes(env))
      accountProblems.push(
        configInvalidValue(
          `context.bootstrap.accounts.${env}`,
          `names environment "${env}", which has no folder under secrets/ and is not in context.bootstrap.environments`,
          `create secrets/${env}/ (npm run new-env -- ${env}), add "${env}" to context.bootstrap.environments, or remove the entry`,
        ),
      );
  const foreign = Object.values(bootstrap.accounts).some((a) => a.accountId !== bootstrap.accountId);
  if (foreign && config.backend.type === "s3" && config.backend.dynamodbTable !== undefined)
    accountProblems.push(
      configInvalidValue(
        "context.backend.dynamodbTable",
        "is set, and context.bootstrap.accounts puts environments in other accounts: their deployers could not " +
          "reach a lock table in the main account",
        'remove "context.backend.dynamodbTable" (S3 native locking, use_lockfile, works across accounts)',
      ),
    );
  return [
    ...accountProblems,
    ...bootstrapEnvironmentProblems(
      environments.map((env) => ({
        env,
        template: settingsFor(config, env).secretNameTemplate,
        path:
          config.environments[env]?.secretNameTemplate !== undefined
            ? `context.environments.${env}.secretNameTemplate`
            : "context.secretNameTemplate",
      })),
      bootstrap.github !== undefined,
    ),
  ];
}

/** One managed environment's secret name template and the configuration key it comes from. */
export interface EnvironmentTemplate {
  readonly env: string;
  readonly template: string;
  readonly path: string;
}

/** The checks above on a resolved list of environments (what the bootstrap stack runs on its props). */
export function bootstrapEnvironmentProblems(
  entries: readonly EnvironmentTemplate[],
  github: boolean,
): Diagnostic[] {
  const environments = entries.map((e) => e.env);
  const out: Diagnostic[] = [];
  const reported = new Set<string>();
  const prefixes: { env: string; prefix: string; path: string }[] = [];
  for (const { env, template, path } of entries) {
    const problem = templateScopeProblem(template);
    if (problem) {
      if (!reported.has(path)) {
        reported.add(path);
        out.push(
          configInvalidValue(
            path,
            `("${template}") ${problem}, so the bootstrap stack's Secrets Manager grants for one environment ` +
              `would reach other environments' secrets`,
            `start the name with the environment followed by "/", e.g. "{env}/{name}" or "team/{env}/{name}"`,
          ),
        );
      }
      continue;
    }
    const pattern = secretNamePattern(template, env);
    prefixes.push({ env, prefix: pattern.slice(0, pattern.indexOf("*")), path });
  }
  for (const a of prefixes)
    for (const b of prefixes)
      if (a.env < b.env && (b.prefix.startsWith(a.prefix) || a.prefix.startsWith(b.prefix)))
        out.push(
          configInvalidValue(
            b.path,
            `gives environment "${b.env}" secret names starting "${b.prefix}", and environment "${a.env}" ` +
              `names starting "${a.prefix}" (${a.path}): one environment's grants would reach the other's secrets`,
            `give each environment a name prefix that is not a prefix of another's, e.g. "{env}/{name}" everywhere`,
          ),
        );

  if (github) {
    for (const env of environments) {
      const role = githubDeployRoleName(env);
      if (role.length > IAM_ROLE_NAME_MAX_LENGTH)
        out.push(
          configInvalidValue(
            "context.bootstrap.github",
            `is set, and environment "${env}" makes the role name "${role}" longer than IAM's ` +
              `${IAM_ROLE_NAME_MAX_LENGTH} characters`,
            `use an environment name of at most ${IAM_ROLE_NAME_MAX_LENGTH - githubDeployRoleName("").length} characters, or remove "context.bootstrap.github"`,
          ),
        );
    }
  }
  return out;
}

/** Why a secret name template lets one environment's pattern reach another's names, or undefined. */
export function templateScopeProblem(template: string): string | undefined {
  const env = template.indexOf("{env}");
  if (env < 0) return "has no {env}";
  const name = template.indexOf("{name}");
  if (name >= 0 && name < env) return "puts {name} before {env}";
  const next = template.charAt(env + "{env}".length);
  if (next === "" || next === "{" || ENV_NAME_CHAR.test(next))
    return (
      "does not follow {env} with a delimiter (a character no environment name contains, such as " +
      `"/"; ${next === "" ? "nothing" : `"${next}"`} follows it)`
    );
  return undefined;
}
