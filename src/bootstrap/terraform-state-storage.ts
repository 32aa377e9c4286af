/**
 * Where every environment's Terraform state lives: the S3 bucket named by `backend.bucket`, hardened
 * (versioning, SSE-KMS, all public access blocked, TLS only, SSE-KMS under the state key required on every write,
 * each environment's prefix reachable only by its deployers, planners and the break-glass role,
 * bucket-owner-enforced ownership, noncurrent versions expired, server access logs to a log bucket), its
 * dedicated KMS key (always: setting `backend.kmsKeyId` points the backends at another key but never removes this
 * one), and a DynamoDB lock table only when `backend.dynamodbTable` is set (S3 locking needs none).
 */
import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketLoggingA } from "@cdktf/provider-aws/lib/s3-bucket-logging";
import { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { Construct } from "constructs";
import { S3BackendConfig } from "../config/config";
import { stateKeyAlias } from "./bootstrap-names";
import {
  accessLogBucketPolicy,
  keyPolicy,
  STATE_KMS_ACTIONS,
  stateBucketPolicy,
  StatePrefixAccess,
} from "./bootstrap-policies";
import { policyJson } from "./iam-policy-document";
import { ArnContext, KmsKeyGrant, kmsKeyGrant } from "./kms-key-reference";

/** S3's limit on a bucket policy (20 KB). */
export const BUCKET_POLICY_MAX_CHARS = 20_480;

/** Prefix of the state bucket's access log objects in the log bucket. */
export const ACCESS_LOG_PREFIX = "state-access-logs/";

export interface TerraformStateStorageProps {
  readonly backend: S3BackendConfig;
  readonly arnContext: ArnContext;
  /** The stack's provider region; resources get `region = backend.region` when it differs. */
  readonly providerRegion: string;
  /** Days a noncurrent state version is kept. */
  readonly noncurrentVersionDays: number;
  /** Deletion window of the dedicated state key. */
  readonly keyDeletionWindowInDays: number;
  /** Who may reach each environment's state prefix. */
  readonly environments: readonly StatePrefixAccess[];
  /** `aws:PrincipalArn` patterns that may encrypt and decrypt with the state key (every writer). */
  readonly keyWriters: readonly string[];
  /** Patterns that may only decrypt with the state key (every read-only planner). */
  readonly keyReaders: readonly string[];
  /** The access log bucket's name. @default `<bucket>-access-logs` */
  readonly accessLogBucket?: string;
}

/** The default access log bucket of a state bucket. */
export function defaultAccessLogBucket(stateBucket: string): string {
  return `${stateBucket}-access-logs`;
}

export class TerraformStateStorage extends Construct {
  public readonly bucket: S3Bucket;
  /** `arn:<partition>:s3:::<bucket>` (known before apply). */
  public readonly bucketArn: string;
  /** The dedicated state key (the bucket's default encryption). */
  public readonly key: KmsKey;
  /** The KMS key IDs a state write may name (the bucket policy refuses any other). */
  public readonly stateKeyIds: readonly string[];
  /** The bucket that receives the state bucket's access logs. */
  public readonly logBucket: S3Bucket;
  /** What IAM grants on to read and write state objects. */
  public readonly keyGrant: KmsKeyGrant;
  public readonly lockTable?: DynamodbTable;
  /** `arn:…:dynamodb:<region>:<account>:table/<name>` of the lock table, when there is one. */
  public readonly lockTableArn?: string;

  constructor(scope: Construct, id: string, props: TerraformStateStorageProps) {
    super(scope, id);
    const { backend, arnContext } = props;
    const region = backend.region !== props.providerRegion ? { region: backend.region } : {};
    this.bucketArn = `arn:${arnContext.partition}:s3:::${backend.bucket}`;

    this.key = new KmsKey(this, "key", {
      ...region,
      description: `Encrypts the Terraform state in s3://${backend.bucket}`,
      enableKeyRotation: true,
      deletionWindowInDays: props.keyDeletionWindowInDays,
      policy: policyJson(
        keyPolicy(arnContext, [
          {
            sid: "StateWritersUseKey",
            actions: [...STATE_KMS_ACTIONS, "kms:DescribeKey"].sort(),
            principalArns: props.keyWriters,
          },
          { sid: "StateReadersDecrypt", actions: ["kms:Decrypt"], principalArns: props.keyReaders },
        ]),
      ),
    });
    this.key.overrideLogicalId("state");
    const aliasName = stateKeyAlias(backend.bucket);
    const alias = new KmsAlias(this, "alias", { ...region, name: aliasName, targetKeyId: this.key.keyId });
    alias.overrideLogicalId("state");
    const kmsMasterKeyId = this.key.arn;
    // What the environment backends send as the object's key (stateBackendKmsKeyId): the configured key, or
    // this key by alias (its ARN is unknown until it exists). S3 compares the request's key ID as sent.
    this.stateKeyIds =
      backend.kmsKeyId !== undefined
        ? [backend.kmsKeyId]
        : [
            this.key.arn,
            `arn:${arnContext.partition}:kms:${backend.region}:${arnContext.accountId}:${aliasName}`,
            aliasName,
          ];
    this.keyGrant =
      backend.kmsKeyId !== undefined
        ? kmsKeyGrant(backend.kmsKeyId, backend.region, arnContext)
        : { resource: this.key.arn };

    const bucketPolicy = policyJson(
      stateBucketPolicy({
        bucketArn: this.bucketArn,
        stateKeyIds: this.stateKeyIds,
        environments: props.environments,
        ownAccountId: props.arnContext.accountId,
      }),
    );
    if (bucketPolicy.length > BUCKET_POLICY_MAX_CHARS)
      throw new Error(
        `BootstrapStack: the state bucket policy would be ${bucketPolicy.length} characters; S3 accepts at most ` +
          `${BUCKET_POLICY_MAX_CHARS}. Name fewer principals in context.bootstrap.access (a role per ` +
          "environment rather than many users), or split the environments over several state buckets.",
      );
    this.bucket = new S3Bucket(this, "bucket", { ...region, bucket: backend.bucket });
    this.bucket.overrideLogicalId("state");
    const bucket = this.bucket.id;
    const named = <T extends { overrideLogicalId(id: string): void }>(resource: T): T => {
      resource.overrideLogicalId("state");
      return resource;
    };
    named(
      new S3BucketOwnershipControls(this, "ownership", {
        ...region,
        bucket,
        rule: { objectOwnership: "BucketOwnerEnforced" },
      }),
    );
    const versioning = named(
      new S3BucketVersioningA(this, "versioning", {
        ...region,
        bucket,
        versioningConfiguration: { status: "Enabled" },
      }),
    );
    named(
      new S3BucketServerSideEncryptionConfigurationA(this, "encryption", {
        ...region,
        bucket,
        rule: [
          {
            applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId },
            bucketKeyEnabled: true,
          },
        ],
      }),
    );
    const publicAccessBlock = named(
      new S3BucketPublicAccessBlock(this, "public-access-block", {
        ...region,
        bucket,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      }),
    );
    named(
      new S3BucketPolicy(this, "policy", {
        ...region,
        bucket,
        policy: bucketPolicy,
        dependsOn: [publicAccessBlock],
      }),
    );
    named(
      new S3BucketLifecycleConfiguration(this, "lifecycle", {
        ...region,
        bucket,
        rule: [
          {
            id: "expire-noncurrent-state-versions",
            status: "Enabled",
            filter: [{}],
            noncurrentVersionExpiration: [{ noncurrentDays: props.noncurrentVersionDays }],
            abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
          },
        ],
        dependsOn: [versioning],
      }),
    );

    const logBucketName = props.accessLogBucket ?? defaultAccessLogBucket(backend.bucket);
    if (logBucketName.length > 63 || logBucketName === backend.bucket)
      throw new Error(
        `BootstrapStack: the access log bucket name "${logBucketName}" ` +
          (logBucketName === backend.bucket ? "is the state bucket itself" : "is longer than 63 characters") +
          '. Set "context.bootstrap.accessLogBucket" in cdktf.json to another bucket name.',
      );
    this.logBucket = new S3Bucket(this, "log-bucket", { ...region, bucket: logBucketName });
    this.logBucket.overrideLogicalId("state_access_logs");
    const logs = <T extends { overrideLogicalId(id: string): void }>(resource: T): T => {
      resource.overrideLogicalId("state_access_logs");
      return resource;
    };
    const logBucket = this.logBucket.id;
    const logBucketArn = `arn:${arnContext.partition}:s3:::${logBucketName}`;
    logs(
      new S3BucketOwnershipControls(this, "log-ownership", {
        ...region,
        bucket: logBucket,
        rule: { objectOwnership: "BucketOwnerEnforced" },
      }),
    );
    // Server access logs can be delivered only to SSE-S3 buckets.
    logs(
      new S3BucketServerSideEncryptionConfigurationA(this, "log-encryption", {
        ...region,
        bucket: logBucket,
        rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
      }),
    );
    const logPublicAccessBlock = logs(
      new S3BucketPublicAccessBlock(this, "log-public-access-block", {
        ...region,
        bucket: logBucket,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      }),
    );
    const logPolicy = logs(
      new S3BucketPolicy(this, "log-policy", {
        ...region,
        bucket: logBucket,
        policy: policyJson(
          accessLogBucketPolicy({
            logBucketArn,
            sourceBucketArn: this.bucketArn,
            accountId: arnContext.accountId,
            prefix: ACCESS_LOG_PREFIX,
          }),
        ),
        dependsOn: [logPublicAccessBlock],
      }),
    );
    named(
      new S3BucketLoggingA(this, "logging", {
        ...region,
        bucket,
        targetBucket: logBucket,
        targetPrefix: ACCESS_LOG_PREFIX,
        dependsOn: [logPolicy],
      }),
    );

    if (backend.dynamodbTable !== undefined) {
      this.lockTable = new DynamodbTable(this, "lock-table", {
        ...region,
        name: backend.dynamodbTable,
        billingMode: "PAY_PER_REQUEST",
        hashKey: "LockID",
        attribute: [{ name: "LockID", type: "S" }],
        pointInTimeRecovery: { enabled: true },
        serverSideEncryption: { enabled: true },
        deletionProtectionEnabled: true,
      });
      this.lockTable.overrideLogicalId("state_lock");
      this.lockTableArn = `arn:${arnContext.partition}:dynamodb:${backend.region}:${arnContext.accountId}:table/${backend.dynamodbTable}`;
    }
  }
}
