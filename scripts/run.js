#!/usr/bin/env node
// Fast launcher for the project's TypeScript entry points (main.ts, bin/*.ts).
//
// It transpiles the entry point and the project's own modules with esbuild into one CommonJS file under
// node_modules/.cache/sops-secrets/ (dependencies stay external and load from node_modules), then runs it.
// No type checking happens here: that is `npm test` / `npm run build`. Transpiling takes ~50 ms, against
// ~4 s for ts-node, so `npm run synth`, `cdktf synth`, `cdktf plan` and `npm run check` all stay fast.
"use strict";
const path = require("path");
const esbuild = require("esbuild");

const entry = process.argv[2];
if (!entry) {
  console.error("usage: node scripts/run.js <entry.ts> [args...]");
  process.exit(2);
}
const projectRoot = path.resolve(__dirname, "..");
const outfile = path.join(
  projectRoot,
  "node_modules",
  ".cache",
  "sops-secrets",
  entry.replace(/[\\/]/g, "_").replace(/\.ts$/, ".js"),
);
const built = esbuild.buildSync({
  entryPoints: [path.resolve(projectRoot, entry)],
  outfile,
  write: false,
  bundle: true,
  packages: "external",
  platform: "node",
  format: "cjs",
  target: "node20",
  sourcemap: "inline",
  logLevel: "error",
});
// Written under a temporary name and renamed into place, so that two runs at once (two synths) never
// load a file the other is half-way through writing.
const fs = require("fs");
fs.mkdirSync(path.dirname(outfile), { recursive: true });
const temp = `${outfile}.${process.pid}.tmp`;
fs.writeFileSync(temp, built.outputFiles[0].contents);
fs.renameSync(temp, outfile);
// The entry point sees its own arguments as if it had been started directly.
process.argv = [process.argv[0], path.resolve(projectRoot, entry), ...process.argv.slice(3)];
require(outfile);
