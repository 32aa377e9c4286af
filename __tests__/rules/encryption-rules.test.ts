import { analyzeRepo } from "../../src/analysis/analyze-repo";
import { Diagnostic, formatDiagnostic } from "../../src/diagnostics";
import { brokenMetadata } from "../../src/rules/broken-metadata";
import { notEncrypted } from "../../src/rules/not-encrypted";
import { partiallyEncrypted } from "../../src/rules/partially-encrypted";
import { Rule } from "../../src/rules/rule";
import {
  PLACEHOLDER_KMS_ARN,
  shapedCiphertext,
  ShapedRandom,
  sopsShapedContent,
} from "../../test-support/sops-shaped-file";
import { makeTempRepo, removeTempRepos, TempRepoOptions } from "../../test-support/temp-repo";

afterAll(removeTempRepos);

function check(rule: Rule, files: Record<string, string>, options: TempRepoOptions = {}): Diagnostic[] {
  return analyzeRepo(makeTempRepo(files, options), { rules: [rule] }).diagnostics.filter(
    (d) => d.ruleId === rule.id,
  );
}

/** A JSON sops-shaped file whose `sops` block is edited by `edit` (to forge settings). */
function withSops(
  values: Record<string, unknown>,
  edit: (sops: Record<string, unknown>) => void,
  leavePlain: readonly string[] = [],
): string {
  const tree = JSON.parse(sopsShapedContent(values, { format: "json", leavePlain })) as {
    sops: Record<string, unknown>;
  };
  edit(tree.sops);
  return JSON.stringify(tree, null, "\t") + "\n";
}

const PLACEHOLDER_RULE = { kms: PLACEHOLDER_KMS_ARN };

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
    const sopsYaml = [{ ...PLACEHOLDER_RULE, encrypted_regex: "^(data|stringData)$" }];
    expect(check(partiallyEncrypted, { "secrets/dev/k8s.enc.yaml": content }, { sopsYaml })).toEqual([]);
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
    const content = sopsShapedContent({ a: "secret", b: "other" }, { format: "yaml" }).replace(
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
    const sopsYaml = [{ age: "age1x", encrypted_suffix: "Templates", mac_only_encrypted: true }];
    expect(check(partiallyEncrypted, { "secrets/dev/s.enc.yaml": yaml }, { sopsYaml })).toEqual([]);
    const leaked = yaml.replace(/ {6}other: .*/, "      other: leaked-value");
    const diagnostics = check(partiallyEncrypted, { "secrets/dev/s.enc.yaml": leaked }, { sopsYaml });
    expect(diagnostics.map((d) => d.message)).toEqual([
      expect.stringContaining('"spec.secretTemplates[0].other"'),
    ]);
  });

  it("caps the number of values reported per file", () => {
    const many = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`k${i}`, `v${i}`]));
    const diagnostics = check(partiallyEncrypted, {
      "secrets/dev/x.enc.json": sopsShapedContent(many, { format: "json", leavePlain: Object.keys(many) }),
    });
    expect(diagnostics).toHaveLength(22); // 20 listed, 1 "more", 1 "no value is encrypted"
    expect(diagnostics.filter((d) => d.message.includes("10 more value(s)"))).toHaveLength(1);
  });

  describe("a plaintext file whose sops block says nothing is encrypted", () => {
    const keys = Object.keys(VALUES);
    it.each([
      ["encrypted_regex", "^nomatch$"],
      ["unencrypted_regex", "."],
      ["encrypted_suffix", "_never_used"],
    ])("is reported with %s %s", (setting, value) => {
      const path = "secrets/dev/forged.enc.json";
      const content = withSops(
        VALUES,
        (sops) => {
          delete sops.unencrypted_suffix;
          sops[setting] = value;
        },
        [...keys, "token"],
      );
      expect(content).toContain("correct horse battery staple");
      const diagnostics = check(partiallyEncrypted, { [path]: content });
      expect(diagnostics.map((d) => [d.severity, d.path])).toEqual([
        ["error", path],
        ["error", path],
      ]);
      expect(diagnostics.map((d) => d.message)).toEqual([
        `its sops encryption settings (${setting} ${JSON.stringify(value)}) differ from those of .sops.yaml ` +
          'creation rule #1 (line 2) (unencrypted_suffix "_unencrypted"), and under the rule\'s settings 4 of ' +
          "its value(s) are plaintext that must be encrypted",
        expect.stringContaining("no value is encrypted: it has 4 value(s)"),
      ]);
      for (const d of diagnostics) expect(d.fix).toContain("sops encrypt");
      const printed = diagnostics.map(formatDiagnostic).join("\n");
      expect(printed).not.toMatch(/correct horse|t0k|admin|5432/);
    });

    it("is reported in dotenv files too (sops_encrypted_regex=^nomatch$)", () => {
      const path = "secrets/dev/forged.enc.env";
      const content = sopsShapedContent(
        { DB_PASSWORD: "hunter2" },
        { format: "dotenv", leavePlain: ["DB_PASSWORD"] },
      ).replace("sops_unencrypted_suffix=_unencrypted", "sops_encrypted_regex=^nomatch$");
      const messages = check(partiallyEncrypted, { [path]: content }).map((d) => d.message);
      expect(messages).toEqual([
        expect.stringContaining('encrypted_regex "^nomatch$"'),
        expect.stringContaining("no value is encrypted"),
      ]);
      expect(messages.join()).not.toContain("hunter2");
    });

    it("synth refuses it", () => {
      const content = withSops(
        VALUES,
        (sops) => {
          delete sops.unencrypted_suffix;
          sops.encrypted_regex = "^nomatch$";
        },
        keys,
      );
      const analysis = analyzeRepo(makeTempRepo({ "secrets/dev/forged.enc.json": content }));
      expect(analysis.diagnostics.filter((d) => d.severity === "error" && d.ruleId === "SS002")).toHaveLength(
        2,
      );
    });
  });

  it("reports a file whose values are all under _unencrypted keys: no value is encrypted", () => {
    const diagnostics = check(partiallyEncrypted, {
      "secrets/dev/x.enc.yaml": sopsShapedContent(
        { note_unencrypted: "hello", n_unencrypted: 1 },
        { format: "yaml" },
      ),
    });
    expect(diagnostics.map((d) => d.message)).toEqual([
      expect.stringContaining("no value is encrypted: it has 2 value(s)"),
    ]);
  });

  it("passes files without any non-empty value (empty strings, nulls, empty objects)", () => {
    expect(
      check(partiallyEncrypted, {
        "secrets/dev/a.enc.json": sopsShapedContent({}, { format: "json" }),
        "secrets/dev/b.enc.json": sopsShapedContent({ a: "", b: null, c: {} }, { format: "json" }),
      }),
    ).toEqual([]);
  });

  it("reports settings that differ from the creation rule's even when every value is encrypted", () => {
    const path = "secrets/dev/db.enc.json";
    const sopsYaml = [{ ...PLACEHOLDER_RULE, encrypted_regex: "^password$" }];
    const diagnostics = check(
      partiallyEncrypted,
      { [path]: sopsShapedContent(VALUES, { format: "json" }) },
      {
        sopsYaml,
      },
    );
    expect(diagnostics).toEqual([expect.objectContaining({ ruleId: "SS002", severity: "error", path })]);
    expect(diagnostics[0].message).toBe(
      'its sops encryption settings (unencrypted_suffix "_unencrypted") differ from those of .sops.yaml ' +
        'creation rule #1 (line 2) (encrypted_regex "^password$")',
    );
  });

  it("compares mac_only_encrypted too, and treats a rule without settings as unencrypted_suffix _unencrypted", () => {
    const macOnly = withSops(VALUES, (sops) => {
      sops.mac_only_encrypted = true;
    });
    const messages = check(partiallyEncrypted, { "secrets/dev/a.enc.json": macOnly }).map((d) => d.message);
    expect(messages).toEqual([
      expect.stringContaining('(unencrypted_suffix "_unencrypted", mac_only_encrypted)'),
    ]);
    const explicit = [{ ...PLACEHOLDER_RULE, unencrypted_suffix: "_unencrypted" }];
    const noSuffix = withSops(VALUES, (sops) => {
      delete sops.unencrypted_suffix;
    });
    expect(
      check(
        partiallyEncrypted,
        {
          "secrets/dev/a.enc.json": noSuffix,
          "secrets/dev/b.enc.json": macOnly.replace(
            '"mac_only_encrypted": true',
            '"mac_only_encrypted": false',
          ),
        },
        { sopsYaml: explicit },
      ),
    ).toEqual([]);
  });

  it("leaves files without a creation rule to SS004", () => {
    const content = withSops(VALUES, (sops) => {
      delete sops.unencrypted_suffix;
      sops.encrypted_regex = "^password$";
    });
    const sopsYaml = [{ ...PLACEHOLDER_RULE, path_regex: "^secrets/prod/" }];
    expect(check(partiallyEncrypted, { "secrets/dev/a.enc.json": content }, { sopsYaml })).toEqual([]);
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

  it("passes every key sops writes, across versions", () => {
    const content = withSops(VALUES, (sops) => {
      Object.assign(sops, {
        gcp_kms: null,
        azure_kv: [],
        hc_vault: null,
        hckms: null,
        age: null,
        pgp: null,
        shamir_threshold: 1,
        attention: "This section contains key material that should only be modified with extra care.",
      });
      (sops.kms as Record<string, unknown>[])[0].role = "arn:aws:iam::111122223333:role/x";
      (sops.kms as Record<string, unknown>[])[0].context = { app: "x" };
    });
    expect(check(brokenMetadata, { "secrets/dev/a.enc.json": content })).toEqual([]);
  });

  it.each([
    ["json", "secrets/dev/a.enc.json", '"sops.db_password"'],
    ["yaml", "secrets/dev/a.enc.yaml", '"sops.db_password"'],
    ["dotenv", "secrets/dev/a.enc.env", '"sops_db_password"'],
  ] as const)(
    "reports a key sops never writes in a %s file's metadata, by name only",
    (format, path, named) => {
      let content = sopsShapedContent({ A: "x" }, { format });
      if (format === "dotenv") content += "sops_db_password=hunter2\n";
      else if (format === "json") {
        const tree = JSON.parse(content) as { sops: Record<string, unknown> };
        tree.sops.db_password = "hunter2";
        content = JSON.stringify(tree);
      } else content = content.replace("sops:\n", "sops:\n  db_password: hunter2\n");
      const diagnostics = check(brokenMetadata, { [path]: content });
      expect(diagnostics).toEqual([expect.objectContaining({ ruleId: "SS003", severity: "error", path })]);
      expect(diagnostics[0].message).toContain(`sops never writes: ${named};`);
      expect(diagnostics[0].fix).toContain("rotate");
      expect(formatDiagnostic(diagnostics[0])).not.toContain("hunter2");
    },
  );

  it("reports unknown keys in recipient entries and key groups, and entries of the wrong shape", () => {
    const content = withSops(VALUES, (sops) => {
      (sops.kms as Record<string, unknown>[])[0].note = "hunter2";
      sops.key_groups = [{ age: [{ recipient: "age1x", enc: "x", extra: "hunter2" }], other: [] }, "hunter2"];
      sops.pgp = "hunter2";
    });
    const messages = check(brokenMetadata, { "secrets/dev/a.enc.json": content }).map((d) => d.message);
    expect(messages).toEqual([
      'has a sops metadata "sops.pgp" that is not a list',
      'has a sops metadata entry "sops.key_groups[1]" that is not a mapping',
      expect.stringContaining(
        'sops never writes: "sops.kms[0].note", "sops.key_groups[0].other", "sops.key_groups[0].age[0].extra";',
      ),
    ]);
    expect(messages.join()).not.toContain("hunter2");
  });

  it.each([
    "2026-13-45T25:61:00Z",
    "2026-02-30T00:00:00Z",
    "2025-02-29T00:00:00Z",
    "2026-04-31T00:00:00Z",
    "2026-01-01T24:00:00Z",
    "2026-01-01T00:00:60Z",
    "2026-01-01T00:00:00+24:00",
    "2026-01-01t00:00:00z",
    "2026-01-01 00:00:00Z",
    "2026-01-01",
  ])("reports lastmodified %s, which is not a real RFC 3339 date", (date) => {
    const content = sopsShapedContent(VALUES, {
      format: "json",
      lastModified: "2026-01-01T00:00:00Z",
    }).replace('"lastmodified": "2026-01-01T00:00:00Z"', `"lastmodified": "${date}"`);
    const messages = check(brokenMetadata, { "secrets/dev/a.enc.json": content }).map((d) => d.message);
    expect(messages).toEqual([expect.stringContaining("lastmodified that is not a valid RFC 3339 date")]);
  });

  it.each(["2024-02-29T23:59:59Z", "2000-02-29T00:00:00.123456789+05:30", "1999-12-31T23:59:59-12:00"])(
    "passes lastmodified %s",
    (date) => {
      const content = sopsShapedContent(VALUES, { format: "yaml", lastModified: date });
      expect(check(brokenMetadata, { "secrets/dev/a.enc.yaml": content })).toEqual([]);
    },
  );

  it("reports a recipient created_at that is not a date, and a version that is not a version number", () => {
    const content = withSops(VALUES, (sops) => {
      (sops.kms as Record<string, unknown>[])[0].created_at = "2026-02-30T00:00:00Z";
      sops.version = "hunter2";
    });
    const messages = check(brokenMetadata, { "secrets/dev/a.enc.json": content }).map((d) => d.message);
    expect(messages).toEqual([
      'has a sops metadata "sops.kms[0].created_at" that is not a valid RFC 3339 date, which sops refuses',
      "has a sops version that is not a version number",
    ]);
  });

  it.each([
    ["a string", '{"a": "x", "sops": "hunter2"}\n'],
    ["an array", '{"a": "x", "sops": ["hunter2"]}\n'],
  ])("says the metadata must be a mapping when sops is %s (and nothing else)", (_kind, content) => {
    const diagnostics = check(brokenMetadata, { "secrets/dev/a.enc.json": content });
    expect(diagnostics.map((d) => d.message)).toEqual([
      expect.stringContaining("the sops metadata must be a mapping"),
    ]);
    expect(formatDiagnostic(diagnostics[0])).not.toContain("hunter2");
  });
});
