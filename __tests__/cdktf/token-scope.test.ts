/**
 * withTokensFreedAfter (src/cdktf/token-scope.ts): the tokens a stack registered leave cdktf's process-wide
 * token map once the stack is written, earlier tokens stay, and a freed token fails loudly if resolved.
 */
import * as path from "path";
import { App, Lazy, TerraformStack } from "cdktf";
import { cdktfResolve, TokenMap } from "../../src/cdktf/internals";
import { withTokensFreedAfter } from "../../src/cdktf/token-scope";
import { synthesizeRepo } from "../../src/synth/synthesize-repo";
import { makeTempDir, TWO_ENV_SPEC, writeExampleRepo } from "../../test-support/example-repo";

interface Sizes {
  readonly strings: number;
  readonly numbers: number;
}

function sizes(): Sizes {
  const map = TokenMap.instance() as unknown as {
    stringTokenMap: Map<string, unknown>;
    numberTokenMap: Map<number, unknown>;
  };
  return { strings: map.stringTokenMap.size, numbers: map.numberTokenMap.size };
}

describe("withTokensFreedAfter", () => {
  const stack = new TerraformStack(new App({ outdir: makeTempDir(), stackTraces: false }), "scope");

  it("removes the tokens registered inside, keeps the ones from before", () => {
    const before = Lazy.stringValue({ produce: () => "before" });
    const start = sizes();
    let inside = "";
    const result = withTokensFreedAfter(() => {
      inside = Lazy.stringValue({ produce: () => "inside" });
      Lazy.numberValue({ produce: () => 7 });
      expect(sizes().strings).toBe(start.strings + 1);
      expect(sizes().numbers).toBe(start.numbers + 1);
      return cdktfResolve(stack, { inside, before });
    });
    expect(result).toEqual({ inside: "inside", before: "before" });
    expect(sizes()).toEqual(start);
    expect(cdktfResolve(stack, before)).toBe("before");
    expect(() => cdktfResolve(stack, inside)).toThrow(/Unrecognized Token Key/);
  });

  it("leaves the token map as it was after a synth of two environments", () => {
    const root = writeExampleRepo(makeTempDir(), TWO_ENV_SPEC);
    // A first synth loads every module (some register tokens when loaded).
    synthesizeRepo(root, { outdir: path.join(makeTempDir(), "a") });
    const start = sizes();
    expect(synthesizeRepo(root, { outdir: path.join(makeTempDir(), "b") }).synthesized).toBe(true);
    expect(sizes()).toEqual(start);
  });
});
