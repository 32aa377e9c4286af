/**
 * resolveFast (src/cdktf/fast-resolve.ts) returns what cdktf's resolve returns, value by value (plain data,
 * every kind of token, the strings cdktf inspects twice), and toTerraformFast builds cdktf's document. That
 * synth with it writes the same bytes as with cdktf's own `toTerraform` is in byte-identity.test.ts.
 */
import { App, Fn, Lazy, TerraformOutput, TerraformStack, Token } from "cdktf";
import * as privateResolve from "cdktf/lib/tokens/private/resolve";
import { SecretsmanagerSecret } from "@cdktf/provider-aws/lib/secretsmanager-secret";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { resolveFast, toTerraformFast } from "../../src/cdktf/fast-resolve";
import { cdktfResolve } from "../../src/cdktf/internals";
import { makeTempDir } from "../../test-support/example-repo";

function stackWithTokens() {
  const app = new App({ outdir: makeTempDir(), stackTraces: false });
  const stack = new TerraformStack(app, "probe");
  new AwsProvider(stack, "aws", { region: "us-east-1" });
  const secret = new SecretsmanagerSecret(stack, "secret", { name: "n" });
  return { stack, secret };
}

describe("resolveFast", () => {
  const { stack, secret } = stackWithTokens();
  const cases: Record<string, unknown> = {
    "plain nested data": { a: "x", b: [1, 2, { c: true, d: null }], e: { f: "g" } },
    "undefined in objects and arrays": { a: undefined, b: [undefined, "x", undefined], c: { d: undefined } },
    "a string token": secret.arn,
    "a string with a token inside": `arn=${secret.arn};`,
    "a token nested in plain data": { policy: { Resource: [secret.arn, "*"], n: 1 }, plain: "p" },
    "a number token": Token.asNumber(secret.arn),
    "a list token": Fn.split(",", secret.name),
    "a list with a token element": ["a", secret.id, "b"],
    "a map token": Token.asStringMap(secret.tags),
    "a function token": Fn.jsonencode({ a: secret.arn, b: "c" }),
    "a lazy value": Lazy.stringValue({ produce: () => "lazy" }),
    "an escaped interpolation": "${var.not_a_token} and $${literal}",
    "strings like number tokens": ["1e5", "a-e-b", "v1.2e3", "x-e+1"],
    "a Date": new Date(0),
    "big and fractional numbers": [0.5, -1e300, 2 ** 60, Number.MAX_SAFE_INTEGER],
    "a key that holds a token": { [`k-${secret.name}`]: "v" },
  };
  it.each(Object.keys(cases))("resolves %s exactly as cdktf does", (name) => {
    const value = cases[name];
    const expected = cdktfResolve(stack, value);
    const actual = resolveFast(stack, value);
    expect(actual).toEqual(expected);
    expect(JSON.stringify(actual)).toBe(JSON.stringify(expected));
  });

  it("refuses what cdktf refuses, with cdktf's error naming the same path", () => {
    const message = (fn: () => unknown): string => {
      try {
        fn();
      } catch (e) {
        return (e as Error).message;
      }
      return "did not throw";
    };
    for (const bad of [
      { f: () => 1 },
      { s: Token.STRING_MAP_TOKEN_VALUE },
      { n: [Token.NUMBER_MAP_TOKEN_VALUE] },
      { list: [`x${Fn.split(",", secret.name)[0]}`] },
      { c: stack },
      { deep: Array.from({ length: 250 }).reduce<unknown>((inner) => ({ x: inner }), "bottom") },
      { looks: { like: { _children: [], _metadata: [] } } },
      (() => {
        const cyclic: Record<string, unknown> = { token: secret.arn };
        cyclic.self = cyclic;
        return { cyclic };
      })(),
    ]) {
      const expected = message(() => cdktfResolve(stack, bad));
      expect(expected).not.toBe("did not throw");
      expect(message(() => resolveFast(stack, bad))).toBe(expected);
    }
  });

  it("copies plain data without calling cdktf, and hands a token to cdktf", () => {
    const spy = jest.spyOn(privateResolve, "resolve");
    try {
      resolveFast(stack, { a: "x", b: [1, { c: "${aws_s3_bucket.b.id}" }] });
      expect(spy).not.toHaveBeenCalled();
      resolveFast(stack, { a: "x", b: [1, { c: secret.arn }] });
      expect(spy).toHaveBeenCalled();
    } finally {
      spy.mockRestore();
    }
  });

  it("builds the same document as cdktf's toTerraform for a stack with overrides and outputs", () => {
    const { stack: s, secret: sec } = stackWithTokens();
    s.addOverride("terraform.required_version", ">= 1.11");
    s.addOverride("terraform.backend.local.path", `${sec.name}.tfstate`);
    new TerraformOutput(s, "out", { value: { arn: sec.arn, n: 1 } });
    const expected = s.toTerraform();
    expect(toTerraformFast(s)).toEqual(expected);
    expect(JSON.stringify(toTerraformFast(s))).toBe(JSON.stringify(expected));
  });
});
