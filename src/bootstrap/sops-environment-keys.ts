/**
 * One environment's sops access: its KMS key (rotated yearly by KMS) with alias `alias/sops-<env>` and a key
 * policy that admits only the environment's principals, the IAM managed policies `sops-<env>-editors`,
 * `sops-<env>-deployers`, `sops-<env>-planners` and `sops-<env>-readers`, their attachments (not the readers') to the configured roles and users, and
 * optionally the GitHub Actions roles `sops-<env>-deploy` / `sops-<env>-plan`. Revoking access is removing a
 * principal from the configuration (detached, and out of the key policy).
 */
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { IamUserPolicyAttachment } from "@cdktf/provider-aws/lib/iam-user-policy-attachment";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { Construct } from "constructs";
import { terraformIdFor } from "../discovery/terraform-id";
import { EnvironmentAccess, PrincipalNames } from "./bootstrap-config";
import {
  deployersPolicyName,
  editorsPolicyName,
  githubDeployRoleName,
  githubPlanRoleName,
  githubSubject,
  plannersPolicyName,
  readersPolicyName,
  sopsKeyAlias,
} from "./bootstrap-names";
import {
  DEPLOYER_KMS_ACTIONS,
  DeployersPolicyInput,
  deployersPolicy,
  EDITOR_KMS_ACTIONS,
  editorsPolicy,
  githubTrustPolicy,
  keyPolicy,
  plannersPolicy,
  readersPolicy,
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
  /** `aws:PrincipalArn` patterns the key policy lets encrypt and decrypt (editors, break-glass). */
  readonly keyEditors: readonly string[];
  /** Patterns the key policy lets decrypt (deployers, planners, GitHub roles). */
  readonly keyReaders: readonly string[];
  /** GitHub Actions roles to create. @default - none */
  readonly github?: { readonly repository: string; readonly oidcProviderArn: string };
}

export class SopsEnvironmentKeys extends Construct {
  public readonly key: KmsKey;
  public readonly alias: KmsAlias;
  public readonly editorsPolicy: IamPolicy;
  public readonly deployersPolicy: IamPolicy;
  public readonly plannersPolicy: IamPolicy;
  /** `sops-<env>-readers`: read the environment's secrets (attach it to the applications' roles yourself). */
  public readonly readersPolicy: IamPolicy;
  /** The GitHub Actions deploy and plan roles, when `github` is set. */
  public readonly githubDeployRole?: IamRole;
  public readonly githubPlanRole?: IamRole;
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
      policy: policyJson(
        keyPolicy(props.arnContext, [
          { sid: "EditorsUseKey", actions: EDITOR_KMS_ACTIONS, principalArns: props.keyEditors },
          {
            sid: "DeployersAndPlannersDecrypt",
            actions: DEPLOYER_KMS_ACTIONS,
            principalArns: props.keyReaders,
          },
        ]),
      ),
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
    this.plannersPolicy = new IamPolicy(this, "planners", {
      name: plannersPolicyName(env),
      description: `Plan the "${env}" stack read-only (-lock=false): decrypt its sops files, read its secrets and state`,
      policy: policyJson(plannersPolicy({ ...props.deployers, sopsKeyArn: this.key.arn })),
    });
    this.plannersPolicy.overrideLogicalId(`${tf}_planners`);
    this.readersPolicy = new IamPolicy(this, "readers", {
      name: readersPolicyName(env),
      description: `Read the secrets of the "${env}" environment (GetSecretValue, DescribeSecret, decrypt via Secrets Manager)`,
      policy: policyJson(readersPolicy(props.deployers)),
    });
    this.readersPolicy.overrideLogicalId(`${tf}_readers`);

    if (props.access) {
      this.attach("editors", this.editorsPolicy, props.access.editors);
      this.attach("deployers", this.deployersPolicy, props.access.deployers);
      this.attach("planners", this.plannersPolicy, props.access.planners);
    }

    if (props.github) {
      const { repository, oidcProviderArn } = props.github;
      const role = (
        kind: "deploy" | "plan",
        name: string,
        subjectEnv: string,
        policy: IamPolicy,
      ): IamRole => {
        const r = new IamRole(this, `github-${kind}`, {
          name,
          description: `GitHub Actions (${repository}, environment ${subjectEnv}): ${kind} the "${env}" stack`,
          assumeRolePolicy: policyJson(
            githubTrustPolicy(oidcProviderArn, githubSubject(repository, subjectEnv)),
          ),
          maxSessionDuration: 3600,
        });
        r.overrideLogicalId(`${tf}_github_${kind}`);
        const a = new IamRolePolicyAttachment(this, `github-${kind}-policy`, {
          role: r.name,
          policyArn: policy.arn,
        });
        a.overrideLogicalId(`${tf}_github_${kind}`);
        return r;
      };
      this.githubDeployRole = role("deploy", githubDeployRoleName(env), env, this.deployersPolicy);
      this.githubPlanRole = role("plan", githubPlanRoleName(env), `${env}-plan`, this.plannersPolicy);
    }
  }

  private attach(kind: string, policy: IamPolicy, principals: PrincipalNames): void {
    const base = `${this.tfId}_${kind}`;
    for (const role of principals.roles) {
      const a = new IamRolePolicyAttachment(this, `${kind}-role-${role}`, { role, policyArn: policy.arn });
      a.overrideLogicalId(`${base}_role_${terraformIdFor(role)}`);
    }
    for (const user of principals.users) {
      const a = new IamUserPolicyAttachment(this, `${kind}-user-${user}`, { user, policyArn: policy.arn });
      a.overrideLogicalId(`${base}_user_${terraformIdFor(user)}`);
    }
  }
}
