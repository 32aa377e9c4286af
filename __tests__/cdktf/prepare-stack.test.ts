/**
 * Skipping cdktf's preparing resolve pass (src/cdktf/prepare-stack.ts) changes no byte of the output:
 * the whole output tree (stacks, copies, manifest) with the shortcut equals the one with cdktf's own
 * prepareStack, on the shipped example repository, on a test repository with write-only mode and the
 * bootstrap stack (JSON and HCL), and on a generated benchmark repository.
 */
import * as fs from "fs";
import * as path from "path";
import { SecretsmanagerSecret } from "@cdktf/provider-aws/lib/secretsmanager-secret";
import { withPreparingResolvePass } from "../../src/cdktf/prepare-stack";
import { synthesizeRepo, SynthOptions } from "../../src/synth/synthesize-repo";
import { makeTempDir, TWO_ENV_SPEC, writeExampleRepo } from "../../test-support/example-repo";
import { generateRepo, repoSpec } from "../../bench/generate-repo";

const projectRoot = path.resolve(__dirname, "..", "..");

/** Every file under `dir`, relative POSIX path → bytes. */
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

/** Synthesizes `root` twice, without and with the preparing pass, into two fresh folders. */
function bothWays(root: string, options: SynthOptions = {}) {
  const synth = (outdir: string) => {
    const result = synthesizeRepo(root, { ...options, outdir });
    expect(result.analysis.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(result.synthesized).toBe(true);
    return tree(outdir);
  };
  const skipped = synth(path.join(makeTempDir(), "out"));
  const withPass = withPreparingResolvePass(() => synth(path.join(makeTempDir(), "out")));
  return { skipped, withPass };
}

function expectSameTree(a: Map<string, Buffer>, b: Map<string, Buffer>): void {
  expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
  const differing = [...a].filter(([k, v]) => !v.equals(b.get(k)!)).map(([k]) => k);
  expect(differing).toEqual([]);
}

describe("synth without cdktf's preparing resolve pass", () => {
  it("writes the same bytes for the shipped example repository", () => {
    const { skipped, withPass } = bothWays(projectRoot);
    expect([...skipped.keys()]).toEqual(
      expect.arrayContaining(["stacks/development/cdk.tf.json", "stacks/production/cdk.tf.json"]),
    );
    expectSameTree(skipped, withPass);
  });

  it.each([false, true])(
    "writes the same bytes with write-only mode and the bootstrap stack (HCL: %s)",
    (hclOutput) => {
      const root = writeExampleRepo(makeTempDir(), {
        ...TWO_ENV_SPEC,
        context: { bootstrap: true, environments: { production: { writeOnly: true } } },
      });
      const { skipped, withPass } = bothWays(root, { hclOutput });
      const file = hclOutput ? "cdk.tf" : "cdk.tf.json";
      expect([...skipped.keys()]).toEqual(
        expect.arrayContaining(["bootstrap", "development", "production"].map((s) => `stacks/${s}/${file}`)),
      );
      expect(skipped.get(`stacks/production/${file}`)!.toString()).toContain("secret_string_wo");
      expectSameTree(skipped, withPass);
    },
  );

  it("writes the same bytes for a generated repository (300 files, 7 environments)", () => {
    const repo = generateRepo(makeTempDir(), repoSpec(300, 7), projectRoot);
    const { skipped, withPass } = bothWays(repo.root);
    expect([...skipped.keys()].filter((k) => k.endsWith("cdk.tf.json"))).toHaveLength(7);
    expectSameTree(skipped, withPass);
  });

  it("resolves each resource once instead of twice", () => {
    const root = writeExampleRepo(makeTempDir(), TWO_ENV_SPEC);
    const spy = jest.spyOn(SecretsmanagerSecret.prototype, "toTerraform");
    try {
      const secrets = 4;
      synthesizeRepo(root, { outdir: path.join(makeTempDir(), "a") });
      expect(spy).toHaveBeenCalledTimes(secrets);
      spy.mockClear();
      withPreparingResolvePass(() => synthesizeRepo(root, { outdir: path.join(makeTempDir(), "b") }));
      expect(spy).toHaveBeenCalledTimes(2 * secrets);
    } finally {
      spy.mockRestore();
    }
  });
});
