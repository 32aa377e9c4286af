/**
 * The opt-in `bootstrap` stack: what the seed process did by hand, as code. Per environment a rotated KMS key
 * with alias `alias/sops-<env>`, the IAM managed policies `sops-<env>-editors` / `sops-<env>-deployers` and their
 * attachments; the hardened state bucket (and lock table when configured); a failed-decrypt alarm on CloudTrail.
 *
 * It is synthesized only when cdktf.json `context.bootstrap` is set, and its own state starts in a local file
 * (it creates the bucket the other stacks keep their state in): see docs/bootstrap.md.
 */
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { LocalBackend, S3Backend, TerraformOutput, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { EnvironmentSettings, S3BackendConfig } from "../config/config";
import { environmentNameProblem } from "../config/names";
import { BootstrapSettings, bootstrapEnvironments } from "./bootstrap-config";
import { BOOTSTRAP_STACK_NAME, partitionOf, secretNamePattern } from "./bootstrap-names";
import { FailedDecryptAlarm } from "./failed-decrypt-alarm";
import { ArnContext, kmsKeyGrant } from "./kms-key-reference";
import { SopsEnvironmentKeys } from "./sops-environment-keys";
import { TerraformStateStorage } from "./terraform-state-storage";

export { BOOTSTRAP_STACK_NAME } from "./bootstrap-names";

/**
 * Where the stack keeps its state before it moves to the bucket, relative to the stack's working directory
 * `cdktf.out/stacks/bootstrap/`: the project root, where cdktf's own default would put it. Outside cdktf.out,
 * because cdktf deletes the folder of a stack that is not synthesized (bootstrap disabled) with everything in it.
 */
export const DEFAULT_BOOTSTRAP_LOCAL_STATE_PATH = "../../../terraform.bootstrap.tfstate";

export interface BootstrapStackProps {
  /** Environment folders under secrets/ (with or without secret files yet); `settings.environments` are added. */
  readonly environments: readonly string[];
  readonly settings: BootstrapSettings;
  /** The project's state backend: the bucket (and lock table) this stack creates. */
  readonly backend: S3BackendConfig;
  /** The project's region: the stack's region unless `settings.region` is set. */
  readonly region: string;
  /** Provider default tags. @default {} */
  readonly tags?: Readonly<Record<string, string>>;
  /**
   * Each environment's settings (region, secret name template, Secrets Manager keys), so that the deployers
   * policy covers exactly where the environment's stack writes.
   * @default - for every environment: the stack's region, "{env}/{name}", the AWS managed key, no replicas
   */
  readonly environmentSettings?: Readonly<Record<string, EnvironmentSettings>>;
  /** The local state file, relative to cdktf.out/stacks/bootstrap/. @default DEFAULT_BOOTSTRAP_LOCAL_STATE_PATH */
  readonly localStatePath?: string;
}

export class BootstrapStack extends TerraformStack {
  /** The environments it manages, sorted. */
  public readonly environments: readonly string[];
  public readonly environmentKeys: Readonly<Record<string, SopsEnvironmentKeys>>;
  public readonly stateStorage: TerraformStateStorage;
  /** Undefined when `settings.monitoring` is false. */
  public readonly monitoring?: FailedDecryptAlarm;

  constructor(scope: Construct, props: BootstrapStackProps) {
    super(scope, BOOTSTRAP_STACK_NAME);
    const { settings, backend } = props;
    const region = settings.region ?? props.region;
    const environments = bootstrapEnvironments(props.environments, settings);
    checkEnvironments(environments, settings);
    this.environments = environments;

    const tags = props.tags ?? {};
    new AwsProvider(this, "aws", {
      region,
      ...(Object.keys(tags).length > 0 && { defaultTags: [{ tags: { ...tags } }] }),
    });
    if (settings.remoteState) {
      const s3 = new S3Backend(this, {
        bucket: backend.bucket,
        key: `${backend.keyPrefix}/${BOOTSTRAP_STACK_NAME}/terraform.tfstate`,
        region: backend.region,
        ...(backend.kmsKeyId !== undefined && { encrypt: true, kmsKeyId: backend.kmsKeyId }),
        ...(backend.dynamodbTable !== undefined && { dynamodbTable: backend.dynamodbTable }),
        ...(backend.roleArn !== undefined && { assumeRole: { roleArn: backend.roleArn } }),
      });
      if (backend.dynamodbTable === undefined) s3.addOverride("use_lockfile", true);
    } else {
      new LocalBackend(this, { path: props.localStatePath ?? DEFAULT_BOOTSTRAP_LOCAL_STATE_PATH });
    }

    const arnContext: ArnContext =
      settings.accountId !== undefined
        ? { partition: partitionOf(region), accountId: settings.accountId }
        : {
            partition: new DataAwsPartition(this, "partition").partition,
            accountId: new DataAwsCallerIdentity(this, "caller").accountId,
          };

    this.stateStorage = new TerraformStateStorage(this, "state", {
      backend,
      arnContext,
      providerRegion: region,
      noncurrentVersionDays: settings.stateBucketNoncurrentVersionDays,
      keyDeletionWindowInDays: settings.keyDeletionWindowInDays,
    });

    const keys: Record<string, SopsEnvironmentKeys> = {};
    for (const env of environments) {
      const envSettings = props.environmentSettings?.[env];
      const secretsRegion = envSettings?.region ?? region;
      keys[env] = new SopsEnvironmentKeys(this, `env-${env}`, {
        environment: env,
        arnContext,
        region,
        deletionWindowInDays: settings.keyDeletionWindowInDays,
        access: settings.access[env],
        deployers: {
          secretArnPattern:
            `arn:${arnContext.partition}:secretsmanager:${secretsRegion}:${arnContext.accountId}:secret:` +
            secretNamePattern(envSettings?.secretNameTemplate ?? "{env}/{name}", env),
          secretsRegion,
          ...(envSettings?.kmsKeyId !== undefined && {
            secretsKmsKey: kmsKeyGrant(envSettings.kmsKeyId, secretsRegion, arnContext),
          }),
          replicaKmsKeys: (envSettings?.replicaRegions ?? []).flatMap((r) =>
            r.kmsKeyId !== undefined
              ? [{ region: r.region, key: kmsKeyGrant(r.kmsKeyId, r.region, arnContext) }]
              : [],
          ),
          stateBucketArn: this.stateStorage.bucketArn,
          statePrefix: `${backend.keyPrefix}/${env}`,
          stateBucketRegion: backend.region,
          stateKmsKey: this.stateStorage.keyGrant,
          ...(this.stateStorage.lockTableArn !== undefined && {
            lockTableArn: this.stateStorage.lockTableArn,
          }),
        },
      });
    }
    this.environmentKeys = keys;

    if (settings.monitoring && environments.length > 0) {
      this.monitoring = new FailedDecryptAlarm(this, "monitoring", {
        logGroupName: settings.cloudTrailLogGroupName,
        keys: environments.map((environment) => ({ environment, keyArn: keys[environment].key.arn })),
        threshold: settings.failedDecryptThreshold,
        ...(settings.alarmEmail !== undefined && { email: settings.alarmEmail }),
      });
    }

    new TerraformOutput(this, "environments", {
      description: "Per environment: the sops key and alias ARNs (for .sops.yaml) and the IAM policy ARNs",
      value: Object.fromEntries(
        environments.map((env) => [
          env,
          {
            kms_key_arn: keys[env].key.arn,
            kms_alias_arn: keys[env].aliasArn,
            editors_policy_arn: keys[env].editorsPolicy.arn,
            deployers_policy_arn: keys[env].deployersPolicy.arn,
          },
        ]),
      ),
    });
    new TerraformOutput(this, "state_bucket", {
      description: "The Terraform state bucket (cdktf.json context.backend.bucket)",
      value: this.stateStorage.bucket.bucket,
    });
  }
}

function checkEnvironments(environments: readonly string[], settings: BootstrapSettings): void {
  for (const env of environments) {
    const problem = environmentNameProblem(env);
    if (problem)
      throw new Error(
        `BootstrapStack: environment "${env}" ${problem}. Rename secrets/${env}/ or remove it from ` +
          `context.bootstrap.environments in cdktf.json.`,
      );
  }
  const unknown = Object.keys(settings.access).filter((env) => !environments.includes(env));
  if (unknown.length > 0)
    throw new Error(
      `BootstrapStack: context.bootstrap.access names environment(s) ${unknown.map((e) => `"${e}"`).join(", ")} ` +
        `that have no folder under secrets/ and are not in context.bootstrap.environments ` +
        `(managed: ${environments.join(", ") || "none"}). Create the folder (npm run new-env -- <name>), add the ` +
        `name to context.bootstrap.environments, or remove the entry.`,
    );
}
