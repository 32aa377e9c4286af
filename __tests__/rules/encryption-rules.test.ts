import { analyzeRepo } from "../../src/analysis/analyze-repo";
import { Diagnostic, formatDiagnostic } from "../../src/diagnostics";
import { brokenMetadata } from "../../src/rules/broken-metadata";
import { notEncrypted } from "../../src/rules/not-encrypted";
import { partiallyEncrypted } from "../../src/rules/partially-encrypted";
import { Rule } from "../../src/rules/rule";
import { shapedCiphertext, ShapedRandom, sopsShapedContent } from "../../test-support/sops-shaped-file";
import { makeTempRepo, removeTempRepos } from "../../test-support/temp-repo";

afterAll(removeTempRepos);

function check(rule: Rule, files: Record<string, string>): Diagnostic[] {
  return analyzeRepo(makeTempRepo(files), { rules: [rule] }).diagnostics.filter((d) => d.ruleId === rule.id);
}

const VALUES = {
  username: "admin",
  password: "correct horse battery staple",
  port: 5432,
  nested: { token: "t0k" },
};

describe("SS001 not-encrypted", () => {
  it("passes sops-shaped files of every format", () => {
    expect(
      check(notEncrypted, {
        "secrets/dev/a.enc.json": sopsShapedContent(VALUES, { format: "json" }),
        "secrets/dev/b.enc.yaml": sopsShapedContent(VALUES, { format: "yaml" }),
        "secrets/dev/c.enc.env": sopsShapedContent({ A: "1", B: "2" }, { format: "dotenv" }),
      }),
    ).toEqual([]);
  });

  it.each([
    ["json", "secrets/dev/plain.enc.json"],
    ["yaml", "secrets/dev/plain.enc.yaml"],
    ["dotenv", "secrets/dev/plain.enc.env"],
  ] as const)("reports a %s file without sops metadata", (format, path) => {
    const values = format === "dotenv" ? { PASSWORD: "hunter2" } : VALUES;
    const diagnostics = check(notEncrypted, {
      [path]: sopsShapedContent(values, { format, omit: ["sops"] }),
    });
    expect(diagnostics).toEqual([expect.objectContaining({ ruleId: "SS001", severity: "error", path })]);
    expect(diagnostics[0].fix).toContain(`sops encrypt --in-place ${path}`);
    expect(formatDiagnostic(diagnostics[0])).not.toMatch(/hunter2|correct horse/);
  });
});

describe("SS002 partially-encrypted", () => {
  it("passes fully encrypted files, _unencrypted keys and their subtrees, empty strings and nulls", () => {
    const values = {
      ...VALUES,
      empty: "",
      nothing: null,
      list: ["a", "b", { deep: "c" }],
      public_unencrypted: { note: "not secret", items: ["x", 1, true] },
    };
    expect(
      check(partiallyEncrypted, {
        "secrets/dev/a.enc.json": sopsShapedContent(values, { format: "json" }),
        "secrets/dev/b.enc.yaml": sopsShapedContent(values, { format: "yaml" }),
      }),
    ).toEqual([]);
  });

  it("passes encrypted_regex files whose other keys are plain", () => {
    const values = { kind: "Secret", metadata: { name: "x" }, stringData: { key: "v", list: ["a"] } };
    const content = sopsShapedContent(values, { format: "yaml", encryptedRegex: "^(data|stringData)$" });
    expect(content).toContain("kind: Secret");
    expect(check(partiallyEncrypted, { "secrets/dev/k8s.enc.yaml": content })).toEqual([]);
  });

  it("reports plaintext values by key path and never prints the value", () => {
    const path = "secrets/dev/db.enc.json";
    const diagnostics = check(partiallyEncrypted, {
      [path]: sopsShapedContent(VALUES, { format: "json", leavePlain: ["password", "token"] }),
    });
    expect(diagnostics.map((d) => [d.ruleId, d.severity, d.path])).toEqual([
      ["SS002", "error", path],
      ["SS002", "error", path],
    ]);
    expect(diagnostics.map((d) => d.message)).toEqual([
      expect.stringContaining('"nested.token"'),
      expect.stringContaining('"password"'),
    ]);
    for (const d of diagnostics) {
      expect(d.fix).toContain(`sops edit ${path}`);
      const printed = formatDiagnostic(d);
      expect(printed).not.toContain("correct horse battery staple");
      expect(printed).not.toContain("t0k");
    }
  });

  it("reports plaintext numbers and booleans, and list items under an encrypted key", () => {
    const rng = new ShapedRandom("x");
    const content = JSON.stringify({
      port: 5432,
      enabled: true,
      hosts: [shapedCiphertext(rng, 3), "db-2.internal"],
      sops: JSON.parse(sopsShapedContent({}, { format: "json" })).sops,
    });
    const messages = check(partiallyEncrypted, { "secrets/dev/x.enc.json": content }).map((d) => d.message);
    expect(messages).toEqual([
      expect.stringContaining('"enabled"'),
      expect.stringContaining('"hosts[1]"'),
      expect.stringContaining('"port"'),
    ]);
    expect(messages.join()).not.toContain("db-2.internal");
  });

  it("reports damaged ENC values", () => {
    const content = sopsShapedContent({ a: "secret" }, { format: "yaml" }).replace(
      /data:[^,]+,/,
      "data:hunter2,",
    );
    const diagnostics = check(partiallyEncrypted, { "secrets/dev/x.enc.yaml": content });
    expect(diagnostics).toEqual([
      expect.objectContaining({ ruleId: "SS002", path: "secrets/dev/x.enc.yaml" }),
    ]);
    expect(diagnostics[0].message).toContain('"a"');
    expect(diagnostics[0].message).not.toContain("hunter2");
  });

  it("applies the file's own encrypted_suffix (mac_only_encrypted does not change what is encrypted)", () => {
    const rng = new ShapedRandom("s");
    const yaml = [
      "spec:",
      "  secretTemplates:",
      `    - name: ${shapedCiphertext(rng, 5)}`,
      `      other: ${shapedCiphertext(rng, 5)}`,
      "  plain: visible",
      "sops:",
      "  age:",
      "    - recipient: age1x",
      "      enc: x",
      "  lastmodified: '2026-01-01T00:00:00Z'",
      `  mac: ${shapedCiphertext(rng, 64)}`,
      "  encrypted_suffix: Templates",
      "  mac_only_encrypted: true",
      "",
    ].join("\n");
    expect(check(partiallyEncrypted, { "secrets/dev/s.enc.yaml": yaml })).toEqual([]);
    const leaked = yaml.replace(/ {6}other: .*/, "      other: leaked-value");
    const diagnostics = check(partiallyEncrypted, { "secrets/dev/s.enc.yaml": leaked });
    expect(diagnostics.map((d) => d.message)).toEqual([
      expect.stringContaining('"spec.secretTemplates[0].other"'),
    ]);
  });

  it("caps the number of values reported per file", () => {
    const many = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`k${i}`, `v${i}`]));
    const diagnostics = check(partiallyEncrypted, {
      "secrets/dev/x.enc.json": sopsShapedContent(many, { format: "json", leavePlain: Object.keys(many) }),
    });
    expect(diagnostics).toHaveLength(21);
    expect(diagnostics.filter((d) => d.message.includes("10 more value(s)"))).toHaveLength(1);
  });
});

describe("SS003 broken-metadata", () => {
  it("passes complete metadata", () => {
    expect(
      check(brokenMetadata, { "secrets/dev/a.enc.json": sopsShapedContent(VALUES, { format: "json" }) }),
    ).toEqual([]);
  });

  it.each([
    ["mac", /no sops mac/],
    ["lastmodified", /no sops lastmodified/],
    ["recipients", /names no recipient/],
  ] as const)("reports a file without %s", (field, message) => {
    const path = "secrets/dev/a.enc.yaml";
    const diagnostics = check(brokenMetadata, {
      [path]: sopsShapedContent(VALUES, { format: "yaml", omit: [field] }),
    });
    expect(diagnostics).toEqual([expect.objectContaining({ ruleId: "SS003", severity: "error", path })]);
    expect(diagnostics[0].message).toMatch(message);
    expect(diagnostics[0].fix).toContain(`git restore ${path}`);
  });

  it("reports two encryption rules, which sops refuses", () => {
    const content = sopsShapedContent(VALUES, {
      format: "json",
      unencryptedSuffix: "_plain",
      encryptedRegex: "^password$",
    });
    const diagnostics = check(brokenMetadata, { "secrets/dev/a.enc.json": content });
    expect(diagnostics.map((d) => d.message)).toEqual([
      expect.stringContaining("more than one encryption rule"),
    ]);
  });
});
