/**
 * Mends for cdktf 0.21's HCL renderer (`cdktf synth --hcl`), which
 * - renders `terraform` attributes set with `addOverride` (such as `required_version`) as
 *   `0 = "required_version"`, and
 * - drops top-level blocks it does not know (`ephemeral`) without a word.
 * JSON output (the default) needs none of this. Each mend fails loudly when the output is not what it
 * expects, rather than writing a stack that silently lacks something.
 */

/** Puts `required_version = "<version>"` where cdktf 0.21 wrote `0 = "required_version"`. */
export function mendRequiredVersion(hcl: string, version: string): string {
  const broken = /^[ \t]*0 = "required_version"$/m;
  if (!broken.test(hcl)) {
    throw new Error("cdktf HCL output changed: cannot place required_version; use JSON output");
  }
  return hcl.replace(broken, `required_version = ${hclString(version)}`);
}

/** One top-level block with string attributes: `<type> "<label>" "<label>" {\n  k = "v"\n}`. */
export function renderHclBlock(
  type: string,
  labels: readonly string[],
  attributes: Readonly<Record<string, string>>,
): string {
  const lines = Object.entries(attributes).map(([k, v]) => `  ${k} = ${hclString(v)}`);
  return [`${type} ${labels.map((l) => `"${l}"`).join(" ")} {`, ...lines, "}"].join("\n");
}

/** Appends blocks the renderer dropped (see renderHclBlock) after cdktf's own output. */
export function appendHclBlocks(hcl: string, blocks: readonly string[]): string {
  return blocks.length ? `${hcl}\n\n${blocks.join("\n\n")}\n` : hcl;
}

/** A quoted HCL string: JSON escapes, and `${` / `%{` escaped so no template is interpreted. */
function hclString(value: string): string {
  // Replacement functions: in a replacement string "$$" would mean one "$".
  return JSON.stringify(value)
    .replace(/\$\{/g, () => "$${")
    .replace(/%\{/g, () => "%%{");
}
