import { analyzeRepo } from "../../src/analysis/analyze-repo";
import { Diagnostic } from "../../src/diagnostics";
import { secretSize } from "../../src/rules/secret-size";
import { parseSopsFile } from "../../src/sops/parse-sops-file";
import { estimateStoredSize, jsonStringLength, SECRET_STRING_MAX_BYTES } from "../../src/sops/size-estimate";
import { ShapedFormat, sopsShapedContent } from "../../test-support/sops-shaped-file";
import { makeTempRepo, removeTempRepos } from "../../test-support/temp-repo";

afterAll(removeTempRepos);

function check(files: Record<string, string>): Diagnostic[] {
  return analyzeRepo(makeTempRepo(files), { rules: [secretSize] }).diagnostics.filter(
    (d) => d.ruleId === "SS009",
  );
}

/** What Secrets Manager would store for `values`: the provider's raw JSON (tab-indented) or compact JSON. */
function storedValue(values: Record<string, unknown>, format: ShapedFormat): string {
  return format === "json" ? JSON.stringify(values, null, "\t") + "\n" : JSON.stringify(values);
}

describe("size estimate", () => {
  const values = {
    password: "correct horse battery staple",
    port: 5432,
    ratio: 3.14,
    enabled: true,
    disabled: false,
    empty: "",
    nothing: null,
    list: ["a", "bb", { deep: "ccc", deeper: [[], {}] }],
    naïve_ключ: "ünïcödé ✓",
    public_unencrypted: { note: "plain", n: 1 },
  };

  it.each(["json", "yaml"] as const)("is exact for %s files when no value needs escaping", (format) => {
    const content = sopsShapedContent(values, { format });
    const parsed = parseSopsFile("x", content, format === "json" ? "json" : "yaml");
    if (!parsed.ok) throw new Error("parse");
    const estimate = estimateStoredSize(parsed.file.data, format === "json" ? "pretty-json" : "compact-json");
    expect(estimate).toBe(Buffer.byteLength(storedValue(values, format)));
  });

  it("is exact for dotenv files", () => {
    const env = { DATABASE_URL: "postgres://u:p@h/db", API_KEY: "k".repeat(40), EMPTY: "" };
    const parsed = parseSopsFile("x", sopsShapedContent(env, { format: "dotenv" }), "dotenv");
    if (!parsed.ok) throw new Error("parse");
    expect(estimateStoredSize(parsed.file.data, "compact-json")).toBe(Buffer.byteLength(JSON.stringify(env)));
  });

  it("counts JSON escaping the way Go and Terraform write it", () => {
    expect(jsonStringLength("plain")).toBe(7);
    expect(jsonStringLength('a"b\\c\nd\te')).toBe(2 + 9 + 4);
    expect(jsonStringLength("<&>")).toBe(2 + 18);
    expect(jsonStringLength("\u0001")).toBe(2 + 6);
    expect(jsonStringLength("é✓😀")).toBe(2 + 2 + 3 + 4);
  });
});

describe("SS009 secret-size", () => {
  it("passes ordinary secrets", () => {
    expect(
      check({
        "secrets/dev/db.enc.json": sopsShapedContent({ password: "x".repeat(1000) }, { format: "json" }),
      }),
    ).toEqual([]);
  });

  it("warns above 90% of the limit", () => {
    const path = "secrets/dev/big.enc.yaml";
    const diagnostics = check({
      [path]: sopsShapedContent({ bundle: "x".repeat(60_000) }, { format: "yaml" }),
    });
    expect(diagnostics).toEqual([expect.objectContaining({ ruleId: "SS009", severity: "warning", path })]);
    expect(diagnostics[0].message).toContain(
      "at least 60,013 bytes (92% of Secrets Manager's 65,536-byte limit)",
    );
  });

  it("reports an error above 65,536 bytes, counting every value", () => {
    const path = "secrets/dev/huge.enc.json";
    const values = Object.fromEntries(Array.from({ length: 70 }, (_, i) => [`cert${i}`, "c".repeat(1000)]));
    const diagnostics = check({ [path]: sopsShapedContent(values, { format: "json" }) });
    expect(diagnostics).toEqual([expect.objectContaining({ ruleId: "SS009", severity: "error", path })]);
    expect(diagnostics[0].message).toMatch(/terraform apply would fail/);
    expect(diagnostics[0].fix).toContain("split it into several secret files");
    expect(SECRET_STRING_MAX_BYTES).toBe(65_536);
  });
});
