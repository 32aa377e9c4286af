/**
 * The one formatter for text that may hold a name from the repository (file and folder names, key names and
 * paths, key IDs), in every printed line of every command (`check` and synth diagnostics, `access`, `rekey`,
 * `review`): a character that is not printable becomes an escape, so a crafted name can neither hide a line,
 * drive the terminal, nor reorder what is shown.
 *
 * Escaped: control characters (Cc: terminal escapes, newline, carriage return, tab, DEL, C1), the line and
 * paragraph separators U+2028/U+2029, and every format character (Cf: bidi overrides and isolates such as
 * U+202E, zero-width space/joiners, the BOM, soft hyphen). `\xNN` up to U+00FF, `\uNNNN` in the BMP,
 * `\u{NNNNN}` beyond.
 */
const UNPRINTABLE = /[\p{Cc}\p{Cf}\u2028\u2029]/gu;

export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (c) => {
    const code = c.codePointAt(0)!;
    if (code <= 0xff) return `\\x${code.toString(16).padStart(2, "0")}`;
    if (code <= 0xffff) return `\\u${code.toString(16).padStart(4, "0")}`;
    return `\\u{${code.toString(16)}}`;
  });
}
