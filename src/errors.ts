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

export function configFileUnreadable(detail: string): Diagnostic {
  return configError("", `cdktf.json is not valid JSON (${detail})`, "fix the JSON syntax in cdktf.json");
}

export function configUnknownKey(keyPath: string, known: readonly string[]): Diagnostic {
  return configError(
    keyPath,
    `unknown key "${keyPath}"`,
    `remove it or use one of: ${known.join(", ")} (see README, "Configuration")`,
  );
}

export function configWrongType(keyPath: string, expected: string, received: unknown): Diagnostic {
  return configError(
    keyPath,
    `"${keyPath}" must be ${expected}, received ${describe(received)}`,
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

/** Describes a received value by type and shape only: configuration never holds secrets, but stay terse. */
function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string")
    return `the string ${JSON.stringify(value.length > 60 ? value.slice(0, 57) + "..." : value)}`;
  if (typeof value === "object") return "an object";
  return `${typeof value} ${String(value)}`;
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
