/**
 * Go regular expressions as sops compiles them (`regexp.Compile` + `MatchString`: RE2 syntax, unanchored).
 * Each expectation below is Go's behaviour (go doc regexp/syntax); the old RegExp translator got the rows
 * marked "was wrong" wrong.
 */
import { compileGoRegExp, tryCompileGoRegExp } from "../../src/sops/go-regexp";

describe("compileGoRegExp matches as Go's MatchString", () => {
  it.each([
    // inline flags inside a group (was wrong: refused)
    ["((?i)(displayname|email|pass))", "EMAIL", true],
    ["((?i)(displayname|email|pass))", "username", false],
    ["^secrets/((?i)PRODUCTION)/", "secrets/production/app.enc.json", true],
    ["^secrets/((?i)PRODUCTION)/", "secrets/staging/app.enc.json", false],
    ["^(?i:prod)uction", "PRODuction", true],
    ["^(?i:prod)uction", "PRODUCTION", false],
    // Unicode classes and hex escapes (was wrong: compiled but never matched)
    ["^\\p{L}+$", "pässwörd", true],
    ["^\\p{L}+$", "pass1", false],
    ["^\\pL$", "é", true],
    ["^\\x{41}$", "A", true],
    ["^\\x41$", "A", true],
    // Go's \s is ASCII white space: [\t\n\f\r ] (was wrong: matched NBSP)
    ["^\\s$", "\u00a0", false],
    ["^\\s$", " ", true],
    ["^\\s$", "\u000b", false],
    ["^\\d$", "\u0663", false], // ARABIC-INDIC DIGIT THREE: Go's \d is ASCII
    ["^\\w+$", "naïve", false],
    // unanchored unless anchored
    ["prod", "secrets/production/x", true],
    ["^prod", "secrets/production/x", false],
    // $ and ^ are text anchors without (?m); \z, \A
    ["^a$", "b\na", false],
    ["(?m)^a$", "b\na", true],
    ["^a\\z", "a\n", false],
    ["\\Aa", "ba", false],
    // . does not match \n without (?s)
    ["^a.b$", "a\nb", false],
    ["(?s)^a.b$", "a\nb", true],
    // POSIX classes, \Q…\E, named groups
    ["^[[:alpha:]]+$", "abc", true],
    ["^[[:^alpha:]]+$", "123", true],
    ["\\Qa.b\\E$", "xa.b", true],
    ["\\Qa.b\\E$", "xaxb", false],
    ["^(?P<env>dev|prod)/", "prod/x", true],
    // typical sops patterns
    ["^(data|stringData)$", "stringData", true],
    ["^(data|stringData)$", "metadata", false],
    [".*\\.enc\\.(json|ya?ml|env)$", "secrets/dev/a.enc.yml", true],
  ])("%s on %j → %s", (source, input, expected) => {
    expect(compileGoRegExp(source).test(input)).toBe(expected);
  });
});

describe("compileGoRegExp refuses what Go refuses, saying why", () => {
  it.each([
    // was wrong: accepted although sops cannot compile them
    [
      "(?=a)b",
      "invalid or unsupported Perl syntax: `(?=`; Go regular expressions (RE2) have no lookahead or lookbehind",
    ],
    [
      "(?!a)b",
      "invalid or unsupported Perl syntax: `(?!`; Go regular expressions (RE2) have no lookahead or lookbehind",
    ],
    [
      "(?<=a)b",
      "invalid named capture: `(?<=a)b`; Go regular expressions (RE2) have no lookahead or lookbehind",
    ],
    ["(a)\\1", "invalid escape sequence: `\\1`; Go regular expressions (RE2) have no back-references"],
    ["(unclosed", "missing closing ): `(unclosed`"],
    ["[a", "missing closing ]: `[a`"],
    ["a**", "invalid nested repetition operator: `**`"],
    ["[[:nope:]]", "invalid character class range: `[:nope:]`"],
  ])("%s", (source, message) => {
    expect(tryCompileGoRegExp(source)).toEqual({ error: message });
  });

  it("caches: the same source gives the same compiled object", () => {
    expect(compileGoRegExp("^x$")).toBe(compileGoRegExp("^x$"));
  });
});
