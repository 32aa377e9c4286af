/**
 * Interop: the rules against REAL sops output (../shared/fixtures/sops, read in place, never copied), and the
 * size estimate against real decryption. A clone without ../shared skips this suite, saying so.
 *
 * Decryption happens only here, in a test, with public test keys; decrypted values are compared by length
 * only and never printed.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { decryptSops } from "sops-age";
import { Diagnostic } from "../../src/diagnostics";
import { Discovery, InputType, SecretFileRef } from "../../src/discovery/discover-secrets";
import { brokenMetadata } from "../../src/rules/broken-metadata";
import { noCreationRule } from "../../src/rules/no-creation-rule";
import { notEncrypted } from "../../src/rules/not-encrypted";
import { partiallyEncrypted } from "../../src/rules/partially-encrypted";
import { recipientMismatch } from "../../src/rules/recipient-mismatch";
import { InspectedFile, Rule, RuleContext } from "../../src/rules/rule";
import { secretSize } from "../../src/rules/secret-size";
import { DEFAULT_SETTINGS, ProjectConfig } from "../../src/config/config";
import { encryptionRules, parseEncValue, RULE_FIELDS, walkLeaves } from "../../src/sops/encrypted-values";
import { ParsedSopsFile, parseSopsFile } from "../../src/sops/parse-sops-file";
import { readSopsMetadata, Recipient } from "../../src/sops/sops-metadata";
import { isObject } from "../../src/util/is-object";
import { estimateStoredSize, jsonStringLength, storedFormatFor } from "../../src/sops/size-estimate";
import { SopsYamlRule, writeSopsYaml } from "../../test-support/temp-repo";
import { loadSopsConfig } from "../../src/analysis/load-context";

const FIXTURES = path.resolve(__dirname, "../../../shared/fixtures/sops");
const ENV = "interop";

interface Fixture {
  /** Path under FIXTURES, e.g. "age/sops-age-secret.enc.json". */
  readonly rel: string;
  readonly inputType: InputType;
  readonly parsed: ParsedSopsFile;
}

function loadFixtures(): Fixture[] {
  const out: Fixture[] = [];
  for (const dir of ["age", "kms", "pgp"]) {
    for (const name of fs.readdirSync(path.join(FIXTURES, dir)).sort()) {
      if (name.includes(".plain.")) continue; // the expected plaintext of a fixture, not a sops file
      const rel = `${dir}/${name}`;
      const inputType: InputType = name.endsWith(".json") ? "json" : "yaml";
      const result = parseSopsFile(rel, fs.readFileSync(path.join(FIXTURES, rel), "utf8"), inputType);
      if (!result.ok) throw new Error(`${rel}: ${result.diagnostic.message}`);
      out.push({ rel, inputType, parsed: result.file });
    }
  }
  return out;
}

/** A RuleContext over the fixtures as they are; `root` only holds the generated .sops.yaml. */
function contextFor(fixtures: readonly Fixture[], root: string): RuleContext {
  const files: InspectedFile[] = fixtures.map((f) => ({ ref: refFor(f), size: 0, parsed: f.parsed }));
  const discovery: Discovery = {
    environments: [{ name: ENV, files: files.map((f) => f.ref) }],
    emptyEnvironments: [],
    strays: [],
    secretsDir: "directory",
  };
  const config: ProjectConfig = {
    defaults: DEFAULT_SETTINGS,
    backend: { type: "local", directory: "terraform-state" },
    environments: {},
  };
  return {
    config,
    configDiagnostics: [],
    discovery,
    files,
    sops: loadSopsConfig(root),
    gitignore: ["*.dec.*"],
    git: { available: false, committable: [], ignored: [] },
  };
}

function refFor(f: Fixture): SecretFileRef {
  return {
    environment: ENV,
    name: f.rel.replace(/\.[a-z]+$/, ""),
    path: `fixtures/${f.rel}`,
    inputType: f.inputType,
  };
}

function run(rule: Rule, context: RuleContext): Diagnostic[] {
  return rule.check(context);
}

/** A creation rule for exactly this file, naming the file's own recipients (KMS roles as `arn+role`). */
function creationRuleFor(f: Fixture, drop?: Recipient): SopsYamlRule {
  const raw = f.parsed.metadata?.raw ?? {};
  const keep = (type: string, id: string) => !(drop && drop.type === type && drop.id === id);
  const kms = (Array.isArray(raw.kms) ? raw.kms : [])
    .filter(
      (k): k is Record<string, unknown> =>
        isObject(k) && typeof k.arn === "string" && keep("kms", k.arn as string),
    )
    .map((k) => (typeof k.role === "string" && k.role ? `${k.arn}+${k.role}` : (k.arn as string)));
  const ids = (type: Recipient["type"]) =>
    (f.parsed.metadata?.recipients ?? []).filter((r) => r.type === type && keep(type, r.id)).map((r) => r.id);
  // The file's encryption settings, as the creation rule that made it would have named them.
  const settings = Object.fromEntries(
    ENCRYPTION_SETTING_KEYS.filter((k) => raw[k] !== undefined && raw[k] !== "").map((k) => [k, raw[k]]),
  );
  const rule: SopsYamlRule = {
    path_regex: `^${refFor(f).path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`,
    ...(kms.length > 0 && { kms: kms.join(",") }),
    ...(ids("age").length > 0 && { age: ids("age") }),
    ...(ids("pgp").length > 0 && { pgp: ids("pgp") }),
    ...settings,
  };
  return rule;
}

/** The keys of a creation rule that decide what sops encrypts (the same names as in file metadata). */
const ENCRYPTION_SETTING_KEYS: string[] = [...RULE_FIELDS.map(([name]) => name), "mac_only_encrypted"];

/** The bytes sops encrypted for a decrypted value (sops.go `ToBytes`, aes/cipher.go `Encrypt`). */
function sopsPlaintext(value: unknown): string {
  if (typeof value === "boolean") return value ? "True" : "False";
  return String(value);
}

/** Looks a leaf path up in a decrypted tree. */
function at(tree: unknown, leafPath: readonly (string | number)[]): unknown {
  let node = tree;
  for (const part of leafPath) node = (node as Record<string | number, unknown>)[part];
  return node;
}

/** Age private keys by public key, from keys/*.txt ("# public key: age1..." then "AGE-SECRET-KEY-..."). */
function ageKeys(): Map<string, string> {
  const keys = new Map<string, string>();
  const dir = path.join(FIXTURES, "keys");
  for (const name of fs.readdirSync(dir).filter((n) => n.endsWith(".txt"))) {
    const text = fs.readFileSync(path.join(dir, name), "utf8");
    const pub = /public key:\s*(age1\S+)/i.exec(text)?.[1];
    const secret = /^(AGE-SECRET-KEY-\S+)$/m.exec(text)?.[1];
    if (pub && secret) keys.set(pub, secret);
  }
  return keys;
}

if (!fs.existsSync(FIXTURES)) {
  // Straight to stderr: jest does not print console output of a file whose tests are all skipped.
  process.stderr.write(
    `\nSKIPPED: interop suite (real sops files): ${FIXTURES} not found. It runs where ../shared/fixtures/sops exists.\n\n`,
  );
  describe.skip("interop: ../shared/fixtures/sops not found — skipped", () => {
    it("needs ../shared/fixtures/sops next to the project", () => undefined);
  });
} else {
  describe("interop: real sops files in ../shared/fixtures/sops", () => {
    const fixtures = loadFixtures();
    let root: string;
    beforeAll(() => {
      root = fs.mkdtempSync(path.join(os.tmpdir(), "sops-secrets-interop-"));
      writeSopsYaml(
        root,
        fixtures.map((f) => creationRuleFor(f)),
      );
    });
    afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

    it("finds the fixture families it is meant to cover", () => {
      const metadata = fixtures.map((f) => f.parsed.metadata);
      expect(fixtures.length).toBeGreaterThanOrEqual(15);
      expect(metadata.some((m) => m?.encryptedRegex)).toBe(true);
      expect(metadata.some((m) => m?.encryptedSuffix && m.macOnlyEncrypted)).toBe(true);
      expect(metadata.some((m) => typeof m?.raw.version === "number")).toBe(true);
      expect(metadata.some((m) => m?.raw.attention !== undefined)).toBe(true);
      expect(metadata.some((m) => m?.recipients.some((r) => r.type === "pgp"))).toBe(true);
    });

    it.each([notEncrypted, partiallyEncrypted, brokenMetadata])("accepts every file: $id $title", (rule) => {
      expect(run(rule, contextFor(fixtures, root))).toEqual([]);
    });

    it("accepts plain values only where the file's own settings allow them", () => {
      const plainByFile = fixtures.map((f) => {
        const plain: string[] = [];
        walkLeaves(f.parsed.data, encryptionRules(f.parsed.metadata!).rules, (leaf) => {
          if (!(typeof leaf.value === "string" && parseEncValue(leaf.value))) plain.push(leaf.path.join("."));
        });
        return [f.rel, plain.length] as const;
      });
      const counts = Object.fromEntries(plainByFile);
      expect(counts["pgp/getsops-example.yaml"]).toBeGreaterThan(0); // _unencrypted keys
      expect(counts["age/flux-age-encrypted_regex.yaml"]).toBeGreaterThan(0); // keys outside encrypted_regex
      expect(counts["age/sops-secrets-operator-mac-only.yaml"]).toBeGreaterThan(0); // outside encrypted_suffix
    });

    it("SS004 and SS005 pass with creation rules built from each file's own recipients", () => {
      const context = contextFor(fixtures, root);
      expect(run(noCreationRule, context)).toEqual([]);
      expect(run(recipientMismatch, context)).toEqual([]);
    });

    it.each([
      ["age/flux-age-encrypted_regex.yaml", {}, 'encrypted_regex "^(data|stringData)$"'],
      ["age/sops-secrets-operator-mac-only.yaml", { encrypted_suffix: "Templates" }, "mac_only_encrypted"],
      ["pgp/getsops-example.yaml", { encrypted_regex: "^data$" }, 'unencrypted_suffix "_unencrypted"'],
      [
        "kms/getsops-example-2016-v1.6.json",
        { unencrypted_suffix: "_plain" },
        'unencrypted_suffix "_unencrypted"',
      ],
    ] as const)(
      "SS002 fails when the creation rule of %s names other encryption settings",
      (rel, settings, named) => {
        const target = fixtures.find((f) => f.rel === rel)!;
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sops-secrets-interop-"));
        try {
          writeSopsYaml(
            dir,
            fixtures.map((f) => {
              const rule = creationRuleFor(f);
              if (f !== target) return rule;
              const keep = Object.entries(rule).filter(([k]) => !ENCRYPTION_SETTING_KEYS.includes(k));
              return { ...Object.fromEntries(keep), ...settings };
            }),
          );
          const diagnostics = run(partiallyEncrypted, contextFor(fixtures, dir));
          expect(diagnostics).toEqual([
            expect.objectContaining({
              ruleId: "SS002",
              severity: "error",
              path: `fixtures/${rel}`,
              fix: expect.stringContaining("sops encrypt"),
            }),
          ]);
          expect(diagnostics[0].message).toContain("differ from those of .sops.yaml creation rule");
          expect(diagnostics[0].message).toContain(named);
        } finally {
          fs.rmSync(dir, { recursive: true, force: true });
        }
      },
    );

    it("SS002 fails a real file turned to plaintext whose sops block claims nothing is encrypted", () => {
      const target = fixtures.find((f) => f.rel === "age/sops-age-secret.enc.json")!;
      const original = target.parsed.metadata!.raw;
      const rest = Object.fromEntries(Object.entries(original).filter(([k]) => k !== "unencrypted_suffix"));
      const plaintext = (value: unknown): unknown =>
        Array.isArray(value)
          ? value.map(plaintext)
          : isObject(value)
            ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plaintext(v)]))
            : typeof value === "string" && value.startsWith("ENC[")
              ? "plain"
              : value;
      const forged: Fixture = {
        ...target,
        parsed: {
          data: plaintext(target.parsed.data) as Record<string, unknown>,
          metadata: readSopsMetadata({ ...rest, encrypted_regex: "^nomatch$" }),
          metadataShape: "mapping",
        },
      };
      const diagnostics = run(partiallyEncrypted, contextFor([forged], root));
      expect(diagnostics.map((d) => d.message)).toEqual([
        expect.stringContaining("no value is encrypted"),
        expect.stringMatching(
          /encrypted_regex "\^nomatch\$".*unencrypted_suffix "_unencrypted".*value\(s\) are plaintext/,
        ),
      ]);
    });

    it("SS003 fails a real file with a key added to its sops block", () => {
      const target = fixtures.find((f) => f.rel === "pgp/getsops-example.yaml")!;
      const forged: Fixture = {
        ...target,
        parsed: {
          ...target.parsed,
          metadata: readSopsMetadata({ ...target.parsed.metadata!.raw, db_password: "hunter2" }),
        },
      };
      const diagnostics = run(brokenMetadata, contextFor([forged], root));
      expect(diagnostics).toEqual([expect.objectContaining({ ruleId: "SS003", severity: "error" })]);
      expect(diagnostics[0].message).toContain('"sops.db_password"');
      expect(diagnostics[0].message + diagnostics[0].fix).not.toContain("hunter2");
    });

    it.each([
      "age/sops-age-secret.enc.json",
      "kms/getsops-example-2016-v1.6.json",
      "pgp/getsops-example.yaml",
    ])("SS005 fails when the creation rule of %s loses a recipient", (rel) => {
      const target = fixtures.find((f) => f.rel === rel)!;
      const dropped = target.parsed.metadata!.recipients[0];
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sops-secrets-interop-"));
      try {
        writeSopsYaml(
          dir,
          fixtures.map((f) => creationRuleFor(f, f === target ? dropped : undefined)),
        );
        const diagnostics = run(recipientMismatch, contextFor(fixtures, dir));
        expect(diagnostics).toEqual([
          expect.objectContaining({
            ruleId: "SS005",
            path: `fixtures/${rel}`,
            fix: expect.stringContaining("sops updatekeys"),
          }),
        ]);
        expect(diagnostics[0].message).toContain(`is encrypted for ${dropped.type} ${dropped.id}, which`);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    it("estimates every file's size without error, far below the limit", () => {
      expect(run(secretSize, contextFor(fixtures, root))).toEqual([]);
    });

    describe("size estimate against real decryption (sops-age)", () => {
      const keys = ageKeys();
      const ageFixtures = fixtures.filter((f) => f.parsed.metadata?.recipients.some((r) => r.type === "age"));
      const decryptable = ageFixtures.filter((f) =>
        f.parsed.metadata!.recipients.some(
          (r) => r.type === "age" && !r.id.startsWith("age1pq1") && keys.has(r.id),
        ),
      );

      it("has a key for every age fixture except the post-quantum one sops-age cannot read", () => {
        expect(ageFixtures.filter((f) => !decryptable.includes(f)).map((f) => f.rel)).toEqual([
          "age/flux-age-pq.yaml",
        ]);
        expect(decryptable.length).toBeGreaterThanOrEqual(7);
      });

      it.each(decryptable.map((f) => [f.rel, f] as const))("%s", async (_rel, f) => {
        const recipient = f.parsed.metadata!.recipients.find((r) => r.type === "age" && keys.has(r.id))!;
        const text = fs.readFileSync(path.join(FIXTURES, f.rel), "utf8");
        const decrypted: unknown = await decryptSops(text, {
          secretKey: keys.get(recipient.id),
          fileType: f.inputType === "json" ? "json" : "yaml",
        });

        // 1. every ciphertext's length is its plaintext's length
        let encrypted = 0;
        let escaping = 0;
        const { rules } = encryptionRules(f.parsed.metadata!);
        walkLeaves(f.parsed.data, rules, (leaf) => {
          const enc = typeof leaf.value === "string" ? parseEncValue(leaf.value) : undefined;
          if (!enc) return;
          encrypted++;
          const plain = at(decrypted, leaf.path);
          expect(Buffer.byteLength(sopsPlaintext(plain))).toBe(enc.plaintextLength);
          if (typeof plain === "string") escaping += jsonStringLength(plain) - Buffer.byteLength(plain) - 2;
        });
        expect(encrypted).toBeGreaterThan(0);

        // 2. the estimate is the stored SecretString's length, but for JSON escapes inside encrypted strings
        const stored =
          f.inputType === "json" ? JSON.stringify(decrypted, null, "\t") + "\n" : JSON.stringify(decrypted);
        const actual = Buffer.byteLength(stored.replace(/[<>&\u2028\u2029]/g, "\\u0000"));
        const estimate = estimateStoredSize(f.parsed.data, storedFormatFor(f.inputType));
        expect(estimate + escaping).toBe(actual);
      });
    });
  });
}
