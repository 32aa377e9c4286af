import { ENVIRONMENT_NAME_SOURCE } from "../config/names";
import { Diagnostic } from "../diagnostics";
import { SECRETS_DIR } from "../discovery/discover-secrets";
import { CreationRule, kmsArnsOf, SOPS_CONFIG_FILE } from "../sops/sops-config";
import { Rule } from "./rule";
import { diagnostic, environmentFolders, sopsConfigFacts } from "./support";

/** Paths tried for an environment that may have no file of every kind (or none at all). */
const PROBE_EXTENSIONS = ["json", "yaml", "yml", "env"];
/** `secrets/<env>/` written literally in a path_regex (slashes possibly escaped). */
const LITERAL_ENV = new RegExp(`${SECRETS_DIR}\\\\?/(${ENVIRONMENT_NAME_SOURCE})\\\\?/`, "g");

/** SS006: one KMS key ARN is named by the creation rules of two different environments. */
export const sharedKmsKey: Rule = {
  id: "SS006",
  severity: "warning",
  title: "shared-kms-key",
  explanation:
    "Environments are isolated by their keys: whoever may use an environment's KMS key can decrypt all of its " +
    "secrets. When the creation rules of two environments name the same KMS key, anyone who can decrypt " +
    "development secrets can decrypt production ones too. An environment's rule is the first `.sops.yaml` " +
    "rule that matches its files; rules are attributed from the actual files, from probe paths " +
    "secrets/<env>/x.enc.<ext> for every environment folder and configured environment, and from " +
    "`secrets/<env>/` written in a path_regex.",
  check(context) {
    const { result, ruleFor } = sopsConfigFacts(context);
    if (!result.found) return [];
    const rulesByEnv = new Map<string, Set<CreationRule>>();
    const attribute = (env: string, rule: CreationRule | undefined) => {
      if (!rule || kmsArnsOf(rule).length === 0) return;
      let set = rulesByEnv.get(env);
      if (!set) rulesByEnv.set(env, (set = new Set()));
      set.add(rule);
    };
    for (const file of context.files) attribute(file.ref.environment, ruleFor(file.ref.path));

    const candidates = new Set([...environmentFolders(context), ...Object.keys(context.config.environments)]);
    for (const rule of result.config.rules) {
      for (const m of (rule.pathRegex ?? "").matchAll(LITERAL_ENV)) candidates.add(m[1]);
    }
    for (const env of candidates) {
      for (const ext of PROBE_EXTENSIONS) attribute(env, ruleFor(`${SECRETS_DIR}/${env}/x.enc.${ext}`));
    }

    const envsByArn = new Map<string, { envs: Set<string>; rules: Set<CreationRule> }>();
    for (const [env, rules] of rulesByEnv) {
      for (const rule of rules) {
        for (const arn of kmsArnsOf(rule)) {
          let entry = envsByArn.get(arn);
          if (!entry) envsByArn.set(arn, (entry = { envs: new Set(), rules: new Set() }));
          entry.envs.add(env);
          entry.rules.add(rule);
        }
      }
    }
    const out: Diagnostic[] = [];
    for (const [arn, { envs, rules }] of envsByArn) {
      if (envs.size < 2) continue;
      const names = [...envs].sort();
      const first = [...rules].sort((a, b) => a.index - b.index)[0];
      const ruleNumbers = [...rules]
        .map((r) => r.index + 1)
        .sort((a, b) => a - b)
        .map((n) => `#${n}`)
        .join(", ");
      out.push(
        diagnostic(
          sharedKmsKey,
          SOPS_CONFIG_FILE,
          `KMS key ${arn} is used by the creation rules (${ruleNumbers}) of ${names.length} environments ` +
            `(${names.join(", ")}): whoever can decrypt one can decrypt the others`,
          `give each environment its own KMS key: one creation rule per environment (path_regex ` +
            `^secrets/<env>/) naming a key only that environment's people and roles may use, then run ` +
            "`sops updatekeys` on the moved files",
          { line: first.line },
        ),
      );
    }
    return out;
  },
};
