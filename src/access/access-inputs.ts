/**
 * Adapter between the repository and the access report: loads cdktf.json (the one configuration loader),
 * discovers the secret files, reads each file's sops metadata and matches `.sops.yaml`. The only part of
 * src/access that knows the project's other modules, so that it can be re-pointed when they change. Readers
 * are the configuration's, resolved per secret (src/config/secret-settings.ts).
 */
import * as fs from "fs";
import * as path from "path";
import { partitionOf } from "../bootstrap/bootstrap-names";
import { secretNameFor, settingsFor } from "../config/config";
import { loadConfig } from "../config/load-config";
import { normalizeReader } from "../config/principals";
import { resolveSecretSettings } from "../config/secret-settings";
import { Diagnostic } from "../diagnostics";
import { discoverSecrets } from "../discovery/discover-secrets";
import { parseSopsFile } from "../sops/parse-sops-file";
import { findCreationRule, readSopsConfig } from "../sops/sops-config";
import { describeCreationRule } from "../rules/support";
import { AccessInputs, SecretFileInput } from "./access-report";

export type AccessInputsResult =
  | { readonly ok: true; readonly inputs: AccessInputs }
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] };

const UTF8 = new TextDecoder("utf-8", { fatal: true });

export function readAccessInputs(root: string): AccessInputsResult {
  const { config, diagnostics } = loadConfig(root);
  if (!config) return { ok: false, diagnostics };

  const discovery = discoverSecrets(root);
  const sops = readSopsConfig(root);
  const files: SecretFileInput[] = [];
  for (const env of discovery.environments) {
    const settings = settingsFor(config, env.name);
    for (const ref of env.files) {
      const rule = sops.found ? findCreationRule(sops.config, ref.path) : undefined;
      files.push({
        environment: env.name,
        file: ref.path,
        name: ref.name,
        secretName: secretNameFor(settings, env.name, ref.name),
        readers: resolveSecretSettings(config, env.name, ref.name, settings).settings.readers,
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
      readers: (env) => {
        const settings = settingsFor(config, env);
        return [
          ...new Set(settings.readers.map((r) => normalizeReader(r, partitionOf(settings.region)))),
        ].sort();
      },
    },
  };
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
