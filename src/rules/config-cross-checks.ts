import { bootstrapConfigProblems } from "../bootstrap/bootstrap-checks";
import { adoptionProblems } from "../config/adoption";
import { settingsFor } from "../config/config";
import { Diagnostic } from "../diagnostics";
import { CONFIG_RULE_ID, configInvalidValue, configUnknownEnvironment } from "../errors";
import { Rule } from "./rule";
import { secretSettingsProblems } from "./secret-settings-checks";
import { environmentFolders } from "./support";

/**
 * SS011: configuration in cdktf.json. Loading it (src/config/load-config.ts) validates keys, types and values;
 * errors there stop the analysis before any rule runs (analyze-repo.ts returns them), and its warnings reach
 * this rule as `context.configDiagnostics`. This rule adds what only discovery can prove wrong.
 * Suppressions that name an unknown rule or match nothing are reported by src/analysis/suppressions.ts.
 */
export const configCrossChecks: Rule = {
  id: CONFIG_RULE_ID,
  severity: "error",
  title: "config",
  suppressible: false,
  explanation:
    'cdktf.json `context` configures the stacks (see README, "Configuration"). Keys, types and values are ' +
    "validated when it is loaded; errors there stop everything else, and `npm run check` exits with 2. Checks " +
    "that need the secrets/ folder: `context.environments.<env>` for an environment without a folder is a " +
    "warning (a typo, or a removed environment), and a replica region equal to the environment's own region " +
    "is an error (Secrets Manager rejects it at apply time). With `context.bootstrap` on: a secret name template " +
    "whose grants would reach another environment's secrets is an error (docs/bootstrap.md). An `environments.<env>.adopt` entry whose logical name has " +
    "no file, or whose ARN names another secret than the stack would create (name, region, account), is an error " +
    "(docs/adoption.md). Per-secret settings and readers: a `secrets` glob that " +
    "matches no secret is a warning; two equally specific globs matching one secret, a reader on a secret under " +
    "the AWS managed key whose account is not proven to be the environment's, generated tag keys, more than 50 tags " +
    "on a secret and a per-secret replica in the environment's own region are errors; with the bootstrap stack on, " +
    "a per-secret KMS key its policies do not cover is a warning. " +
    "A `context.suppressions` entry that names an " +
    "unknown rule or one that cannot be suppressed is an error, one that matches no finding a warning.",
  check(context) {
    const out: Diagnostic[] = [...context.configDiagnostics];
    const folders = environmentFolders(context);
    const known = new Set(folders);
    const configured = Object.keys(context.config.environments);
    for (const env of configured) if (!known.has(env)) out.push(configUnknownEnvironment(env, folders));

    const reported = new Set<string>();
    for (const env of new Set([...folders, ...configured])) {
      const settings = settingsFor(context.config, env);
      const override = context.config.environments[env] ?? {};
      const keyPath =
        override.replicaRegions !== undefined
          ? `context.environments.${env}.replicaRegions`
          : "context.replicaRegions";
      for (const replica of settings.replicaRegions) {
        if (replica.region !== settings.region) continue;
        const id = `${keyPath} ${replica.region}`;
        if (reported.has(id)) continue;
        reported.add(id);
        const regionPath =
          override.region !== undefined ? `context.environments.${env}.region` : "context.region";
        out.push(
          configInvalidValue(
            keyPath,
            `lists ${replica.region}, which is the region of environment "${env}" itself (${regionPath}); ` +
              "Secrets Manager cannot replicate a secret to its own region",
            `remove ${replica.region} from "${keyPath}", or set a different region for environment "${env}"`,
          ),
        );
      }
    }
    out.push(...bootstrapConfigProblems(context.config, folders));
    for (const env of configured) {
      const settings = settingsFor(context.config, env);
      if (settings.adopt === undefined) continue;
      const files = context.discovery.environments.find((e) => e.name === env)?.files ?? [];
      out.push(
        ...adoptionProblems({
          environment: env,
          settings,
          logicalNames: new Set(files.map((f) => f.name)),
          accountId:
            deployAccountOf(settings.assumeRoleArn) ??
            context.config.bootstrap?.accounts[env]?.accountId ??
            context.config.bootstrap?.accountId,
        }),
      );
    }
    out.push(...secretSettingsProblems(context));
    return out;
  },
};

/** The account of an assumed role's ARN. */
function deployAccountOf(roleArn: string | undefined): string | undefined {
  return roleArn === undefined ? undefined : /^arn:[^:]+:iam::(\d{12}):/.exec(roleArn)?.[1];
}
