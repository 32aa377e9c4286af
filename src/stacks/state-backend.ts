/**
 * The one place a stack's Terraform backend is built: every environment stack and the bootstrap stack (once its
 * state moves to the bucket) use it, so that locking and encryption never differ between them.
 *
 * S3: key `<keyPrefix>/<name>/terraform.tfstate`, `encrypt = true`, `kms_key_id` when a state key is known
 * (SSE-KMS; without it Terraform writes SSE-S3), S3-native locking (`use_lockfile`) unless a DynamoDB table is
 * configured. Local: the given path. Cloud (HCP Terraform / Terraform Enterprise): `terraform { cloud { } }` with
 * the organization, hostname and the stack's workspace: `workspaceTemplate` or `workspaceTags` with `{env}` → name.
 */
import {
  CloudBackend,
  LocalBackend,
  NamedCloudWorkspace,
  S3Backend,
  S3BackendConfig as CdktfS3BackendConfig,
  TaggedCloudWorkspaces,
  TerraformStack,
} from "cdktf";
import { dropLocalTerraformCheck } from "../cdktf/local-terraform-check";
import { BackendConfig } from "../config/config";

export interface StateBackendProps {
  readonly backend: BackendConfig;
  /** The stack's name: the folder of its state under `keyPrefix`. */
  readonly name: string;
  /** Path of the state file for a local backend, relative to the stack's working directory. */
  readonly localPath: string;
}

/** An HCL attribute as cdktf 0.21's HCL renderer takes it. */
const hclString = (value: string) => ({ value, type: "simple", storageClassType: "string" });

/** cdktf 0.21 renders a named workspace's `project` in JSON only: render it in HCL too. */
class NamedWorkspace extends NamedCloudWorkspace {
  public toHclTerraform(): Record<string, unknown> {
    return {
      ...super.toHclTerraform(),
      ...(this.project !== undefined && { project: hclString(this.project) }),
    };
  }
}

/** cdktf 0.21 renders tagged workspaces' `project` in JSON only: render it in HCL too. */
class TaggedWorkspaces extends TaggedCloudWorkspaces {
  public toHclTerraform(): Record<string, unknown> {
    return {
      ...super.toHclTerraform(),
      ...(this.project !== undefined && { project: hclString(this.project) }),
    };
  }
}

/** Adds the stack's backend. */
export function addStateBackend(stack: TerraformStack, props: StateBackendProps): void {
  const { backend } = props;
  if (backend.type === "local") {
    new LocalBackend(stack, { path: props.localPath });
    return;
  }
  if (backend.type === "cloud") {
    const expand = (template: string) => template.replaceAll("{env}", props.name);
    const cloud = new CloudBackend(stack, {
      organization: backend.organization,
      hostname: backend.hostname,
      workspaces:
        backend.workspaceTags !== undefined
          ? new TaggedWorkspaces([...new Set(backend.workspaceTags.map(expand))], backend.project)
          : new NamedWorkspace(expand(backend.workspaceTemplate ?? "{env}"), backend.project),
    });
    dropLocalTerraformCheck(cloud);
    return;
  }
  const config: CdktfS3BackendConfig & { useLockfile?: boolean } = {
    bucket: backend.bucket,
    key: `${backend.keyPrefix}/${props.name}/terraform.tfstate`,
    region: backend.region,
    encrypt: true,
    ...(backend.dynamodbTable !== undefined
      ? { dynamodbTable: backend.dynamodbTable }
      : { useLockfile: true }),
    ...(backend.kmsKeyId !== undefined && { kmsKeyId: backend.kmsKeyId }),
    ...(backend.roleArn !== undefined && { assumeRole: { roleArn: backend.roleArn } }),
  };
  // S3BackendConfig of cdktf 0.21 predates `use_lockfile` (Terraform 1.10); the backend writes its props
  // as snake_case, so the extra key reaches the JSON as `use_lockfile`.
  new S3Backend(stack, config);
}
