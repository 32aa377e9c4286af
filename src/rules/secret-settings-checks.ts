/**
 * SS011 checks of per-secret settings and readers that need the discovered secrets: a `secrets` glob that
 * matches nothing (warning), two equally specific globs matching one secret, a reader in another (or an
 * unprovable) account on a secret under the AWS managed key, generated tag keys, too many tags on a secret and
 * a per-secret replica in the environment's own region (errors); with the bootstrap stack on, a per-secret KMS
 * key its policies do not cover (warning).
 */
import { settingsFor } from "../config/config";
import {
  crossAccountReaders,
  environmentAccount,
  GENERATED_SECRET_TAG_KEYS,
  MAX_TAGS_PER_RESOURCE,
  resolveSecretSettings,
  usesAwsManagedKey,
} from "../config/secret-settings";
import { globMatches } from "../config/secret-globs";
import { Diagnostic } from "../diagnostics";
import { configInvalidValue, configPerSecretKeyNotInBootstrap, configUnusedSecretGlob } from "../errors";
import { RuleContext } from "./rule";

export function secretSettingsProblems(context: RuleContext): Diagnostic[] {
  const { config } = context;
  const out: Diagnostic[] = [];
  const reported = new Set<string>();
  const once = (key: string, d: () => Diagnostic) => {
    if (reported.has(key)) return;
    reported.add(key);
    out.push(d());
  };
  const envs = context.discovery.environments;

  for (const glob of Object.keys(config.secrets ?? {}))
    if (!envs.some((env) => env.files.some((f) => globMatches(glob, f.name))))
      out.push(configUnusedSecretGlob(`context.secrets.${glob}`, "in any environment"));
  for (const [env, entries] of Object.entries(config.environmentSecrets ?? {})) {
    const files = envs.find((e) => e.name === env)?.files ?? [];
    for (const glob of Object.keys(entries))
      if (!files.some((f) => globMatches(glob, f.name)))
        out.push(
          configUnusedSecretGlob(`context.environments.${env}.secrets.${glob}`, `of environment "${env}"`),
        );
  }

  for (const env of envs) {
    const envSettings = settingsFor(config, env.name);
    const account = environmentAccount(config, envSettings);
    const defaultTagKeys = Object.keys(envSettings.tags);
    for (const file of env.files) {
      const resolved = resolveSecretSettings(config, env.name, file.name, envSettings);
      for (const tie of resolved.ties) {
        const [a, b] = tie.globs;
        once(`tie ${tie.path} ${a} ${b}`, () =>
          configInvalidValue(
            `${tie.path}.${a}`,
            `and "${tie.path}.${b}" both match secret "${file.name}" (${file.path}) and are equally specific, so neither wins`,
            `make one of them more specific (e.g. add an entry for "${file.name}" itself) or remove one (see README, "Per-secret settings")`,
          ),
        );
      }
      const { settings, sources } = resolved;
      const replicaPath = sources.replicaRegions;
      if (replicaPath !== undefined && settings.replicaRegions.some((r) => r.region === envSettings.region))
        once(`replica ${replicaPath} ${env.name}`, () =>
          configInvalidValue(
            replicaPath,
            `lists ${envSettings.region}, which is the region of environment "${env.name}" itself; Secrets Manager cannot replicate a secret to its own region`,
            `remove ${envSettings.region} from "${replicaPath}"`,
          ),
        );
      if (
        config.bootstrap !== undefined &&
        sources.kmsKeyId !== "context.kmsKeyId" &&
        !sources.kmsKeyId.startsWith(`context.environments.${env.name}.kmsKeyId`) &&
        settings.kmsKeyId !== envSettings.kmsKeyId &&
        !usesAwsManagedKey(settings.kmsKeyId)
      )
        once(`bootkey ${sources.kmsKeyId} ${env.name}`, () =>
          configPerSecretKeyNotInBootstrap(sources.kmsKeyId, env.name),
        );
      if (settings.readers.length > 0 && usesAwsManagedKey(settings.kmsKeyId)) {
        const foreign = crossAccountReaders(settings.readers, account);
        if (foreign.length > 0)
          once(`xacct ${sources.readers} ${env.name}`, () =>
            configInvalidValue(
              sources.readers,
              (account === undefined
                ? `names readers of secret "${file.name}" in environment "${env.name}", whose AWS account the configuration does not say, so every reader may be in another account; `
                : `names reader(s) in another account than environment "${env.name}"'s ${account} (${foreign.join(", ")}) for secret "${file.name}"; `) +
                "the secret is encrypted with the AWS managed key aws/secretsmanager, whose key policy cannot be changed to let another account decrypt, so those readers could never read it",
              `set a customer managed key for the secret ("kmsKeyId", whose key policy lets the readers' accounts use kms:Decrypt)` +
                (account === undefined
                  ? `, or say the environment's account ("context.environments.${env.name}.assumeRoleArn" or "context.bootstrap.accountId") if every reader is in it`
                  : ", or remove the readers of other accounts"),
            ),
          );
      }
      const ownKeys = Object.keys(settings.tags);
      const generated = ownKeys.filter((k) => (GENERATED_SECRET_TAG_KEYS as readonly string[]).includes(k));
      if (generated.length > 0)
        once(`gen ${sources.tags} ${generated.join()}`, () =>
          configInvalidValue(
            sources.tags,
            `sets tag(s) ${generated.join(", ")}, which the stacks set on every secret themselves`,
            `remove ${generated.join(", ")} from "${sources.tags}" or rename them`,
          ),
        );
      const count = new Set([...defaultTagKeys, ...ownKeys, ...GENERATED_SECRET_TAG_KEYS]).size;
      if (count > MAX_TAGS_PER_RESOURCE)
        once(`count ${sources.tags} ${env.name}`, () =>
          configInvalidValue(
            sources.tags,
            `gives secret "${file.name}" of environment "${env.name}" ${count} tags (the environment's default tags, its own and the ${GENERATED_SECRET_TAG_KEYS.length} generated ones); AWS allows at most ${MAX_TAGS_PER_RESOURCE} per resource`,
            `remove tags until ${MAX_TAGS_PER_RESOURCE} or fewer remain`,
          ),
        );
    }
  }
  return out;
}
