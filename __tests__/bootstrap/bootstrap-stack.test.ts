import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Testing } from "cdktf";
import {
  DEFAULT_BOOTSTRAP_SETTINGS,
  BootstrapSettings,
  EnvironmentAccess,
} from "../../src/bootstrap/bootstrap-config";
import {
  BOOTSTRAP_STACK_NAME,
  BootstrapStack,
  BootstrapStackProps,
  DEFAULT_BOOTSTRAP_LOCAL_STATE_PATH,
} from "../../src/bootstrap/bootstrap-stack";
import { DEPLOYER_SECRETSMANAGER_ACTIONS, KEY_ADMIN_ACTIONS } from "../../src/bootstrap/bootstrap-policies";
import { DEFAULT_SETTINGS, S3BackendConfig } from "../../src/config/config";

/* eslint-disable @typescript-eslint/no-explicit-any */
type Json = any;

const ACCOUNT = "111122223333";
const BACKEND: S3BackendConfig = {
  type: "s3",
  bucket: "acme-tf-state",
  region: "us-east-1",
  keyPrefix: "secrets",
};
const NONE = { roles: [], groups: [], users: [] };

function props(
  overrides: Partial<BootstrapStackProps> = {},
  settings: Partial<BootstrapSettings> = {},
): BootstrapStackProps {
  return {
    environments: ["development", "production"],
    settings: { ...DEFAULT_BOOTSTRAP_SETTINGS, accountId: ACCOUNT, ...settings },
    backend: BACKEND,
    region: "us-east-1",
    tags: { Project: "sops-secrets" },
    ...overrides,
  };
}

function synthText(p: BootstrapStackProps): string {
  return Testing.synth(new BootstrapStack(Testing.app(), p));
}

function synth(p: BootstrapStackProps = props()): Json {
  return JSON.parse(synthText(p));
}

function policy(json: Json, type: string, name: string): Json {
  return JSON.parse(json.resource[type][name].policy);
}

function statement(doc: Json, sid: string): Json {
  const s = doc.Statement.find((x: Json) => x.Sid === sid);
  if (!s) throw new Error(`no statement ${sid} in ${JSON.stringify(doc)}`);
  return s;
}

const arn = (service: string, rest: string) => `arn:aws:${service}:us-east-1:${ACCOUNT}:${rest}`;

describe("BootstrapStack: keys and aliases", () => {
  const json = synth();

  test("is named bootstrap", () => {
    expect(BOOTSTRAP_STACK_NAME).toBe("bootstrap");
  });

  test("one rotated key per environment, plus the state and alarm-topic keys, all with the deletion window", () => {
    expect(Object.keys(json.resource.aws_kms_key).sort()).toEqual([
      "alarms",
      "sops_development",
      "sops_production",
      "state",
    ]);
    for (const key of Object.values<Json>(json.resource.aws_kms_key)) {
      expect(key.enable_key_rotation).toBe(true);
      expect(key.deletion_window_in_days).toBe(30);
    }
    const custom = synth(props({}, { keyDeletionWindowInDays: 7 }));
    expect(custom.resource.aws_kms_key.sops_production.deletion_window_in_days).toBe(7);
  });

  test("alias/sops-<env> per environment, on its key", () => {
    expect(json.resource.aws_kms_alias.sops_development).toEqual({
      name: "alias/sops-development",
      target_key_id: "${aws_kms_key.sops_development.key_id}",
    });
    expect(json.resource.aws_kms_alias.sops_production.name).toBe("alias/sops-production");
    expect(json.resource.aws_kms_alias.state.name).toBe("alias/terraform-state/acme-tf-state");
  });

  test("key policy: the account administers (no use, no grant); only the named principals may use the key", () => {
    const access: EnvironmentAccess = {
      editors: { roles: ["sops-editor"], groups: [], users: ["alice"] },
      deployers: { roles: ["ci-production"], groups: [], users: [] },
      planners: { roles: ["ci-plan"], groups: [], users: [] },
    };
    const j = synth(props({}, { access: { production: access }, breakGlassRoleName: "break-glass" }));
    const root = { AWS: `arn:aws:iam::${ACCOUNT}:root` };
    const role = (n: string) => [`arn:aws:iam::${ACCOUNT}:role/${n}`, `arn:aws:iam::${ACCOUNT}:role/*/${n}`];
    const user = (n: string) => [`arn:aws:iam::${ACCOUNT}:user/${n}`, `arn:aws:iam::${ACCOUNT}:user/*/${n}`];
    const doc = policy(j, "aws_kms_key", "sops_production");
    expect(doc.Statement).toEqual([
      {
        Sid: "AccountAdministersKey",
        Effect: "Allow",
        Principal: root,
        Action: KEY_ADMIN_ACTIONS,
        Resource: "*",
      },
      {
        Sid: "EditorsUseKey",
        Effect: "Allow",
        Principal: root,
        Action: ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey"],
        Resource: "*",
        Condition: {
          ArnLike: { "aws:PrincipalArn": [...role("break-glass"), ...role("sops-editor"), ...user("alice")] },
        },
      },
      {
        Sid: "DeployersAndPlannersDecrypt",
        Effect: "Allow",
        Principal: root,
        Action: ["kms:Decrypt"],
        Resource: "*",
        Condition: { ArnLike: { "aws:PrincipalArn": [...role("ci-plan"), ...role("ci-production")] } },
      },
      {
        Sid: "GrantsOnlyForAwsResources",
        Effect: "Allow",
        Principal: root,
        Action: ["kms:CreateGrant"],
        Resource: "*",
        Condition: {
          ArnLike: {
            "aws:PrincipalArn": [
              ...role("break-glass"),
              ...role("sops-editor"),
              ...user("alice"),
              ...role("ci-plan"),
              ...role("ci-production"),
            ],
          },
          Bool: { "kms:GrantIsForAWSResource": "true" },
        },
      },
      {
        Sid: "DenyGrantsForNonAwsResources",
        Effect: "Deny",
        Principal: "*",
        Action: ["kms:CreateGrant"],
        Resource: "*",
        Condition: { BoolIfExists: { "kms:GrantIsForAWSResource": "false" } },
      },
    ]);
    // The account (root) never gets a cryptographic action or a grant: an account-wide kms:* IAM policy opens
    // nothing, because every use statement is limited to the named principal ARNs.
    for (const action of KEY_ADMIN_ACTIONS)
      expect(action).not.toMatch(/Decrypt|Encrypt|GenerateDataKey|ReEncrypt|Grant|^kms:Create\*$|^kms:\*$/);
    for (const key of Object.keys(j.resource.aws_kms_key))
      for (const st of policy(j, "aws_kms_key", key).Statement)
        if (st.Effect === "Allow" && st.Principal.AWS && st.Sid !== "AccountAdministersKey")
          expect(st.Condition.ArnLike["aws:PrincipalArn"].length).toBeGreaterThan(0);
    // An environment without principals: administration and the grant deny only.
    expect(policy(j, "aws_kms_key", "sops_development").Statement.map((x: Json) => x.Sid)).toEqual([
      "AccountAdministersKey",
      "EditorsUseKey",
      "GrantsOnlyForAwsResources",
      "DenyGrantsForNonAwsResources",
    ]);
    expect(policy(synth(), "aws_kms_key", "sops_development").Statement.map((x: Json) => x.Sid)).toEqual([
      "AccountAdministersKey",
      "DenyGrantsForNonAwsResources",
    ]);
  });

  test("state key policy: writers of every environment encrypt, planners only decrypt", () => {
    const j = synth(
      props(
        {},
        {
          access: {
            production: {
              editors: NONE,
              deployers: { roles: ["ci-production"], groups: [], users: [] },
              planners: { roles: ["ci-plan"], groups: [], users: [] },
            },
          },
          breakGlassRoleName: "break-glass",
        },
      ),
    );
    const doc = policy(j, "aws_kms_key", "state");
    expect(statement(doc, "StateWritersUseKey")).toEqual({
      Sid: "StateWritersUseKey",
      Effect: "Allow",
      Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
      Action: ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey"],
      Resource: "*",
      Condition: {
        ArnLike: {
          "aws:PrincipalArn": [
            `arn:aws:iam::${ACCOUNT}:role/*/break-glass`,
            `arn:aws:iam::${ACCOUNT}:role/*/ci-production`,
            `arn:aws:iam::${ACCOUNT}:role/break-glass`,
            `arn:aws:iam::${ACCOUNT}:role/ci-production`,
          ],
        },
      },
    });
    expect(statement(doc, "StateReadersDecrypt")).toMatchObject({
      Action: ["kms:Decrypt"],
      Condition: {
        ArnLike: {
          "aws:PrincipalArn": [
            `arn:aws:iam::${ACCOUNT}:role/*/ci-plan`,
            `arn:aws:iam::${ACCOUNT}:role/ci-plan`,
          ],
        },
      },
    });
  });

  test("extra environments from the settings get keys too, sorted and once", () => {
    const extra = synth(props({ environments: ["production"] }, { environments: ["staging", "production"] }));
    expect(Object.keys(extra.resource.aws_kms_alias).sort()).toEqual([
      "alarms",
      "sops_production",
      "sops_staging",
      "state",
    ]);
  });
});

describe("BootstrapStack: IAM policies (least privilege)", () => {
  const json = synth();

  test("editors: the four sops actions on the environment's key only", () => {
    const iam = json.resource.aws_iam_policy.sops_production_editors;
    expect(iam.name).toBe("sops-production-editors");
    expect(JSON.parse(iam.policy)).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "SopsKeyEdit",
          Effect: "Allow",
          Action: ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey"],
          Resource: "${aws_kms_key.sops_production.arn}",
        },
      ],
    });
  });

  test("deployers: decrypt the sops key, manage <env>/* secrets, the env's state prefix and state key", () => {
    const iam = json.resource.aws_iam_policy.sops_production_deployers;
    expect(iam.name).toBe("sops-production-deployers");
    expect(JSON.parse(iam.policy)).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "SopsKeyDecrypt",
          Effect: "Allow",
          Action: ["kms:Decrypt"],
          Resource: "${aws_kms_key.sops_production.arn}",
        },
        {
          Sid: "ManageSecrets",
          Effect: "Allow",
          Action: [
            "secretsmanager:CreateSecret",
            "secretsmanager:DeleteResourcePolicy",
            "secretsmanager:DeleteSecret",
            "secretsmanager:DescribeSecret",
            "secretsmanager:GetResourcePolicy",
            "secretsmanager:GetSecretValue",
            "secretsmanager:ListSecretVersionIds",
            "secretsmanager:PutResourcePolicy",
            "secretsmanager:PutSecretValue",
            "secretsmanager:RemoveRegionsFromReplication",
            "secretsmanager:ReplicateSecretToRegions",
            "secretsmanager:TagResource",
            "secretsmanager:UntagResource",
            "secretsmanager:UpdateSecret",
            "secretsmanager:UpdateSecretVersionStage",
          ],
          Resource: arn("secretsmanager", "secret:production/*"),
        },
        {
          Sid: "StateList",
          Effect: "Allow",
          Action: ["s3:ListBucket"],
          Resource: "arn:aws:s3:::acme-tf-state",
          Condition: { StringLike: { "s3:prefix": ["secrets/production/*"] } },
        },
        {
          Sid: "StateObjects",
          Effect: "Allow",
          Action: ["s3:DeleteObject", "s3:GetObject", "s3:PutObject"],
          Resource: "arn:aws:s3:::acme-tf-state/secrets/production/*",
        },
        {
          Sid: "StateKmsKey",
          Effect: "Allow",
          Action: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"],
          Resource: "${aws_kms_key.state.arn}",
          Condition: { StringEquals: { "kms:ViaService": "s3.us-east-1.amazonaws.com" } },
        },
        {
          Sid: "DenyDeleteWithoutRecovery",
          Effect: "Deny",
          Action: ["secretsmanager:DeleteSecret"],
          Resource: arn("secretsmanager", "secret:production/*"),
          Condition: { Bool: { "secretsmanager:ForceDeleteWithoutRecovery": "true" } },
        },
      ],
    });
  });

  test("ForceDeleteWithoutRecovery is denied unless the environment's recovery window is 0", () => {
    const j = synth(
      props({
        environmentSettings: {
          production: { ...DEFAULT_SETTINGS, recoveryWindowInDays: 7 },
          development: { ...DEFAULT_SETTINGS, recoveryWindowInDays: 0 },
        },
      }),
    );
    const sids = (env: string) =>
      policy(j, "aws_iam_policy", `sops_${env}_deployers`).Statement.map((x: Json) => x.Sid);
    expect(sids("production")).toContain("DenyDeleteWithoutRecovery");
    expect(sids("development")).not.toContain("DenyDeleteWithoutRecovery");
  });

  test("planners: read-only (sops decrypt, secret reads, state list/read, state key decrypt), no writes", () => {
    const iam = json.resource.aws_iam_policy.sops_production_planners;
    expect(iam.name).toBe("sops-production-planners");
    expect(JSON.parse(iam.policy)).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "SopsKeyDecrypt",
          Effect: "Allow",
          Action: ["kms:Decrypt"],
          Resource: "${aws_kms_key.sops_production.arn}",
        },
        {
          Sid: "ReadSecrets",
          Effect: "Allow",
          Action: [
            "secretsmanager:DescribeSecret",
            "secretsmanager:GetResourcePolicy",
            "secretsmanager:GetSecretValue",
            "secretsmanager:ListSecretVersionIds",
          ],
          Resource: arn("secretsmanager", "secret:production/*"),
        },
        {
          Sid: "StateList",
          Effect: "Allow",
          Action: ["s3:ListBucket"],
          Resource: "arn:aws:s3:::acme-tf-state",
          Condition: { StringLike: { "s3:prefix": ["secrets/production/*"] } },
        },
        {
          Sid: "StateRead",
          Effect: "Allow",
          Action: ["s3:GetObject"],
          Resource: "arn:aws:s3:::acme-tf-state/secrets/production/*",
        },
        {
          Sid: "StateKmsKey",
          Effect: "Allow",
          Action: ["kms:Decrypt"],
          Resource: "${aws_kms_key.state.arn}",
          Condition: { StringEquals: { "kms:ViaService": "s3.us-east-1.amazonaws.com" } },
        },
      ],
    });
    const writes = /Put|Delete|Create|Update|Tag|Replicate|Remove|Encrypt|GenerateDataKey|dynamodb/;
    for (const st of JSON.parse(iam.policy).Statement)
      for (const a of st.Action) expect(a).not.toMatch(writes);
  });

  test("no IAM policy statement has a bare * resource or a wildcard action", () => {
    const check = (j: Json) => {
      for (const iam of Object.values<Json>(j.resource.aws_iam_policy)) {
        for (const s of JSON.parse(iam.policy).Statement) {
          const resources = Array.isArray(s.Resource) ? s.Resource : [s.Resource];
          for (const r of resources) expect(r).not.toBe("*");
          for (const a of s.Action) expect(a).not.toMatch(/\*/);
        }
      }
    };
    check(json);
    check(synth(props({}, { accountId: undefined })));
  });

  test("the secret pattern follows each environment's name template and region", () => {
    const j = synth(
      props({
        environmentSettings: {
          production: { ...DEFAULT_SETTINGS, region: "eu-west-1", secretNameTemplate: "apps/{env}/{name}" },
        },
      }),
    );
    expect(
      statement(policy(j, "aws_iam_policy", "sops_production_deployers"), "ManageSecrets").Resource,
    ).toBe(`arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:apps/production/*`);
    expect(
      statement(policy(j, "aws_iam_policy", "sops_development_deployers"), "ManageSecrets").Resource,
    ).toBe(arn("secretsmanager", "secret:development/*"));
  });

  test("Secrets Manager customer managed keys: key ARN, key ID and alias, primary and replicas", () => {
    const keyArn = `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
    const j = synth(
      props({
        environmentSettings: {
          production: {
            ...DEFAULT_SETTINGS,
            kmsKeyId: keyArn,
            replicaRegions: [{ region: "eu-west-1", kmsKeyId: "alias/secrets" }, { region: "eu-central-1" }],
          },
          development: { ...DEFAULT_SETTINGS, kmsKeyId: "1234abcd-12ab-34cd-56ef-1234567890ab" },
        },
      }),
    );
    const prod = policy(j, "aws_iam_policy", "sops_production_deployers");
    expect(statement(prod, "SecretsKmsKey")).toEqual({
      Sid: "SecretsKmsKey",
      Effect: "Allow",
      Action: ["kms:Decrypt", "kms:GenerateDataKey"],
      Resource: keyArn,
      Condition: { StringEquals: { "kms:ViaService": "secretsmanager.us-east-1.amazonaws.com" } },
    });
    expect(statement(prod, "ReplicaKmsKey0")).toEqual({
      Sid: "ReplicaKmsKey0",
      Effect: "Allow",
      Action: ["kms:Encrypt", "kms:GenerateDataKey"],
      Resource: `arn:aws:kms:eu-west-1:${ACCOUNT}:key/*`,
      Condition: {
        "ForAnyValue:StringEquals": { "kms:ResourceAliases": ["alias/secrets"] },
        StringEquals: { "kms:ViaService": "secretsmanager.eu-west-1.amazonaws.com" },
      },
    });
    expect(prod.Statement.map((s: Json) => s.Sid)).not.toContain("ReplicaKmsKey1");
    const dev = policy(j, "aws_iam_policy", "sops_development_deployers");
    expect(statement(dev, "SecretsKmsKey").Resource).toBe(
      arn("kms", "key/1234abcd-12ab-34cd-56ef-1234567890ab"),
    );
    // Without a customer managed key there is no KMS statement for Secrets Manager.
    expect(
      policy(synth(), "aws_iam_policy", "sops_development_deployers").Statement.map((s: Json) => s.Sid),
    ).toEqual([
      "SopsKeyDecrypt",
      "ManageSecrets",
      "StateList",
      "StateObjects",
      "StateKmsKey",
      "DenyDeleteWithoutRecovery",
    ]);
  });

  test("attachments: roles and users per environment, no groups (revoking = removing them)", () => {
    // Groups are refused by the configuration (a key or bucket policy cannot name them); the stack attaches
    // roles and users only, even if handed a group.
    const access: EnvironmentAccess = {
      editors: { roles: ["sops-editor"], groups: ["platform"], users: [] },
      deployers: { roles: ["ci-production"], groups: [], users: ["break.glass"] },
      planners: { roles: ["ci-plan"], groups: [], users: [] },
    };
    const j = synth(props({}, { access: { production: access } }));
    expect(j.resource.aws_iam_role_policy_attachment).toEqual({
      "sops_production_editors_role_sops-editor": {
        role: "sops-editor",
        policy_arn: "${aws_iam_policy.sops_production_editors.arn}",
      },
      "sops_production_deployers_role_ci-production": {
        role: "ci-production",
        policy_arn: "${aws_iam_policy.sops_production_deployers.arn}",
      },
      "sops_production_planners_role_ci-plan": {
        role: "ci-plan",
        policy_arn: "${aws_iam_policy.sops_production_planners.arn}",
      },
    });
    expect(j.resource.aws_iam_group_policy_attachment).toBeUndefined();
    const users = j.resource.aws_iam_user_policy_attachment;
    expect(Object.values<Json>(users)).toEqual([
      { user: "break.glass", policy_arn: "${aws_iam_policy.sops_production_deployers.arn}" },
    ]);
    expect(Object.keys(users)[0]).toMatch(/^sops_production_deployers_user_break_glass_[0-9a-f]{8}$/);
    expect(synth().resource.aws_iam_role_policy_attachment).toBeUndefined();
  });

  test("without an account ID, ARNs reference aws_caller_identity and aws_partition", () => {
    const j = synth(props({}, { accountId: undefined }));
    expect(Object.keys(j.data)).toEqual(["aws_caller_identity", "aws_partition"]);
    const deployers = policy(j, "aws_iam_policy", "sops_production_deployers");
    expect(statement(deployers, "ManageSecrets").Resource).toBe(
      "arn:${data.aws_partition.partition.partition}:secretsmanager:us-east-1:${data.aws_caller_identity.caller.account_id}:secret:production/*",
    );
    expect(statement(deployers, "StateObjects").Resource).toBe(
      "arn:${data.aws_partition.partition.partition}:s3:::acme-tf-state/secrets/production/*",
    );
    expect(policy(j, "aws_kms_key", "sops_production").Statement[0].Principal.AWS).toBe(
      "arn:${data.aws_partition.partition.partition}:iam::${data.aws_caller_identity.caller.account_id}:root",
    );
    expect(synth().data).toBeUndefined();
  });
});

describe("BootstrapStack: state bucket", () => {
  const json = synth();
  const r = json.resource;

  test("the configured bucket, versioned, SSE-KMS with the state key, owner-enforced", () => {
    expect(r.aws_s3_bucket.state).toEqual({ bucket: "acme-tf-state" });
    expect(r.aws_s3_bucket_versioning.state.versioning_configuration).toEqual({ status: "Enabled" });
    expect(r.aws_s3_bucket_server_side_encryption_configuration.state.rule).toEqual([
      {
        apply_server_side_encryption_by_default: {
          sse_algorithm: "aws:kms",
          kms_master_key_id: "${aws_kms_key.state.arn}",
        },
        bucket_key_enabled: true,
      },
    ]);
    expect(r.aws_s3_bucket_ownership_controls.state.rule).toEqual({
      object_ownership: "BucketOwnerEnforced",
    });
  });

  test("all four public access blocks", () => {
    expect(r.aws_s3_bucket_public_access_block.state).toEqual({
      bucket: "${aws_s3_bucket.state.id}",
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
  });

  test("bucket policy: TLS only, SSE-KMS with the state key on every write, each prefix for its principals", () => {
    const j = synth(
      props(
        {},
        {
          access: {
            production: {
              editors: NONE,
              deployers: { roles: ["ci-production"], groups: [], users: [] },
              planners: { roles: ["ci-plan"], groups: [], users: ["auditor"] },
            },
          },
          breakGlassRoleName: "break-glass",
        },
      ),
    );
    const role = (n: string) => [`arn:aws:iam::${ACCOUNT}:role/${n}`, `arn:aws:iam::${ACCOUNT}:role/*/${n}`];
    const doc = JSON.parse(j.resource.aws_s3_bucket_policy.state.policy);
    expect(doc.Statement.map((x: Json) => x.Sid)).toEqual([
      "DenyInsecureTransport",
      "DenyWritesWithoutKms",
      "DenyWritesWithOtherKey",
      "DenyOthersStatedevelopment",
      "DenyOthersStateproduction",
      "DenyPlannerWritesproduction",
    ]);
    expect(statement(doc, "DenyInsecureTransport")).toEqual({
      Sid: "DenyInsecureTransport",
      Effect: "Deny",
      Principal: "*",
      Action: ["s3:*"],
      Resource: ["arn:aws:s3:::acme-tf-state", "arn:aws:s3:::acme-tf-state/*"],
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    });
    expect(statement(doc, "DenyWritesWithoutKms")).toEqual({
      Sid: "DenyWritesWithoutKms",
      Effect: "Deny",
      Principal: "*",
      Action: ["s3:PutObject"],
      Resource: "arn:aws:s3:::acme-tf-state/*",
      Condition: { StringNotEquals: { "s3:x-amz-server-side-encryption": "aws:kms" } },
    });
    expect(statement(doc, "DenyWritesWithOtherKey")).toEqual({
      Sid: "DenyWritesWithOtherKey",
      Effect: "Deny",
      Principal: "*",
      Action: ["s3:PutObject"],
      Resource: "arn:aws:s3:::acme-tf-state/*",
      Condition: {
        StringNotEquals: {
          "s3:x-amz-server-side-encryption-aws-kms-key-id": [
            "${aws_kms_key.state.arn}",
            `arn:aws:kms:us-east-1:${ACCOUNT}:alias/terraform-state/acme-tf-state`,
            "alias/terraform-state/acme-tf-state",
          ],
        },
      },
    });
    expect(statement(doc, "DenyOthersStateproduction")).toEqual({
      Sid: "DenyOthersStateproduction",
      Effect: "Deny",
      Principal: "*",
      Action: ["s3:*"],
      Resource: "arn:aws:s3:::acme-tf-state/secrets/production/*",
      Condition: {
        ArnNotLike: {
          "aws:PrincipalArn": [
            ...role("break-glass"),
            ...role("ci-production"),
            ...role("ci-plan"),
            `arn:aws:iam::${ACCOUNT}:user/auditor`,
            `arn:aws:iam::${ACCOUNT}:user/*/auditor`,
          ],
        },
      },
    });
    expect(statement(doc, "DenyPlannerWritesproduction")).toEqual({
      Sid: "DenyPlannerWritesproduction",
      Effect: "Deny",
      Principal: "*",
      NotAction: ["s3:GetObject", "s3:GetObjectVersion"],
      Resource: "arn:aws:s3:::acme-tf-state/secrets/production/*",
      Condition: {
        ArnLike: {
          "aws:PrincipalArn": [
            ...role("ci-plan"),
            `arn:aws:iam::${ACCOUNT}:user/auditor`,
            `arn:aws:iam::${ACCOUNT}:user/*/auditor`,
          ],
        },
        ArnNotLike: { "aws:PrincipalArn": [...role("break-glass"), ...role("ci-production")] },
      },
    });
    // development has only the break-glass role.
    expect(statement(doc, "DenyOthersStatedevelopment").Condition).toEqual({
      ArnNotLike: { "aws:PrincipalArn": role("break-glass") },
    });
    // Without any principal for an environment, nobody may touch its state (no condition).
    const bare = JSON.parse(synth().resource.aws_s3_bucket_policy.state.policy);
    expect(statement(bare, "DenyOthersStateproduction").Condition).toBeUndefined();
  });

  test("refuses a bucket policy over S3's 20 KB, saying what to do", () => {
    const many = Array.from({ length: 30 }, (_, i) => `env${i}`);
    const roles = (i: number) => Array.from({ length: 6 }, (_, k) => `deployer-role-number-${i}-${k}`);
    const access = Object.fromEntries(
      many.map((env, i) => [
        env,
        { editors: NONE, deployers: { roles: roles(i), groups: [], users: [] }, planners: NONE },
      ]),
    );
    expect(() => synth(props({ environments: many }, { access }))).toThrow(
      /state bucket policy would be \d+ characters; S3 accepts at most 20480\. Name fewer principals/,
    );
    expect(() => synth(props({ environments: many }))).not.toThrow();
  });

  test("statement IDs encode environment names one-to-one", () => {
    const j = synth(props({ environments: ["a-b", "a_b", "aZDb"] }));
    const sids = JSON.parse(j.resource.aws_s3_bucket_policy.state.policy).Statement.map((x: Json) => x.Sid);
    expect(sids).toContain("DenyOthersStateaZDb");
    expect(sids).toContain("DenyOthersStateaZUb");
    expect(sids).toContain("DenyOthersStateaZZDb");
    expect(new Set(sids).size).toBe(sids.length);
  });

  test("server access logs of the state bucket go to a hardened log bucket", () => {
    expect(r.aws_s3_bucket.state_access_logs).toEqual({ bucket: "acme-tf-state-access-logs" });
    expect(r.aws_s3_bucket_logging.state).toEqual({
      bucket: "${aws_s3_bucket.state.id}",
      target_bucket: "${aws_s3_bucket.state_access_logs.id}",
      target_prefix: "state-access-logs/",
      depends_on: ["aws_s3_bucket_policy.state_access_logs"],
    });
    expect(r.aws_s3_bucket_public_access_block.state_access_logs).toMatchObject({
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    expect(r.aws_s3_bucket_ownership_controls.state_access_logs.rule).toEqual({
      object_ownership: "BucketOwnerEnforced",
    });
    const doc = JSON.parse(r.aws_s3_bucket_policy.state_access_logs.policy);
    expect(statement(doc, "S3ServerAccessLogs")).toEqual({
      Sid: "S3ServerAccessLogs",
      Effect: "Allow",
      Principal: { Service: "logging.s3.amazonaws.com" },
      Action: ["s3:PutObject"],
      Resource: "arn:aws:s3:::acme-tf-state-access-logs/state-access-logs/*",
      Condition: {
        ArnLike: { "aws:SourceArn": "arn:aws:s3:::acme-tf-state" },
        StringEquals: { "aws:SourceAccount": ACCOUNT },
      },
    });
    expect(statement(doc, "DenyInsecureTransport").Effect).toBe("Deny");
    const named = synth(props({}, { accessLogBucket: "org-logs" }));
    expect(named.resource.aws_s3_bucket.state_access_logs.bucket).toBe("org-logs");
  });

  test("noncurrent versions expire after 90 days by default, or the configured days", () => {
    const rule = r.aws_s3_bucket_lifecycle_configuration.state.rule[0];
    expect(rule.status).toBe("Enabled");
    expect(rule.noncurrent_version_expiration).toEqual([{ noncurrent_days: 90 }]);
    const custom = synth(props({}, { stateBucketNoncurrentVersionDays: 30 }));
    expect(
      custom.resource.aws_s3_bucket_lifecycle_configuration.state.rule[0].noncurrent_version_expiration,
    ).toEqual([{ noncurrent_days: 30 }]);
  });

  test("no DynamoDB table unless backend.dynamodbTable is set; then a lock table and its deployer statement", () => {
    expect(r.aws_dynamodb_table).toBeUndefined();
    const j = synth(props({ backend: { ...BACKEND, dynamodbTable: "tf-locks" } }));
    expect(j.resource.aws_dynamodb_table.state_lock).toMatchObject({
      name: "tf-locks",
      hash_key: "LockID",
      billing_mode: "PAY_PER_REQUEST",
      attribute: [{ name: "LockID", type: "S" }],
    });
    expect(statement(policy(j, "aws_iam_policy", "sops_development_deployers"), "StateLockTable")).toEqual({
      Sid: "StateLockTable",
      Effect: "Allow",
      Action: ["dynamodb:DeleteItem", "dynamodb:DescribeTable", "dynamodb:GetItem", "dynamodb:PutItem"],
      Resource: arn("dynamodb", "table/tf-locks"),
    });
  });

  test("backend.kmsKeyId points the backends at another key and never removes the bootstrap state key", () => {
    // Before: the stack destroyed aws_kms_key.state when backend.kmsKeyId was set. Now the resources are the same
    // (same addresses; the key, its alias and the bucket's default encryption identical); only the policies
    // name the configured key.
    const keyArn = `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
    const before = synth();
    const j = synth(props({ backend: { ...BACKEND, kmsKeyId: keyArn } }));
    const addresses = (x: Json) =>
      Object.entries<Json>(x.resource)
        .flatMap(([type, rs]) => Object.keys(rs).map((n) => `${type}.${n}`))
        .sort();
    expect(addresses(j)).toEqual(addresses(before));
    expect(j.resource.aws_kms_key.state).toEqual(before.resource.aws_kms_key.state);
    expect(j.resource.aws_kms_alias.state).toEqual(before.resource.aws_kms_alias.state);
    expect(j.resource.aws_s3_bucket_server_side_encryption_configuration.state).toEqual(
      before.resource.aws_s3_bucket_server_side_encryption_configuration.state,
    );
    expect(
      statement(JSON.parse(j.resource.aws_s3_bucket_policy.state.policy), "DenyWritesWithOtherKey").Condition,
    ).toEqual({ StringNotEquals: { "s3:x-amz-server-side-encryption-aws-kms-key-id": [keyArn] } });
    expect(statement(policy(j, "aws_iam_policy", "sops_production_deployers"), "StateKmsKey").Resource).toBe(
      keyArn,
    );
    const alias = synth(props({ backend: { ...BACKEND, kmsKeyId: "alias/tf-state" } }));
    expect(
      statement(policy(alias, "aws_iam_policy", "sops_production_deployers"), "StateKmsKey"),
    ).toMatchObject({
      Resource: arn("kms", "key/*"),
      Condition: { "ForAnyValue:StringEquals": { "kms:ResourceAliases": ["alias/tf-state"] } },
    });
  });

  test("a bucket in another region gets region on its resources", () => {
    const j = synth(props({ backend: { ...BACKEND, region: "eu-west-1" } }));
    expect(j.resource.aws_s3_bucket.state.region).toBe("eu-west-1");
    expect(j.resource.aws_kms_key.state.region).toBe("eu-west-1");
    expect(j.resource.aws_kms_key.sops_production.region).toBeUndefined();
  });
});

describe("BootstrapStack: monitoring", () => {
  const json = synth();
  const r = json.resource;

  test("metric filters on the CloudTrail group → alarm metric → SNS topic", () => {
    const filters = r.aws_cloudwatch_log_metric_filter;
    expect(Object.keys(filters).sort()).toEqual([
      "sops_development_alias_change",
      "sops_development_failed_decrypt",
      "sops_development_key_change",
      "sops_production_alias_change",
      "sops_production_failed_decrypt",
      "sops_production_key_change",
    ]);
    const alarm = r.aws_cloudwatch_metric_alarm.failed_decrypt;
    for (const [env, f] of [
      ["development", filters.sops_development_failed_decrypt],
      ["production", filters.sops_production_failed_decrypt],
    ]) {
      expect(f.log_group_name).toBe("CloudTrail/DefaultLogGroup");
      expect(f.pattern).toBe(
        '{ ($.eventSource = "kms.amazonaws.com") && ($.eventName = "Decrypt") && ($.errorCode = "*") && ' +
          `($.resources[0].ARN = "\${aws_kms_key.sops_${env}.arn}") }`,
      );
      expect(f.metric_transformation.name).toBe(alarm.metric_name);
      expect(f.metric_transformation.namespace).toBe(alarm.namespace);
    }
    expect(alarm).toMatchObject({
      statistic: "Sum",
      threshold: 1,
      comparison_operator: "GreaterThanOrEqualToThreshold",
    });
    expect(alarm.alarm_actions).toEqual(["${aws_sns_topic.alarms.arn}"]);
    expect(r.aws_sns_topic.alarms.name).toBe("sops-secrets-alarms");
  });

  test("key changes (ScheduleKeyDeletion, DisableKey, PutKeyPolicy, CreateGrant) raise their own alarm", () => {
    const filters = r.aws_cloudwatch_log_metric_filter;
    const alarm = r.aws_cloudwatch_metric_alarm.key_change;
    for (const env of ["development", "production"]) {
      const f = filters[`sops_${env}_key_change`];
      expect(f.log_group_name).toBe("CloudTrail/DefaultLogGroup");
      expect(f.pattern).toBe(
        '{ ($.eventSource = "kms.amazonaws.com") && (($.eventName = "ScheduleKeyDeletion") || ' +
          '($.eventName = "DisableKey") || ($.eventName = "PutKeyPolicy") || ($.eventName = "CreateGrant")) && ' +
          `($.resources[0].ARN = "\${aws_kms_key.sops_${env}.arn}") }`,
      );
      expect(f.metric_transformation).toEqual({
        name: alarm.metric_name,
        namespace: alarm.namespace,
        value: "1",
      });
    }
    expect(alarm).toMatchObject({
      alarm_name: "sops-kms-key-change",
      statistic: "Sum",
      threshold: 1,
      comparison_operator: "GreaterThanOrEqualToThreshold",
      alarm_actions: ["${aws_sns_topic.alarms.arn}"],
    });
  });

  test("creating, repointing or deleting a sops key's alias raises the key-change alarm", () => {
    const filters = r.aws_cloudwatch_log_metric_filter;
    const alarm = r.aws_cloudwatch_metric_alarm.key_change;
    for (const env of ["development", "production"]) {
      const f = filters[`sops_${env}_alias_change`];
      expect(f.name).toBe(`sops-${env}-alias-change`);
      expect(f.log_group_name).toBe("CloudTrail/DefaultLogGroup");
      // The alias is the one the stack creates for the environment's key.
      expect(r.aws_kms_alias[`sops_${env}`].name).toBe(`alias/sops-${env}`);
      expect(f.pattern).toBe(
        '{ ($.eventSource = "kms.amazonaws.com") && (($.eventName = "CreateAlias") || ' +
          '($.eventName = "UpdateAlias") || ($.eventName = "DeleteAlias")) && ' +
          `($.requestParameters.aliasName = "alias/sops-${env}") }`,
      );
      expect(f.metric_transformation).toEqual({
        name: alarm.metric_name,
        namespace: alarm.namespace,
        value: "1",
      });
    }
    expect(alarm.alarm_description).toContain("UpdateAlias");
  });

  test("the alarm topic is encrypted with its own key, which CloudWatch and EventBridge may use", () => {
    expect(r.aws_sns_topic.alarms.kms_master_key_id).toBe("${aws_kms_key.alarms.arn}");
    expect(r.aws_kms_alias.alarms).toEqual({
      name: "alias/sops-secrets-alarms",
      target_key_id: "${aws_kms_key.alarms.key_id}",
    });
    const doc = policy(json, "aws_kms_key", "alarms");
    expect(statement(doc, "AlarmServicesPublish")).toEqual({
      Sid: "AlarmServicesPublish",
      Effect: "Allow",
      Principal: { Service: ["cloudwatch.amazonaws.com", "events.amazonaws.com"] },
      Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
      Resource: "*",
    });
    expect(statement(doc, "AccountAdministersKey").Action).toEqual(KEY_ADMIN_ACTIONS);
    expect(r.aws_sns_topic_subscription).toBeUndefined();
  });

  test("threshold, log group and e-mail subscription are configurable; monitoring can be off", () => {
    const j = synth(
      props(
        {},
        { failedDecryptThreshold: 5, cloudTrailLogGroupName: "org-trail", alarmEmail: "sec@example.com" },
      ),
    );
    expect(j.resource.aws_cloudwatch_metric_alarm.failed_decrypt.threshold).toBe(5);
    expect(j.resource.aws_cloudwatch_log_metric_filter.sops_production_failed_decrypt.log_group_name).toBe(
      "org-trail",
    );
    expect(j.resource.aws_sns_topic_subscription.alarm_email).toEqual({
      topic_arn: "${aws_sns_topic.alarms.arn}",
      protocol: "email",
      endpoint: "sec@example.com",
    });
    const off = synth(props({}, { monitoring: false }));
    expect(off.resource.aws_cloudwatch_metric_alarm).toBeUndefined();
    expect(off.resource.aws_sns_topic).toBeUndefined();
  });
});

describe("BootstrapStack: backend, provider, outputs", () => {
  test("local state at a relative path outside cdktf.out, by default", () => {
    const json = synth();
    expect(json.terraform.backend).toEqual({ local: { path: DEFAULT_BOOTSTRAP_LOCAL_STATE_PATH } });
    expect(DEFAULT_BOOTSTRAP_LOCAL_STATE_PATH).toBe("../../../terraform.bootstrap.tfstate");
    expect(json.provider.aws).toEqual([
      { region: "us-east-1", default_tags: [{ tags: { Project: "sops-secrets" } }] },
    ]);
  });

  test("remoteState moves the state to <keyPrefix>/bootstrap/terraform.tfstate with S3 locking", () => {
    const json = synth(props({}, { remoteState: true }));
    // One backend builder for every stack: SSE-KMS under the state key (by alias ARN), like the environments.
    expect(json.terraform.backend).toEqual({
      s3: {
        bucket: "acme-tf-state",
        key: "secrets/bootstrap/terraform.tfstate",
        region: "us-east-1",
        encrypt: true,
        kms_key_id: `arn:aws:kms:us-east-1:${ACCOUNT}:alias/terraform-state/acme-tf-state`,
        use_lockfile: true,
      },
    });
    const ddb = synth(props({ backend: { ...BACKEND, dynamodbTable: "tf-locks" } }, { remoteState: true }));
    expect(ddb.terraform.backend.s3).toEqual({
      bucket: "acme-tf-state",
      key: "secrets/bootstrap/terraform.tfstate",
      region: "us-east-1",
      encrypt: true,
      kms_key_id: `arn:aws:kms:us-east-1:${ACCOUNT}:alias/terraform-state/acme-tf-state`,
      dynamodb_table: "tf-locks",
    });
  });

  test("settings.region overrides the project region", () => {
    const json = synth(props({}, { region: "eu-central-1" }));
    expect(json.provider.aws[0].region).toBe("eu-central-1");
    expect(json.output.environments.value.production.kms_alias_arn).toBe(
      `arn:aws:kms:eu-central-1:${ACCOUNT}:alias/sops-production`,
    );
  });

  test("three outputs: environments (map), state_bucket and state_kms_key_arn", () => {
    const json = synth();
    expect(Object.keys(json.output).sort()).toEqual(["environments", "state_bucket", "state_kms_key_arn"]);
    expect(json.output.environments.value.production).toEqual({
      kms_key_arn: "${aws_kms_key.sops_production.arn}",
      kms_alias_arn: `arn:aws:kms:us-east-1:${ACCOUNT}:alias/sops-production`,
      editors_policy_arn: "${aws_iam_policy.sops_production_editors.arn}",
      deployers_policy_arn: "${aws_iam_policy.sops_production_deployers.arn}",
      planners_policy_arn: "${aws_iam_policy.sops_production_planners.arn}",
      readers_policy_arn: "${aws_iam_policy.sops_production_readers.arn}",
    });
    expect(json.output.state_kms_key_arn.value).toBe("${aws_kms_key.state.arn}");
    expect(json.output.state_bucket.value).toBe("${aws_s3_bucket.state.bucket}");
  });

  test("deterministic, and no absolute path in the output", () => {
    const a = synthText(props({}, { accountId: undefined }));
    const b = synthText(props({}, { accountId: undefined }));
    expect(a).toBe(b);
    for (const text of [a, synthText(props())]) {
      expect(text).not.toContain(process.cwd());
      expect(text).not.toContain(os.tmpdir());
      expect(text).not.toContain(os.homedir());
    }
  });

  test("refuses an invalid environment name and access to an unmanaged environment, saying what to do", () => {
    expect(() => synth(props({ environments: ["bootstrap"] }))).toThrow(
      /environment "bootstrap" is reserved for the bootstrap stack\. Rename secrets\/bootstrap\//,
    );
    expect(() =>
      synth(props({}, { access: { staging: { editors: NONE, deployers: NONE, planners: NONE } } })),
    ).toThrow(/access names environment\(s\) "staging" .*managed: development, production\)/);
  });
});

const terraform = spawnSync("terraform", ["version"], { encoding: "utf8" });
const describeIfTerraform = terraform.status === 0 ? describe : describe.skip;

describeIfTerraform("BootstrapStack: terraform validate (without init)", () => {
  test("reports no structural error, only the provider that is not installed", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bootstrap-validate-"));
    try {
      const full = props(
        { backend: { ...BACKEND, dynamodbTable: "tf-locks" } },
        {
          alarmEmail: "sec@example.com",
          access: {
            production: {
              editors: { roles: ["a"], groups: ["b"], users: ["c"] },
              deployers: NONE,
              planners: NONE,
            },
          },
        },
      );
      fs.writeFileSync(path.join(dir, "cdk.tf.json"), synthText(full));
      let out: string;
      try {
        out = execFileSync("terraform", ["validate", "-json", "-no-color"], {
          cwd: dir,
          encoding: "utf8",
          env: { ...process.env, TF_IN_AUTOMATION: "1", CHECKPOINT_DISABLE: "1" },
          stdio: ["ignore", "pipe", "ignore"],
        });
      } catch (e) {
        out = (e as { stdout: string }).stdout;
      }
      const result = JSON.parse(out);
      const summaries = result.diagnostics
        .filter((d: Json) => d.severity === "error")
        .map((d: Json) => d.summary);
      expect(summaries.filter((s: string) => s !== "Missing required provider")).toEqual([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

test("the deployers' Secrets Manager actions are exactly the provider's calls", () => {
  // 15 since the stacks set a secret policy for readers: PutResourcePolicy and DeleteResourcePolicy (issue 13).
  expect(DEPLOYER_SECRETSMANAGER_ACTIONS).toHaveLength(15);
  expect(DEPLOYER_SECRETSMANAGER_ACTIONS).toContain("secretsmanager:PutResourcePolicy");
  expect(DEPLOYER_SECRETSMANAGER_ACTIONS).toContain("secretsmanager:DeleteResourcePolicy");
  expect(DEPLOYER_SECRETSMANAGER_ACTIONS).not.toContain("secretsmanager:ValidateResourcePolicy");
});

describe("BootstrapStack: GitHub OIDC roles (the contract with the workflows)", () => {
  const j = synth(props({}, { github: { repository: "acme/secrets" } }));
  const r = j.resource;

  test("creates the OIDC provider unless its ARN is given", () => {
    expect(r.aws_iam_openid_connect_provider.github).toEqual({
      url: "https://token.actions.githubusercontent.com",
      client_id_list: ["sts.amazonaws.com"],
    });
    const given = "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com";
    const k = synth(props({}, { github: { repository: "acme/secrets", oidcProviderArn: given } }));
    expect(k.resource.aws_iam_openid_connect_provider).toBeUndefined();
    expect(
      JSON.parse(k.resource.aws_iam_role.sops_production_github_deploy.assume_role_policy).Statement[0]
        .Principal,
    ).toEqual({ Federated: given });
  });

  test("per environment: deploy role trusts exactly environment <env>, plan role exactly <env>-plan", () => {
    for (const env of ["development", "production"]) {
      for (const [kind, ghEnv, policyName] of [
        ["deploy", env, "deployers"],
        ["plan", `${env}-plan`, "planners"],
      ]) {
        const role = r.aws_iam_role[`sops_${env}_github_${kind}`];
        expect(role.name).toBe(`sops-${env}-${kind}`);
        expect(JSON.parse(role.assume_role_policy)).toEqual({
          Version: "2012-10-17",
          Statement: [
            {
              Sid: "GitHubEnvironment",
              Effect: "Allow",
              Principal: { Federated: "${aws_iam_openid_connect_provider.github.arn}" },
              Action: ["sts:AssumeRoleWithWebIdentity"],
              Condition: {
                StringEquals: {
                  "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
                  "token.actions.githubusercontent.com:sub": `repo:acme/secrets:environment:${ghEnv}`,
                },
              },
            },
          ],
        });
        expect(role.assume_role_policy).not.toMatch(/StringLike|\*/);
        expect(r.aws_iam_role_policy_attachment[`sops_${env}_github_${kind}`]).toEqual({
          role: `\${aws_iam_role.sops_${env}_github_${kind}.name}`,
          policy_arn: `\${aws_iam_policy.sops_${env}_${policyName}.arn}`,
        });
      }
    }
  });

  test("the roles are the principals of their environment's key and state prefix", () => {
    const role = (n: string) => [`arn:aws:iam::${ACCOUNT}:role/${n}`, `arn:aws:iam::${ACCOUNT}:role/*/${n}`];
    expect(
      statement(policy(j, "aws_kms_key", "sops_production"), "DeployersAndPlannersDecrypt").Condition,
    ).toEqual({
      ArnLike: { "aws:PrincipalArn": [...role("sops-production-deploy"), ...role("sops-production-plan")] },
    });
    const bucket = JSON.parse(r.aws_s3_bucket_policy.state.policy);
    expect(statement(bucket, "DenyOthersStateproduction").Condition).toEqual({
      ArnNotLike: {
        "aws:PrincipalArn": [...role("sops-production-deploy"), ...role("sops-production-plan")],
      },
    });
    expect(statement(bucket, "DenyPlannerWritesproduction").Condition).toEqual({
      ArnLike: { "aws:PrincipalArn": role("sops-production-plan") },
      ArnNotLike: { "aws:PrincipalArn": role("sops-production-deploy") },
    });
    expect(j.output.environments.value.production).toMatchObject({
      github_deploy_role_arn: "${aws_iam_role.sops_production_github_deploy.arn}",
      github_plan_role_arn: "${aws_iam_role.sops_production_github_plan.arn}",
    });
  });

  test("refuses an environment ending in -plan, and a role name over 64 characters", () => {
    expect(() =>
      synth(props({ environments: ["production", "production-plan"] }, { github: { repository: "a/b" } })),
    ).toThrow(
      /environment "production-plan" ends in "-plan", which is reserved.*Rename secrets\/production-plan\//,
    );
    expect(() => synth(props({ environments: ["a".repeat(60)] }, { github: { repository: "a/b" } }))).toThrow(
      /longer than IAM's 64 characters/,
    );
    // Without github too: the one environment-name check reserves -plan for the CI's plan environments.
    expect(() => synth(props({ environments: ["production-plan"] }))).toThrow(
      /ends in "-plan", which is reserved/,
    );
  });
});
