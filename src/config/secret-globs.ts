/**
 * Globs over logical secret names (`payments/*`, `app`, `**`): the keys of `context.secrets` and
 * `context.environments.<env>.secrets`. The one home of their syntax, matching and specificity.
 *
 * Syntax: `*` matches any characters except `/` (within one path segment), `?` one character except `/`,
 * `**` any characters including `/` (any depth). Every other character matches itself.
 *
 * Specificity (the most specific matching glob wins, as a whole entry):
 * 1. a name without wildcards (an exact name) beats every glob;
 * 2. then more literal characters (characters that are not `*` or `?`) win: `payments/stripe-*` beats `payments/*`;
 * 3. then fewer `**` win: `payments/*` beats `payments/**`;
 * Two different globs that match the same secret and are equally specific are an error naming both (rule SS011):
 * no order in cdktf.json decides.
 */

/** What a glob key may be: no leading or trailing `/`, no empty segment, no backslash or control character. */
export const SECRET_GLOB = /^(?!\/)(?!.*\/$)(?!.*\/\/)[^\\\p{Cc}]{1,512}$/u;

/** Whether `glob` has a wildcard. */
export function isGlob(glob: string): boolean {
  return /[*?]/.test(glob);
}

const compiled = new Map<string, RegExp>();

/** Whether the logical name `name` matches `glob`. */
export function globMatches(glob: string, name: string): boolean {
  let re = compiled.get(glob);
  if (!re) {
    let source = "";
    for (let i = 0; i < glob.length; i++) {
      const c = glob[i];
      if (c === "*" && glob[i + 1] === "*") {
        source += "[\\s\\S]*";
        while (glob[i + 1] === "*") i++;
      } else if (c === "*") source += "[^/]*";
      else if (c === "?") source += "[^/]";
      else source += c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
    }
    re = new RegExp(`^${source}$`, "u");
    compiled.set(glob, re);
  }
  return re.test(name);
}

/** A comparable specificity: larger is more specific. */
export function specificity(glob: string): readonly number[] {
  const literal = glob.replace(/[*?]/g, "").length;
  const doubleStars = (glob.match(/\*\*+/g) ?? []).length;
  return [isGlob(glob) ? 0 : 1, literal, -doubleStars];
}

function compareSpecificity(a: string, b: string): number {
  const sa = specificity(a);
  const sb = specificity(b);
  for (let i = 0; i < sa.length; i++) if (sa[i] !== sb[i]) return sa[i] - sb[i];
  return 0;
}

export type GlobMatch =
  | { readonly kind: "none" }
  | { readonly kind: "one"; readonly glob: string }
  | { readonly kind: "tie"; readonly globs: readonly [string, string] };

/** The most specific of `globs` that matches `name`; a tie between two different globs is reported as such. */
export function mostSpecificMatch(globs: readonly string[], name: string): GlobMatch {
  const matching = globs
    .filter((g) => globMatches(g, name))
    .sort((a, b) => compareSpecificity(b, a) || (a < b ? -1 : a > b ? 1 : 0));
  if (matching.length === 0) return { kind: "none" };
  if (matching.length > 1 && compareSpecificity(matching[0], matching[1]) === 0)
    return { kind: "tie", globs: [matching[0], matching[1]] };
  return { kind: "one", glob: matching[0] };
}
