/**
 * Key groups compared as `sops updatekeys` compares them (cmd/sops/common/common.go DiffKeyGroups), with
 * rules parsed from real `.sops.yaml` text and files' metadata as sops writes it.
 */
import {
  compareKeyGroups,
  describeKeyGroupMismatch,
  fileKeyGroups,
  keyGroupSync,
  updatekeysThreshold,
} from "../../src/sops/key-groups";
import { CreationRule, parseSopsConfig } from "../../src/sops/sops-config";

const KMS = "arn:aws:kms:us-east-1:111122223333:key/aaaa";
const ROLE = "arn:aws:iam::111122223333:role/sops";
const AGE1 = "age1one";
const AGE2 = "age1two";

function rule(yaml: string): CreationRule {
  const config = parseSopsConfig(`creation_rules:\n${yaml}`);
  expect(config.problems).toEqual([]);
  return config.rules[0];
}

const TWO_GROUPS_T2 = rule(
  [
    "  - shamir_threshold: 2",
    "    key_groups:",
    `      - kms: [{arn: ${KMS}}]`,
    `      - age: [${AGE1}]`,
  ].join("\n"),
);

const oneGroupFile = { kms: [{ arn: KMS, enc: "x" }], age: [{ recipient: AGE1, enc: "x" }] };
const twoGroupFile = {
  shamir_threshold: 2,
  key_groups: [{ kms: [{ arn: KMS, enc: "x" }] }, { age: [{ recipient: AGE1, enc: "x" }] }],
};

describe("compareKeyGroups", () => {
  it("accepts a file with the rule's groups", () => {
    expect(compareKeyGroups(fileKeyGroups(twoGroupFile), TWO_GROUPS_T2.keyGroups)).toEqual({
      verdict: "in-sync",
    });
  });

  it("calls ONE group under a rule with two groups and threshold 2 less protected", () => {
    const result = compareKeyGroups(fileKeyGroups(oneGroupFile), TWO_GROUPS_T2.keyGroups);
    expect(result).toMatchObject({
      verdict: "less-protected",
      fileNeeds: 1,
      ruleNeeds: 2,
      groupsDiffer: true,
    });
    const found = describeKeyGroupMismatch(fileKeyGroups(oneGroupFile), TWO_GROUPS_T2.keyGroups, {
      path: "secrets/p/a.enc.json",
      ruleName: "rule #1",
    });
    expect(found).toEqual({
      message:
        "is LESS protected than rule #1: any single key of its one key group decrypts it, but the rule requires keys from 2 of its 2 key groups",
      fix: "run `sops updatekeys secrets/p/a.enc.json` to re-encrypt the data key for the rule's key groups, then rotate the values (until now fewer keys could read them)",
    });
  });

  it("calls threshold 1 of 2 groups under a threshold-2 rule less protected, with the threshold in the fix", () => {
    const file = fileKeyGroups({ ...twoGroupFile, shamir_threshold: 1 });
    const found = describeKeyGroupMismatch(file, TWO_GROUPS_T2.keyGroups, { path: "f", ruleName: "r" });
    expect(found?.fix).toMatch(/^run `sops updatekeys --shamir-secret-sharing-threshold 2 f`/);
  });

  it("reads the flat lists when any is non-empty and ignores key_groups then (never both)", () => {
    const both = { ...oneGroupFile, key_groups: twoGroupFile.key_groups, shamir_threshold: 2 };
    expect(fileKeyGroups(both).groups).toHaveLength(1);
    // old sops wrote empty lists / nulls next to key_groups: those do not count
    const oldStyle = { kms: [], age: null, pgp: [], ...twoGroupFile };
    expect(fileKeyGroups(oldStyle).groups).toHaveLength(2);
  });

  it("calls the same keys regrouped out of sync (updatekeys would re-key)", () => {
    const merged = rule(
      [
        "  - key_groups:",
        `      - kms: [{arn: ${KMS}}]`,
        "        merge:",
        `          - age: [${AGE1}]`,
      ].join("\n"),
    );
    // merged into one group = the one-group file: in sync
    expect(compareKeyGroups(fileKeyGroups(oneGroupFile), merged.keyGroups)).toEqual({ verdict: "in-sync" });
    // a two-group file (threshold 2) under a one-group rule is more protected, but out of sync
    const result = describeKeyGroupMismatch(fileKeyGroups(twoGroupFile), merged.keyGroups, {
      path: "f",
      ruleName: "r",
    });
    expect(result?.message).toBe(
      "has the keys r names, but grouped differently (file: 2 groups of 1/1 keys; rule: one group of 2 keys), so `sops updatekeys` would re-encrypt it",
    );
    // swapped group order: out of sync too (groups compare by index)
    const swapped = { key_groups: [...twoGroupFile.key_groups].reverse(), shamir_threshold: 2 };
    expect(compareKeyGroups(fileKeyGroups(swapped), TWO_GROUPS_T2.keyGroups).verdict).toBe("out-of-sync");
  });

  it("compares KMS as ARN + role; ignores aws_profile and context", () => {
    const withRole = rule(`  - kms: "${KMS}+${ROLE}"\n    aws_profile: prod`);
    expect(compareKeyGroups(fileKeyGroups({ kms: [{ arn: KMS }] }), withRole.keyGroups).verdict).toBe(
      "out-of-sync",
    );
    expect(
      compareKeyGroups(
        fileKeyGroups({ kms: [{ arn: KMS, role: ROLE, aws_profile: "x", context: { k: "v" } }] }),
        withRole.keyGroups,
      ),
    ).toEqual({ verdict: "in-sync" });
  });

  it("accepts the threshold differences updatekeys ignores when the file is not weaker", () => {
    const noThreshold = rule(
      ["  - key_groups:", `      - kms: [{arn: ${KMS}}]`, `      - age: [${AGE1}]`].join("\n"),
    );
    const tooHigh = rule(
      [
        "  - shamir_threshold: 5",
        "    key_groups:",
        `      - kms: [{arn: ${KMS}}]`,
        `      - age: [${AGE1}]`,
      ].join("\n"),
    );
    for (const r of [noThreshold, tooHigh, TWO_GROUPS_T2])
      expect(compareKeyGroups(fileKeyGroups({ ...twoGroupFile, shamir_threshold: 0 }), r.keyGroups)).toEqual({
        verdict: "in-sync",
      });
  });

  it("reports a removed recipient and an added one", () => {
    const r = rule(`  - age: ${AGE1},${AGE2}`);
    const found = describeKeyGroupMismatch(fileKeyGroups({ age: [{ recipient: AGE1 }] }), r.keyGroups, {
      path: "f",
      ruleName: "r",
    });
    expect(found?.message).toBe(`is not encrypted for age ${AGE2}, which r names`);
  });

  it("knows hckms recipients, in files and in rules", () => {
    const r = rule("  - hckms: [tr-west-1:abc]");
    expect(r.recipients).toEqual([{ type: "hckms", id: "tr-west-1:abc" }]);
    expect(compareKeyGroups(fileKeyGroups({ hckms: [{ key_id: "tr-west-1:abc" }] }), r.keyGroups)).toEqual({
      verdict: "in-sync",
    });
  });

  it("passes the rule's threshold to updatekeys when the file's own would stay too low, even with other groups", () => {
    // two groups, threshold 1, other keys than the rule's two-of-two: updatekeys alone keeps threshold 1
    const file = fileKeyGroups({
      shamir_threshold: 1,
      key_groups: [{ kms: [{ arn: KMS, enc: "x" }] }, { age: [{ recipient: AGE2, enc: "x" }] }],
    });
    expect(updatekeysThreshold(file, TWO_GROUPS_T2.keyGroups)).toBe(2);
    expect(
      describeKeyGroupMismatch(file, TWO_GROUPS_T2.keyGroups, { path: "f", ruleName: "r" })?.fix,
    ).toMatch(
      /^run `sops updatekeys --shamir-secret-sharing-threshold 2 f` to re-encrypt the data key for the rule's key groups/,
    );
    // one group, no threshold: updatekeys writes "every group", enough
    expect(updatekeysThreshold(fileKeyGroups(oneGroupFile), TWO_GROUPS_T2.keyGroups)).toBeUndefined();
  });

  it("keyGroupSync: removed keys are revoked, except a KMS key still named with another role; no key: undefined", () => {
    const names = { path: "f", ruleName: "r" };
    const left = keyGroupSync(
      { kms: [{ arn: KMS, role: ROLE }], age: [{ recipient: AGE1 }, { recipient: AGE2 }] },
      rule(`  - kms: ${KMS}\n    age: ${AGE1}`).keyGroups,
      names,
    )!;
    expect(left.drift).toEqual({
      missing: [{ type: "kms", id: KMS }],
      extra: [
        { type: "kms", id: `${KMS}+${ROLE}` },
        { type: "age", id: AGE2 },
      ],
    });
    expect(left.revoked).toEqual([{ type: "age", id: AGE2 }]);
    expect(left.mismatch?.message).toBe(
      describeKeyGroupMismatch(
        fileKeyGroups({ kms: [{ arn: KMS, role: ROLE }], age: [{ recipient: AGE1 }, { recipient: AGE2 }] }),
        rule(`  - kms: ${KMS}\n    age: ${AGE1}`).keyGroups,
        names,
      )?.message,
    );
    expect(keyGroupSync({ kms: [], lastmodified: "x" }, TWO_GROUPS_T2.keyGroups, names)).toBeUndefined();
    expect(keyGroupSync(twoGroupFile, TWO_GROUPS_T2.keyGroups, names)).toMatchObject({
      comparison: { verdict: "in-sync" },
      revoked: [],
    });
    expect(keyGroupSync(twoGroupFile, TWO_GROUPS_T2.keyGroups, names)?.mismatch).toBeUndefined();
  });
});
