/**
 * One token resolution per synth instead of two.
 *
 * `App.synth()` calls `prepareStack()` on every stack before synthesizing any. In cdktf 0.21.0 that is:
 *
 *     this.ensureBackendExists();
 *     terraformElements(this).forEach((e) => resolve(this, e.toTerraform(), true));
 *
 * The second line resolves every element once in "preparing" mode and throws the result away; the stack's
 * synthesizer then resolves everything again. The preparing pass exists for one thing only: a `Reference`
 * whose origin is another stack registers a cross-stack reference (an output in the origin stack, a remote
 * state in this one) when it is resolved while preparing (`tfExpression.js`, the only reader of
 * `context.preparing` in cdktf 0.21.0: the fence test checks that). At 10,000 secrets the pass is ~23 % of
 * synth's CPU time.
 *
 * An `EnvironmentStack` holds no cross-stack reference by construction: it is built from plain values of
 * its environment's plan, and its ephemeral values refuse another stack (ephemeral-sops-file.ts). So it can
 * skip the pass; the output is byte for byte the one with the pass (tested on the example repository and a
 * generated one, JSON and HCL, data-source and write-only mode). Any other cdktf version runs cdktf's own
 * `prepareStack`.
 */
import { TerraformStack } from "cdktf";
import { isFencedCdktf } from "./internals";

let keepPreparingPass = false;

/**
 * `prepareStack` of a stack that references no other stack: make sure a backend exists (as cdktf does),
 * skip the preparing resolve pass. `cdktfPrepareStack` is the stack's `super.prepareStack`, run instead
 * when the loaded cdktf is not the fenced version (or inside `withPreparingResolvePass`).
 */
export function prepareStackWithoutCrossStackReferences(
  stack: TerraformStack,
  cdktfPrepareStack: () => void,
): void {
  if (keepPreparingPass || !isFencedCdktf()) {
    cdktfPrepareStack();
    return;
  }
  stack.ensureBackendExists();
}

/** Runs `fn` with cdktf's own `prepareStack` everywhere: for the test that proves the output unchanged. */
export function withPreparingResolvePass<T>(fn: () => T): T {
  const previous = keepPreparingPass;
  keepPreparingPass = true;
  try {
    return fn();
  } finally {
    keepPreparingPass = previous;
  }
}
