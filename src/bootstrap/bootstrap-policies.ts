/**
 * The policy documents of the bootstrap stack, as pure functions of ARNs (literal or tokens), so that least
 * privilege can be read and tested without synthesizing anything.
 *
 * Access model: every key policy lets the account's IAM policies grant use of the key and nothing else, so
 * access comes only from the managed policies `sops-<env>-editors` / `sops-<env>-deployers`. Attaching one
 * grants; detaching it revokes.
 */
import { ConditionBlock, PolicyDocument, policyDocument, PolicyStatement } from "./iam-policy-document";
import { ArnContext, KmsKeyGrant } from "./kms-key-reference";

/** What sops needs to create and edit files with a KMS key: encrypt and decrypt the data key. */
export const EDITOR_KMS_ACTIONS = ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey"];

/** What the carlpett/sops provider needs to read a file: decrypt the data key. */
export const DEPLOYER_KMS_ACTIONS = ["kms:Decrypt"];

/**
 * What the AWS provider calls for `aws_secretsmanager_secret` and `aws_secretsmanager_secret_version`
 * (create, read, update, replicate, tag, delete; versions: put, read, restage). No resource-policy writes:
 * the stacks set none.
 */
export const DEPLOYER_SECRETSMANAGER_ACTIONS = [
  "secretsmanager:CreateSecret",
  "secretsmanager:DeleteSecret",
  "secretsmanager:DescribeSecret",
  "secretsmanager:GetResourcePolicy",
  "secretsmanager:GetSecretValue",
  "secretsmanager:ListSecretVersionIds",
  "secretsmanager:PutSecretValue",
  "secretsmanager:RemoveRegionsFromReplication",
  "secretsmanager:ReplicateSecretToRegions",
  "secretsmanager:TagResource",
  "secretsmanager:UntagResource",
  "secretsmanager:UpdateSecret",
  "secretsmanager:UpdateSecretVersionStage",
];

/** Secrets Manager with a customer managed key: encrypt new values, decrypt to read them back. */
export const SECRETS_KMS_ACTIONS = ["kms:Decrypt", "kms:GenerateDataKey"];
/** A replica encrypted with a customer managed key (ReplicateSecretToRegions). */
export const REPLICA_KMS_ACTIONS = ["kms:Encrypt", "kms:GenerateDataKey"];
/** Reading and writing SSE-KMS state objects. */
export const STATE_KMS_ACTIONS = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"];
/** State objects under the environment's prefix: the state, and the lock file (`.tflock`) S3 locking writes and deletes. */
export const STATE_OBJECT_ACTIONS = ["s3:DeleteObject", "s3:GetObject", "s3:PutObject"];
/** DynamoDB locking (lock item and digest item). */
export const LOCK_TABLE_ACTIONS = [
  "dynamodb:DeleteItem",
  "dynamodb:DescribeTable",
  "dynamodb:GetItem",
  "dynamodb:PutItem",
];

/** Key administration without cryptographic use: what the account's administrators keep through IAM. */
export const KEY_ADMIN_ACTIONS = [
  "kms:CancelKeyDeletion",
  "kms:Create*",
  "kms:Delete*",
  "kms:Describe*",
  "kms:Disable*",
  "kms:Enable*",
  "kms:Get*",
  "kms:List*",
  "kms:Put*",
  "kms:Revoke*",
  "kms:RotateKeyOnDemand",
  "kms:ScheduleKeyDeletion",
  "kms:TagResource",
  "kms:UntagResource",
  "kms:Update*",
];

export function accountRootArn(ctx: ArnContext): string {
  return `arn:${ctx.partition}:iam::${ctx.accountId}:root`;
}

/**
 * A key policy that delegates to IAM: the account administers the key, and IAM policies may grant exactly
 * `useActions` on it. In a key policy, `"Resource": "*"` means "this key".
 */
export function keyPolicy(ctx: ArnContext, useActions: readonly string[]): PolicyDocument {
  const root = { AWS: accountRootArn(ctx) };
  return policyDocument([
    {
      Sid: "AccountAdministersKey",
      Effect: "Allow",
      Principal: root,
      Action: KEY_ADMIN_ACTIONS,
      Resource: "*",
    },
    { Sid: "IamPoliciesMayGrantUse", Effect: "Allow", Principal: root, Action: useActions, Resource: "*" },
  ]);
}

/** `sops-<env>-editors`: use of the environment's sops key, and nothing else. */
export function editorsPolicy(sopsKeyArn: string): PolicyDocument {
  return policyDocument([
    { Sid: "SopsKeyEdit", Effect: "Allow", Action: EDITOR_KMS_ACTIONS, Resource: sopsKeyArn },
  ]);
}

export interface DeployersPolicyInput {
  readonly sopsKeyArn: string;
  /** `arn:…:secretsmanager:<region>:<account>:secret:<env>/*` (from the secret name template). */
  readonly secretArnPattern: string;
  /** The region of the secrets (for `kms:ViaService`). */
  readonly secretsRegion: string;
  /** The customer managed key of the secrets. @default - the AWS managed key: no KMS statement */
  readonly secretsKmsKey?: KmsKeyGrant;
  /** Customer managed keys of replicas, with their regions. @default [] */
  readonly replicaKmsKeys?: readonly { readonly region: string; readonly key: KmsKeyGrant }[];
  /** `arn:<partition>:s3:::<bucket>`. */
  readonly stateBucketArn: string;
  /** `<keyPrefix>/<env>`: the folder of the environment's state in the bucket, without trailing slash. */
  readonly statePrefix: string;
  readonly stateBucketRegion: string;
  /** The key that encrypts state objects. @default - none (SSE-S3) */
  readonly stateKmsKey?: KmsKeyGrant;
  /** ARN of the DynamoDB lock table. @default - S3 locking: no DynamoDB statement */
  readonly lockTableArn?: string;
}

/** `sops-<env>-deployers`: read the sops files, manage the environment's secrets, and use its state. */
export function deployersPolicy(input: DeployersPolicyInput): PolicyDocument {
  const statements: PolicyStatement[] = [
    { Sid: "SopsKeyDecrypt", Effect: "Allow", Action: DEPLOYER_KMS_ACTIONS, Resource: input.sopsKeyArn },
    {
      Sid: "ManageSecrets",
      Effect: "Allow",
      Action: DEPLOYER_SECRETSMANAGER_ACTIONS,
      Resource: input.secretArnPattern,
    },
  ];
  if (input.secretsKmsKey)
    statements.push(
      kmsStatement(
        "SecretsKmsKey",
        SECRETS_KMS_ACTIONS,
        input.secretsKmsKey,
        `secretsmanager.${input.secretsRegion}.amazonaws.com`,
      ),
    );
  (input.replicaKmsKeys ?? []).forEach(({ region, key }, i) =>
    statements.push(
      kmsStatement(`ReplicaKmsKey${i}`, REPLICA_KMS_ACTIONS, key, `secretsmanager.${region}.amazonaws.com`),
    ),
  );
  statements.push(
    {
      Sid: "StateList",
      Effect: "Allow",
      Action: ["s3:ListBucket"],
      Resource: input.stateBucketArn,
      Condition: { StringLike: { "s3:prefix": [`${input.statePrefix}/*`] } },
    },
    {
      Sid: "StateObjects",
      Effect: "Allow",
      Action: STATE_OBJECT_ACTIONS,
      Resource: `${input.stateBucketArn}/${input.statePrefix}/*`,
    },
  );
  if (input.stateKmsKey)
    statements.push(
      kmsStatement(
        "StateKmsKey",
        STATE_KMS_ACTIONS,
        input.stateKmsKey,
        `s3.${input.stateBucketRegion}.amazonaws.com`,
      ),
    );
  if (input.lockTableArn)
    statements.push({
      Sid: "StateLockTable",
      Effect: "Allow",
      Action: LOCK_TABLE_ACTIONS,
      Resource: input.lockTableArn,
    });
  return policyDocument(statements);
}

/** The state bucket's policy: refuse every request that is not over TLS. */
export function stateBucketPolicy(bucketArn: string): PolicyDocument {
  return policyDocument([
    {
      Sid: "DenyInsecureTransport",
      Effect: "Deny",
      Principal: "*",
      Action: ["s3:*"],
      Resource: [bucketArn, `${bucketArn}/*`],
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    },
  ]);
}

function kmsStatement(
  sid: string,
  actions: readonly string[],
  key: KmsKeyGrant,
  viaService: string,
): PolicyStatement {
  const condition: Record<string, ConditionBlock[string]> = {
    StringEquals: { "kms:ViaService": viaService },
  };
  for (const [op, values] of Object.entries(key.condition ?? {})) condition[op] = values;
  return { Sid: sid, Effect: "Allow", Action: actions, Resource: key.resource, Condition: condition };
}
