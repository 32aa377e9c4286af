/**
 * Every shortcut synth takes around cdktf writes the same bytes as cdktf's own path: the whole output tree
 * (stacks, copies, manifest) with the shortcut equals the one without it, one shortcut at a time and all of
 * them at once. The shortcuts: skipping `prepareStack`'s preparing resolve pass (src/cdktf/prepare-stack.ts),
 * resolving plain data without cdktf (src/cdktf/fast-resolve.ts), one cdktf `App` per stack
 * (src/cdktf/stack-by-stack.ts, which also frees each stack's tokens: token-scope.ts) and the copies written
 * by a worker thread (src/synth/background-writer.ts, forced on here whatever the number of files).
 * The repositories: the shipped example; write-only mode and the bootstrap stack, JSON and HCL; strict
 * readers and adoption (tokens inside policies, import blocks); a generated one (300 files, 7 environments).
 */
import * as path from "path";
import { withCdktfResolve } from "../../src/cdktf/fast-resolve";
import { withPreparingResolvePass } from "../../src/cdktf/prepare-stack";
import { withOneApp } from "../../src/cdktf/stack-by-stack";
import { withBackgroundWriteThreshold } from "../../src/synth/background-writer";
import { SynthOptions } from "../../src/synth/synthesize-repo";
import { expectSameFiles, synthesizedFiles } from "../../test-support/output-tree";
import { makeTempDir, TWO_ENV_SPEC, writeExampleRepo } from "../../test-support/example-repo";
import { generateRepo, repoSpec } from "../../bench/generate-repo";

const projectRoot = path.resolve(__dirname, "..", "..");

type Around = <T>(fn: () => T) => T;
const allCdktf: Around = (fn) => withPreparingResolvePass(() => withCdktfResolve(() => withOneApp(fn)));
/** cdktf's own path, by shortcut turned off. */
const WITHOUT: [string, Around][] = [
  ["the preparing resolve pass skipped", withPreparingResolvePass],
  ["plain data resolved without cdktf", withCdktfResolve],
  ["one App per stack", withOneApp],
  ["all shortcuts", allCdktf],
];

/** The output with every shortcut (and the worker), checked against each way without one; returned. */
function expectSameEveryWay(root: string, options: SynthOptions = {}): Map<string, Buffer> {
  const ours = withBackgroundWriteThreshold(0, () => synthesizedFiles(root, options));
  for (const [, without] of WITHOUT) {
    const theirs = withBackgroundWriteThreshold(Infinity, () =>
      without(() => synthesizedFiles(root, options)),
    );
    expectSameFiles(ours, theirs);
  }
  return ours;
}

const manifestOf = (files: Map<string, Buffer>) =>
  JSON.parse(files.get("manifest.json")!.toString()) as {
    stacks: Record<string, { synthesizedStackPath: string }>;
  };

describe(`synth writes the same bytes with and without its cdktf shortcuts (${WITHOUT.map(([n]) => n).join(", ")})`, () => {
  it("for the shipped example repository", () => {
    const out = expectSameEveryWay(projectRoot);
    expect([...out.keys()]).toEqual(
      expect.arrayContaining(["stacks/development/cdk.tf.json", "stacks/production/cdk.tf.json"]),
    );
    expect(Object.keys(manifestOf(out).stacks).sort()).toEqual(["development", "production"]);
  });

  it.each([false, true])("with write-only mode and the bootstrap stack (HCL: %s)", (hclOutput) => {
    const root = writeExampleRepo(makeTempDir(), {
      ...TWO_ENV_SPEC,
      context: { bootstrap: true, environments: { production: { writeOnly: true } } },
    });
    const out = expectSameEveryWay(root, { hclOutput });
    const file = hclOutput ? "cdk.tf" : "cdk.tf.json";
    expect([...out.keys()]).toEqual(
      expect.arrayContaining(["bootstrap", "development", "production"].map((s) => `stacks/${s}/${file}`)),
    );
    expect(out.get(`stacks/production/${file}`)!.toString()).toContain("secret_string_wo");
    const manifest = manifestOf(out);
    expect(Object.keys(manifest.stacks).sort()).toEqual(["bootstrap", "development", "production"]);
    expect(manifest.stacks.production).toMatchObject({ synthesizedStackPath: `stacks/production/${file}` });
  });

  it("with strict readers and adopted secrets (tokens in policies, import blocks)", () => {
    const arn = (name: string) => `arn:aws:secretsmanager:us-east-1:111122223333:secret:${name}-AbC123`;
    const root = writeExampleRepo(makeTempDir(), {
      ...TWO_ENV_SPEC,
      context: {
        assumeRoleArn: "arn:aws:iam::111122223333:role/deploy",
        readers: ["arn:aws:iam::111122223333:role/app"],
        readersPolicy: "strict",
        tags: { Team: "core" },
        environments: { development: { adopt: { app: arn("development/app") } } },
      },
    });
    const dev = expectSameEveryWay(root).get("stacks/development/cdk.tf.json")!.toString();
    expect(dev).toContain("aws_secretsmanager_secret_policy");
    expect(dev).toContain('"import"');
    expect(dev).toContain("${data.aws_iam_session_context.deployer.issuer_arn}");
  });

  it("for a generated repository (300 files, 7 environments)", () => {
    const repo = generateRepo(makeTempDir(), repoSpec(300, 7), projectRoot);
    const out = expectSameEveryWay(repo.root);
    expect([...out.keys()].filter((k) => k.endsWith("cdk.tf.json"))).toHaveLength(7);
    expect(Object.keys(manifestOf(out).stacks)).toHaveLength(7);
    expect([...out.keys()].filter((k) => /^stacks\/[^/]+\/secrets\//.test(k))).toHaveLength(300);
  });
});
