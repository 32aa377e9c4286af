/**
 * Every file of an output folder by relative POSIX path, and the comparison the byte-identity tests make
 * (src/cdktf/ shortcuts, the background writer): same paths, same bytes.
 */
import * as fs from "fs";
import * as path from "path";
import { synthesizeRepo, SynthOptions } from "../src/synth/synthesize-repo";
import { makeTempDir } from "./example-repo";

/** Every file under `dir`, relative POSIX path → bytes (folders are not entries). */
export function filesUnder(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string, rel: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(path.join(d, e.name), r);
      else out.set(r, fs.readFileSync(path.join(d, e.name)));
    }
  };
  walk(dir, "");
  return out;
}

/** Asserts that two trees hold the same paths with the same bytes (naming the paths that differ). */
export function expectSameFiles(a: ReadonlyMap<string, Buffer>, b: ReadonlyMap<string, Buffer>): void {
  expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
  expect([...a].filter(([k, v]) => !v.equals(b.get(k)!)).map(([k]) => k)).toEqual([]);
}

/** Synthesizes `root` into a fresh folder, expecting no error, and returns what it wrote. */
export function synthesizedFiles(root: string, options: SynthOptions = {}): Map<string, Buffer> {
  const outdir = path.join(makeTempDir(), "out");
  const result = synthesizeRepo(root, { ...options, outdir });
  expect(result.analysis.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  expect(result.synthesized).toBe(true);
  return filesUnder(outdir);
}
