import { PARSE_RULE_ID } from "../errors";
import { Rule } from "./rule";

/**
 * SS012: a secret file that cannot be read or parsed as its format. The loading step (src/analysis/load-context.ts)
 * records why on the file (`InspectedFile.problem`, made by the factories in src/errors.ts); this rule reports it.
 */
export const parseError: Rule = {
  id: PARSE_RULE_ID,
  severity: "error",
  title: "parse-error",
  suppressible: false,
  explanation:
    "A secret file cannot be parsed as its format (JSON, YAML, dotenv, INI or sops's binary format, from its " +
    "extension), so neither sops nor the other rules can read it. It was usually edited by hand or merged " +
    "badly: restore it from Git, or fix it with `sops edit`. Also reported: sops output that cannot become one " +
    "secret (a dotenv key twice, a multi-document YAML file), with the message saying exactly that.",
  check(context) {
    return context.files.flatMap((f) => (f.problem ? [f.problem] : []));
  },
};
