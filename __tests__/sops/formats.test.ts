/**
 * The formats sops writes (issue 12): dotenv keys as sops reads them, INI, the binary format, multi-document
 * YAML, `type:time` values. Never "cannot be parsed" for something sops wrote.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseEncValue } from "../../src/sops/encrypted-values";
import { parseSopsFile } from "../../src/sops/parse-sops-file";
import { readSopsConfig } from "../../src/sops/sops-config";
import { estimateStoredSize, storedFormatFor } from "../../src/sops/size-estimate";

const ENC = (n: number, type = "str") =>
  `ENC[AES256_GCM,data:${Buffer.alloc(n, 1).toString("base64")},iv:${Buffer.alloc(32).toString("base64")},tag:${Buffer.alloc(16).toString("base64")},type:${type}]`;
const DOTENV_META = [
  "sops_age__list_0__map_recipient=age1xyz",
  "sops_age__list_0__map_enc=-----BEGIN AGE ENCRYPTED FILE-----\\nabc\\n-----END AGE ENCRYPTED FILE-----\\n",
  "sops_lastmodified=2026-01-01T00:00:00Z",
  `sops_mac=${ENC(32)}`,
  "sops_unencrypted_suffix=_unencrypted",
  "sops_version=3.10.2",
].join("\n");

describe("dotenv", () => {
  it("keys are everything before the first `=`, untrimmed", () => {
    const text = `foo =${ENC(1)}\nexport A=${ENC(2)}\nB=${ENC(3)}=x\n${DOTENV_META}\n`;
    const result = parseSopsFile("s.enc.env", text, "dotenv");
    expect(result.ok && Object.keys(result.file.data)).toEqual(["foo ", "export A", "B"]);
  });

  it("says a duplicate key cannot become one JSON object (not 'cannot be parsed')", () => {
    const result = parseSopsFile("s.enc.env", `A=${ENC(1)}\nA=${ENC(2)}\n${DOTENV_META}\n`, "dotenv");
    expect(result).toEqual({
      ok: false,
      diagnostic: expect.objectContaining({
        ruleId: "SS012",
        line: 2,
        message:
          'has the key "A" twice (lines 1 and 2): sops accepts that, but one JSON object cannot hold two values for one key (the provider would keep only the last)',
      }),
    });
    expect(result.ok || result.diagnostic.message).not.toMatch(/cannot be parsed/);
  });
});

describe("INI", () => {
  const ini = [
    `top = ${ENC(4)}`,
    "[db]",
    `password = ${ENC(5)}`,
    `; ${ENC(7, "comment")}`,
    "user_unencrypted = app",
    "",
    "[sops]",
    "age__list_0__map_recipient = age1xyz",
    "lastmodified = 2026-01-01T00:00:00Z",
    `mac = ${ENC(32)}`,
    "unencrypted_suffix = _unencrypted",
    "version = 3.10.2",
  ].join("\n");

  it("is sections of keys, metadata in [sops]", () => {
    const result = parseSopsFile("s.enc.ini", ini, "ini");
    if (!result.ok) throw new Error(result.diagnostic.message);
    expect(result.file.data).toEqual({
      DEFAULT: { top: ENC(4) },
      db: { password: ENC(5), user_unencrypted: "app" },
    });
    expect(result.file.metadata?.recipients).toEqual([{ type: "age", id: "age1xyz" }]);
  });

  it("is stored as the provider's flattened data: {top, db.password, db.user_unencrypted}", () => {
    const result = parseSopsFile("s.enc.ini", ini, "ini");
    if (!result.ok) throw new Error();
    // {"top":"xxxx","db.password":"xxxxx","db.user_unencrypted":"app"}
    expect(estimateStoredSize(result.file.data, storedFormatFor("ini"))).toBe(
      JSON.stringify({ top: "xxxx", "db.password": "xxxxx", "db.user_unencrypted": "app" }).length,
    );
  });

  it("refuses two entries that flatten to one key, saying why", () => {
    const result = parseSopsFile("s.enc.ini", `a.b = ${ENC(1)}\n[a]\nb = ${ENC(1)}\n`, "ini");
    expect(!result.ok && result.diagnostic.message).toBe(
      'has two entries stored as the key "a.b" (lines 1 and 3): the provider flattens sections to `section.key`, and one JSON object cannot hold both',
    );
  });
});

describe("binary format (input_type raw)", () => {
  const text = JSON.stringify({
    data: ENC(1234),
    sops: { age: [{ recipient: "age1xyz", enc: "x" }], version: "3.9.0" },
  });

  it("reads {data, sops} and stores the plaintext string", () => {
    const result = parseSopsFile("cert.enc.pem", text, "raw");
    if (!result.ok) throw new Error(result.diagnostic.message);
    expect(result.file.data).toEqual({ data: ENC(1234) });
    expect(estimateStoredSize(result.file.data, storedFormatFor("raw"))).toBe(1234);
  });

  it("treats a plaintext file as plaintext (no metadata), never quoting it", () => {
    const result = parseSopsFile("cert.enc.pem", "-----BEGIN CERTIFICATE-----\nabc\n", "raw");
    expect(result).toEqual({ ok: true, file: { data: {} } });
  });

  it("refuses extra top-level keys", () => {
    const extra = JSON.stringify({ data: ENC(1), note: "x", sops: {} });
    const result = parseSopsFile("a.enc.txt", extra, "raw");
    expect(!result.ok && result.diagnostic.message).toBe(
      'cannot be parsed as sops binary-format JSON: a sops binary-format file holds exactly "data" and "sops", this one also "note"',
    );
  });
});

describe("YAML", () => {
  it("says a multi-document file is real sops output that makes no single secret", () => {
    const doc = `a: ${ENC(1)}\nsops:\n  age:\n    - recipient: age1xyz\n  version: 3.9.0\n`;
    const result = parseSopsFile("m.enc.yaml", `${doc}---\n${doc}`, "yaml");
    expect(!result.ok && result.diagnostic).toMatchObject({
      ruleId: "SS012",
      message:
        "holds 2 YAML documents: sops encrypts a multi-document file as a whole, but this project makes one secret from one file, and one secret is one JSON object",
      fix: expect.stringContaining("split it into one file per document"),
    });
    expect(!result.ok && result.diagnostic.message).not.toMatch(/hand|cannot be parsed/);
  });

  it("reads hckms (HuaweiCloud KMS, sops >= 3.12) recipients as recipients", () => {
    const text = `a: ${ENC(1)}\nsops:\n  hckms:\n    - key_id: tr-west-1:0000\n      created_at: "2026-01-01T00:00:00Z"\n      enc: x\n  version: 3.12.0\n`;
    const result = parseSopsFile("h.enc.yaml", text, "yaml");
    expect(result.ok && result.file.metadata?.recipients).toEqual([{ type: "hckms", id: "tr-west-1:0000" }]);
  });

  it("reads type:time values (sops >= 3.10) as encrypted values", () => {
    expect(parseEncValue(ENC(20, "time"))).toEqual({ plaintextLength: 20, type: "time" });
    // stored as a JSON string: "2026-01-01T00:00:00Z" is 20 bytes plus two quotes
    expect(estimateStoredSize({ at: ENC(20, "time") }, "compact-json")).toBe('{"at":""}'.length + 20);
  });
});

describe(".sops.yaml (issue 11)", () => {
  const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "sops-config-"));

  it("says a folder is a folder, not 'not found'", () => {
    const root = tmp();
    fs.mkdirSync(path.join(root, ".sops.yaml"));
    expect(readSopsConfig(root)).toEqual({
      found: true,
      config: {
        rules: [],
        problems: [
          {
            message:
              "is a folder, not a file: sops finds it by name and then fails to read it, so no file has a creation rule",
          },
        ],
      },
    });
    fs.rmSync(root, { recursive: true });
  });

  it("says a multi-document file is read as its first document only, without the yaml library's advice", () => {
    const root = tmp();
    fs.writeFileSync(
      path.join(root, ".sops.yaml"),
      "creation_rules:\n  - age: age1x\n---\ncreation_rules: []\n",
    );
    const result = readSopsConfig(root);
    const problems = result.found ? result.config.problems : [];
    expect(problems).toEqual([
      {
        message:
          "holds 2 YAML documents (separated by `---`): sops reads only the first one and silently ignores the rest, so rules in the others never apply; keep one document",
        line: 3,
      },
    ]);
    expect(JSON.stringify(problems)).not.toMatch(/parseAllDocuments/);
    fs.rmSync(root, { recursive: true });
  });
});
