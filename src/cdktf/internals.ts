/**
 * The fence around cdktf's internals. cdktf was archived upstream on 2025-12-10 and 0.21.0 is its final
 * release: everything this project takes from cdktf beyond its public index lives in src/cdktf/, and
 * __tests__/cdktf/version-fence.test.ts fails on any other cdktf version or when a used internal is gone.
 * The exit plan (community fork or plain Terraform JSON) is in docs/architecture.md.
 *
 * Deep imports, all of them (nothing outside src/cdktf/ imports `cdktf/lib/...`; tested):
 * - `addCustomSynthesis`: the per-construct synthesis hook (what TerraformAsset uses), for the checked
 *   copies of src/stacks/stack-source-files.ts. Not re-exported by the package index.
 * - `StackSynthesizer`: cdktf 0.21 stacks read only $SYNTH_HCL_OUTPUT, not the App's `hclOutput` option;
 *   synth sets a synthesizer per stack to honour the option.
 * - `cdktf/lib/tokens/private/stack-trace`: see token-stack-traces.ts.
 * - `TerraformStack.prototype.prepareStack`'s body: see prepare-stack.ts.
 * - `deepMerge`, `resolve` (cdktf/lib/_tokens: what the stack resolves with; tokens/private/resolve: the
 *   same with a path prefix) and
 *   `TerraformStack.prototype.toTerraform`'s body: see fast-resolve.ts.
 * - `TokenMap` (tokens/private/token-map) and its private maps and counter: see token-scope.ts.
 */
import * as fs from "fs";
import * as path from "path";

export { addCustomSynthesis, StackSynthesizer } from "cdktf/lib/synthesize/synthesizer";
export { deepMerge } from "cdktf/lib/util";
export { resolve as cdktfResolve } from "cdktf/lib/_tokens";
export { resolve as resolveWithOptions } from "cdktf/lib/tokens/private/resolve";
export { TokenMap } from "cdktf/lib/tokens/private/token-map";

/** The only cdktf version the code in src/cdktf/ was checked against. */
export const FENCED_CDKTF_VERSION = "0.21.0";

let installed: string | undefined;

/** The version of the cdktf package this process loads (its package.json, read once). */
export function installedCdktfVersion(): string {
  if (installed === undefined) {
    const manifest = path.join(path.dirname(require.resolve("cdktf")), "..", "package.json");
    installed = String((JSON.parse(fs.readFileSync(manifest, "utf8")) as { version?: unknown }).version);
  }
  return installed;
}

/** True when the loaded cdktf is the fenced version: the shortcuts in src/cdktf/ apply only then. */
export function isFencedCdktf(): boolean {
  return installedCdktfVersion() === FENCED_CDKTF_VERSION;
}
