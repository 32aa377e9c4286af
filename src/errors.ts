/**
 * Every user-facing diagnostic that is not a repository rule (see src/rules/) is made here, by a named
 * factory, so that wording stays consistent and every message names the file, what is wrong and the fix.
 */
import { Diagnostic } from "./diagnostics";

/** Rule ID for problems in cdktf.json `context` (listed with the rules in the README). */
export const CONFIG_RULE_ID = "SS011";
/** Rule ID for a secret file that cannot be parsed as its format. */
export const PARSE_RULE_ID = "SS012";

export const CONFIG_FILE = "cdktf.json";

export function configFileMissing(): Diagnostic {
  return configError(
    "",
    "cdktf.json was not found in the project root",
    "run the command from the project root, where cdktf.json is",
  );
}

/** cdktf.json exists but is a folder, FIFO, socket or device, or cannot be read. */
export function configFileNotRegular(problem: string): Diagnostic {
  return configError(
    "",
    `cdktf.json ${problem}, so the configuration cannot be read`,
    'replace it with a regular file holding the project\'s configuration (see README, "Configuration")',
  );
}

/**
 * cdktf.json is not JSON. `detail` says what was found at `line`:`column` (1-based); `fix` says what to do.
 * The file's text is never quoted.
 */
export function configFileUnreadable(
  detail: string,
  line?: number,
  column?: number,
  fix?: string,
): Diagnostic {
  const at = line !== undefined ? `line ${line}, column ${column ?? 1}: ` : "";
  return {
    ...configError(
      "",
      `cdktf.json is not valid JSON (${at}${detail})`,
      fix ?? "fix the JSON syntax in cdktf.json",
    ),
    ...(line !== undefined && { line }),
  };
}

/** cdktf.json `context.backend.bucket` is still the shipped placeholder: synth works, deploy would not. */
export function configPlaceholderBucket(bucket: string): Diagnostic {
  return {
    ruleId: CONFIG_RULE_ID,
    severity: "warning",
    path: CONFIG_FILE,
    message: `context: "context.backend.bucket" is still the placeholder "${bucket}"`,
    fix: 'set "context.backend.bucket" to your Terraform state bucket (or use { "type": "local" }) before deploying',
  };
}

export function configUnknownKey(keyPath: string, known: readonly string[]): Diagnostic {
  return configError(
    keyPath,
    `unknown key "${keyPath}"`,
    `remove it or use one of: ${known.join(", ")} (see README, "Configuration")`,
  );
}

/** `received` is what `describeReceived` says of the value: its type, never the value itself. */
export function configWrongType(keyPath: string, expected: string, received: string): Diagnostic {
  return configError(
    keyPath,
    `"${keyPath}" must be ${expected}, received ${received}`,
    `set "${keyPath}" to ${expected} in cdktf.json (see README, "Configuration")`,
  );
}

export function configInvalidValue(keyPath: string, problem: string, fix: string): Diagnostic {
  return configError(keyPath, `"${keyPath}" ${problem}`, fix);
}

export function configUnknownEnvironment(env: string, known: readonly string[]): Diagnostic {
  return {
    ruleId: CONFIG_RULE_ID,
    severity: "warning",
    path: CONFIG_FILE,
    message: `"context.environments.${env}" configures an environment that has no folder under secrets/ (found: ${known.length ? known.join(", ") : "none"})`,
    fix: `create secrets/${env}/ with a secret file, or remove the entry`,
  };
}

/** A `context.suppressions` entry that matched no finding (the problem was fixed, or the path is wrong). */
export function configUnusedSuppression(index: number, rule: string, file: string): Diagnostic {
  return {
    ruleId: CONFIG_RULE_ID,
    severity: "warning",
    path: CONFIG_FILE,
    message: `"context.suppressions[${index}]" (${rule} on ${file}) matches no finding`,
    fix: `remove it from cdktf.json, or correct its "file" (the path ${rule} reports, e.g. in \`npm run check\`)`,
  };
}

function configError(keyPath: string, message: string, fix: string): Diagnostic {
  return {
    ruleId: CONFIG_RULE_ID,
    severity: "error",
    path: CONFIG_FILE,
    message: keyPath ? `context: ${message}` : message,
    fix,
  };
}

export function secretFileParseError(
  path: string,
  format: string,
  line: number | undefined,
  detail: string,
): Diagnostic {
  return {
    ruleId: PARSE_RULE_ID,
    severity: "error",
    path,
    line,
    message: `cannot be parsed as ${format}: ${detail}`,
    fix: `fix the file with \`sops edit ${path}\`, or restore it from Git if it was edited by hand`,
  };
}

/**
 * A secret file that sops wrote and would read, in a shape this project cannot turn into one secret (a
 * dotenv key twice, several YAML documents...): not a parse error, and not a hand edit.
 */
export function secretFileShapeError(
  path: string,
  line: number | undefined,
  detail: string,
  fix: string,
): Diagnostic {
  return { ruleId: PARSE_RULE_ID, severity: "error", path, line, message: detail, fix };
}

/**
 * Describes a received configuration value by its type only, never its content: `a string`, `a number`,
 * `an array`. `malformed` says the type was right but the form was not (`a string that is not one`).
 */
export function describeReceived(value: unknown, malformed = false): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string")
    return value === "" ? "an empty string" : malformed ? "a string that is not one" : "a string";
  if (typeof value === "object") return "an object";
  if (typeof value === "number") return malformed ? "a number that is not one" : "a number";
  if (typeof value === "boolean") return "a boolean";
  return `a ${typeof value}`;
}

export function secretFileUnreadable(path: string, code: string | undefined): Diagnostic {
  return {
    ruleId: PARSE_RULE_ID,
    severity: "error",
    path,
    message: `cannot be read (${code ?? "unknown error"})`,
    fix: "check the file's permissions and that it is a regular file, or restore it from Git",
  };
}

export function secretFileNotUtf8(path: string): Diagnostic {
  return {
    ruleId: PARSE_RULE_ID,
    severity: "error",
    path,
    message: "is not UTF-8 text (sops writes UTF-8)",
    fix: `restore it from Git, or re-create it with \`sops edit ${path}\``,
  };
}

/**
 * The output folder (cdktf.json `output`, `cdktf --output`, $CDKTF_OUTDIR) is one synth must not replace:
 * refused before anything is written or deleted.
 */
export function outputFolderRefused(displayPath: string, problem: string): Diagnostic {
  return {
    ruleId: CONFIG_RULE_ID,
    severity: "error",
    path: displayPath,
    message: `cannot be the output folder: ${problem}`,
    fix: "set the output folder ($CDKTF_OUTDIR, `cdktf --output`, cdktf.json `output`) to a folder of its own outside secrets/ that Git does not track, such as the default cdktf.out",
  };
}

/** Another synth holds the output folder's lock (src/synth/output-lock.ts). */
export function outputLockedMessage(
  lockPath: string,
  owner: { readonly pid: number; readonly host: string; readonly started: string } | undefined,
  waitedMs: number,
): string {
  const who = owner
    ? `another synth (pid ${owner.pid} on ${owner.host}, started ${owner.started})`
    : "a lock file synth did not write";
  return (
    `${who} holds ${lockPath} and did not finish within ${Math.round(waitedMs / 1000)} s. ` +
    `Run synth again once it has finished; if no synth is running, delete ${lockPath}`
  );
}

/** A `secrets` glob (global or per environment) that matches no secret file: a typo, or a removed secret. */
export function configUnusedSecretGlob(keyPath: string, scope: string): Diagnostic {
  return {
    ruleId: CONFIG_RULE_ID,
    severity: "warning",
    path: CONFIG_FILE,
    message: `"${keyPath}" matches no secret ${scope}`,
    fix: "correct the glob (logical names are paths under secrets/<env>/ without .enc.<ext>) or remove the entry",
  };
}

/** A per-secret `kmsKeyId` with the bootstrap stack on: its deployers, planners and readers policies name only the environment's key. */
export function configPerSecretKeyNotInBootstrap(keyPath: string, environment: string): Diagnostic {
  return {
    ruleId: CONFIG_RULE_ID,
    severity: "warning",
    path: CONFIG_FILE,
    message: `"${keyPath}" sets a KMS key for secrets of environment "${environment}" that the bootstrap stack's sops-${environment}-deployers, -planners and -readers policies do not cover (they name the environment's kmsKeyId only)`,
    fix: `grant kms:Decrypt and kms:GenerateDataKey on that key (via secretsmanager) to the deployers yourself, or set the key as "context.environments.${environment}.kmsKeyId"`,
  };
}
