/**
 * Adapter between the repository and the access report: reads cdktf.json, discovers the secret files, reads
 * each file's sops metadata and matches `.sops.yaml`. The only part of src/access that knows the project's
 * other modules, so that it can be re-pointed when they change.
 *
 * Readers (issue 13, not yet a validated configuration key): `context.readers` and
 * `context.environments.<env>.readers`, each a list of principal strings, are read here when present and
 * taken out of the context before it is validated, so that their presence never fails the report.
 */
import * as fs from "fs";
import * as path from "path";
import { ProjectConfig, secretNameFor, settingsFor } from "../config/config";
import { parseContext } from "../config/load-config";
import { Diagnostic } from "../diagnostics";
import { discoverSecrets } from "../discovery/discover-secrets";
import { configFileMissing, configFileUnreadable } from "../errors";
import { parseSopsFile } from "../sops/parse-sops-file";
import { findCreationRule, readSopsConfig } from "../sops/sops-config";
import { isObject } from "../util/is-object";
import { describeCreationRule } from "../rules/support";
import { AccessInputs, SecretFileInput } from "./access-report";

export type AccessInputsResult =
  | { readonly ok: true; readonly inputs: AccessInputs }
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] };

const UTF8 = new TextDecoder("utf-8", { fatal: true });

export function readAccessInputs(root: string): AccessInputsResult {
  const context = readContext(root);
  if ("diagnostics" in context) return { ok: false, diagnostics: context.diagnostics };
  const { readers, rest } = takeReaders(context.context);
  const { config, diagnostics } = parseContext(rest);
  if (!config) return { ok: false, diagnostics };

  const discovery = discoverSecrets(root);
  const sops = readSopsConfig(root);
  const files: SecretFileInput[] = [];
  for (const env of discovery.environments) {
    for (const ref of env.files) {
      const rule = sops.found ? findCreationRule(sops.config, ref.path) : undefined;
      files.push({
        environment: env.name,
        file: ref.path,
        name: ref.name,
        secretName: secretName(config, env.name, ref.name),
        metadata: readMetadata(root, ref.path, ref.inputType),
        ...(rule && { rule: { description: describeCreationRule(rule), keyGroups: rule.keyGroups } }),
      });
    }
  }
  return {
    ok: true,
    inputs: {
      files,
      environments: [...discovery.environments.map((e) => e.name), ...discovery.emptyEnvironments],
      readers: (env) => readers.environments[env] ?? readers.global,
    },
  };
}

function secretName(config: ProjectConfig, env: string, name: string): string {
  return secretNameFor(settingsFor(config, env), env, name);
}

function readContext(root: string): { context: unknown } | { diagnostics: Diagnostic[] } {
  let text: string;
  try {
    text = fs.readFileSync(path.join(root, "cdktf.json"), "utf8");
  } catch {
    return { diagnostics: [configFileMissing()] };
  }
  try {
    const json: unknown = JSON.parse(text);
    return { context: (isObject(json) ? json.context : undefined) ?? {} };
  } catch (e) {
    return { diagnostics: [configFileUnreadable((e as Error).message)] };
  }
}

interface Readers {
  readonly global: readonly string[];
  readonly environments: Readonly<Record<string, readonly string[]>>;
}

/** Takes `readers` out of the context (global and per environment); non-string entries are skipped. */
function takeReaders(context: unknown): { readers: Readers; rest: unknown } {
  const list = (v: unknown): string[] =>
    Array.isArray(v) ? v.filter((x): x is string => typeof x === "string" && x !== "") : [];
  if (!isObject(context)) return { readers: { global: [], environments: {} }, rest: context };
  const { readers: global, ...rest } = context;
  const environments: Record<string, string[]> = {};
  if (isObject(rest.environments)) {
    const envs: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(rest.environments)) {
      if (isObject(value) && "readers" in value) {
        const { readers, ...settings } = value;
        environments[name] = list(readers);
        envs[name] = settings;
      } else envs[name] = value;
    }
    rest.environments = envs;
  }
  return { readers: { global: list(global), environments }, rest };
}

/** The `sops` block of a file (parsed structure only; nothing is decrypted), or why it cannot be read. */
function readMetadata(
  root: string,
  file: string,
  inputType: Parameters<typeof parseSopsFile>[2],
): Readonly<Record<string, unknown>> | { readonly problem: string } {
  let text: string;
  try {
    text = UTF8.decode(fs.readFileSync(path.join(root, file)));
  } catch {
    return { problem: "cannot be read as UTF-8 text (`npm run check` says why)" };
  }
  const result = parseSopsFile(file, text, inputType);
  if (!result.ok) return { problem: "cannot be parsed (`npm run check` says why)" };
  if (!result.file.metadata) return { problem: "has no sops metadata: it is not encrypted (SS001)" };
  return result.file.metadata.raw;
}
