/**
 * One Terraform stack per environment: backend, providers, one SopsSecret per file, one map output.
 */
import { Construct } from "constructs";
import { TerraformOutput, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { appendHclBlocks, mendRequiredVersion } from "../cdktf/hcl-fixups";
import { prepareStackWithoutCrossStackReferences } from "../cdktf/prepare-stack";
import { stackToTerraform } from "../cdktf/fast-resolve";
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { DataAwsIamSessionContext } from "@cdktf/provider-aws/lib/data-aws-iam-session-context";
import { escapeRawHclStrings } from "../cdktf/hcl-quoted-strings";
import { BackendConfig, EnvironmentSettings } from "../config/config";
import { SecretPlan } from "../analysis/analyze-repo";
import { EphemeralSopsFile } from "./ephemeral-sops-file";
import { SopsProvider } from "./sops-provider";
import { SopsSecret } from "./sops-secret";
import { addStateBackend } from "./state-backend";
import { FileSink, StackSourceFiles } from "./stack-source-files";

/** Terraform version write-only mode needs (ephemeral resources 1.10, write-only arguments 1.11). */
export const WRITE_ONLY_TERRAFORM_VERSION = ">= 1.11";

export interface EnvironmentStackProps {
  readonly settings: EnvironmentSettings;
  readonly backend: BackendConfig;
  /** Sorted by name. */
  readonly secrets: readonly SecretPlan[];
  /**
   * POSIX path from the stack directory to the project root, for a local backend's state file.
   * @default "../../.." (the default cdktf.out/stacks/<env>)
   */
  readonly projectRootFromStack?: string;
  /**
   * Writes the checked copies of the secret files into the stack folder (stack-source-files.ts).
   * @default - written synchronously when the stack is synthesized
   */
  readonly sourceFileSink?: FileSink;
}

export class EnvironmentStack extends TerraformStack {
  private readonly writeOnly: boolean;

  constructor(scope: Construct, environment: string, props: EnvironmentStackProps) {
    super(scope, environment);
    const { settings } = props;
    this.writeOnly = settings.writeOnly;
    const backend = props.backend;
    addStateBackend(this, {
      backend,
      name: environment,
      localPath:
        backend.type === "local"
          ? `${props.projectRootFromStack ?? "../../.."}/${backend.directory}/${environment}.tfstate`
          : "",
    });

    new AwsProvider(this, "aws", {
      region: settings.region,
      ...(settings.assumeRoleArn !== undefined && {
        assumeRole: [{ roleArn: settings.assumeRoleArn, sessionName: `sops-secrets-${environment}` }],
      }),
      ...(Object.keys(settings.tags).length > 0 && { defaultTags: [{ tags: { ...settings.tags } }] }),
    });
    new SopsProvider(this, "sops");
    // The generated binding says "aws" and pins its own version; spell the source out as users read it in the
    // registry, and take the version constraint from the configuration.
    this.addOverride("terraform.required_providers.aws.source", "hashicorp/aws");
    this.addOverride("terraform.required_providers.aws.version", settings.awsProviderVersion);
    if (settings.writeOnly) this.addOverride("terraform.required_version", WRITE_ONLY_TERRAFORM_VERSION);

    const sources = new StackSourceFiles(this, "source-files", { sink: props.sourceFileSink });
    // A strict readers policy exempts the deploying principal: the IAM role (or user) behind the credentials.
    let deployerArn: string | undefined;
    if (props.secrets.some((s) => s.settings.readersPolicy === "strict" && s.settings.readers.length > 0)) {
      const caller = new DataAwsCallerIdentity(this, "deployer-identity");
      caller.overrideLogicalId("deployer");
      const session = new DataAwsIamSessionContext(this, "deployer-session", { arn: caller.arn });
      session.overrideLogicalId("deployer");
      deployerArn = session.issuerArn;
    }
    // A Map, not an object literal: a secret named `__proto__` must be a key, not the prototype.
    const outputs = new Map<string, { arn: string; name: string }>();
    for (const s of props.secrets) {
      if (settings.writeOnly && s.lastModified === undefined) {
        throw new Error(`${s.ref.path}: write-only mode needs sops "lastmodified" (checked by rule SS003)`);
      }
      const secret = new SopsSecret(this, s.terraformId, {
        terraformId: s.terraformId,
        environment,
        secretName: s.secretName,
        sourcePath: s.ref.path,
        sourceFile: sources.add(s.ref.path, s.content),
        inputType: s.ref.inputType,
        recoveryWindowInDays: s.settings.recoveryWindowInDays,
        kmsKeyId: s.settings.kmsKeyId,
        replicas: s.settings.replicaRegions,
        writeOnlyVersion: settings.writeOnly ? s.lastModified : undefined,
        adoptArn: settings.adopt?.[s.ref.name],
        description: s.settings.description,
        tags: s.settings.tags,
        readers: s.settings.readers,
        strictReaders: s.settings.readersPolicy === "strict",
        deployerArn,
      });
      outputs.set(s.ref.name, { arn: secret.secret.arn, name: secret.secret.name });
    }
    // One map output, not one per secret: 10,000 outputs would be 10,000 more constructs.
    new TerraformOutput(this, "secrets", {
      description: "Per secret (by logical name): the Secrets Manager ARN and name. Never values.",
      value: Object.fromEntries(outputs),
    });
  }

  /** Skips cdktf's preparing resolve pass: this stack references no other stack (src/cdktf/prepare-stack.ts). */
  public prepareStack(): void {
    prepareStackWithoutCrossStackReferences(this, () => super.prepareStack());
  }

  /** cdktf's document, resolved with a fast path for plain data (src/cdktf/fast-resolve.ts). */
  public toTerraform(): ReturnType<TerraformStack["toTerraform"]> {
    return stackToTerraform(this, () => super.toTerraform());
  }

  /** cdktf 0.21's HCL renderer needs two mends here (src/cdktf/hcl-fixups.ts). */
  public toHclTerraform(): { hcl: string; metadata: unknown } {
    const result = super.toHclTerraform() as { hcl: string; metadata: unknown };
    // A strict readers policy holds a token (the deployer's ARN): see src/cdktf/hcl-quoted-strings.ts.
    const escaped = escapeRawHclStrings(result.hcl);
    const hcl = this.writeOnly ? mendRequiredVersion(escaped, WRITE_ONLY_TERRAFORM_VERSION) : escaped;
    const ephemeral = this.node
      .findAll()
      .filter((c): c is EphemeralSopsFile => c instanceof EphemeralSopsFile)
      .map((e) => e.renderHcl());
    return { ...result, hcl: appendHclBlocks(hcl, ephemeral) };
  }
}
