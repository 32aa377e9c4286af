/**
 * `npm run access`, `npm run check` (rule SS005) and `npm run rekey` judge a file's keys by ONE comparison
 * (keyGroupSync, src/sops/key-groups.ts): on the same repository the files access calls out of sync are
 * exactly SS005's, with SS005's message, and rekey's updatekeys / rotate classification follows from it —
 * key groups, shamir thresholds and KMS roles included.
 */
import { runAccessCli } from "../../src/access/access-cli";
import { AccessReport } from "../../src/access/access-report";
import { runCheck } from "../../src/check/run-check";
import { Diagnostic } from "../../src/diagnostics";
import { runRekeyCli } from "../../src/rekey/rekey-cli";
import { sopsShapedContent } from "../../test-support/sops-shaped-file";
import { makeTempRepo, removeTempRepos } from "../../test-support/temp-repo";

afterAll(removeTempRepos);

const NOW = "2026-12-01T00:00:00Z";
const K = "arn:aws:kms:us-east-1:111122223333:key/11111111-1111-4111-8111-111111111111";
const R1 = "arn:aws:iam::111122223333:role/sops-one";
const R2 = "arn:aws:iam::111122223333:role/sops-two";
const A = "age1aaaaxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx";
const B = "age1bbbbxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx";

type Group = { kms?: { arn: string; role?: string }[]; age?: string[] };

/** A sops-shaped JSON file whose metadata holds exactly these key groups (flat lists for one group). */
function file(groups: Group[], threshold?: number): string {
  const doc = JSON.parse(
    sopsShapedContent({ password: "hunter2" }, { format: "json", lastModified: "2026-11-01T00:00:00Z" }),
  ) as { sops: Record<string, unknown> };
  const meta = doc.sops;
  delete meta.kms;
  delete meta.age;
  const entries = (g: Group) => ({
    ...(g.kms && {
      kms: g.kms.map((k) => ({ ...k, created_at: "2026-01-01T00:00:00Z", enc: "c2hhcGVk", aws_profile: "" })),
    }),
    ...(g.age && { age: g.age.map((recipient) => ({ recipient, enc: "c2hhcGVk" })) }),
  });
  if (groups.length === 1) Object.assign(meta, entries(groups[0]));
  else meta.key_groups = groups.map(entries);
  if (threshold !== undefined) meta.shamir_threshold = threshold;
  return JSON.stringify(doc, null, 2) + "\n";
}

/** name → [file's groups, file's threshold, the rule's fields]. */
const CASES: Record<string, [Group[], number | undefined, Record<string, unknown>]> = {
  "in-sync": [[{ kms: [{ arn: K }], age: [A] }], undefined, { kms: K, age: A }],
  // the same keys, one group in the rule: updatekeys re-keys, nobody gains or loses
  regrouped: [[{ kms: [{ arn: K }] }, { age: [A] }], 2, { key_groups: [{ kms: [{ arn: K }], age: [A] }] }],
  // same groups, the rule wants 2 of 2: less protected, the threshold must be passed, then rotate
  threshold: [
    [{ kms: [{ arn: K }] }, { age: [A] }],
    1,
    { shamir_threshold: 2, key_groups: [{ kms: [{ arn: K }] }, { age: [A] }] },
  ],
  // one group where the rule wants two: less protected; updatekeys alone sets "all groups"
  split: [
    [{ kms: [{ arn: K }], age: [A] }],
    undefined,
    { shamir_threshold: 2, key_groups: [{ kms: [{ arn: K }] }, { age: [A] }] },
  ],
  // B left
  removed: [[{ kms: [{ arn: K }], age: [A, B] }], undefined, { kms: K, age: A }],
  // the KMS key is reached through another role: out of sync, but nobody lost access
  role: [[{ kms: [{ arn: K, role: R1 }] }], undefined, { kms: `${K}+${R2}` }],
  added: [[{ kms: [{ arn: K }] }], undefined, { kms: K, age: A }],
  // the file is MORE protected than the rule asks (2 of 2 where the rule says 1 of 2): in sync for sops
  stronger: [
    [{ kms: [{ arn: K }] }, { age: [A] }],
    2,
    { shamir_threshold: 1, key_groups: [{ kms: [{ arn: K }] }, { age: [A] }] },
  ],
};

function repo(): string {
  const files: Record<string, string> = {};
  const rules: Record<string, unknown>[] = [];
  for (const [name, [groups, threshold, rule]] of Object.entries(CASES)) {
    files[`secrets/prod/${name}.enc.json`] = file(groups, threshold);
    rules.push({ path_regex: `^secrets/prod/${name}\\.enc\\.json$`, ...rule });
  }
  return makeTempRepo(files, { sopsYaml: rules });
}

test("access's out-of-sync files are exactly SS005's, with SS005's message; rekey acts on the same files", () => {
  const root = repo();
  const check = JSON.parse(runCheck(["--json"], root).stdout) as { diagnostics: Diagnostic[] };
  const ss005 = new Map(check.diagnostics.filter((d) => d.ruleId === "SS005").map((d) => [d.path, d]));
  const access = runAccessCli(["--json", "--now", NOW], root);
  const secrets = (JSON.parse(access.stdout) as AccessReport).environments[0].secrets;
  const outOfSync = secrets.filter((s) => s.sync === "out-of-sync" || s.sync === "less-protected");

  expect(outOfSync.map((s) => s.file).sort()).toEqual([...ss005.keys()].sort());
  expect([...ss005.keys()].sort()).toEqual(
    ["added", "regrouped", "removed", "role", "split", "threshold"].map((n) => `secrets/prod/${n}.enc.json`),
  );
  for (const s of outOfSync)
    expect(s.finding).toEqual({ message: ss005.get(s.file)!.message, fix: ss005.get(s.file)!.fix });
  expect(Object.fromEntries(secrets.map((s) => [s.name, s.sync]))).toEqual({
    added: "out-of-sync",
    "in-sync": "in-sync",
    regrouped: "out-of-sync",
    removed: "out-of-sync",
    role: "out-of-sync",
    split: "less-protected",
    stronger: "in-sync",
    threshold: "less-protected",
  });
  expect(access.exitCode).toBe(1);

  const rekey = runRekeyCli(["--now", NOW], root);
  const commands = rekey.stdout.split("runs them in this order):\n")[1];
  const p = (n: string) => `secrets/prod/${n}.enc.json`;
  expect(commands).toBe(
    [
      `sops updatekeys --yes ${p("added")}`,
      `sops updatekeys --yes ${p("regrouped")}`,
      `sops updatekeys --yes ${p("removed")}`,
      `sops rotate --in-place ${p("removed")}`,
      `sops updatekeys --yes ${p("role")}`,
      `sops updatekeys --yes ${p("split")}`,
      `sops rotate --in-place ${p("split")}`,
      `sops updatekeys --yes --shamir-secret-sharing-threshold 2 ${p("threshold")}`,
      `sops rotate --in-place ${p("threshold")}`,
      "",
    ].join("\n"),
  );
  // updatekeys steps carry SS005's message as their reason
  for (const [path, d] of ss005) expect(rekey.stdout).toContain(`${path}\n  updatekeys ${d.message}\n`);
  expect(rekey.stdout).toContain(`  rotate     age ${B} could decrypt the old data key`);
  expect(rekey.stdout).toContain(
    "  then       change the values themselves: until now fewer keys than the rule requires could read them",
  );
});

test("the report shows the groups and thresholds of the file and its rule, and where a key moved", () => {
  const root = repo();
  const secrets = (JSON.parse(runAccessCli(["--json", "--now", NOW], root).stdout) as AccessReport)
    .environments[0].secrets;
  const by = (name: string) => secrets.find((s) => s.name === name)!;
  expect(by("threshold")).toMatchObject({
    keyGroups: [[{ type: "kms", id: K }], [{ type: "age", id: A }]],
    threshold: 1,
    ruleKeyGroups: [[{ type: "kms", id: K }], [{ type: "age", id: A }]],
    ruleThreshold: 2,
    missing: [],
    extra: [],
  });
  expect(by("role")).toMatchObject({
    keyGroups: [[{ type: "kms", id: K, role: R1 }]],
    missing: [{ type: "kms", id: K, role: R2 }],
    extra: [{ type: "kms", id: K, role: R1 }],
  });
  expect(by("regrouped")).toMatchObject({ threshold: 2, ruleThreshold: 1, missing: [], extra: [] });

  const text = runAccessCli(["--now", NOW], root).stdout;
  expect(text).toMatch(/^ {2}regrouped +1 of 2 \(need 2\) +AWS KMS \S+ +ok/m);
  expect(text).toMatch(/^ +2 of 2 \(need 2\) +age \S+ +REGROUP: rule has it in group 1/m);
  expect(text).toContain(
    "! secrets/prod/threshold.enc.json: LESS PROTECTED vs .sops.yaml creation rule #3 (line 11) (2 key groups, 2 needed): " +
      "run `npm run rekey` (SS005: is LESS protected than .sops.yaml creation rule #3 (line 11): keys from 1 of its 2 key " +
      "groups decrypts it, but the rule requires keys from 2 of its 2 key groups)",
  );
  expect(text).toContain(
    "! secrets/prod/regrouped.enc.json: grouped differently vs .sops.yaml creation rule #2",
  );
});
