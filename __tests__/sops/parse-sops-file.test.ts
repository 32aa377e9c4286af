import { parseSopsFile, unflatten } from "../../src/sops/parse-sops-file";
import { lastModifiedSeconds } from "../../src/sops/sops-metadata";
import { sopsShapedContent } from "../../test-support/sops-shaped-file";

describe("parseSopsFile", () => {
  it.each(["json", "yaml", "dotenv"] as const)("reads data and metadata of a %s file", (format) => {
    const text = sopsShapedContent(
      { password: "x", note_unencrypted: "plain" },
      {
        format,
        kmsArns: ["arn:aws:kms:us-east-1:111122223333:key/k"],
        ageRecipients: format === "dotenv" ? [] : ["age1xyz"],
        lastModified: "2026-02-03T04:05:06Z",
      },
    );
    const r = parseSopsFile("secrets/e/a", text, format === "dotenv" ? "dotenv" : format);
    if (!r.ok) throw new Error(r.diagnostic.message);
    expect(Object.keys(r.file.data)).toEqual(["password", "note_unencrypted"]);
    expect(r.file.data.password).toMatch(/^ENC\[AES256_GCM,data:/);
    const m = r.file.metadata!;
    expect(m.recipients).toEqual([
      { type: "kms", id: "arn:aws:kms:us-east-1:111122223333:key/k" },
      ...(format === "dotenv" ? [] : [{ type: "age", id: "age1xyz" }]),
    ]);
    expect(m.unencryptedSuffix).toBe("_unencrypted");
    expect(m.mac).toMatch(/^ENC\[/);
    expect(lastModifiedSeconds(m)).toBe(Date.UTC(2026, 1, 3, 4, 5, 6) / 1000);
  });

  it("reports no metadata for a plaintext file", () => {
    const r = parseSopsFile("p", '{"a": "b"}', "json");
    expect(r.ok && r.file.metadata).toBeUndefined();
  });

  it("names the line of a JSON, YAML or dotenv error", () => {
    const json = parseSopsFile("secrets/e/a.enc.json", '{\n"a": 1,\n}', "json");
    expect(!json.ok && json.diagnostic).toMatchObject({
      ruleId: "SS012",
      path: "secrets/e/a.enc.json",
      line: 3,
    });
    const yaml = parseSopsFile("y", "a: 1\nb: [\n", "yaml");
    expect(!yaml.ok && yaml.diagnostic.line).toBeGreaterThanOrEqual(2);
    const env = parseSopsFile("d", "A=1\nnot a pair\n", "dotenv");
    expect(!env.ok && env.diagnostic).toMatchObject({
      line: 2,
      message: expect.stringMatching(/expected KEY=VALUE/),
    });
  });

  it("refuses a top level that is not an object", () => {
    const r = parseSopsFile("a", "[1, 2]", "json");
    expect(!r.ok && r.diagnostic.message).toMatch(/top level must be an object/);
  });

  it("keeps old sops versions stored as numbers", () => {
    const r = parseSopsFile(
      "a",
      JSON.stringify({ a: "ENC[x]", sops: { version: 1.7, mac: "m", lastmodified: "2016-03-16T00:00:00Z" } }),
      "json",
    );
    expect(r.ok && r.file.metadata?.version).toBe("1.7");
  });
});

describe("unflatten (sops dotenv metadata)", () => {
  it("rebuilds nested lists and maps", () => {
    expect(
      unflatten({
        kms__list_0__map_arn: "a",
        kms__list_1__map_arn: "b",
        mac: "m",
        mac_only_encrypted: "true",
      }),
    ).toEqual({ kms: [{ arn: "a" }, { arn: "b" }], mac: "m", mac_only_encrypted: true });
  });
});

describe("parse errors never repeat file content", () => {
  it("drops V8's quoted context from JSON errors", () => {
    const r = parseSopsFile("s", '{"password": hunter2-super-secret}', "json");
    expect(r.ok).toBe(false);
    expect(JSON.stringify(!r.ok && r.diagnostic)).not.toContain("hunter2");
  });
});

describe("hand-edited or hostile input", () => {
  const SECRET = "Sup3rS3cretPassw0rd";
  const parseFails = (text: string, type: "json" | "yaml" | "dotenv") => {
    const r = parseSopsFile("secrets/e/x", text, type);
    if (r.ok) throw new Error("expected a parse error");
    expect(JSON.stringify(r.diagnostic)).not.toContain(SECRET);
    return r.diagnostic;
  };

  it.each([
    ["an alias", `a: ENC[x]\napi_key: *${SECRET}\n`, /alias/, 2],
    ["an anchor on a null", `a: ENC[x]\napi_key: &${SECRET}\n`, /anchor/, 2],
    ["a tag", `a: ENC[x]\nb: !${SECRET} x\n`, /tag/, 2],
    ["a !!set", `a: ENC[x]\napi_key: !!set {${SECRET}}\n`, /tag/, 2],
    ["a complex key", `a: ENC[x]\n? [${SECRET}]\n: v\n`, /key that is a list or mapping/, 2],
  ])("refuses %s in YAML without repeating it", (_, text, message, line) => {
    const d = parseFails(text, "yaml");
    expect(d.message).toMatch(message);
    expect(d.line).toBe(line);
  });

  it.each([`a: |+${SECRET}\n  x\n`, `%YAML ${SECRET}\n---\na: b\n`, `a: "\\uZZ${SECRET}"\n`])(
    "never repeats YAML syntax error context: %#",
    (text) => {
      expect(parseFails(text, "yaml").message).toMatch(/not valid YAML|cannot be parsed/);
    },
  );

  it("refuses duplicate JSON keys, where JSON.parse would hide the first value", () => {
    const d = parseFails(
      `{\n"session_secret": "${SECRET}",\n"session_secret": "ENC[AES256_GCM,data:x]"\n}`,
      "json",
    );
    expect(d).toMatchObject({ line: 3, message: expect.stringMatching(/duplicate key/) });
    expect(parseFails(`{"a": {"k": 1, "\\u006b": "${SECRET}"}}`, "json").message).toMatch(/duplicate key/);
    const ok = parseSopsFile(
      "x",
      '{"a": {"k": 1}, "b": [{"k": 2}, {"k": 3}], "k": "x,{\\"k\\": 1}"}',
      "json",
    );
    expect(ok.ok).toBe(true);
  });

  it("refuses dotenv keys that would reach Object.prototype", () => {
    const d = parseFails(`A=ENC[x]\nsops___proto____map_sops__map_mac=${SECRET}\n`, "dotenv");
    expect(d).toMatchObject({ line: 2, message: expect.stringMatching(/reserved key name/) });
    expect(({} as Record<string, unknown>).sops).toBeUndefined();
    expect(parseFails("__proto__=x\n", "dotenv").message).toMatch(/reserved key name/);
  });

  it("refuses a byte-order mark", () => {
    expect(parseFails('\uFEFF{"a": 1}', "json").message).toMatch(/byte-order mark/);
  });

  it("tells a sops key that is not a mapping from a missing one", () => {
    const r = parseSopsFile("x", JSON.stringify({ a: "ENC[x]", sops: "oops" }), "json");
    expect(r.ok && r.file.metadataShape).toBe("other");
    const none = parseSopsFile("x", JSON.stringify({ a: "b" }), "json");
    expect(none.ok && none.file.metadataShape).toBeUndefined();
  });
});
