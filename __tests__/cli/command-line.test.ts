/**
 * The one argument parser (src/cli/command-line.ts), and every command as a process: `--help` prints the
 * usage on stdout with exit 0; an unknown flag is a usage error (`<command>: unknown argument "..."`, the
 * usage, exit 2); synth without arguments (as the cdktf CLI runs it) still synthesizes.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { parseCommandLine, singleStringOption } from "../../src/cli/command-line";
import { printable } from "../../src/cli/printable";
import { sopsShapedContent } from "../../test-support/sops-shaped-file";
import { makeTempRepo, removeTempRepos } from "../../test-support/temp-repo";

afterAll(removeTempRepos);

const ROOT = path.resolve(__dirname, "../..");
const SPEC = {
  name: "demo",
  usage: "Usage: demo [--json] [--out <file>]",
  options: { json: { type: "boolean" as const }, out: { type: "string" as const } },
};

describe("parseCommandLine", () => {
  test("options, --help and -h", () => {
    expect(parseCommandLine(SPEC, ["--json", "--out", "a.html"])).toEqual({
      kind: "run",
      values: { json: true, out: "a.html" },
      positionals: [],
    });
    expect(parseCommandLine(SPEC, ["--out=b"])).toMatchObject({ kind: "run", values: { out: "b" } });
    for (const help of [["--help"], ["-h"], ["--json", "--help"]])
      expect(parseCommandLine(SPEC, help)).toEqual({
        kind: "help",
        text: "Usage: demo [--json] [--out <file>]\n",
      });
  });

  test.each([
    [["--nope"], 'unknown argument "--nope"'],
    [["-x"], 'unknown argument "-x"'],
    [["--out"], "--out needs a value (--out <value> or --out=<value>)"],
    [["--out", "--json"], "--out needs a value (--out <value> or --out=<value>)"],
    [["--json=yes"], "--json does not take a value"],
    [["extra"], 'unexpected argument "extra"'],
  ])("usage error for %j: %s", (argv, problem) => {
    expect(parseCommandLine(SPEC, argv)).toEqual({
      kind: "usage-error",
      problem,
      message: `demo: ${problem}\n\nUsage: demo [--json] [--out <file>]\n`,
    });
  });

  test("positionals up to maxPositionals; an option given twice", () => {
    const spec = {
      ...SPEC,
      maxPositionals: 1,
      options: { tag: { type: "string" as const, multiple: true } },
    };
    expect(parseCommandLine(spec, ["a"])).toMatchObject({ kind: "run", positionals: ["a"] });
    expect(parseCommandLine(spec, ["a", "b"])).toMatchObject({ problem: 'unexpected argument "b"' });
    const twice = parseCommandLine(spec, ["--tag=x", "--tag", "y"]);
    expect(twice.kind === "run" && singleStringOption(twice.values, "tag")).toEqual({
      error: "--tag was given twice",
    });
  });

  test("printable escapes control characters", () => {
    expect(printable("a\u001b[31mb\nc\u2028d\u007f")).toBe("a\\x1b[31mb\\x0ac\\u2028d\\x7f");
    expect(printable("plain/ünïcode name")).toBe("plain/ünïcode name");
    // format characters too (bidi overrides and isolates, zero-width, BOM), and beyond the BMP
    expect(printable("a\u202eb\u2066c\u200bd\ufeffe\u{e0001}f")).toBe(
      "a\\u202eb\\u2066c\\u200bd\\ufeffe\\u{e0001}f",
    );
    expect(printable("emoji 🔑 and CJK 鍵 stay")).toBe("emoji 🔑 and CJK 鍵 stay");
  });
});

describe("every command as a process", () => {
  const secret = sopsShapedContent({ password: "x" }, { format: "json" });
  let repo: string;
  beforeAll(() => {
    repo = makeTempRepo({ "secrets/dev/db.enc.json": secret });
  });
  const run = (script: string, args: string[], cwd = repo) =>
    spawnSync(process.execPath, [path.join(ROOT, "scripts/run.js"), script, ...args], {
      cwd,
      encoding: "utf8",
    });

  const COMMANDS: [string, string, RegExp][] = [
    ["synth", "main.ts", /^Usage: npm run synth/],
    ["check", "bin/check.ts", /^Usage: npm run check/],
    ["envs", "bin/envs.ts", /^Usage: npm run -s envs/],
    ["new-env", "bin/new-env.ts", /^usage: npm run new-env/],
    ["access", "bin/access.ts", /^Usage: npm run access/],
    ["rekey", "bin/rekey.ts", /^Usage: npm run rekey/],
    ["review", "bin/review.ts", /^usage: npm run review/],
    ["bench", "bench/run-benchmarks.ts", /^Usage: npm run bench/],
  ];

  test.each(COMMANDS)("%s --help: usage on stdout, exit 0, nothing written", (_, script, usage) => {
    const r = run(script, ["--help"]);
    expect([r.status, r.stderr]).toEqual([0, ""]);
    expect(r.stdout).toMatch(usage);
    expect(fs.existsSync(path.join(repo, "cdktf.out"))).toBe(false);
  });

  test.each(COMMANDS)("%s --frobnicate: one usage error, exit 2", (name, script, usage) => {
    const r = run(script, ["--frobnicate"]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    const [first, ...rest] = r.stderr.split("\n\n");
    expect(first).toBe(`${name}: unknown argument "--frobnicate"`);
    expect(rest.join("\n\n")).toMatch(usage);
  });

  test("synth without arguments (how the cdktf CLI runs cdktf.json's app) still synthesizes", () => {
    const r = run("main.ts", []);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Synthesized 1 stack into cdktf.out\/stacks: dev \(1 secret\)/);
    expect(fs.existsSync(path.join(repo, "cdktf.out", "stacks", "dev", "cdk.tf.json"))).toBe(true);
    const app = (JSON.parse(fs.readFileSync(path.join(ROOT, "cdktf.json"), "utf8")) as { app: string }).app;
    expect(app).toBe("node scripts/run.js main.ts");
  });
});
