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
import { IamOpenidConnectProvider } from "@cdktf/provider-aws/lib/iam-openid-connect-provider";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformOutput, TerraformProvider, TerraformResource, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { EnvironmentSettings, S3BackendConfig } from "../config/config";
import { environmentNameProblem } from "../config/names";
import { BootstrapSettings, bootstrapEnvironments } from "./bootstrap-config";
import {
  BOOTSTRAP_STACK_NAME,
  githubDeployRoleName,
  githubPlanRoleName,
  partitionOf,
  secretNamePattern,
  sopsKeyAlias,
  stateBackendFor,
} from "./bootstrap-names";
import {
  GITHUB_OIDC_AUDIENCE,
  GITHUB_OIDC_HOST,
  principalArnPatterns,
  StatePrefixAccess,
} from "./bootstrap-policies";
import { bootstrapEnvironmentProblems } from "./bootstrap-checks";
import { escapeRawHclStrings, unquoteProviderReferences } from "../cdktf/hcl-quoted-strings";
import { FailedDecryptAlarm } from "./failed-decrypt-alarm";
import { ArnContext, kmsKeyGrant } from "./kms-key-reference";
import { SopsEnvironmentKeys } from "./sops-environment-keys";
import { TerraformStateStorage } from "./terraform-state-storage";
import { addStateBackend } from "../stacks/state-backend";

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
    const problems = bootstrapEnvironmentProblems(
      environments.map((env) => {
        const template = props.environmentSettings?.[env]?.secretNameTemplate ?? "{env}/{name}";
        return { env, template, path: `the secret name template of "${env}"` };
      }),
      settings.github !== undefined,
    );
    if (problems.length > 0)
      throw new Error(`BootstrapStack: ${problems.map((d) => `${d.message}. Fix: ${d.fix}`).join("; ")}`);
    this.environments = environments;

    const tags = props.tags ?? {};
    new AwsProvider(this, "aws", {
      region,
      ...(Object.keys(tags).length > 0 && { defaultTags: [{ tags: { ...tags } }] }),
    });
    addStateBackend(this, {
      backend: settings.remoteState ? stateBackendFor(backend, settings) : { type: "local", directory: "" },
      name: BOOTSTRAP_STACK_NAME,
      localPath: props.localStatePath ?? DEFAULT_BOOTSTRAP_LOCAL_STATE_PATH,
    });

    // Multi-account: one provider per environment that lives in another account (it assumes that account's role).
    const envProviders = new Map<string, AwsProvider>();
    const envContexts = new Map<string, ArnContext>();
    for (const env of environments) {
      const account = settings.accounts[env];
      if (account === undefined) continue;
      envProviders.set(
        env,
        new AwsProvider(this, `aws-${env}`, {
          alias: `env_${env.replace(/-/g, "_")}`,
          region,
          assumeRole: [{ roleArn: account.assumeRoleArn, sessionName: `sops-secrets-bootstrap-${env}` }],
          ...(Object.keys(tags).length > 0 && { defaultTags: [{ tags: { ...tags } }] }),
        }),
      );
      envContexts.set(env, { partition: partitionOf(region), accountId: account.accountId });
    }

    const arnContext: ArnContext =
      settings.accountId !== undefined
        ? { partition: partitionOf(region), accountId: settings.accountId }
        : {
            partition: new DataAwsPartition(this, "partition").partition,
            accountId: new DataAwsCallerIdentity(this, "caller").accountId,
          };

    // Who may use what, as aws:PrincipalArn patterns (roles and users by name, at any path).
    const none = { roles: [] as string[], users: [] as string[] };
    const breakGlass = settings.breakGlassRoleName !== undefined ? [settings.breakGlassRoleName] : [];
    const github = settings.github;
    const contextOf = (env: string): ArnContext => envContexts.get(env) ?? arnContext;
    const principals = Object.fromEntries(
      environments.map((env) => {
        const envContext = contextOf(env);
        const access = settings.access[env];
        const ghDeploy = github ? [githubDeployRoleName(env)] : [];
        const ghPlan = github ? [githubPlanRoleName(env)] : [];
        const editors = access?.editors ?? none;
        const deployers = access?.deployers ?? none;
        const planners = access?.planners ?? none;
        return [
          env,
          {
            editors: principalArnPatterns(envContext, {
              roles: [...editors.roles, ...breakGlass],
              users: editors.users,
            }),
            writers: principalArnPatterns(envContext, {
              roles: [...deployers.roles, ...ghDeploy, ...breakGlass],
              users: deployers.users,
            }),
            readers: principalArnPatterns(envContext, {
              roles: [...planners.roles, ...ghPlan],
              users: planners.users,
            }),
            decrypters: principalArnPatterns(envContext, {
              roles: [...deployers.roles, ...planners.roles, ...ghDeploy, ...ghPlan],
              users: [...deployers.users, ...planners.users],
            }),
          },
        ];
      }),
    );
    const union = (lists: readonly (readonly string[])[]) => [...new Set(lists.flat())].sort();
    // The main account's break-glass role reaches every environment's state, also in other accounts.
    const mainBreakGlass = principalArnPatterns(arnContext, { roles: breakGlass, users: [] });
    const stateAccess: StatePrefixAccess[] = environments.map((env) => ({
      environment: env,
      prefix: `${backend.keyPrefix}/${env}`,
      writers: envProviders.has(env)
        ? [...new Set([...principals[env].writers, ...mainBreakGlass])]
        : principals[env].writers,
      readers: principals[env].readers,
    }));

    this.stateStorage = new TerraformStateStorage(this, "state", {
      backend,
      arnContext,
      providerRegion: region,
      noncurrentVersionDays: settings.stateBucketNoncurrentVersionDays,
      keyDeletionWindowInDays: settings.keyDeletionWindowInDays,
      environments: stateAccess,
      keyWriters: union([
        ...environments.map((env) => principals[env].writers),
        principalArnPatterns(arnContext, { roles: breakGlass, users: [] }),
      ]),
      keyReaders: union(environments.map((env) => principals[env].readers)),
      ...(settings.accessLogBucket !== undefined && { accessLogBucket: settings.accessLogBucket }),
    });

    let oidcProviderArn: string | undefined = github?.oidcProviderArn;
    if (github && oidcProviderArn === undefined) {
      const provider = new IamOpenidConnectProvider(this, "github-oidc", {
        url: `https://${GITHUB_OIDC_HOST}`,
        clientIdList: [GITHUB_OIDC_AUDIENCE],
      });
      provider.overrideLogicalId("github");
      oidcProviderArn = provider.arn;
    }
    // Another account trusts only its own OIDC provider: one per account, created with that account's provider.
    const accountOidc = new Map<string, string>();
    const oidcProviderFor = (env: string): string | undefined => {
      const account = settings.accounts[env];
      if (!github || account === undefined || account.accountId === settings.accountId)
        return oidcProviderArn;
      const known = accountOidc.get(account.accountId);
      if (known !== undefined) return known;
      const provider = new IamOpenidConnectProvider(this, `github-oidc-${account.accountId}`, {
        provider: envProviders.get(env),
        url: `https://${GITHUB_OIDC_HOST}`,
        clientIdList: [GITHUB_OIDC_AUDIENCE],
      });
      provider.overrideLogicalId(`github_${account.accountId}`);
      accountOidc.set(account.accountId, provider.arn);
      return provider.arn;
    };

    const keys: Record<string, SopsEnvironmentKeys> = {};
    for (const env of environments) {
      const envSettings = props.environmentSettings?.[env];
      const secretsRegion = envSettings?.region ?? region;
      const envContext = contextOf(env);
      const envOidcProviderArn = oidcProviderFor(env);
      keys[env] = new SopsEnvironmentKeys(this, `env-${env}`, {
        environment: env,
        arnContext: envContext,
        region,
        deletionWindowInDays: settings.keyDeletionWindowInDays,
        access: settings.access[env],
        keyEditors: principals[env].editors,
        keyReaders: principals[env].decrypters,
        ...(github &&
          envOidcProviderArn !== undefined && {
            github: { repository: github.repository, oidcProviderArn: envOidcProviderArn },
          }),
        deployers: {
          secretArnPattern:
            `arn:${envContext.partition}:secretsmanager:${secretsRegion}:${envContext.accountId}:secret:` +
            secretNamePattern(envSettings?.secretNameTemplate ?? "{env}/{name}", env),
          secretsRegion,
          ...(envSettings?.kmsKeyId !== undefined && {
            secretsKmsKey: kmsKeyGrant(envSettings.kmsKeyId, secretsRegion, envContext),
          }),
          replicaKmsKeys: (envSettings?.replicaRegions ?? []).flatMap((r) =>
            r.kmsKeyId !== undefined
              ? [{ region: r.region, key: kmsKeyGrant(r.kmsKeyId, r.region, envContext) }]
              : [],
          ),
          stateBucketArn: this.stateStorage.bucketArn,
          statePrefix: `${backend.keyPrefix}/${env}`,
          stateBucketRegion: backend.region,
          stateKmsKey: this.stateStorage.keyGrant,
          ...(this.stateStorage.lockTableArn !== undefined && {
            lockTableArn: this.stateStorage.lockTableArn,
          }),
          denyForceDelete: (envSettings?.recoveryWindowInDays ?? 30) !== 0,
        },
      });
    }
    this.environmentKeys = keys;
    for (const [env, provider] of envProviders) useProvider(keys[env], provider);

    if (settings.monitoring && environments.length > 0) {
      const alarmProps = (envs: readonly string[], ctx: ArnContext) => ({
        logGroupName: settings.cloudTrailLogGroupName,
        keys: envs.map((environment) => ({
          environment,
          keyArn: keys[environment].key.arn,
          aliasName: sopsKeyAlias(environment),
        })),
        threshold: settings.failedDecryptThreshold,
        arnContext: ctx,
        keyDeletionWindowInDays: settings.keyDeletionWindowInDays,
        ...(settings.alarmEmail !== undefined && { email: settings.alarmEmail }),
      });
      // CloudTrail logs an account's KMS calls in that account: one alarm set per account.
      const main = environments.filter((env) => !envProviders.has(env));
      if (main.length > 0)
        this.monitoring = new FailedDecryptAlarm(this, "monitoring", alarmProps(main, arnContext));
      const byAccount = new Map<string, string[]>();
      for (const env of envProviders.keys()) {
        const account = settings.accounts[env].accountId;
        byAccount.set(account, [...(byAccount.get(account) ?? []), env]);
      }
      for (const [account, envs] of [...byAccount].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
        const alarm = new FailedDecryptAlarm(this, `monitoring-${account}`, {
          ...alarmProps(envs, contextOf(envs[0])),
          logicalIdSuffix: account,
        });
        useProvider(alarm, envProviders.get(envs[0]) as AwsProvider);
      }
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
            planners_policy_arn: keys[env].plannersPolicy.arn,
            readers_policy_arn: keys[env].readersPolicy.arn,
            ...(keys[env].githubDeployRole && { github_deploy_role_arn: keys[env].githubDeployRole.arn }),
            ...(keys[env].githubPlanRole && { github_plan_role_arn: keys[env].githubPlanRole.arn }),
          },
        ]),
      ),
    });
    new TerraformOutput(this, "state_bucket", {
      description: "The Terraform state bucket (cdktf.json context.backend.bucket)",
      value: this.stateStorage.bucket.bucket,
    });
    new TerraformOutput(this, "state_kms_key_arn", {
      description:
        "The state key: what the environment backends encrypt state with (unless backend.kmsKeyId is set)",
      value: this.stateStorage.key.arn,
    });
  }

  /**
   * cdktf's HCL, with strings that hold tokens (policies, filter patterns) escaped and provider references
   * unquoted (both mends in src/cdktf/hcl-quoted-strings.ts).
   */
  public toHclTerraform(): { hcl: string; metadata: unknown } {
    const result = super.toHclTerraform() as { hcl: string; metadata: unknown };
    const hcl = unquoteProviderReferences(escapeRawHclStrings(result.hcl));
    return { ...result, hcl };
  }
}

/** Puts every resource under `scope` on `provider` (an environment in another account). */
function useProvider(scope: Construct, provider: TerraformProvider): void {
  for (const c of scope.node.findAll()) if (c instanceof TerraformResource) c.provider = provider;
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
  const unmanaged = Object.keys(settings.accounts).filter((env) => !environments.includes(env));
  if (unmanaged.length > 0)
    throw new Error(
      `BootstrapStack: context.bootstrap.accounts names environment(s) ${unmanaged.map((e) => `"${e}"`).join(", ")} ` +
        "that it does not manage. Create the folder or remove the entry.",
    );
  const unknown = Object.keys(settings.access).filter((env) => !environments.includes(env));
  if (unknown.length > 0)
    throw new Error(
      `BootstrapStack: context.bootstrap.access names environment(s) ${unknown.map((e) => `"${e}"`).join(", ")} ` +
        `that have no folder under secrets/ and are not in context.bootstrap.environments ` +
        `(managed: ${environments.join(", ") || "none"}). Create the folder (npm run new-env -- <name>), add the ` +
        `name to context.bootstrap.environments, or remove the entry.`,
    );
}
