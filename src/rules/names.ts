import { secretNameFor, settingsFor } from "../config/config";
import { environmentNameProblem } from "../config/names";
import { Diagnostic } from "../diagnostics";
import { SECRETS_DIR, SecretFileRef } from "../discovery/discover-secrets";
import { terraformIdFor } from "../discovery/terraform-id";
import { Rule, RuleContext } from "./rule";
import { diagnostic, environmentFolders } from "./support";

/** Secrets Manager: 1-512 characters of A-Z a-z 0-9 / _ + = . @ - */
const SECRET_NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;
/** AWS appends "-" and six random characters to a secret's ARN; a name ending that way confuses ARN lookups. */
const ARN_SUFFIX_TRAP = /-[A-Za-z0-9]{6}$/;

/** SS010: environment folder names, secret names and Terraform addresses that AWS, GitHub or synth cannot use. */
export const names: Rule = {
  id: "SS010",
  severity: "error",
  title: "names",
  explanation:
    "Environment folders name stacks, state files, secrets and GitHub environments: they must match " +
    "^[A-Za-z0-9][A-Za-z0-9_-]*$, be at most 64 characters, not be `bootstrap` (reserved for the bootstrap " +
    "stack), not end in `-plan` (the CI plans in the GitHub environment `<env>-plan`), not be a property name " +
    "of every JavaScript object (`constructor`, `toString`, `valueOf`, ...), and not differ from another " +
    "folder only in case (GitHub environment names are case-insensitive). Secret files may not be hidden " +
    "(`.x.enc.json`, or `.enc.json` with no name), nor named `__proto__`. Secret names (from secretNameTemplate) must be 1-512 " +
    "characters of A-Z a-z 0-9 / _ + = . @ -; a name ending in a hyphen and six characters (`db-abcdef`) is a " +
    "warning, because AWS reads that ending as the random suffix of a secret ARN. Two files may not map to one " +
    "secret name (`db.enc.json` and `db.enc.yaml`, or a template without {env} in two environments of the " +
    "same region and account role), nor two secrets of one environment to one Terraform address.",
  check(context) {
    return [
      ...environmentNameProblems(context),
      ...hiddenSecretFiles(context),
      ...secretNameProblems(context),
      ...duplicateSecretNames(context),
      ...terraformAddressClashes(context),
    ];
  },
};

function environmentNameProblems(context: RuleContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  const folders = environmentFolders(context).sort();
  const byLowerCase = new Map<string, string>();
  for (const env of folders) {
    const where = `${SECRETS_DIR}/${env}`;
    const fix = `rename the folder: \`git mv ${where} ${SECRETS_DIR}/<new-name>\``;
    const problem = environmentNameProblem(env);
    if (problem) out.push(diagnostic(names, where, `environment folder name "${env}" ${problem}`, fix));
    const first = byLowerCase.get(env.toLowerCase());
    if (first === undefined) byLowerCase.set(env.toLowerCase(), env);
    else
      out.push(
        diagnostic(
          names,
          where,
          `environment folder name "${env}" differs from "${first}" only in case: GitHub environment names are ` +
            "case-insensitive, so both would share one GitHub environment and its protection rules",
          `merge the two folders into one, or ${fix.replace("rename", "rename one")}`,
        ),
      );
  }
  return out;
}

function hiddenSecretFiles(context: RuleContext): Diagnostic[] {
  return context.discovery.strays
    .filter((s) => s.kind === "hidden-secret")
    .map((s) => {
      const base = s.path.slice(s.path.lastIndexOf("/") + 1);
      const dir = s.path.slice(0, s.path.lastIndexOf("/"));
      const nameless = /^\.enc\.[^.]+$/.test(base);
      return diagnostic(
        names,
        s.path,
        nameless
          ? "is named like a secret file but has no name before .enc.<ext>, so it would make a secret without a name"
          : "is a hidden file (its name starts with a dot) named like a secret file: hidden files are easy to miss " +
              "in reviews and are often ignored by Git (.env.*), so it is not deployed",
        nameless
          ? `rename it: \`mv ${s.path} ${dir}/<name>${base}\``
          : `rename it without the leading dot: \`mv ${s.path} ${dir}/${base.slice(1)}\``,
      );
    });
}

function secretNameProblems(context: RuleContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const env of context.discovery.environments) {
    const settings = settingsFor(context.config, env.name);
    for (const ref of env.files) {
      const name = secretNameFor(settings, env.name, ref.name);
      if (ref.name === "__proto__") {
        out.push(
          diagnostic(
            names,
            ref.path,
            'has the logical name "__proto__", which JavaScript objects treat as their prototype: cdktf would ' +
              "silently drop it from the stack's `secrets` output",
            "rename the file (e.g. `proto.enc.json`)",
          ),
        );
      } else if (!SECRET_NAME.test(name)) {
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
    }
  }
  return out;
}

/** Two files mapping to one secret name, across environments that share a region and account role. */
function duplicateSecretNames(context: RuleContext): Diagnostic[] {
  const byName = new Map<string, SecretFileRef[]>();
  for (const env of context.discovery.environments) {
    const settings = settingsFor(context.config, env.name);
    const scope = `${settings.region} ${settings.assumeRoleArn ?? ""}`;
    for (const ref of env.files) {
      const key = `${scope}\0${secretNameFor(settings, env.name, ref.name)}`;
      byName.set(key, [...(byName.get(key) ?? []), ref]);
    }
  }
  const out: Diagnostic[] = [];
  for (const [key, [first, ...rest]] of byName) {
    const name = key.slice(key.indexOf("\0") + 1);
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
}

/** Two secrets of one environment with one Terraform address. */
function terraformAddressClashes(context: RuleContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const env of context.discovery.environments) {
    const byId = new Map<string, SecretFileRef>();
    for (const ref of env.files) {
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
  return out;
}
