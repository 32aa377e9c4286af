import { SECRETS_DIR } from "../discovery/discover-secrets";
import { Rule } from "./rule";
import { diagnostic } from "./support";

/** SS013: an environment folder without any secret file, or no secrets/ folder at all. */
export const emptyEnvironment: Rule = {
  id: "SS013",
  severity: "warning",
  title: "empty-environment",
  explanation:
    "An environment is a folder under secrets/ with at least one secret file; a folder without any makes no " +
    "stack, so nothing is deployed for it (and, if it had secrets before, its existing stack is no longer " +
    "synthesized). This is often a typo in a file name (`db.json` instead of `db.enc.json`) or a folder that " +
    "was emptied by mistake. A repository without a secrets/ folder has nothing to synthesize at all.",
  check(context) {
    if (context.discovery.secretsDir === "missing") {
      return [
        diagnostic(
          emptyEnvironment,
          SECRETS_DIR,
          `no ${SECRETS_DIR}/ folder: nothing to synthesize`,
          "create an environment with `npm run new-env -- <name>`, then add secret files with `sops edit`",
        ),
      ];
    }
    return context.discovery.emptyEnvironments.map((env) =>
      diagnostic(
        emptyEnvironment,
        `${SECRETS_DIR}/${env}`,
        `environment folder "${env}" has no secret file (<name>.enc.json, .enc.yaml, .enc.yml or .enc.env), so it makes no stack`,
        `add an encrypted secret file to it (\`sops edit ${SECRETS_DIR}/${env}/<name>.enc.yaml\`), or delete the folder`,
      ),
    );
  },
};
