/**
 * Floor for `npm run check`: find every secret file, read it and parse it (JSON.parse for JSON, the yaml
 * package for YAML, a line split for dotenv). Nothing else.
 *
 *   node scripts/run.js bench/floors/read-parse.ts        (cwd = the repository)
 */
import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import { listSecretFiles, parseByExtension } from "./list-files";

const root = process.cwd();
let files = 0;
let keys = 0;
for (const list of listSecretFiles(root).values()) {
  for (const f of list) {
    const tree = parseByExtension(fs.readFileSync(path.join(root, f.path), "utf8"), f.ext, parseYaml);
    keys += Object.keys(tree as object).length;
    files++;
  }
}
console.log(`read-parse floor: ${files} files, ${keys} top-level keys`);
