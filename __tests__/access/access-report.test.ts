/**
 * The pure access report: key groups, shamir threshold, every key type, roles, and rendering that escapes
 * whatever the names contain.
 */
import { AccessInputs, buildAccessReport, keyGroupsOf } from "../../src/access/access-report";
import { renderAccessHtml, renderAccessMarkdown, renderAccessText } from "../../src/access/render-access";

const NOW = new Date("2026-12-01T00:00:00Z");
const KMS = "arn:aws:kms:eu-west-1:111122223333:key/11111111-1111-1111-1111-111111111111";
const ROLE = "arn:aws:iam::111122223333:role/sops";

/** A metadata block with two key groups (as sops writes several groups), every key type. */
const GROUPED = {
  key_groups: [
    {
      kms: [{ arn: KMS, role: ROLE, enc: "x", created_at: "2026-01-01T00:00:00Z" }],
      pgp: [{ fp: "fbc7b9e2a4f9289ac0c1d4843d16cee4a27381b4", enc: "x" }],
      hckms: [{ key_id: "tr-west-1:0000-hc", enc: "x" }],
    },
    {
      age: [{ recipient: "age1aaa", enc: "x" }],
      gcp_kms: [{ resource_id: "projects/p/locations/global/keyRings/r/cryptoKeys/k", enc: "x" }],
      azure_kv: [{ vault_url: "https://v.vault.azure.net", name: "k", version: "v1", enc: "x" }],
      hc_vault: [{ vault_address: "https://vault:8200", engine_path: "sops", key_name: "k", enc: "x" }],
    },
    { age: [{ recipient: "age1bbb", enc: "x" }] },
  ],
  shamir_threshold: 2,
  lastmodified: "2025-12-01T00:00:00Z",
  mac: "ENC[...]",
};

function inputs(
  metadata: Record<string, unknown>,
  ruleKeys = [] as { type: "kms" | "age"; id: string }[],
): AccessInputs {
  const keyGroups = { groups: [ruleKeys], shamirThreshold: 0 };
  return {
    environments: ["prod"],
    readers: () => [],
    files: [
      {
        environment: "prod",
        file: "secrets/prod/db.enc.json",
        name: "db",
        secretName: "prod/db",
        metadata,
        rule: { description: ".sops.yaml creation rule #1 (line 2)", keyGroups },
      },
    ],
  };
}

test("key groups, threshold, every key type with its identity, the KMS role", () => {
  const report = buildAccessReport(inputs(GROUPED, [{ type: "kms", id: `${KMS}+${ROLE}` }]), NOW);
  const s = report.environments[0].secrets[0];
  expect(s.threshold).toBe(2);
  expect(s.dataKeyAgeDays).toBe(365);
  expect(s.keyGroups).toEqual([
    [
      { type: "kms", id: KMS, role: ROLE },
      { type: "pgp", id: "FBC7B9E2A4F9289AC0C1D4843D16CEE4A27381B4" },
      { type: "hckms", id: "tr-west-1:0000-hc" },
    ],
    [
      { type: "age", id: "age1aaa" },
      { type: "gcp_kms", id: "projects/p/locations/global/keyRings/r/cryptoKeys/k" },
      { type: "azure_kv", id: "https://v.vault.azure.net/keys/k/v1" },
      { type: "hc_vault", id: "https://vault:8200/v1/sops/keys/k" },
    ],
    [{ type: "age", id: "age1bbb" }],
  ]);
  // The rule names the KMS key with the same role (compared as `arn+role`, as SS005 does); everything else is extra.
  expect(s.missing).toEqual([]);
  expect(s.extra.map((k) => k.type)).toEqual([
    "pgp",
    "hckms",
    "age",
    "gcp_kms",
    "azure_kv",
    "hc_vault",
    "age",
  ]);
  const text = renderAccessText(report);
  expect(text).toContain(`1 of 3 (need 2)  AWS KMS ${KMS} (role ${ROLE})  ok`);
  expect(text).toContain("3 of 3 (need 2)  age age1bbb");
  expect(text).toContain("HuaweiCloud KMS tr-west-1:0000-hc");
  expect(renderAccessHtml(report)).toContain('<td class="threshold">2 of 3 groups</td>');
});

test("sops semantics: non-empty top-level lists are the only group; no threshold means every group", () => {
  expect(
    keyGroupsOf({ age: [{ recipient: "age1top" }], key_groups: [{ age: [{ recipient: "age1g" }] }] }),
  ).toEqual([[{ type: "age", id: "age1top" }]]);
  const noThreshold: Record<string, unknown> = { ...GROUPED };
  delete noThreshold.shamir_threshold;
  expect(buildAccessReport(inputs(noThreshold), NOW).environments[0].secrets[0].threshold).toBe(3);
  expect(
    buildAccessReport(inputs({ ...GROUPED, shamir_threshold: 9 }), NOW).environments[0].secrets[0].threshold,
  ).toBe(3);
});

test("names are escaped in every format: no HTML injection, no terminal escape, no broken table", () => {
  const evil = 'x<img src=x onerror="alert(1)">|\u001b[31m\nred';
  const report = buildAccessReport(
    {
      environments: ["prod"],
      readers: () => [evil],
      files: [
        {
          environment: "prod",
          file: `secrets/prod/${evil}.enc.json`,
          name: evil,
          metadata: { age: [{ recipient: evil, enc: "x" }], lastmodified: "2026-11-01T00:00:00Z" },
        },
      ],
    },
    NOW,
  );
  const page = renderAccessHtml(report);
  expect(page).not.toContain("<img");
  expect(page).toContain("x&lt;img src=x onerror=&quot;alert(1)&quot;&gt;|\\x1b[31m\\x0ared");
  for (const out of [renderAccessText(report), renderAccessMarkdown(report)]) {
    expect(out).not.toContain("\u001b");
    expect(out).toContain("\\x1b[31m\\x0ared");
  }
  const markdownRows = renderAccessMarkdown(report)
    .split("\n")
    .filter((l) => l.startsWith("| x"));
  expect(markdownRows).toHaveLength(1);
  expect(markdownRows[0].split(/(?<!\\)\|/)).toHaveLength(7); // 5 cells, none split by the name's "|"
});
