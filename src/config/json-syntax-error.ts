/**
 * Where and why a text is not JSON, as a line and column (1-based) and a fix: `JSON.parse` gives an offset at
 * best ("position 229") and, on Node 20, sometimes quotes the text instead. Call it only for a text that
 * `JSON.parse` rejected. Never quotes the text beyond one punctuation character.
 */

export interface JsonSyntaxError {
  readonly line: number;
  readonly column: number;
  /** What was found there: "a comment (JSON allows none)". */
  readonly problem: string;
  readonly fix: string;
}

const GENERIC_FIX = "fix the JSON syntax in cdktf.json";

class Stop {
  constructor(
    readonly offset: number,
    readonly problem?: string,
    readonly fix?: string,
  ) {}
}

export function jsonSyntaxError(text: string): JsonSyntaxError {
  const stop = scan(text);
  const before = text.slice(0, stop.offset);
  const line = before.split("\n").length;
  const column = stop.offset - (before.lastIndexOf("\n") + 1) + 1;
  return {
    line,
    column,
    problem: stop.problem ?? found(text, stop.offset),
    fix: stop.fix ?? fixFor(text, stop.offset),
  };
}

function found(text: string, offset: number): string {
  if (offset >= text.length) return "the file ends too early";
  const c = text[offset];
  if (c === "\uFEFF") return "a byte order mark (BOM); JSON files must not start with one";
  if (text.startsWith("//", offset) || text.startsWith("/*", offset))
    return "a comment; JSON allows no comments";
  if (/^[{}[\]:,"'/\\]$/.test(c)) return `an unexpected '${c}'`;
  return "an unexpected character";
}

function fixFor(text: string, offset: number): string {
  if (text[offset] === "\uFEFF") return "save cdktf.json as UTF-8 without a byte order mark (BOM)";
  if (text.startsWith("//", offset) || text.startsWith("/*", offset))
    return "remove the comment from cdktf.json: JSON has no comments (cdktf reads the file as plain JSON)";
  return GENERIC_FIX;
}

/** The offset of the first syntax error (with a specific message for some), by the JSON grammar (RFC 8259). */
function scan(text: string): Stop {
  let i = 0;
  const ws = () => {
    while (i < text.length && " \t\n\r".includes(text[i])) i++;
  };
  const fail = (problem?: string, fix?: string): never => {
    throw new Stop(i, problem, fix);
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === "{") {
      i++;
      ws();
      if (text[i] === "}") return void i++;
      for (;;) {
        ws();
        if (text[i] !== '"') fail();
        string();
        ws();
        if (text[i] !== ":") fail();
        i++;
        value();
        ws();
        if (text[i] === "}") return void i++;
        if (text[i] !== ",") fail();
        i++;
        ws();
        if (text[i] === "}") fail("a trailing comma before '}'", "remove the last comma in that object");
      }
    }
    if (c === "[") {
      i++;
      ws();
      if (text[i] === "]") return void i++;
      for (;;) {
        value();
        ws();
        if (text[i] === "]") return void i++;
        if (text[i] !== ",") fail();
        i++;
        ws();
        if (text[i] === "]") fail("a trailing comma before ']'", "remove the last comma in that array");
      }
    }
    if (c === '"') return string();
    for (const literal of ["true", "false", "null"])
      if (text.startsWith(literal, i)) return void (i += literal.length);
    const number = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (number && number[0] !== "-") return void (i += number[0].length);
    fail();
  };
  const string = (): void => {
    i++;
    for (;;) {
      if (i >= text.length) fail();
      const c = text.charCodeAt(i);
      if (c === 0x22) return void i++;
      if (c < 0x20)
        fail(
          "a control character (such as a line break) inside a string",
          "escape it (\\n, \\t) or remove it",
        );
      if (c === 0x5c) {
        const e = text[i + 1];
        if (e === "u") {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) fail("an invalid \\u escape");
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else fail("an invalid escape sequence");
      } else i++;
    }
  };
  try {
    value();
    ws();
    if (i < text.length) fail();
  } catch (e) {
    if (e instanceof Stop) return e;
    if (e instanceof RangeError) return new Stop(i, "nesting too deep to read");
    throw e;
  }
  return new Stop(0, "not valid JSON");
}
