/**
 * The floors' own file listing: every regular file under `secrets/<env>/`, grouped by environment. No
 * validation, no sorting beyond what is needed for stable output: the least a tool must do to find the files.
 */
import * as fs from "fs";
import * as path from "path";

export interface FloorFile {
  /** Repository-relative POSIX path. */
  readonly path: string;
  readonly ext: string;
}

export function listSecretFiles(root: string): Map<string, FloorFile[]> {
  const byEnv = new Map<string, FloorFile[]>();
  const base = path.join(root, "secrets");
  for (const env of fs.readdirSync(base, { withFileTypes: true })) {
    if (!env.isDirectory()) continue;
    const files: FloorFile[] = [];
    const walk = (dir: string, rel: string): void => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        if (e.isDirectory()) walk(path.join(dir, e.name), `${rel}/${e.name}`);
        else if (e.isFile()) files.push({ path: `${rel}/${e.name}`, ext: path.extname(e.name).slice(1) });
      }
    };
    walk(path.join(base, env.name), `secrets/${env.name}`);
    byEnv.set(env.name, files);
  }
  return byEnv;
}

/** Parses a file the cheapest sensible way for its format: JSON.parse, yaml, or KEY=VALUE lines. */
export function parseByExtension(text: string, ext: string, parseYaml: (text: string) => unknown): unknown {
  if (ext === "json") return JSON.parse(text);
  if (ext === "yaml" || ext === "yml") return parseYaml(text);
  const out: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const eq = line.indexOf("=");
    if (eq > 0) out[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return out;
}
