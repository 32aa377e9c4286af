/**
 * Names that come from the repository (file and folder names, key IDs) are printed escaped: a control
 * character (terminal escape, newline, tab) becomes `\xNN` or `\uNNNN`, so a crafted name can neither hide a
 * line nor drive the terminal.
 */
export function printable(text: string): string {
  return text.replace(/[\p{Cc}\u2028\u2029]/gu, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff
      ? `\\x${code.toString(16).padStart(2, "0")}`
      : `\\u${code.toString(16).padStart(4, "0")}`;
  });
}
