/**
 * sops is written in Go: `path_regex` in `.sops.yaml` and `encrypted_regex`/`unencrypted_regex` in a file's
 * metadata are Go (RE2) regular expressions, matched unanchored (`regexp.MatchString`). This turns one into a
 * JavaScript RegExp with the same meaning for the syntax people use in practice:
 *
 * - leading inline flags `(?i)`, `(?s)`, `(?m)` (and combinations) become RegExp flags;
 * - `(?P<name>...)` becomes `(?<name>...)`;
 * - `\A` and `\z` (start and end of text) become `^`/`$` lookarounds that ignore the `m` flag;
 * - `\Q...\E` (a literal run) is escaped;
 * - POSIX classes inside brackets (`[[:alpha:]]`) are expanded.
 *
 * Anything else JavaScript cannot read throws; callers report that as an invalid pattern. Compiled patterns
 * are cached by source, so a pattern shared by thousands of files is compiled once.
 */

const POSIX_CLASSES: Record<string, string> = {
  alnum: "0-9A-Za-z",
  alpha: "A-Za-z",
  ascii: "\\x00-\\x7F",
  blank: "\\t ",
  cntrl: "\\x00-\\x1F\\x7F",
  digit: "0-9",
  graph: "!-~",
  lower: "a-z",
  print: " -~",
  punct: "!-\\/:-@\\[-`{-~",
  space: "\\t\\n\\v\\f\\r ",
  upper: "A-Z",
  word: "0-9A-Za-z_",
  xdigit: "0-9A-Fa-f",
};

const cache = new Map<string, RegExp | Error>();

/** Compiles a Go regular expression; throws an Error whose message says why it cannot be used. */
export function compileGoRegExp(source: string): RegExp {
  let hit = cache.get(source);
  if (hit === undefined) {
    try {
      hit = translate(source);
    } catch (e) {
      hit = e instanceof Error ? e : new Error(String(e));
    }
    cache.set(source, hit);
  }
  if (hit instanceof Error) throw hit;
  return hit;
}

/** Like compileGoRegExp, but returns the problem instead of throwing. */
export function tryCompileGoRegExp(source: string): { regex: RegExp } | { error: string } {
  try {
    return { regex: compileGoRegExp(source) };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

function translate(source: string): RegExp {
  let flags = "";
  let body = source;
  const inline = /^\(\?([imsU]+)\)/.exec(body);
  if (inline) {
    if (inline[1].includes("U")) throw new Error("the (?U) flag (ungreedy) is not supported");
    flags = [...new Set(inline[1])].join("");
    body = body.slice(inline[0].length);
  }
  body = body
    .replace(/\\Q([\s\S]*?)(?:\\E|$)/g, (_, literal: string) =>
      literal.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&"),
    )
    .replace(/\(\?P</g, "(?<")
    .replace(/(^|[^\\])((?:\\\\)*)\\A/g, "$1$2(?<![\\s\\S])")
    .replace(/(^|[^\\])((?:\\\\)*)\\z/g, "$1$2(?![\\s\\S])")
    .replace(/\[:(\^?)([a-z]+):\]/g, (_whole, negated: string, name: string) => {
      const cls = POSIX_CLASSES[name];
      if (cls === undefined) throw new Error(`unknown POSIX class [:${name}:]`);
      if (negated) throw new Error(`negated POSIX class [:^${name}:] is not supported`);
      return cls;
    });
  try {
    return new RegExp(body, flags);
  } catch (e) {
    throw new Error((e as Error).message.replace(/^Invalid regular expression: /, ""));
  }
}
