/**
 * One App per stack (src/cdktf/stack-by-stack.ts) writes the same bytes as one App for all stacks: stacks,
 * copies and manifest.json, on the shipped example repository, on a test repository with write-only mode
 * and the bootstrap stack (JSON and HCL), and on a generated benchmark repository.
 */
import * as fs from "fs";
import * as path from "path";
import { withOneApp } from "../../src/cdktf/stack-by-stack";
import { synthesizeRepo, SynthOptions } from "../../src/synth/synthesize-repo";
import { makeTempDir, TWO_ENV_SPEC, writeExampleRepo } from "../../test-support/example-repo";
import { generateRepo, repoSpec } from "../../bench/generate-repo";

const projectRoot = path.resolve(__dirname, "..", "..");

function tree(dir: string): Map<string, Buffer> {
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

function bothWays(root: string, options: SynthOptions = {}) {
  const synth = (outdir: string) => {
    const result = synthesizeRepo(root, { ...options, outdir });
    expect(result.analysis.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(result.synthesized).toBe(true);
    return tree(outdir);
  };
  const perStack = synth(path.join(makeTempDir(), "out"));
  const oneApp = withOneApp(() => synth(path.join(makeTempDir(), "out")));
  expect([...perStack.keys()].sort()).toEqual([...oneApp.keys()].sort());
  expect([...perStack].filter(([k, v]) => !v.equals(oneApp.get(k)!)).map(([k]) => k)).toEqual([]);
  return JSON.parse(perStack.get("manifest.json")!.toString()) as { stacks: Record<string, unknown> };
}

describe("synth with one cdktf App per stack", () => {
  it("writes the same bytes as one App for the shipped example repository", () => {
    expect(Object.keys(bothWays(projectRoot).stacks).sort()).toEqual(["development", "production"]);
  });

  it.each([false, true])(
    "writes the same bytes with write-only mode and the bootstrap stack (HCL: %s)",
    (hclOutput) => {
      const root = writeExampleRepo(makeTempDir(), {
        ...TWO_ENV_SPEC,
        context: { bootstrap: true, environments: { production: { writeOnly: true } } },
      });
      const manifest = bothWays(root, { hclOutput });
      expect(Object.keys(manifest.stacks).sort()).toEqual(["bootstrap", "development", "production"]);
      expect(manifest.stacks.production).toMatchObject({
        synthesizedStackPath: `stacks/production/${hclOutput ? "cdk.tf" : "cdk.tf.json"}`,
      });
    },
  );

  it("writes the same bytes for a generated repository (300 files, 7 environments)", () => {
    const repo = generateRepo(makeTempDir(), repoSpec(300, 7), projectRoot);
    expect(Object.keys(bothWays(repo.root).stacks)).toHaveLength(7);
  });
});
