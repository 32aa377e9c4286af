import { Diagnostic } from "../diagnostics";
import { SOPS_CONFIG_FILE, SOPS_CONFIG_IGNORED_NAME } from "../sops/sops-config";
import { Rule } from "./rule";
import { diagnostic, sopsConfigFacts } from "./support";

const DOCS = "docs/guardrails.md";

/** SS004: no `.sops.yaml` creation rule matches a secret file. */
export const noCreationRule: Rule = {
  id: "SS004",
  severity: "error",
  title: "no-creation-rule",
  explanation:
    "`.sops.yaml` in the project root tells sops which keys each file is encrypted for (creation rules: the " +
    "first rule whose path_regex matches the file's path relative to the project root wins; a rule without " +
    "path_regex matches everything). Without a matching rule, `sops encrypt` and `sops updatekeys` fail or " +
    "fall back to keys given by hand, and nobody can tell which keys a file should have (see SS005).",
  check(context) {
    const files = context.files;
    const { result, ruleFor } = sopsConfigFacts(context);
    const { unreadable } = sopsConfigFacts(context);
    if (!result.found && unreadable !== undefined) {
      return [
        diagnostic(
          noCreationRule,
          SOPS_CONFIG_FILE,
          `${SOPS_CONFIG_FILE} ${unreadable}, so sops cannot read its creation rules`,
          `replace it with a regular file holding the creation rules (see ${DOCS}, ".sops.yaml")`,
        ),
      ];
    }
    if (!result.found) {
      if (files.length === 0) return [];
      return [
        diagnostic(
          noCreationRule,
          SOPS_CONFIG_FILE,
          result.ignoredAlternative
            ? `${SOPS_CONFIG_FILE} was not found in the project root (sops ignores ${SOPS_CONFIG_IGNORED_NAME})`
            : `${SOPS_CONFIG_FILE} was not found in the project root, so no file has a creation rule`,
          result.ignoredAlternative
            ? `rename ${SOPS_CONFIG_IGNORED_NAME} to ${SOPS_CONFIG_FILE}`
            : `create ${SOPS_CONFIG_FILE} with one creation rule per environment, e.g. ` +
                "`creation_rules: [{path_regex: ^secrets/production/, kms: <key-arn>}]` (see " +
                `${DOCS})`,
        ),
      ];
    }
    const out: Diagnostic[] = result.config.problems.map((p) =>
      diagnostic(
        noCreationRule,
        SOPS_CONFIG_FILE,
        `${SOPS_CONFIG_FILE} ${p.message}`,
        `fix ${SOPS_CONFIG_FILE} (see ${DOCS}, ".sops.yaml")`,
        { line: p.line },
      ),
    );
    // A file that sops cannot load matches nothing: one error on .sops.yaml says it all.
    if (result.config.rules.length === 0 && result.config.problems.length > 0) return out;
    for (const file of files) {
      if (ruleFor(file.ref.path) !== undefined) continue;
      const envFolder = `secrets/${file.ref.environment}/`;
      out.push(
        diagnostic(
          noCreationRule,
          file.ref.path,
          `no ${SOPS_CONFIG_FILE} creation rule matches this path, so sops does not know which keys it is for`,
          `add a creation rule for it to ${SOPS_CONFIG_FILE}, e.g. \`path_regex: ^${envFolder}\` with the ` +
            `environment's keys, before any catch-all rule`,
        ),
      );
    }
    return out;
  },
};
