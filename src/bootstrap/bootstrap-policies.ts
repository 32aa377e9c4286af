/**
 * The policy documents of the bootstrap stack, as pure functions of ARNs (literal or tokens), so that least
 * privilege can be read and tested without synthesizing anything.
 *
 * Access model: a key policy lets the account administer the key (no cryptographic use, no grants) and lets only
 * the configured principals (by `aws:PrincipalArn`) use it, through IAM: a principal needs both its managed policy
 * (`sops-<env>-editors|deployers|planners`) and its place in the key policy, so an account-wide `kms:*` IAM
 * policy opens nothing, and detaching the managed policy still revokes. The state bucket's policy admits to each
 * environment's state prefix only that environment's deployers, planners (read only) and the break-glass role.
 */
import { ConditionBlock, PolicyDocument, policyDocument, PolicyStatement } from "./iam-policy-document";
import { ArnContext, KmsKeyGrant } from "./kms-key-reference";

/** What sops needs to create and edit files with a KMS key: encrypt and decrypt the data key. */
export const EDITOR_KMS_ACTIONS = ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey"];

/** What the carlpett/sops provider needs to read a file: decrypt the data key. */
export const DEPLOYER_KMS_ACTIONS = ["kms:Decrypt"];

/**
 * What the AWS provider calls for `aws_secretsmanager_secret`, `aws_secretsmanager_secret_version` and
 * `aws_secretsmanager_secret_policy` (create, read, update, replicate, tag, delete; versions: put, read, restage;
 * the readers' secret policy: put, read, delete).
 */
export const DEPLOYER_SECRETSMANAGER_ACTIONS = [
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

/**
 * Key administration without cryptographic use and without grants (`kms:CreateAlias`, not `kms:Create*`, which
 * would include `kms:CreateGrant`): what the account's administrators keep through IAM. `kms:PutKeyPolicy` is the
 * way out when every configured principal is gone (and raises the key-change alarm).
 */
export const KEY_ADMIN_ACTIONS = [
  "kms:CancelKeyDeletion",
  "kms:CreateAlias",
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

/** IAM roles and users by name (no path). */
export interface PrincipalRef {
  readonly roles: readonly string[];
  readonly users: readonly string[];
}

/**
 * `aws:PrincipalArn` patterns (for `ArnLike`) that match exactly the named roles and users, at any IAM path: an
 * IAM name is unique in its account whatever the path, so the pattern `role/<any path>/<name>` matches that one role only. For
 * an assumed-role session `aws:PrincipalArn` is the role's ARN.
 */
export function principalArnPatterns(ctx: ArnContext, principals: PrincipalRef): string[] {
  const base = `arn:${ctx.partition}:iam::${ctx.accountId}`;
  const out: string[] = [];
  for (const role of [...new Set(principals.roles)].sort())
    out.push(`${base}:role/${role}`, `${base}:role/*/${role}`);
  for (const user of [...new Set(principals.users)].sort())
    out.push(`${base}:user/${user}`, `${base}:user/*/${user}`);
  return out;
}

/** The account of an IAM principal ARN pattern: `{ partition, accountId }`, or undefined for a token. */
export function principalAccount(pattern: string): { partition: string; accountId: string } | undefined {
  const m = /^arn:([a-z-]+):iam::(\d{12}):/.exec(pattern);
  return m ? { partition: m[1], accountId: m[2] } : undefined;
}

/** `[root ARN]` of a pattern's account when it is not `ctx`'s account, else `[]`. */
function foreignRoot(pattern: string, ctx: ArnContext): string[] {
  const account = principalAccount(pattern);
  return account && account.accountId !== ctx.accountId ? [accountRootArn(account)] : [];
}

/** One use of a key: who (as `aws:PrincipalArn` patterns) may call which cryptographic actions. */
export interface KeyUse {
  readonly sid: string;
  readonly actions: readonly string[];
  /** Principal ARN patterns; a use without any principal is left out of the policy. */
  readonly principalArns: readonly string[];
}

/**
 * A key policy that admits only named principals: the account administers the key (`KEY_ADMIN_ACTIONS`, no
 * cryptographic action, no grant), each `use` lets exactly its principals call its actions (they also need an
 * IAM policy that allows them: the principal is the account), grants are possible only for AWS resources, and
 * nobody else can use the key whatever their IAM policies say. In a key policy `"Resource": "*"` means "this key".
 */
export function keyPolicy(ctx: ArnContext, uses: readonly KeyUse[]): PolicyDocument {
  const root = { AWS: accountRootArn(ctx) };
  // Principals of other accounts (multi-account bootstrap) need their account as the statement's principal too.
  const rootsOf = (patterns: Iterable<string>) => {
    const roots = [...new Set([accountRootArn(ctx), ...[...patterns].flatMap((p) => foreignRoot(p, ctx))])];
    return { AWS: roots.length === 1 ? roots[0] : roots.sort() };
  };
  const statements: PolicyStatement[] = [
    {
      Sid: "AccountAdministersKey",
      Effect: "Allow",
      Principal: root,
      Action: KEY_ADMIN_ACTIONS,
      Resource: "*",
    },
  ];
  const users = new Set<string>();
  for (const use of uses) {
    if (use.principalArns.length === 0) continue;
    for (const arn of use.principalArns) users.add(arn);
    statements.push({
      Sid: use.sid,
      Effect: "Allow",
      Principal: rootsOf(use.principalArns),
      Action: use.actions,
      Resource: "*",
      Condition: { ArnLike: { "aws:PrincipalArn": use.principalArns } },
    });
  }
  if (users.size > 0)
    statements.push({
      Sid: "GrantsOnlyForAwsResources",
      Effect: "Allow",
      Principal: rootsOf(users),
      Action: ["kms:CreateGrant"],
      Resource: "*",
      Condition: {
        ArnLike: { "aws:PrincipalArn": [...users] },
        Bool: { "kms:GrantIsForAWSResource": "true" },
      },
    });
  statements.push({
    Sid: "DenyGrantsForNonAwsResources",
    Effect: "Deny",
    Principal: "*",
    Action: ["kms:CreateGrant"],
    Resource: "*",
    Condition: { BoolIfExists: { "kms:GrantIsForAWSResource": "false" } },
  });
  return policyDocument(statements);
}

/** What CloudWatch alarms and EventBridge rules need to publish to an SSE-KMS SNS topic. */
export const TOPIC_PUBLISHER_KMS_ACTIONS = ["kms:Decrypt", "kms:GenerateDataKey*"];
export const TOPIC_PUBLISHER_SERVICES = ["cloudwatch.amazonaws.com", "events.amazonaws.com"];

/** The alarm topic's key: the account administers it; CloudWatch and EventBridge may publish with it. */
export function alarmTopicKeyPolicy(ctx: ArnContext): PolicyDocument {
  return policyDocument([
    {
      Sid: "AccountAdministersKey",
      Effect: "Allow",
      Principal: { AWS: accountRootArn(ctx) },
      Action: KEY_ADMIN_ACTIONS,
      Resource: "*",
    },
    {
      Sid: "AlarmServicesPublish",
      Effect: "Allow",
      Principal: { Service: TOPIC_PUBLISHER_SERVICES },
      Action: TOPIC_PUBLISHER_KMS_ACTIONS,
      Resource: "*",
    },
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
  /**
   * Deny `DeleteSecret` with `ForceDeleteWithoutRecovery`. False only for an environment whose
   * `recoveryWindowInDays` is 0, where the AWS provider deletes exactly that way. @default true
   */
  readonly denyForceDelete?: boolean;
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
  if (input.denyForceDelete ?? true)
    statements.push({
      Sid: "DenyDeleteWithoutRecovery",
      Effect: "Deny",
      Action: ["secretsmanager:DeleteSecret"],
      Resource: input.secretArnPattern,
      Condition: { Bool: { "secretsmanager:ForceDeleteWithoutRecovery": "true" } },
    });
  return policyDocument(statements);
}

/** What a read-only plan calls on Secrets Manager to refresh `aws_secretsmanager_secret` and its version. */
export const PLANNER_SECRETSMANAGER_ACTIONS = [
  "secretsmanager:DescribeSecret",
  "secretsmanager:GetResourcePolicy",
  "secretsmanager:GetSecretValue",
  "secretsmanager:ListSecretVersionIds",
];

/**
 * `sops-<env>-planners`: what `terraform plan -lock=false` needs and nothing that writes: decrypt the sops files,
 * read the environment's secrets (and their customer managed key), list and read its state objects and decrypt
 * them with the state key. No lock table (plans run without a lock).
 */
export function plannersPolicy(input: DeployersPolicyInput): PolicyDocument {
  const statements: PolicyStatement[] = [
    { Sid: "SopsKeyDecrypt", Effect: "Allow", Action: DEPLOYER_KMS_ACTIONS, Resource: input.sopsKeyArn },
    {
      Sid: "ReadSecrets",
      Effect: "Allow",
      Action: PLANNER_SECRETSMANAGER_ACTIONS,
      Resource: input.secretArnPattern,
    },
  ];
  if (input.secretsKmsKey)
    statements.push(
      kmsStatement(
        "SecretsKmsKey",
        ["kms:Decrypt"],
        input.secretsKmsKey,
        `secretsmanager.${input.secretsRegion}.amazonaws.com`,
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
      Sid: "StateRead",
      Effect: "Allow",
      Action: ["s3:GetObject"],
      Resource: `${input.stateBucketArn}/${input.statePrefix}/*`,
    },
  );
  if (input.stateKmsKey)
    statements.push(
      kmsStatement(
        "StateKmsKey",
        ["kms:Decrypt"],
        input.stateKmsKey,
        `s3.${input.stateBucketRegion}.amazonaws.com`,
      ),
    );
  return policyDocument(statements);
}

/** What a reader of an environment's secrets may do (the same actions as each secret's readers policy). */
export const READER_SECRETSMANAGER_ACTIONS = [
  "secretsmanager:DescribeSecret",
  "secretsmanager:GetSecretValue",
];

/**
 * `sops-<env>-readers`: for applications that read the environment's secrets: `GetSecretValue` and
 * `DescribeSecret` on the environment's secret names, and with a customer managed key `kms:Decrypt` through
 * Secrets Manager only. Nothing on the sops key or the state. In the same account, this policy alone lets a
 * principal read; the secret policies (`readers` in cdktf.json) admit principals of other accounts too.
 */
export function readersPolicy(
  input: Pick<DeployersPolicyInput, "secretArnPattern" | "secretsRegion" | "secretsKmsKey">,
): PolicyDocument {
  const statements: PolicyStatement[] = [
    {
      Sid: "ReadSecrets",
      Effect: "Allow",
      Action: READER_SECRETSMANAGER_ACTIONS,
      Resource: input.secretArnPattern,
    },
  ];
  if (input.secretsKmsKey)
    statements.push(
      kmsStatement(
        "SecretsKmsKey",
        ["kms:Decrypt"],
        input.secretsKmsKey,
        `secretsmanager.${input.secretsRegion}.amazonaws.com`,
      ),
    );
  return policyDocument(statements);
}

/** GitHub's OIDC issuer, without scheme: the prefix of its condition keys. */
export const GITHUB_OIDC_HOST = "token.actions.githubusercontent.com";
export const GITHUB_OIDC_AUDIENCE = "sts.amazonaws.com";

/**
 * Trust policy of a GitHub Actions role: exactly one `sub` (`repo:<owner>/<repo>:environment:<name>`) and the STS
 * audience, both with StringEquals (never StringLike or a wildcard).
 */
export function githubTrustPolicy(oidcProviderArn: string, subject: string): PolicyDocument {
  return policyDocument([
    {
      Sid: "GitHubEnvironment",
      Effect: "Allow",
      Principal: { Federated: oidcProviderArn },
      Action: ["sts:AssumeRoleWithWebIdentity"],
      Condition: {
        StringEquals: {
          [`${GITHUB_OIDC_HOST}:aud`]: GITHUB_OIDC_AUDIENCE,
          [`${GITHUB_OIDC_HOST}:sub`]: subject,
        },
      },
    },
  ]);
}

/** Who may touch one environment's state prefix. */
export interface StatePrefixAccess {
  readonly environment: string;
  /** `<keyPrefix>/<env>`, without trailing slash. */
  readonly prefix: string;
  /** `aws:PrincipalArn` patterns that may read and write (deployers, GitHub deploy role, break-glass). */
  readonly writers: readonly string[];
  /** Patterns that may only read (planners, GitHub plan role). */
  readonly readers: readonly string[];
}

export interface StateBucketPolicyInput {
  /** `arn:<partition>:s3:::<bucket>`. */
  readonly bucketArn: string;
  /** Every value a state write may send as its KMS key ID (the state key's ARN, and its alias forms). */
  readonly stateKeyIds: readonly string[];
  readonly environments: readonly StatePrefixAccess[];
  /** The bucket's account: principals of other accounts are allowed explicitly. @default - the caller's */
  readonly ownAccountId?: string;
}

/** Object actions that only read (planners keep these; everything else on their prefix is denied). */
export const STATE_READ_ACTIONS = ["s3:GetObject", "s3:GetObjectVersion"];

/**
 * The state bucket's policy: TLS only; every object written with SSE-KMS under the state key (a write that
 * names no key or another key is refused); per environment, its state prefix is out of reach of everyone but
 * its writers and readers, and readers can only read.
 */
export function stateBucketPolicy(input: StateBucketPolicyInput): PolicyDocument {
  const { bucketArn } = input;
  const statements: PolicyStatement[] = [
    {
      Sid: "DenyInsecureTransport",
      Effect: "Deny",
      Principal: "*",
      Action: ["s3:*"],
      Resource: [bucketArn, `${bucketArn}/*`],
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    },
    {
      Sid: "DenyWritesWithoutKms",
      Effect: "Deny",
      Principal: "*",
      Action: ["s3:PutObject"],
      Resource: `${bucketArn}/*`,
      Condition: { StringNotEquals: { "s3:x-amz-server-side-encryption": "aws:kms" } },
    },
    {
      Sid: "DenyWritesWithOtherKey",
      Effect: "Deny",
      Principal: "*",
      Action: ["s3:PutObject"],
      Resource: `${bucketArn}/*`,
      Condition: {
        StringNotEquals: { "s3:x-amz-server-side-encryption-aws-kms-key-id": [...input.stateKeyIds] },
      },
    },
  ];
  for (const env of input.environments) {
    const resource = `${bucketArn}/${env.prefix}/*`;
    const allowed = [...new Set([...env.writers, ...env.readers])];
    const sid = sidPart(env.environment);
    statements.push({
      Sid: `DenyOthersState${sid}`,
      Effect: "Deny",
      Principal: "*",
      Action: ["s3:*"],
      Resource: resource,
      ...(allowed.length > 0 && { Condition: { ArnNotLike: { "aws:PrincipalArn": allowed } } }),
    });
    // Principals of other accounts (multi-account bootstrap): a bucket policy must allow them explicitly (their
    // own IAM policy is not enough across accounts), on exactly their prefix.
    const foreign = (patterns: readonly string[]) =>
      patterns.filter((p) => {
        const account = principalAccount(p);
        return (
          input.ownAccountId !== undefined &&
          account !== undefined &&
          account.accountId !== input.ownAccountId
        );
      });
    const foreignWriters = foreign(env.writers);
    const foreignReaders = foreign(env.readers).filter((r) => !env.writers.includes(r));
    const rootsOf = (patterns: readonly string[]) => {
      const roots = [...new Set(patterns.map((p) => accountRootArn(principalAccount(p)!)))].sort();
      return { AWS: roots.length === 1 ? roots[0] : roots };
    };
    for (const [kind, who, actions] of [
      ["Writers", foreignWriters, [...STATE_READ_ACTIONS, "s3:PutObject", "s3:DeleteObject"]],
      ["Readers", foreignReaders, STATE_READ_ACTIONS],
    ] as const) {
      if (who.length === 0) continue;
      statements.push(
        {
          Sid: `AllowOtherAccount${kind}${sid}`,
          Effect: "Allow",
          Principal: rootsOf(who),
          Action: [...actions],
          Resource: resource,
          Condition: { ArnLike: { "aws:PrincipalArn": [...who] } },
        },
        {
          Sid: `AllowOtherAccount${kind}List${sid}`,
          Effect: "Allow",
          Principal: rootsOf(who),
          Action: ["s3:ListBucket"],
          Resource: bucketArn,
          Condition: {
            ArnLike: { "aws:PrincipalArn": [...who] },
            StringLike: { "s3:prefix": [`${env.prefix}/*`] },
          },
        },
      );
    }
    const readOnly = env.readers.filter((r) => !env.writers.includes(r));
    if (readOnly.length > 0)
      statements.push({
        Sid: `DenyPlannerWrites${sid}`,
        Effect: "Deny",
        Principal: "*",
        NotAction: STATE_READ_ACTIONS,
        Resource: resource,
        Condition: {
          ArnLike: { "aws:PrincipalArn": readOnly },
          ...(env.writers.length > 0 && { ArnNotLike: { "aws:PrincipalArn": [...env.writers] } }),
        },
      });
  }
  return policyDocument(statements);
}

export interface AccessLogBucketPolicyInput {
  readonly logBucketArn: string;
  readonly sourceBucketArn: string;
  readonly accountId: string;
  /** Object key prefix of the logs, with trailing slash. */
  readonly prefix: string;
}

/** The log bucket's policy: TLS only; S3 log delivery may write logs of the state bucket, and nothing else. */
export function accessLogBucketPolicy(input: AccessLogBucketPolicyInput): PolicyDocument {
  return policyDocument([
    {
      Sid: "DenyInsecureTransport",
      Effect: "Deny",
      Principal: "*",
      Action: ["s3:*"],
      Resource: [input.logBucketArn, `${input.logBucketArn}/*`],
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    },
    {
      Sid: "S3ServerAccessLogs",
      Effect: "Allow",
      Principal: { Service: "logging.s3.amazonaws.com" },
      Action: ["s3:PutObject"],
      Resource: `${input.logBucketArn}/${input.prefix}*`,
      Condition: {
        ArnLike: { "aws:SourceArn": input.sourceBucketArn },
        StringEquals: { "aws:SourceAccount": input.accountId },
      },
    },
  ]);
}

/**
 * An environment name as part of a statement ID (letters and digits only), one-to-one: `Z` → `ZZ`, `-` → `ZD`,
 * `_` → `ZU`.
 */
export function sidPart(environment: string): string {
  return environment.replace(/[Z_-]/g, (c) => (c === "Z" ? "ZZ" : c === "-" ? "ZD" : "ZU"));
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
