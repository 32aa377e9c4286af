/**
 * Where every environment's Terraform state lives: the S3 bucket named by `backend.bucket`, hardened
 * (versioning, SSE-KMS, all public access blocked, TLS only, bucket-owner-enforced ownership, noncurrent
 * versions expired), its dedicated KMS key unless `backend.kmsKeyId` names one, and a DynamoDB lock table only
 * when `backend.dynamodbTable` is set (S3 locking with `use_lockfile` needs none).
 */
import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { Construct } from "constructs";
import { S3BackendConfig } from "../config/config";
import { stateKeyAlias } from "./bootstrap-names";
import { keyPolicy, STATE_KMS_ACTIONS, stateBucketPolicy } from "./bootstrap-policies";
import { policyJson } from "./iam-policy-document";
import { ArnContext, KmsKeyGrant, kmsKeyGrant } from "./kms-key-reference";

export interface TerraformStateStorageProps {
  readonly backend: S3BackendConfig;
  readonly arnContext: ArnContext;
  /** The stack's provider region; resources get `region = backend.region` when it differs. */
  readonly providerRegion: string;
  /** Days a noncurrent state version is kept. */
  readonly noncurrentVersionDays: number;
  /** Deletion window of the dedicated state key. */
  readonly keyDeletionWindowInDays: number;
}

export class TerraformStateStorage extends Construct {
  public readonly bucket: S3Bucket;
  /** `arn:<partition>:s3:::<bucket>` (known before apply). */
  public readonly bucketArn: string;
  /** The dedicated state key, when `backend.kmsKeyId` is not set. */
  public readonly key?: KmsKey;
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

    let kmsMasterKeyId: string;
    if (backend.kmsKeyId !== undefined) {
      kmsMasterKeyId = backend.kmsKeyId;
      this.keyGrant = kmsKeyGrant(backend.kmsKeyId, backend.region, arnContext);
    } else {
      this.key = new KmsKey(this, "key", {
        ...region,
        description: `Encrypts the Terraform state in s3://${backend.bucket}`,
        enableKeyRotation: true,
        deletionWindowInDays: props.keyDeletionWindowInDays,
        policy: policyJson(keyPolicy(arnContext, [...STATE_KMS_ACTIONS, "kms:DescribeKey"].sort())),
      });
      this.key.overrideLogicalId("state");
      const alias = new KmsAlias(this, "alias", {
        ...region,
        name: stateKeyAlias(backend.bucket),
        targetKeyId: this.key.keyId,
      });
      alias.overrideLogicalId("state");
      kmsMasterKeyId = this.key.arn;
      this.keyGrant = { resource: this.key.arn };
    }

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
        policy: policyJson(stateBucketPolicy(this.bucketArn)),
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
