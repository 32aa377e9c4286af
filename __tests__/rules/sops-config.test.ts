import {
  describeEncryptionSettings,
  effectiveEncryptionSettings,
  sameEncryptionSettings,
} from "../../src/sops/encrypted-values";
import { compileGoRegExp } from "../../src/sops/go-regexp";
import { findCreationRule, normalizeRecipientId, parseSopsConfig } from "../../src/sops/sops-config";

const KMS_DEV = "arn:aws:kms:us-east-1:111122223333:key/dev";
const KMS_PROD = "arn:aws:kms:us-east-1:444455556666:key/prod";
const AGE_1 = "age1je6kjhzuhdjy3fqptpttxjh5k8q46vygzlgtpuq3030c947pc5tqz9dqvr";
const AGE_2 = "age19j4d6v9j7rx5fs629fu387qz4zmlpsqjexa4s08tkfrrmfdl5cwqjlaupd";

describe("parseSopsConfig", () => {
  it("reads comma-separated strings and lists of every key type, with line numbers", () => {
    const config = parseSopsConfig(
      [
        "creation_rules:",
        "  - path_regex: ^secrets/dev/",
        `    kms: "${KMS_DEV}+arn:aws:iam::111122223333:role/deployer, ${KMS_PROD}"`,
        `    age: [${AGE_1}, "${AGE_2}"]`,
        "    pgp: 'fbc7 b9e2 a4f9 289a c0c1  d484 3d16 cee4 a273 81b4'",
        "    gcp_kms: projects/p/locations/global/keyRings/r/cryptoKeys/k",
        "    azure_keyvault: https://v.vault.azure.net/keys/k/0123",
        "    hc_vault_transit_uri: https://vault:8200/v1/transit/keys/k",
        "  - age: ''",
        "",
      ].join("\n"),
    );
    expect(config.problems).toEqual([]);
    expect(config.rules).toHaveLength(2);
    const [first, second] = config.rules;
    expect(first.line).toBe(2);
    expect(first.pathRegex).toBe("^secrets/dev/");
    expect(first.recipients).toEqual([
      { type: "kms", id: KMS_DEV },
      { type: "kms", id: KMS_PROD },
      { type: "age", id: AGE_1 },
      { type: "age", id: AGE_2 },
      { type: "pgp", id: "FBC7B9E2A4F9289AC0C1D4843D16CEE4A27381B4" },
      { type: "gcp_kms", id: "projects/p/locations/global/keyRings/r/cryptoKeys/k" },
      { type: "azure_kv", id: "https://v.vault.azure.net/keys/k" },
      { type: "hc_vault", id: "https://vault:8200/v1/transit/keys/k" },
    ]);
    expect(second).toMatchObject({ index: 1, line: 9, pathRegex: undefined, recipients: [] });
  });

  it("reads key_groups, including merge, and ignores top-level keys when groups are given", () => {
    const config = parseSopsConfig(
      [
        "creation_rules:",
        "  - kms: ignored-because-key-groups-win",
        "    key_groups:",
        "      - kms:",
        `          - arn: ${KMS_DEV}`,
        "            role: arn:aws:iam::111122223333:role/x",
        `        age: ["${AGE_1},${AGE_2}"]`,
        "      - merge:",
        "          - pgp: [FBC7B9E2A4F9289AC0C1D4843D16CEE4A27381B4]",
        "        gcp_kms: [{ resource_id: projects/p/k }]",
        "        azure_keyvault: [{ vaultUrl: 'https://v.vault.azure.net', key: k, version: '1' }]",
        "        hc_vault: [https://vault:8200/v1/transit/keys/k]",
      ].join("\n"),
    );
    expect(config.problems).toEqual([]);
    expect(config.rules[0].recipients.map((r) => `${r.type} ${r.id}`)).toEqual([
      `kms ${KMS_DEV}`,
      `age ${AGE_1}`,
      `age ${AGE_2}`,
      "pgp FBC7B9E2A4F9289AC0C1D4843D16CEE4A27381B4",
      "gcp_kms projects/p/k",
      "azure_kv https://v.vault.azure.net/keys/k",
      "hc_vault https://vault:8200/v1/transit/keys/k",
    ]);
  });

  it.each([
    ["not: [valid", /not valid YAML/],
    ["stores: {}", /has no creation_rules/],
    ["creation_rules: {}", /must be a list/],
    ["creation_rules:\n  - path_regex: '(unclosed'", /#1: path_regex is not a valid regular expression/],
    ["creation_rules:\n  - kms: 3", /#1: kms must be a string or a list of strings/],
    ["creation_rules:\n  - just-a-string", /#1: must be a mapping/],
    [
      "creation_rules:\n  - encrypted_regex: ^data$\n    unencrypted_suffix: _plain",
      /#1: sets more than one of unencrypted_suffix, encrypted_regex, which sops refuses/,
    ],
    ["creation_rules:\n  - encrypted_regex: [a]", /#1: encrypted_regex must be a string/],
    ["creation_rules:\n  - mac_only_encrypted: 'yes'", /#1: mac_only_encrypted must be true or false/],
  ])("reports problems: %j", (text, message) => {
    const config = parseSopsConfig(text);
    expect(config.problems.map((p) => p.message)).toEqual([expect.stringMatching(message)]);
  });

  it("reads each rule's encryption settings (none set: sops's default applies later)", () => {
    const config = parseSopsConfig(
      [
        "creation_rules:",
        "  - path_regex: ^secrets/k8s/",
        "    encrypted_regex: ^(data|stringData)$",
        "    mac_only_encrypted: true",
        "  - path_regex: ^secrets/x/",
        "    unencrypted_suffix: ''",
        "    encrypted_suffix: _secret",
        "  - kms: a",
      ].join("\n"),
    );
    expect(config.problems).toEqual([]);
    expect(config.rules.map((r) => r.encryption)).toEqual([
      { encryptedRegex: "^(data|stringData)$", macOnlyEncrypted: true },
      { encryptedSuffix: "_secret", macOnlyEncrypted: false },
      { macOnlyEncrypted: false },
    ]);
  });
});

describe("encryption settings", () => {
  it("apply sops's default when none is set, and compare after it", () => {
    expect(effectiveEncryptionSettings({ macOnlyEncrypted: false })).toEqual({
      unencryptedSuffix: "_unencrypted",
      macOnlyEncrypted: false,
    });
    expect(
      sameEncryptionSettings(
        { macOnlyEncrypted: false },
        { unencryptedSuffix: "_unencrypted", macOnlyEncrypted: false },
      ),
    ).toBe(true);
    expect(
      sameEncryptionSettings({ unencryptedSuffix: "", macOnlyEncrypted: false }, { macOnlyEncrypted: false }),
    ).toBe(true);
    expect(sameEncryptionSettings({ macOnlyEncrypted: true }, { macOnlyEncrypted: false })).toBe(false);
    expect(
      sameEncryptionSettings(
        { encryptedRegex: "^a$", macOnlyEncrypted: false },
        { encryptedRegex: "^b$", macOnlyEncrypted: false },
      ),
    ).toBe(false);
  });

  it("describe themselves by key and (shortened) value", () => {
    expect(describeEncryptionSettings({ encryptedSuffix: "Templates", macOnlyEncrypted: true })).toBe(
      'encrypted_suffix "Templates", mac_only_encrypted',
    );
    expect(describeEncryptionSettings({ encryptedRegex: "x".repeat(100), macOnlyEncrypted: false })).toBe(
      `encrypted_regex "${"x".repeat(60)}…"`,
    );
  });
});

describe("findCreationRule", () => {
  const config = parseSopsConfig(
    [
      "creation_rules:",
      "  - path_regex: (^|/)secrets/production/.*\\.enc\\.(json|ya?ml|env)$",
      `    kms: ${KMS_PROD}`,
      "  - path_regex: (?i)^SECRETS/Staging/",
      `    kms: ${KMS_DEV}`,
      "  - path_regex: \\.enc\\.json\\z",
      `    age: ${AGE_1}`,
      "  - age: " + AGE_2,
    ].join("\n"),
  );

  it("takes the first matching rule, unanchored, on the path relative to .sops.yaml", () => {
    expect(findCreationRule(config, "secrets/production/db.enc.yaml")?.index).toBe(0);
    expect(findCreationRule(config, "secrets/production/db.enc.json")?.index).toBe(0);
    expect(findCreationRule(config, "secrets/staging/db.enc.yaml")?.index).toBe(1);
    expect(findCreationRule(config, "secrets/dev/db.enc.json")?.index).toBe(2);
  });

  it("uses a rule without path_regex for everything else", () => {
    expect(findCreationRule(config, "secrets/dev/db.enc.yaml")?.index).toBe(3);
  });

  it("matches nothing when there is no catch-all", () => {
    const narrow = parseSopsConfig(`creation_rules:\n  - path_regex: ^secrets/prod/\n    kms: ${KMS_PROD}\n`);
    expect(findCreationRule(narrow, "secrets/dev/db.enc.yaml")).toBeUndefined();
  });
});

describe("Go regular expressions", () => {
  it.each([
    ["(?i)^abc", "ABCd", true],
    ["^a\\z", "a\n", false],
    ["\\Aa", "ba", false],
    ["^[[:alpha:]]+$", "abc", true],
    ["^[[:digit:]]+$", "abc", false],
    ["^(?P<env>dev|prod)/", "prod/x", true],
    ["\\Qa.b\\E$", "xa.b", true],
    ["\\Qa.b\\E$", "xaxb", false],
  ])("%s on %j → %s", (source, input, expected) => {
    expect(compileGoRegExp(source).test(input)).toBe(expected);
  });

  // (?U) used to be refused by the old RegExp translator; Go (and now re2js) accepts it: ungreedy.
  it("accepts Go's ungreedy flag and rejects what Go rejects", () => {
    expect(compileGoRegExp("(?U)a+").test("aa")).toBe(true);
    expect(() => compileGoRegExp("(")).toThrow(/missing closing \)/);
  });
});

describe("normalizeRecipientId", () => {
  it("strips KMS roles, PGP spacing and Azure key versions", () => {
    expect(normalizeRecipientId("kms", `${KMS_DEV}+arn:aws:iam::1:role/r`)).toBe(KMS_DEV);
    expect(normalizeRecipientId("pgp", "fbc7 b9e2")).toBe("FBC7B9E2");
    expect(normalizeRecipientId("azure_kv", "https://v.vault.azure.net/keys/k/123")).toBe(
      "https://v.vault.azure.net/keys/k",
    );
  });
});
