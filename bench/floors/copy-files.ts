/**
 * The file-system part of synth alone: find every secret file, read it, and write the bytes into
 * `<outdir>/stacks/<env>/secrets/...` (one mkdir per folder, one writeFileSync per file), as
 * src/stacks/stack-source-files.ts does. No cdktf. Shows what the copy costs on this machine's file system.
 *
 *   node scripts/run.js bench/floors/copy-files.ts <outdir>        (cwd = the repository)
 */
import * as fs from "fs";
import * as path from "path";
import { listSecretFiles } from "./list-files";

const root = process.cwd();
const outdir = path.resolve(root, process.argv[2] ?? ".floor.out");
const made = new Set<string>();
let count = 0;
for (const [env, files] of listSecretFiles(root)) {
  for (const f of files) {
    const content = fs.readFileSync(path.join(root, f.path));
    const file = path.join(outdir, "stacks", env, ...f.path.split("/"));
    const dir = path.dirname(file);
    if (!made.has(dir)) {
      fs.mkdirSync(dir, { recursive: true });
      made.add(dir);
    }
    fs.writeFileSync(file, content);
    count++;
  }
}
console.log(`copy floor: ${count} files`);
