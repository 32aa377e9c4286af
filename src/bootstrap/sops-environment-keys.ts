/**
 * One environment's sops access: its KMS key (rotated yearly by KMS) with alias `alias/sops-<env>`, the IAM
 * managed policies `sops-<env>-editors` and `sops-<env>-deployers`, and their attachments to the configured
 * roles, groups and users. Revoking access is removing a principal from the configuration (detaching).
 */
import { IamGroupPolicyAttachment } from "@cdktf/provider-aws/lib/iam-group-policy-attachment";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { IamUserPolicyAttachment } from "@cdktf/provider-aws/lib/iam-user-policy-attachment";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { Construct } from "constructs";
import { terraformIdFor } from "../discovery/terraform-id";
import { EnvironmentAccess, PrincipalNames } from "./bootstrap-config";
import { deployersPolicyName, editorsPolicyName, sopsKeyAlias } from "./bootstrap-names";
import {
  DeployersPolicyInput,
  deployersPolicy,
  EDITOR_KMS_ACTIONS,
  editorsPolicy,
  keyPolicy,
} from "./bootstrap-policies";
import { policyJson } from "./iam-policy-document";
import { ArnContext } from "./kms-key-reference";

export interface SopsEnvironmentKeysProps {
  readonly environment: string;
  readonly arnContext: ArnContext;
  /** Region of the key (the stack's provider region). */
  readonly region: string;
  /** Days KMS waits before deleting the key once deletion is scheduled (7-30). */
  readonly deletionWindowInDays: number;
  /** Everything the deployers policy needs except the sops key, which this construct creates. */
  readonly deployers: Omit<DeployersPolicyInput, "sopsKeyArn">;
  /** Principals to attach the policies to. @default - no attachment */
  readonly access?: EnvironmentAccess;
}

export class SopsEnvironmentKeys extends Construct {
  public readonly key: KmsKey;
  public readonly alias: KmsAlias;
  public readonly editorsPolicy: IamPolicy;
  public readonly deployersPolicy: IamPolicy;
  /** `arn:…:kms:<region>:<account>:alias/sops-<env>`: the ARN `.sops.yaml` should name. */
  public readonly aliasArn: string;
  /** Prefix of the Terraform addresses of this environment's resources: `sops_<env>`. */
  private readonly tfId: string;

  constructor(scope: Construct, id: string, props: SopsEnvironmentKeysProps) {
    super(scope, id);
    const env = props.environment;
    const tf = `sops_${env}`;
    this.tfId = tf;
    this.key = new KmsKey(this, "key", {
      description: `sops key of the "${env}" environment (secrets/${env}/)`,
      enableKeyRotation: true,
      deletionWindowInDays: props.deletionWindowInDays,
      policy: policyJson(keyPolicy(props.arnContext, EDITOR_KMS_ACTIONS)),
    });
    this.key.overrideLogicalId(tf);
    this.alias = new KmsAlias(this, "alias", { name: sopsKeyAlias(env), targetKeyId: this.key.keyId });
    this.alias.overrideLogicalId(tf);
    const { partition, accountId } = props.arnContext;
    this.aliasArn = `arn:${partition}:kms:${props.region}:${accountId}:${sopsKeyAlias(env)}`;

    this.editorsPolicy = new IamPolicy(this, "editors", {
      name: editorsPolicyName(env),
      description: `Create and edit the sops files of secrets/${env}/ (use of alias/sops-${env})`,
      policy: policyJson(editorsPolicy(this.key.arn)),
    });
    this.editorsPolicy.overrideLogicalId(`${tf}_editors`);
    this.deployersPolicy = new IamPolicy(this, "deployers", {
      name: deployersPolicyName(env),
      description: `Deploy the "${env}" stack: decrypt its sops files, manage its secrets and state`,
      policy: policyJson(deployersPolicy({ ...props.deployers, sopsKeyArn: this.key.arn })),
    });
    this.deployersPolicy.overrideLogicalId(`${tf}_deployers`);

    if (props.access) {
      this.attach("editors", this.editorsPolicy, props.access.editors);
      this.attach("deployers", this.deployersPolicy, props.access.deployers);
    }
  }

  private attach(kind: string, policy: IamPolicy, principals: PrincipalNames): void {
    const base = `${this.tfId}_${kind}`;
    for (const role of principals.roles) {
      const a = new IamRolePolicyAttachment(this, `${kind}-role-${role}`, { role, policyArn: policy.arn });
      a.overrideLogicalId(`${base}_role_${terraformIdFor(role)}`);
    }
    for (const group of principals.groups) {
      const a = new IamGroupPolicyAttachment(this, `${kind}-group-${group}`, {
        group,
        policyArn: policy.arn,
      });
      a.overrideLogicalId(`${base}_group_${terraformIdFor(group)}`);
    }
    for (const user of principals.users) {
      const a = new IamUserPolicyAttachment(this, `${kind}-user-${user}`, { user, policyArn: policy.arn });
      a.overrideLogicalId(`${base}_user_${terraformIdFor(user)}`);
    }
  }
}
