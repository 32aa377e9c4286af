/**
 * The real-world corpus (__tests__/interop/corpus, sources in corpus/SOURCES.md): genuine sops output and
 * `.sops.yaml` files from public repositories, ciphertext only, read in place.
 *
 * - Every genuine file goes through the whole check (`analyzeRepo`, as `npm run check` and synth run it) in a
 *   repository whose `.sops.yaml` names the file's own keys and settings: no error.
 * - Hand-made weakenings of each are refused: a value decrypted to plaintext, the MAC removed, a recipient the
 *   rule names missing from the file, a second key group the rule asks for missing.
 * - The genuine `.sops.yaml` files pick, for the files of their own repository, a rule with exactly the
 *   file's key groups and settings (`sops updatekeys` would change nothing).
 */
import * as fs from "fs";
import * as path from "path";
import { analyzeRepo } from "../../src/analysis/analyze-repo";
import { Diagnostic } from "../../src/diagnostics";
import { InputType } from "../../src/discovery/discover-secrets";
import { RULE_FIELDS, sameEncryptionSettings } from "../../src/sops/encrypted-values";
import { compareKeyGroups, fileKeyGroups, GroupKey, KeyGroups } from "../../src/sops/key-groups";
import { parseSopsFile } from "../../src/sops/parse-sops-file";
import { findCreationRule, parseSopsConfig } from "../../src/sops/sops-config";
import { SopsMetadata } from "../../src/sops/sops-metadata";
import { makeTempRepo, removeTempRepos, SopsYamlRule } from "../../test-support/temp-repo";

const CORPUS = path.join(__dirname, "corpus");

/** Every genuine encrypted file of the corpus, with the store sops reads it with. */
const FILES: readonly (readonly [string, InputType])[] = [
  ["getsops__sops/example.ini", "ini"],
  ["getsops__sops/example.txt", "raw"],
  ["getsops__sops/functional-tests/res/format.enc.env", "dotenv"],
  ["getsops__sops/functional-tests/res/format.enc.ini", "ini"],
  ["getsops__sops/functional-tests/res/format-2.enc.ini", "ini"],
  ["getsops__sops/functional-tests/res/format.enc.json", "json"],
  ["getsops__sops/functional-tests/res/comments.enc.yaml", "yaml"],
  ["getsops__sops/functional-tests/res/multiple_keys.yaml", "yaml"],
  ["getsops__sops/examples/all_in_one/config/secret.enc.json", "json"],
  ["getsops__sops/config/test_resources/example.yaml", "yaml"],
  ["getsops__sops/history-9a388912f/example.yaml", "yaml"],
  ["fluxcd__kustomize-controller/internal/controller/testdata/sops/algorithms/pgp.yaml", "yaml"],
  ["fluxcd__kustomize-controller/internal/controller/testdata/sops/envs/env.env", "dotenv"],
  ["fluxcd__kustomize-controller/internal/controller/testdata/sops/files/file.txt", "raw"],
  ["fluxcd__kustomize-controller/internal/controller/testdata/sops/global/secret.yaml", "yaml"],
  ["fluxcd__kustomize-controller/internal/controller/testdata/sops/patches/merge1.yaml", "yaml"],
  ["carlpett__terraform-provider-sops/sops/test-fixtures/raw.txt", "raw"],
  ["carlpett__terraform-provider-sops/sops/test-fixtures/complex-list.yaml", "yaml"],
  ["carlpett__terraform-provider-sops/sops/test-fixtures/nested.yaml", "yaml"],
  ["nishioka-shinji__my_infra/k8s/gcp/cloudflared/secret.sops.yaml", "yaml"],
  // written with `--input-type json`: the name does not say the format, the content does
  ["shiron-dev__infrastructure/compose/hosts/arm-srv/grafana/env.secrets.yml.sops", "json"],
  ["OlafRadicke__daytona_beach/crypted/hello.test.tf", "raw"],
  ["koalalorenzo__playbooks/system/blocky.vars.sops.hcl", "raw"],
  ["koalalorenzo__playbooks/ansible/email.sops.yaml", "yaml"],
];

/** Genuine `.sops.yaml` files and, per file of the same repository, its path relative to that `.sops.yaml`. */
const CONFIGS: readonly {
  readonly config: string;
  readonly files: readonly (readonly [string, string])[];
}[] = [
  {
    config: "fluxcd__kustomize-controller/internal/controller/testdata/sops/.sops.yaml",
    files: [
      [
        "fluxcd__kustomize-controller/internal/controller/testdata/sops/algorithms/pgp.yaml",
        "algorithms/pgp.yaml",
      ],
      ["fluxcd__kustomize-controller/internal/controller/testdata/sops/envs/env.env", "envs/env.env"],
      ["fluxcd__kustomize-controller/internal/controller/testdata/sops/files/file.txt", "files/file.txt"],
      [
        "fluxcd__kustomize-controller/internal/controller/testdata/sops/patches/merge1.yaml",
        "patches/merge1.yaml",
      ],
    ],
  },
  {
    config: "nishioka-shinji__my_infra/sops/.sops.yaml",
    files: [
      [
        "nishioka-shinji__my_infra/k8s/gcp/cloudflared/secret.sops.yaml",
        "../k8s/gcp/cloudflared/secret.sops.yaml",
      ],
    ],
  },
  {
    config: "shiron-dev__infrastructure/.sops.yaml",
    files: [
      [
        "shiron-dev__infrastructure/compose/hosts/arm-srv/grafana/env.secrets.yml.sops",
        "compose/hosts/arm-srv/grafana/env.secrets.yml.sops",
      ],
    ],
  },
  {
    config: "koalalorenzo__playbooks/.sops.yaml",
    files: [
      ["koalalorenzo__playbooks/system/blocky.vars.sops.hcl", "system/blocky.vars.sops.hcl"],
      ["koalalorenzo__playbooks/ansible/email.sops.yaml", "ansible/email.sops.yaml"],
    ],
  },
];

const EXTENSION: Readonly<Record<InputType, string>> = {
  json: "json",
  yaml: "yaml",
  dotenv: "env",
  ini: "ini",
  raw: "txt",
};
const EXTRA_AGE = "age1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq0";

function read(rel: string): string {
  return fs.readFileSync(path.join(CORPUS, rel), "utf8");
}

function metadataOf(rel: string, inputType: InputType): SopsMetadata {
  const result = parseSopsFile(rel, read(rel), inputType);
  if (!result.ok) throw new Error(`${rel}: ${result.diagnostic.message}`);
  if (!result.file.metadata) throw new Error(`${rel}: no metadata`);
  return result.file.metadata;
}

/** `.sops.yaml` keys of one key group (the file's identities: `arn+role` for KMS). */
function groupFields(group: readonly GroupKey[]): Record<string, string[]> {
  const field: Record<GroupKey["type"], string> = {
    kms: "kms",
    age: "age",
    pgp: "pgp",
    gcp_kms: "gcp_kms",
    azure_kv: "azure_keyvault",
    hc_vault: "hc_vault_transit_uri",
    hckms: "hckms",
  };
  const out: Record<string, string[]> = {};
  for (const k of group) (out[field[k.type]] ??= []).push(k.id);
  return out;
}

/** The creation rule that would have written this file: its key groups and encryption settings. */
function ruleFor(metadata: SopsMetadata, groups: KeyGroups = fileKeyGroups(metadata.raw)): SopsYamlRule {
  const settings = Object.fromEntries(
    [...RULE_FIELDS.map(([name]) => name), "mac_only_encrypted"]
      .filter((k) => metadata.raw[k] !== undefined && metadata.raw[k] !== "")
      .map((k) => [k, metadata.raw[k]]),
  );
  if (groups.groups.length === 1) return { ...groupFields(groups.groups[0]), ...settings };
  // key_groups spell KMS, GCP and HuaweiCloud keys as mappings (config.go keyGroup)
  const keyGroups = groups.groups.map((g) => {
    const f = groupFields(g);
    return {
      ...f,
      ...(f.kms && {
        kms: f.kms.map((id) => ({
          arn: id.split("+")[0],
          ...(id.includes("+") && { role: id.split("+")[1] }),
        })),
      }),
      ...(f.gcp_kms && { gcp_kms: f.gcp_kms.map((id) => ({ resource_id: id })) }),
      ...(f.hckms && { hckms: f.hckms.map((id) => ({ key_id: id })) }),
    };
  });
  return { key_groups: keyGroups, shamir_threshold: groups.shamirThreshold, ...settings };
}

/** Errors of the whole check on a repository holding `content` as its one secret file. */
function checkErrors(rel: string, inputType: InputType, content: string, rule: SopsYamlRule): Diagnostic[] {
  const file = `secrets/corpus/${path.basename(rel).replace(/[^A-Za-z0-9_-]/g, "_")}.enc.${EXTENSION[inputType]}`;
  const root = makeTempRepo({ [file]: content }, { sopsYaml: [rule] });
  return analyzeRepo(root).diagnostics.filter((d) => d.severity === "error");
}

afterAll(() => removeTempRepos());

describe("corpus: genuine sops files from public repositories", () => {
  it("records a source for every file (SOURCES.md) and covers the formats, key types and versions", () => {
    const sources = read("SOURCES.md");
    const all: string[] = [];
    const walk = (dir: string) => {
      for (const e of fs.readdirSync(path.join(CORPUS, dir), { withFileTypes: true })) {
        const rel = dir ? `${dir}/${e.name}` : e.name;
        if (e.isDirectory()) walk(rel);
        else if (rel !== "SOURCES.md") all.push(rel);
      }
    };
    walk("");
    for (const rel of all) expect(sources).toContain(`\`${rel}\``);
    expect(all.length).toBe(FILES.length + CONFIGS.length + 3); // + 3 .sops.yaml not paired with a file
    const metadata = FILES.map(([rel, t]) => metadataOf(rel, t));
    expect(new Set(FILES.map(([, t]) => t))).toEqual(new Set(["json", "yaml", "dotenv", "ini", "raw"]));
    const types = new Set(metadata.flatMap((m) => m.recipients.map((r) => r.type)));
    expect([...types].sort()).toEqual(["age", "gcp_kms", "hc_vault", "kms", "pgp"]);
    expect(metadata.some((m) => m.encryptedRegex)).toBe(true);
    const versions = new Set(metadata.map((m) => m.version?.split(".")[0]));
    expect([...versions].sort()).toEqual(["1", "3"]);
  });

  describe.each(FILES)("%s (%s)", (rel, inputType) => {
    const text = read(rel);
    const metadata = metadataOf(rel, inputType);
    const groups = fileKeyGroups(metadata.raw);

    it("is accepted by the whole check under a rule naming its own keys and settings", () => {
      expect(checkErrors(rel, inputType, text, ruleFor(metadata))).toEqual([]);
    });

    it("is refused with a value decrypted to plaintext (SS002)", () => {
      const lines = text.split("\n");
      const i = lines.findIndex(
        (l) =>
          /ENC\[AES256_GCM,data:[^\]]*type:(str|int|float|bool)\]/.test(l) &&
          !/(^|[\s"_])mac["\s]*[:=]/.test(l),
      );
      lines[i] = lines[i].replace(/ENC\[AES256_GCM,data:[^\]]*\]/, "plaintext-value");
      const errors = checkErrors(rel, inputType, lines.join("\n"), ruleFor(metadata));
      expect(errors.map((d) => d.ruleId)).toContain("SS002");
    });

    it("is refused without its MAC (SS003)", () => {
      const weakened = text
        .split("\n")
        .filter((l) => !/^\s*("mac"|mac|sops_mac)\s*[:=]/.test(l))
        .join("\n");
      expect(weakened).not.toBe(text);
      const errors = checkErrors(rel, inputType, weakened, ruleFor(metadata));
      expect(errors.map((d) => d.ruleId)).toContain("SS003");
    });

    it("is refused when its rule names a key the file is not encrypted for (SS005)", () => {
      const more: KeyGroups = {
        ...groups,
        groups: groups.groups.map((g, i) => (i === 0 ? [...g, { type: "age", id: EXTRA_AGE }] : g)),
      };
      const errors = checkErrors(rel, inputType, text, ruleFor(metadata, more));
      expect(errors).toEqual([
        expect.objectContaining({
          ruleId: "SS005",
          message: expect.stringContaining(`is not encrypted for age ${EXTRA_AGE}`),
        }),
      ]);
    });

    it("is refused as LESS protected when its rule wants one more key group, all required (SS005)", () => {
      const stricter: KeyGroups = {
        groups: [...groups.groups, [{ type: "age", id: EXTRA_AGE }]],
        shamirThreshold: groups.groups.length + 1,
      };
      const errors = checkErrors(rel, inputType, text, ruleFor(metadata, stricter));
      expect(errors).toEqual([
        expect.objectContaining({
          ruleId: "SS005",
          message: expect.stringMatching(/^is LESS protected than/),
        }),
      ]);
    });
  });
});

describe("corpus: genuine .sops.yaml files pick a rule that matches their repository's files", () => {
  describe.each(CONFIGS)("$config", ({ config, files }) => {
    const parsed = parseSopsConfig(read(config));

    it("parses without problems", () => {
      expect(parsed.problems).toEqual([]);
    });

    it.each(files)("%s is in sync with its rule (as sops updatekeys sees it)", (rel, relativeToConfig) => {
      const inputType = FILES.find(([f]) => f === rel)?.[1] as InputType;
      const metadata = metadataOf(rel, inputType);
      const rule = findCreationRule(parsed, relativeToConfig);
      expect(rule).toBeDefined();
      expect(compareKeyGroups(fileKeyGroups(metadata.raw), rule!.keyGroups)).toEqual({ verdict: "in-sync" });
      expect(sameEncryptionSettings(rule!.encryption, metadata)).toBe(true);
    });
  });

  it("reads the getsops/sops functional-test rules: key_groups with two groups, an empty group, a folded pgp list", () => {
    const functional = parseSopsConfig(read("getsops__sops/functional-tests/.sops.yaml"));
    expect(functional.problems).toEqual([]);
    expect(findCreationRule(functional, "test_roundtrip_keygroups.yaml")?.keyGroups.groups).toHaveLength(2);
    const top = parseSopsConfig(read("getsops__sops/.sops.yaml"));
    expect(top.rules[0].recipients.map((r) => r.id)).toEqual([
      "FBC7B9E2A4F9289AC0C1D4843D16CEE4A27381B4",
      "D7229043384BCC60326C6FB9D8720D957C3D3074",
    ]);
    const vault = parseSopsConfig(read("OlafRadicke__daytona_beach/terraform/examples-01/.sops.yaml"));
    expect(vault.problems).toEqual([]);
    expect(findCreationRule(vault, "x.test.tf.sops")?.recipients).toEqual([
      { type: "hc_vault", id: "http://vault-server.vault:8200/v1/sops/keys/default" },
    ]);
  });
});
