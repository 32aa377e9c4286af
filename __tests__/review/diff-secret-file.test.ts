import { diffSecretFile, leafPaths } from "../../src/review/diff-secret-file";
import { renderText } from "../../src/review/render-review";
import { reviewChanges } from "../../src/review/review-changes";
import { parseSopsFile, ParsedSopsFile } from "../../src/sops/parse-sops-file";
import { InputType } from "../../src/discovery/discover-secrets";
import { sopsShapedContent } from "../../test-support/sops-shaped-file";
import { sopsAddKeys, sopsEdit } from "./temp-repo";
import { runCheck } from "../../src/check/run-check";
import { makeTempRepo, removeTempRepos } from "../../test-support/temp-repo";

afterAll(removeTempRepos);

function parse(text: string, type: InputType = "json"): ParsedSopsFile {
  const result = parseSopsFile("x", text, type);
  if (!result.ok) throw new Error(result.diagnostic.message);
  return result.file;
}

const NESTED = {
  db: {
    password: "PLAINTEXT-1",
    user: "PLAINTEXT-2",
    replicas: [{ host: "PLAINTEXT-3" }, { host: "PLAINTEXT-4" }],
  },
  hosts: ["PLAINTEXT-5", "PLAINTEXT-6"],
  "odd.key": "PLAINTEXT-7",
  port: 5432,
};

describe("diffSecretFile", () => {
  it("names leaves by full key path: nested objects, list items, odd keys", () => {
    const file = parse(sopsShapedContent(NESTED, { format: "yaml" }), "yaml");
    expect([...leafPaths(file.data).keys()].sort()).toEqual([
      '["odd.key"]',
      "db.password",
      "db.replicas[0].host",
      "db.replicas[1].host",
      "db.user",
      "hosts[0]",
      "hosts[1]",
      "port",
    ]);
  });

  it("a value changed iff its ciphertext changed (sops set keeps the others)", () => {
    const before = sopsShapedContent(NESTED, { format: "yaml", seed: "n" });
    const after = sopsAddKeys(sopsEdit(before, "yaml", { set: ["db.replicas.1.host", "hosts.0"] }), "yaml", [
      "db.name",
    ]);
    const diff = diffSecretFile(parse(before, "yaml"), parse(after, "yaml"));
    expect(diff).toMatchObject({
      keysAdded: ["db.name"],
      keysRemoved: [],
      valuesChanged: ["db.replicas[1].host", "hosts[0]"],
      reencrypted: false,
      recipientsAdded: [],
      recipientsRemoved: [],
      becamePlaintext: [],
      plaintextKeys: [],
    });
  });

  it("detects a whole-file re-encryption from the values (two or more) and says so instead of listing keys", () => {
    const diff = diffSecretFile(
      parse(sopsShapedContent(NESTED, { format: "json", seed: "one" })),
      parse(sopsShapedContent(NESTED, { format: "json", seed: "two" })),
    );
    expect(diff.reencrypted).toBe(true);
    expect(diff.valuesChanged).toEqual([]);
  });

  it("detects a re-encryption of a one-value file from the data key blobs and the mac", () => {
    const one = { password: "PLAINTEXT-1" };
    const before = parse(sopsShapedContent(one, { format: "json", seed: "one" }));
    expect(
      diffSecretFile(before, parse(sopsShapedContent(one, { format: "json", seed: "two" }))).reencrypted,
    ).toBe(true);
    // sops set on the only value: new ciphertext and mac, same data key
    const set = diffSecretFile(
      before,
      parse(sopsEdit(sopsShapedContent(one, { format: "json", seed: "one" }), "json", { set: ["password"] })),
    );
    expect(set).toMatchObject({ reencrypted: false, valuesChanged: ["password"] });
  });

  it("reports recipients added and removed, sorted, without touching values", () => {
    const before = sopsShapedContent(
      { a: "PLAINTEXT-1" },
      { format: "json", ageRecipients: ["age1zzz", "age1bbb"] },
    );
    const after = sopsEdit(before, "json", { addAge: ["age1aaa"] });
    const tree = JSON.parse(after);
    tree.sops.age = tree.sops.age.filter((e: { recipient: string }) => e.recipient !== "age1zzz");
    const diff = diffSecretFile(parse(before), parse(JSON.stringify(tree)));
    expect(diff.recipientsAdded).toEqual([{ type: "age", id: "age1aaa" }]);
    expect(diff.recipientsRemoved).toEqual([{ type: "age", id: "age1zzz" }]);
    expect(diff.valuesChanged).toEqual([]);
    expect(diff.reencrypted).toBe(false);
  });

  it("flags values that became plaintext and marks plaintext keys, never keeping a value", () => {
    const before = sopsShapedContent({ a: "PLAINTEXT-1", b: "PLAINTEXT-2" }, { format: "json" });
    const after = JSON.parse(sopsEdit(before, "json", { plain: { a: "PLAINTEXT-leak" } }));
    after.note_unencrypted = "PLAINTEXT-note";
    const diff = diffSecretFile(parse(before), parse(JSON.stringify(after)));
    expect(diff.becamePlaintext).toEqual(["a"]);
    expect(diff.valuesChanged).toEqual([]);
    expect(diff.keysAdded).toEqual(["note_unencrypted"]);
    expect(diff.plaintextKeys).toEqual(["note_unencrypted"]);
    expect(JSON.stringify(diff)).not.toMatch(/PLAINTEXT/);
  });

  it("says when only the metadata changed", () => {
    const before = sopsShapedContent({ a: "PLAINTEXT-1" }, { format: "json" });
    const tree = JSON.parse(before);
    tree.sops.lastmodified = "2026-02-02T00:00:00Z";
    expect(diffSecretFile(parse(before), parse(JSON.stringify(tree))).metadataOnly).toBe(true);
  });

  it("compares dotenv files key by key", () => {
    const before = sopsShapedContent({ A: "PLAINTEXT-1", B: "PLAINTEXT-2" }, { format: "dotenv", seed: "e" });
    const lines = before.split("\n").map((l) => (l.startsWith("B=") ? "C=" + l.slice(2) : l));
    const diff = diffSecretFile(parse(before, "dotenv"), parse(lines.join("\n"), "dotenv"));
    expect(diff).toMatchObject({
      keysAdded: ["C"],
      keysRemoved: ["B"],
      valuesChanged: [],
      reencrypted: false,
    });
  });
});

describe("reviewChanges", () => {
  it("does not quote a file that cannot be parsed (parser messages may contain plaintext)", () => {
    const report = reviewChanges({
      base: { ref: "main", commit: "0123456789abcdef" },
      changes: [{ status: "A", path: "secrets/dev/broken.enc.json" }],
      readBefore: () => "",
      readAfter: () => '{\n  "password": PLAINTEXT-unquoted\n}\n',
      environmentsBefore: ["dev"],
      environmentsAfter: ["dev"],
    });
    const text = renderText(report);
    expect(text).not.toContain("PLAINTEXT");
    expect(text.split("\n").slice(3)).toEqual([
      "added secrets/dev/broken.enc.json",
      "  environment dev, secret dev/broken",
      "  ⚠ cannot be parsed as JSON in the working tree: run npm run check",
      "",
    ]);
  });

  it("keeps the secret when a rename only changes the format, and ignores files that are no secrets", () => {
    const report = reviewChanges({
      base: { ref: "main", commit: "0123456789abcdef" },
      changes: [
        { status: "R", oldPath: "secrets/dev/a.enc.json", path: "secrets/dev/a.enc.yaml" },
        { status: "M", path: "secrets/dev/README.md" },
        { status: "A", path: "secrets/top.enc.json" },
      ],
      readBefore: () => sopsShapedContent({ k: "PLAINTEXT-1" }, { format: "json" }),
      readAfter: () => sopsShapedContent({ k: "PLAINTEXT-1" }, { format: "yaml" }),
      environmentsBefore: ["dev"],
      environmentsAfter: ["dev"],
    });
    expect(report.files).toHaveLength(1);
    expect(renderText(report).split("\n").slice(3)).toEqual([
      "renamed secrets/dev/a.enc.json → secrets/dev/a.enc.yaml",
      "  environment dev, secret dev/a",
      "  same secret name and Terraform address: the secret is kept",
      "  no key, value or recipient changed",
      "",
    ]);
  });

  it("announces a new environment once, on its first file", () => {
    const report = reviewChanges({
      base: { ref: "main", commit: "0123456789abcdef" },
      changes: [
        { status: "A", path: "secrets/qa/b.enc.json" },
        { status: "A", path: "secrets/qa/a.enc.json" },
      ],
      readBefore: () => "",
      readAfter: () => sopsShapedContent({ k: "PLAINTEXT-1" }, { format: "json" }),
      environmentsBefore: ["dev"],
      environmentsAfter: ["dev", "qa"],
    });
    expect(report.files.map((f) => [f.path, f.newEnvironment])).toEqual([
      ["secrets/qa/a.enc.json", true],
      ["secrets/qa/b.enc.json", false],
    ]);
  });
});

describe("one key-path format for check and review", () => {
  it("review names a plaintext odd key exactly as check's SS002 does", () => {
    const values = { "odd key": "PLAINTEXT-1", "a.b": { "c`d": "PLAINTEXT-2" }, ok: "PLAINTEXT-3" };
    const content = sopsShapedContent(values, { format: "json", leavePlain: ["odd key", "c`d"] });
    const root = makeTempRepo({ "secrets/dev/x.enc.json": content });
    const check = runCheck([], root).stdout;
    const diff = diffSecretFile(undefined, parse(content));
    expect(diff.keysAdded).toEqual(['["a.b"]["c`d"]', '["odd key"]', "ok"]);
    expect(diff.plaintextKeys).toEqual(['["a.b"]["c`d"]', '["odd key"]']);
    expect(check).toContain('the value at "["a.b"]["c`d"]" is plaintext');
    for (const key of diff.plaintextKeys) expect(check).toContain(`"${key}"`);
  });
});
