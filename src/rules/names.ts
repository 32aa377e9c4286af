import { secretNameFor, settingsFor } from "../config/config";
import { environmentNameProblem } from "../config/names";
import { Diagnostic } from "../diagnostics";
import { SECRETS_DIR, SecretFileRef } from "../discovery/discover-secrets";
import { terraformIdFor } from "../discovery/terraform-id";
import { Rule } from "./rule";
import { diagnostic, environmentFolders } from "./support";

/** Secrets Manager: 1-512 characters of A-Z a-z 0-9 / _ + = . @ - */
const SECRET_NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;
/** AWS appends "-" and six random characters to a secret's ARN; a name ending that way confuses ARN lookups. */
const ARN_SUFFIX_TRAP = /-[A-Za-z0-9]{6}$/;

/** SS010: environment folder names, secret names and Terraform addresses that AWS or synth cannot use. */
export const names: Rule = {
  id: "SS010",
  severity: "error",
  title: "names",
  explanation:
    "Environment folders name stacks, state files and secrets: they must match ^[A-Za-z0-9][A-Za-z0-9_-]*$, be " +
    "at most 64 characters, and not be `bootstrap` (reserved for the bootstrap stack). Secret names (from " +
    "secretNameTemplate) must be 1-512 characters of A-Z a-z 0-9 / _ + = . @ -; a name ending in a hyphen and six " +
    "characters (`db-abcdef`) is a warning, because AWS reads that ending as the random suffix of a secret ARN. " +
    "Two files may not map to one secret name (`db.enc.json` and `db.enc.yaml`, or a template without {env} " +
    "in two environments of the same region and account role), nor two secrets of one environment to one " +
    "Terraform address.",
  check(context) {
    const out: Diagnostic[] = [];
    for (const env of environmentFolders(context)) {
      const where = `${SECRETS_DIR}/${env}`;
      const problem = environmentNameProblem(env);
      if (problem)
        out.push(
          diagnostic(
            names,
            where,
            `environment folder name "${env}" ${problem}`,
            `rename the folder: \`git mv ${where} ${SECRETS_DIR}/<new-name>\``,
          ),
        );
    }

    /** secret name → files, across environments that share a region and account role */
    const byName = new Map<string, { ref: SecretFileRef; scope: string }[]>();
    for (const env of context.discovery.environments) {
      const settings = settingsFor(context.config, env.name);
      const scope = `${settings.region} ${settings.assumeRoleArn ?? ""}`;
      const byId = new Map<string, SecretFileRef>();
      for (const ref of env.files) {
        const name = secretNameFor(settings, env.name, ref.name);
        if (!SECRET_NAME.test(name)) {
          out.push(
            diagnostic(
              names,
              ref.path,
              `maps to the secret name "${name}", which Secrets Manager rejects (1-512 characters of A-Z a-z 0-9 / _ + = . @ -)`,
              "rename the file (or change secretNameTemplate in cdktf.json) so the name uses only those characters",
            ),
          );
        } else if (ARN_SUFFIX_TRAP.test(name)) {
          out.push(
            diagnostic(
              names,
              ref.path,
              `maps to the secret name "${name}", which ends in a hyphen and six characters: AWS reads that as the ` +
                "random suffix of a secret ARN, so lookups by partial ARN can pick the wrong secret",
              "rename the file so the name does not end in -XXXXXX (e.g. use an underscore, or a longer last word)",
              { severity: "warning" },
            ),
          );
        }
        const key = `${scope}\0${name}`;
        const same = byName.get(key) ?? [];
        same.push({ ref, scope });
        byName.set(key, same);

        const id = terraformIdFor(ref.name);
        const other = byId.get(id);
        if (other && other.name !== ref.name) {
          out.push(
            diagnostic(
              names,
              ref.path,
              `has the same Terraform address "${id}" as ${other.path} in environment "${env.name}"`,
              "rename one of the two files",
            ),
          );
        } else if (!other) byId.set(id, ref);
      }
    }
    for (const [key, refs] of byName) {
      if (refs.length < 2) continue;
      const name = key.slice(key.indexOf("\0") + 1);
      const [first, ...rest] = refs.map((r) => r.ref);
      for (const ref of rest) {
        out.push(
          diagnostic(
            names,
            ref.path,
            `maps to the secret name "${name}", like ${first.path}` +
              (ref.environment !== first.environment ? ` (same region and account role)` : ""),
            ref.environment === first.environment
              ? "keep one of the two files (a name can have only one format), or rename one"
              : "include {env} in secretNameTemplate (cdktf.json), or rename one of the files",
          ),
        );
      }
    }
    return out;
  },
};
