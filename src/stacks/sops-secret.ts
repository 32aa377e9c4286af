/**
 * One secret file → one Secrets Manager secret: the sops source (data source, or ephemeral in write-only
 * mode), `aws_secretsmanager_secret` and `aws_secretsmanager_secret_version`. All three share the address
 * `<type>.<terraformId>`, derived from the secret's logical name only.
 */
import * as crypto from "crypto";
import { Construct } from "constructs";
import { Fn } from "cdktf";
import { SecretsmanagerSecret } from "@cdktf/provider-aws/lib/secretsmanager-secret";
import { SecretsmanagerSecretPolicy } from "@cdktf/provider-aws/lib/secretsmanager-secret-policy";
import { SecretsmanagerSecretVersion } from "@cdktf/provider-aws/lib/secretsmanager-secret-version";
import { dropLocalTerraformCheck } from "../cdktf/local-terraform-check";
import { policyJson } from "../bootstrap/iam-policy-document";
import { ReplicaConfig } from "../config/config";
import { InputType } from "../discovery/discover-secrets";
import { EphemeralSopsFile, EphemeralValue, WriteOnlySecretVersion } from "./ephemeral-sops-file";
import { secretReadersPolicy } from "./secret-readers-policy";
import { SopsFileDataSource } from "./sops-provider";

export interface SopsSecretProps {
  /** Terraform address component shared by the three blocks. */
  readonly terraformId: string;
  readonly environment: string;
  /** Secrets Manager secret name. */
  readonly secretName: string;
  /** Repository-relative path of the encrypted file (description and SourceFile tag). */
  readonly sourcePath: string;
  /** Path Terraform reads, relative to the stack directory. */
  readonly sourceFile: string;
  readonly inputType: InputType;
  /** 0, or 7 to 30. */
  readonly recoveryWindowInDays: number;
  /** @default - the AWS managed key aws/secretsmanager */
  readonly kmsKeyId?: string;
  /** @default [] */
  readonly replicas?: readonly ReplicaConfig[];
  /**
   * Write-only mode: `secret_string_wo` with this `secret_string_wo_version` (sops `lastmodified` as Unix
   * seconds). @default - data-source mode: `secret_string`, value stored in state
   */
  readonly writeOnlyVersion?: number;
  /**
   * ARN of an existing secret to import (a Terraform `import` block) instead of creating one; the secret then
   * gets `prevent_destroy` (docs/adoption.md). @default - the secret is created
   */
  readonly adoptArn?: string;
  /** @default - "Managed by sops-secrets from <sourcePath>" */
  readonly description?: string;
  /** Tags of the secret besides the generated ManagedBy, Environment and SourceFile. @default {} */
  readonly tags?: Readonly<Record<string, string>>;
  /**
   * Principal ARNs that may read the secret: an `aws_secretsmanager_secret_policy` (block_public_policy).
   * @default [] - no secret policy
   */
  readonly readers?: readonly string[];
  /**
   * Deny `GetSecretValue` to everyone but the readers and `deployerArn`.
   * @default false
   */
  readonly strictReaders?: boolean;
  /** The deploying principal's ARN (a token), exempt from the strict deny. Required with `strictReaders`. */
  readonly deployerArn?: string;
}

export class SopsSecret extends Construct {
  public readonly secret: SecretsmanagerSecret;
  public readonly version: SecretsmanagerSecretVersion;
  /** Undefined when the secret has no readers. */
  public readonly policy?: SecretsmanagerSecretPolicy;

  constructor(scope: Construct, id: string, props: SopsSecretProps) {
    super(scope, id);
    this.secret = new SecretsmanagerSecret(this, "secret", {
      name: props.secretName,
      description: props.description ?? `Managed by sops-secrets from ${props.sourcePath}`,
      recoveryWindowInDays: props.recoveryWindowInDays,
      kmsKeyId: props.kmsKeyId,
      replica: props.replicas?.length
        ? props.replicas.map((r) => ({
            region: r.region,
            ...(r.kmsKeyId !== undefined && { kmsKeyId: r.kmsKeyId }),
          }))
        : undefined,
      tags: {
        ...props.tags,
        ManagedBy: "terraform",
        Environment: props.environment,
        SourceFile: boundedTagValue(props.sourcePath),
      },
    });
    this.secret.overrideLogicalId(props.terraformId);
    if (props.adoptArn !== undefined) {
      this.secret.importFrom(props.adoptArn);
      dropLocalTerraformCheck(this.secret);
      // An adopted secret existed before this project: no plan may destroy or replace it while it is adopted.
      this.secret.lifecycle = { preventDestroy: true };
    }

    if (props.readers !== undefined && props.readers.length > 0) {
      this.policy = new SecretsmanagerSecretPolicy(this, "policy", {
        secretArn: this.secret.arn,
        blockPublicPolicy: true,
        policy: policyJson(
          secretReadersPolicy({
            readers: props.readers,
            strict: props.strictReaders,
            deployerArn: props.deployerArn,
          }),
        ),
      });
      this.policy.overrideLogicalId(props.terraformId);
    }

    if (props.writeOnlyVersion === undefined) {
      const source = new SopsFileDataSource(this, "source", {
        sourceFile: props.sourceFile,
        inputType: props.inputType,
      });
      source.overrideLogicalId(props.terraformId);
      this.version = new SecretsmanagerSecretVersion(this, "version", {
        secretId: this.secret.id,
        // json and raw: the decrypted text as it is; yaml: as JSON; dotenv and ini: the provider's flat
        // `data` map (ini sections flattened to `section.key`) as JSON.
        secretString:
          props.inputType === "json" || props.inputType === "raw"
            ? source.raw
            : props.inputType === "yaml"
              ? Fn.jsonencode(Fn.yamldecode(source.raw))
              : Fn.jsonencode(source.data),
      });
    } else {
      const source = new EphemeralSopsFile(this, "source", {
        sourceFile: props.sourceFile,
        inputType: props.inputType,
      });
      source.overrideLogicalId(props.terraformId);
      const value: EphemeralValue =
        props.inputType === "json" || props.inputType === "raw"
          ? source.raw
          : props.inputType === "yaml"
            ? source.yamlAsJson
            : source.dataAsJson;
      this.version = new WriteOnlySecretVersion(this, "version", {
        secretId: this.secret.id,
        value,
        version: props.writeOnlyVersion,
      });
    }
    this.version.overrideLogicalId(props.terraformId);
  }
}

/** AWS tag values are at most 256 characters. */
export const TAG_VALUE_MAX = 256;

/**
 * A tag value within AWS's limit: the text itself, or (when longer) its start, "..." and 10 hex digits of
 * its SHA-256, exactly TAG_VALUE_MAX characters: deterministic, and two long paths stay apart. The full path
 * is in the secret's description.
 */
export function boundedTagValue(text: string): string {
  if (text.length <= TAG_VALUE_MAX) return text;
  const hash = crypto.createHash("sha256").update(text).digest("hex").slice(0, 10);
  return `${text.slice(0, TAG_VALUE_MAX - 3 - hash.length)}...${hash}`;
}
