/**
 * The one argument parser of every command (`npm run synth|check|envs|new-env|access|rekey|bench`), on
 * `node:util` `parseArgs` (strict): `-h`/`--help` everywhere, and one shape of usage error
 * (`<command>: unknown argument "--nope"` followed by the usage, exit 2).
 *
 * Exit codes shared by the commands: 0 ok, 1 findings (or refused), 2 usage or configuration error.
 */
import { parseArgs } from "node:util";
import { Diagnostic } from "../diagnostics";
import { CONFIG_RULE_ID } from "../errors";

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;

/**
 * The exit code of a command that reports diagnostics (`check`, synth): 2 when any error is a configuration
 * error (SS011: cdktf.json, the output folder), 1 for any other error, else 0.
 */
export function diagnosticsExitCode(diagnostics: readonly Diagnostic[]): 0 | 1 | 2 {
  const errors = diagnostics.filter((d) => d.severity === "error");
  if (errors.some((d) => d.ruleId === CONFIG_RULE_ID)) return EXIT_USAGE;
  return errors.length > 0 ? EXIT_FINDINGS : EXIT_OK;
}

/** What a command returns, so that it can be tested without spawning a process. */
export interface CommandResult {
  readonly exitCode: 0 | 1 | 2;
  readonly stdout: string;
  readonly stderr: string;
}

export interface OptionSpec {
  readonly type: "boolean" | "string";
  /** One-letter alias, e.g. "j" for `-j`. @default - none */
  readonly short?: string;
  /** Allow the option more than once (values collected in order). @default false */
  readonly multiple?: boolean;
}

export interface CommandSpec {
  /** The command's name in messages, e.g. "check". */
  readonly name: string;
  /** The full help text (`--help` prints it on stdout; usage errors print it on stderr). */
  readonly usage: string;
  /** The options besides `-h`/`--help`, keyed by long name without dashes. */
  readonly options?: Readonly<Record<string, OptionSpec>>;
  /** Largest number of positional arguments accepted. @default 0 */
  readonly maxPositionals?: number;
}

export type OptionValues = Readonly<Record<string, string | boolean | readonly string[] | undefined>>;

export type CommandLine =
  | { readonly kind: "run"; readonly values: OptionValues; readonly positionals: readonly string[] }
  | { readonly kind: "help"; readonly text: string }
  | {
      readonly kind: "usage-error";
      /** The whole message: `<name>: <problem>`, a blank line, the usage. */
      readonly message: string;
      /** The problem alone. */
      readonly problem: string;
    };

/** Parses `argv` (the arguments after the command) against `spec`. Never throws. */
export function parseCommandLine(spec: CommandSpec, argv: readonly string[]): CommandLine {
  const options = { ...(spec.options ?? {}), help: { type: "boolean" as const, short: "h" } };
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...argv], options, strict: true, allowPositionals: true });
  } catch (e) {
    return usageError(spec, describeParseError(e as Error & { code?: string }));
  }
  if (parsed.values.help === true) return { kind: "help", text: helpText(spec) };
  const max = spec.maxPositionals ?? 0;
  if (parsed.positionals.length > max)
    return usageError(spec, `unexpected argument "${parsed.positionals[max]}"`);
  return { kind: "run", values: parsed.values as OptionValues, positionals: parsed.positionals };
}

/** A usage error as every command prints it: `<name>: <problem>`, a blank line, the usage. */
export function usageError(
  spec: Pick<CommandSpec, "name" | "usage">,
  problem: string,
): Extract<CommandLine, { kind: "usage-error" }> {
  return { kind: "usage-error", message: `${spec.name}: ${problem}\n\n${helpText(spec)}`, problem };
}

function helpText(spec: Pick<CommandSpec, "usage">): string {
  return spec.usage.endsWith("\n") ? spec.usage : `${spec.usage}\n`;
}

/** node:util's messages, shortened to one line in the project's wording. */
function describeParseError(e: Error & { code?: string }): string {
  const quoted = /'([^']+)'/.exec(e.message)?.[1];
  switch (e.code) {
    case "ERR_PARSE_ARGS_UNKNOWN_OPTION":
      return `unknown argument "${quoted ?? e.message}"`;
    case "ERR_PARSE_ARGS_INVALID_OPTION_VALUE": {
      const option = quoted?.split(" ")[0] ?? "";
      return /argument missing|ambiguous/.test(e.message)
        ? `${option} needs a value (${option} <value> or ${option}=<value>)`
        : `${option} does not take a value`;
    }
    default:
      return e.message.split("\n")[0];
  }
}

/** A string option's value, or undefined. */
export function stringOption(values: OptionValues, name: string): string | undefined {
  const v = values[name];
  return typeof v === "string" ? v : undefined;
}

/** A string option given at most once (`multiple: true` in its spec), or an error text. */
export function singleStringOption(
  values: OptionValues,
  name: string,
): { readonly value?: string } | { readonly error: string } {
  const v = values[name];
  const list = Array.isArray(v) ? (v as readonly string[]) : typeof v === "string" ? [v] : [];
  if (list.length > 1) return { error: `--${name} was given twice` };
  if (list.length === 1 && list[0] === "") return { error: `--${name} needs a value` };
  return list.length === 1 ? { value: list[0] } : {};
}
