/**
 * Everything in the review comes from the pull request: key names, file names, recipients. Rendered as
 * Markdown they must stay inert text inside their code span: no breaking out of it, no HTML, no mention,
 * no new line, no table cell.
 */
import { code, renderMarkdown, renderText } from "../../src/review/render-review";
import { reviewChanges } from "../../src/review/review-changes";
import { sopsShapedContent } from "../../test-support/sops-shaped-file";

const HOSTILE_KEYS = [
  "a`b",
  "``double``",
  "`",
  " lead`",
  "x | y",
  "back\\|slash",
  "<img src=x onerror=alert(1)>",
  "<!-- sops-secrets-review -->",
  "@octocat",
  "line\nbreak",
  "cr\rhere",
  "bidi\u202Eevil",
  "**bold** _em_ [link](https://example.com)",
  "#1 ![img](x)",
];

/** The inline code spans of one Markdown line, per CommonMark: a run of N backticks closes at the next run of exactly N. */
function codeSpans(line: string): { spans: string[]; outside: string } {
  const spans: string[] = [];
  let outside = "";
  let i = 0;
  while (i < line.length) {
    if (line[i] !== "`") {
      outside += line[i++];
      continue;
    }
    let n = 0;
    while (line[i + n] === "`") n++;
    const open = i;
    i += n;
    let close = -1;
    for (let j = i; j < line.length;) {
      if (line[j] !== "`") {
        j++;
        continue;
      }
      let m = 0;
      while (line[j + m] === "`") m++;
      if (m === n) {
        close = j;
        break;
      }
      j += m;
    }
    if (close < 0) {
      outside += line.slice(open, i);
      continue;
    }
    let content = line.slice(i, close);
    if (content.startsWith(" ") && content.endsWith(" ") && content.trim() !== "")
      content = content.slice(1, -1);
    spans.push(content);
    i = close + n;
  }
  return { spans, outside };
}

describe("code spans hold any name", () => {
  it.each(HOSTILE_KEYS.filter((k) => !/[\n\r]/.test(k)))("%j round-trips through one code span", (name) => {
    const { spans, outside } = codeSpans(`key: ${code(name)} end`);
    expect(spans).toEqual([name]);
    expect(outside).toBe("key:  end");
  });
});

describe("a review of a file with hostile key names and a hostile file name", () => {
  const values = Object.fromEntries(HOSTILE_KEYS.map((k, i) => [k, `PLAINTEXT-${i}`]));
  const path = "secrets/dev/we`ird <b>@here</b> | x.enc.json";
  const report = reviewChanges({
    base: { ref: "main", commit: "0123456789abcdef0123" },
    changes: [{ status: "A", path }],
    readBefore: () => "",
    readAfter: () => sopsShapedContent(values, { format: "json" }),
    environmentsBefore: ["dev"],
    environmentsAfter: ["dev"],
  });
  const md = renderMarkdown(report);
  const lines = md.split("\n");

  it("keeps every rendered line outside code spans free of markup from the pull request", () => {
    expect(report.files).toHaveLength(1);
    for (const line of lines) {
      const { outside } = codeSpans(line);
      expect([line, /[<>@|]|\]\(|\*\*bold|!\[/.test(outside.replace(/^> |\*\*⚠|⚠\*\*/g, ""))]).toEqual([
        line,
        line === "<!-- sops-secrets-review -->",
      ]);
    }
  });

  it("lists every key once, in its own list item, exactly as named (quoted key paths, bidi controls escaped)", () => {
    const items = lines.filter((l) => l.startsWith("- key added: "));
    expect(items).toHaveLength(HOSTILE_KEYS.length);
    const shown = items.map((l) => codeSpans(l.slice("- key added: ".length)).spans);
    for (const spans of shown) expect(spans).toHaveLength(1);
    // keys that are not identifiers are quoted key paths (["a`b"], ["line\nbreak"]); bidi controls are escaped
    // as everywhere else (src/cli/printable.ts; until the one formatter, review showed them as "?")
    expect(shown.map(([s]) => s).sort()).toEqual(
      HOSTILE_KEYS.map((k) => `[${JSON.stringify(k)}]`.replace(/\u202E/g, "\\u202e")).sort(),
    );
  });

  it("has no raw control or bidi character and exactly one marker, the first line", () => {
    expect(md).not.toMatch(/[\r\u202E]/);
    expect(lines.filter((l) => l.startsWith("<!--"))).toEqual(["<!-- sops-secrets-review -->"]);
    expect(lines[0]).toBe("<!-- sops-secrets-review -->");
    expect(md).not.toContain("PLAINTEXT");
  });

  it("names the file in one code span in the heading", () => {
    const heading = lines.find((l) => l.startsWith("### added: "))!;
    expect(codeSpans(heading)).toEqual({ spans: [path], outside: "### added: " });
  });

  it("keeps each name on its line in the terminal too", () => {
    const text = renderText(report);
    for (const ch of ["\r", "\u202E", "\u001b"]) expect(text).not.toContain(ch);
    expect(text.split("\n").filter((l) => l.startsWith("  key added: "))).toHaveLength(HOSTILE_KEYS.length);
  });
});

describe("plan table cells", () => {
  it("a | in a name cannot add a column", () => {
    for (const name of ["a|b", "a\\|b", "a\\\\|b", "|", "`|`"]) {
      const cell = code(name, true);
      // GFM splits a row on pipes not escaped by a backslash (a backslash escapes the next character)
      let unescaped = 0;
      for (let i = 0; i < cell.length; i++) {
        if (cell[i] === "\\") i++;
        else if (cell[i] === "|") unescaped++;
      }
      expect([name, unescaped]).toEqual([name, 0]);
    }
  });
});
