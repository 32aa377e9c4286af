/**
 * Readers and per-secret settings on the synthesized stacks: the secret policies' statements exactly, the
 * per-secret description, tags, recovery window, KMS key and replicas, and terraform validate (no init) on the
 * JSON and HCL output.
 */
import * as fs from "fs";
import * as path from "path";
import { spawnSync } from "child_process";
import { runCheck } from "../../src/check/run-check";
import { synthesizeRepo } from "../../src/synth/synthesize-repo";
import { makeTempDir, writeExampleRepo } from "../../test-support/example-repo";

/* eslint-disable @typescript-eslint/no-explicit-any */
type Json = any;

const ROLE_APP = "arn:aws:iam::111122223333:role/app";
const ROLE_PAY = "arn:aws:iam::111122223333:role/payments/charger";
const OTHER_ACCOUNT = "444455556666";
const CMK = "arn:aws:kms:us-east-1:111122223333:key/11111111-2222-4333-8444-555555555555";

const SPEC = {
  environments: {
    production: {
      "app.enc.json": { values: { a: "1" } },
      "payments/stripe.enc.json": { values: { b: "2" } },
      "payments/adyen.enc.json": { values: { c: "3" } },
      "worker.enc.json": { values: { d: "4" } },
    },
  },
  context: {
    assumeRoleArn: "arn:aws:iam::111122223333:role/deploy",
    tags: { Team: "core" },
    readers: [ROLE_APP],
    secrets: {
      "payments/*": {
        readers: [ROLE_PAY, OTHER_ACCOUNT],
        kmsKeyId: CMK,
        tags: { CostCenter: "pay" },
        description: "Payment provider credentials",
        readersPolicy: "strict",
      },
      "payments/adyen": { recoveryWindowInDays: 7, replicaRegions: ["eu-west-1"] },
      worker: { readers: [] },
    },
  },
};

function synth(root: string, hclOutput = false): void {
  const result = synthesizeRepo(root, { outdir: "cdktf.out", hclOutput });
  expect(result.analysis.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  expect(result.synthesized).toBe(true);
}

const stackDir = (root: string, env: string) => path.join(root, "cdktf.out", "stacks", env);

describe("secret policies and per-secret settings (JSON)", () => {
  let stack: Json;
  beforeAll(() => {
    const root = writeExampleRepo(makeTempDir(), SPEC);
    synth(root);
    stack = JSON.parse(fs.readFileSync(path.join(stackDir(root, "production"), "cdk.tf.json"), "utf8"));
  });

  it("gives each secret with readers one policy with block_public_policy, and none to a secret without", () => {
    const policies = stack.resource.aws_secretsmanager_secret_policy;
    expect(Object.keys(policies).sort()).toEqual(["app", "payments--adyen", "payments--stripe"]);
    for (const [id, p] of Object.entries<Json>(policies)) {
      expect(p.block_public_policy).toBe(true);
      expect(p.secret_arn).toBe(`\${aws_secretsmanager_secret.${id}.arn}`);
    }
  });

  it("allows exactly the readers GetSecretValue and DescribeSecret", () => {
    const app = JSON.parse(stack.resource.aws_secretsmanager_secret_policy.app.policy);
    expect(app).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "ReadersRead",
          Effect: "Allow",
          Principal: { AWS: ROLE_APP },
          Action: ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"],
          Resource: "*",
        },
      ],
    });
  });

  it("strict: denies GetSecretValue to all but the readers (an account as all its principals) and the deployer", () => {
    const text: string = stack.resource.aws_secretsmanager_secret_policy["payments--stripe"].policy;
    const deployer = "${data.aws_iam_session_context.deployer.issuer_arn}";
    expect(JSON.parse(text)).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "ReadersRead",
          Effect: "Allow",
          Principal: { AWS: [ROLE_PAY, `arn:aws:iam::${OTHER_ACCOUNT}:root`] },
          Action: ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"],
          Resource: "*",
        },
        {
          Sid: "DenyOthersRead",
          Effect: "Deny",
          Principal: "*",
          Action: ["secretsmanager:GetSecretValue"],
          Resource: "*",
          Condition: {
            ArnNotLike: { "aws:PrincipalArn": [ROLE_PAY, `arn:aws:iam::${OTHER_ACCOUNT}:*`, deployer] },
          },
        },
      ],
    });
    expect(stack.data.aws_iam_session_context.deployer.arn).toBe("${data.aws_caller_identity.deployer.arn}");
    expect(Object.keys(stack.data.aws_caller_identity)).toEqual(["deployer"]);
  });

  it("applies the most specific entry: exact name over glob, settings of the glob not merged in", () => {
    const secrets = stack.resource.aws_secretsmanager_secret;
    expect(secrets["payments--stripe"]).toMatchObject({
      description: "Payment provider credentials",
      kms_key_id: CMK,
      recovery_window_in_days: 30,
      tags: {
        CostCenter: "pay",
        ManagedBy: "terraform",
        Environment: "production",
        SourceFile: "secrets/production/payments/stripe.enc.json",
      },
    });
    // payments/adyen is matched exactly: its entry wins as a whole, so the readers and key are the environment's.
    expect(secrets["payments--adyen"].recovery_window_in_days).toBe(7);
    expect(secrets["payments--adyen"].replica).toEqual([{ region: "eu-west-1" }]);
    expect(secrets["payments--adyen"].kms_key_id).toBeUndefined();
    expect(secrets["payments--adyen"].description).toBe(
      "Managed by sops-secrets from secrets/production/payments/adyen.enc.json",
    );
    expect(
      JSON.parse(stack.resource.aws_secretsmanager_secret_policy["payments--adyen"].policy).Statement,
    ).toEqual([expect.objectContaining({ Principal: { AWS: ROLE_APP } })]);
    // Environment tags stay default tags; the secret's own tags are on the resource.
    expect(stack.provider.aws[0].default_tags).toEqual([{ tags: { Team: "core" } }]);
    expect(secrets.app.tags).toEqual({
      ManagedBy: "terraform",
      Environment: "production",
      SourceFile: "secrets/production/app.enc.json",
    });
  });
});

const terraform = spawnSync("terraform", ["version"], { encoding: "utf8" });
(terraform.status === 0 ? describe : describe.skip)("terraform validate (no init) with readers", () => {
  it.each([false, true])("hcl=%s: nothing but the missing providers", (hcl) => {
    const root = writeExampleRepo(makeTempDir(), SPEC);
    synth(root, hcl);
    const dir = stackDir(root, "production");
    if (hcl)
      expect(fs.readFileSync(path.join(dir, "cdk.tf"), "utf8")).toContain("aws_secretsmanager_secret_policy");
    const r = spawnSync("terraform", ["validate", "-no-color"], {
      cwd: dir,
      encoding: "utf8",
      env: { ...process.env, CHECKPOINT_DISABLE: "1", TF_IN_AUTOMATION: "1" },
    });
    const errors = [...(r.stderr + r.stdout).matchAll(/Error: (.*)/g)].map((m) => m[1].trim());
    expect(errors).toEqual(["Missing required provider", "Missing required provider"]);
  });
});

describe("the bootstrap stack's sops-<env>-readers policy", () => {
  it("GetSecretValue and DescribeSecret on the environment's names, kms:Decrypt via Secrets Manager only", () => {
    const root = writeExampleRepo(makeTempDir(), {
      environments: SPEC.environments,
      context: {
        bootstrap: { accountId: "111122223333" },
        backend: { bucket: "acme-tf-state" },
        environments: { production: { kmsKeyId: CMK, region: "eu-west-1" } },
      },
    });
    synth(root);
    const stack = JSON.parse(fs.readFileSync(path.join(stackDir(root, "bootstrap"), "cdk.tf.json"), "utf8"));
    const policy = stack.resource.aws_iam_policy.sops_production_readers;
    expect(policy.name).toBe("sops-production-readers");
    expect(JSON.parse(policy.policy)).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "ReadSecrets",
          Effect: "Allow",
          Action: ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"],
          Resource: "arn:aws:secretsmanager:eu-west-1:111122223333:secret:production/*",
        },
        {
          Sid: "SecretsKmsKey",
          Effect: "Allow",
          Action: ["kms:Decrypt"],
          Resource: CMK,
          Condition: { StringEquals: { "kms:ViaService": "secretsmanager.eu-west-1.amazonaws.com" } },
        },
      ],
    });
    expect(stack.output.environments.value.production.readers_policy_arn).toBe(
      "${aws_iam_policy.sops_production_readers.arn}",
    );
    // Nobody is attached to it by the stack.
    const attachments = JSON.stringify(stack.resource.aws_iam_role_policy_attachment ?? {});
    expect(attachments).not.toContain("sops_production_readers");
  });
});

describe("check and synth agree on readers and per-secret settings", () => {
  it.each([
    [
      "a cross-account reader under the AWS managed key",
      { assumeRoleArn: "arn:aws:iam::111122223333:role/d", readers: [OTHER_ACCOUNT] },
    ],
    ["readers without a known account", { readers: [ROLE_APP] }],
    ["a tie between globs", { secrets: { "payments/strip?": {}, "paymen?s/stripe": {} } }],
    ["a wildcard reader", { readers: ["*"] }],
  ])("%s: check exits non-zero, synth refuses with the same errors and writes nothing", (_, context) => {
    const root = writeExampleRepo(makeTempDir(), { environments: SPEC.environments, context });
    const check = runCheck(["--json"], root);
    expect(check.exitCode).not.toBe(0);
    const result = synthesizeRepo(root, { outdir: "cdktf.out" });
    expect(result.synthesized).toBe(false);
    const errors = result.analysis.diagnostics.filter((d) => d.severity === "error");
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every((d) => d.ruleId === "SS011" && d.path === "cdktf.json")).toBe(true);
    for (const e of errors) expect(check.stdout).toContain(JSON.stringify(e.message).slice(1, -1));
    expect(fs.existsSync(path.join(root, "cdktf.out", "stacks"))).toBe(false);
  });
});
