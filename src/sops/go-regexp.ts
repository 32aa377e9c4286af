/**
 * sops is written in Go: `path_regex` in `.sops.yaml` and `encrypted_regex`/`unencrypted_regex` in a file's
 * metadata are Go regular expressions (RE2 syntax), matched unanchored (`regexp.MatchString` /
 * `regexp.Match`, config/config.go and sops.go). They are compiled here with re2js, a port of Go's own
 * `regexp` package, so the syntax and the meaning are Go's: inline flags anywhere (`((?i)prod)`), `\p{L}`,
 * `\x{41}`, `\Q...\E`, `[[:alpha:]]`, ASCII-only `\s`/`\d`/`\w`/`\b`; lookaround and back-references are
 * refused as Go refuses them.
 *
 * Compiled patterns are cached by source, so a pattern shared by thousands of files is compiled once.
 */
import { RE2JS } from "re2js";

/** A compiled Go regular expression. */
export interface GoRegExp {
  /** The pattern as written. */
  readonly source: string;
  /** Go's `MatchString`: true when the pattern matches anywhere in `text` (unanchored). */
  test(text: string): boolean;
}

const cache = new Map<string, GoRegExp | Error>();

/** Compiles a Go regular expression; throws an Error whose message says why Go refuses it. */
export function compileGoRegExp(source: string): GoRegExp {
  let hit = cache.get(source);
  if (hit === undefined) {
    try {
      const compiled = RE2JS.compile(source);
      hit = { source, test: (text: string) => compiled.matcher(text).find() };
    } catch (e) {
      hit = new Error(explain(e instanceof Error ? e.message : String(e)));
    }
    cache.set(source, hit);
  }
  if (hit instanceof Error) throw hit;
  return hit;
}

/** Like compileGoRegExp, but returns the problem instead of throwing. */
export function tryCompileGoRegExp(source: string): { regex: GoRegExp } | { error: string } {
  try {
    return { regex: compileGoRegExp(source) };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

/** A pattern that matches nothing (what sops's `matched, _ := regexp.Match(...)` yields for an invalid one). */
export const MATCH_NOTHING: GoRegExp = { source: "", test: () => false };

/**
 * re2js's message is Go's (`error parsing regexp: invalid escape sequence: \`\1\``): keep it without the
 * prefix, and name what people usually meant for the two features RE2 deliberately lacks.
 */
function explain(message: string): string {
  const core = message.replace(/^error parsing regexp: /, "");
  if (/Perl syntax: `\(\?[=!<]/.test(core) || /named capture: `\(\?<[=!]/.test(core))
    return `${core}; Go regular expressions (RE2) have no lookahead or lookbehind`;
  if (/invalid escape sequence: `\\[1-9]/.test(core))
    return `${core}; Go regular expressions (RE2) have no back-references`;
  return core;
}
