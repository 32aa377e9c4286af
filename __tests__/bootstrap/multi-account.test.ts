import * as fs from "fs";
import * as path from "path";
import { execFileSync, spawnSync } from "child_process";
import { parseContext } from "../../src/config/load-config";
import { synthesizeRepo } from "../../src/synth/synthesize-repo";
import { makeTempDir, TWO_ENV_SPEC, writeExampleRepo } from "../../test-support/example-repo";

/* eslint-disable @typescript-eslint/no-explicit-any */
type Json = any;

const MAIN = "111111111111";
const PROD = "222222222222";
const BOOTSTRAP = {
  accountId: MAIN,
  breakGlassRoleName: "bg",
  github: { repository: "acme/secrets" },
  access: { production: { deployers: { roles: ["ci"] }, planners: { roles: ["pl"] } } },
  accounts: { production: { assumeRoleArn: `arn:aws:iam::${PROD}:role/admin` } },
};

function synth(hclOutput = false, bootstrap: Json = BOOTSTRAP): string {
  const root = writeExampleRepo(makeTempDir(), { ...TWO_ENV_SPEC, context: { bootstrap } });
  const result = synthesizeRepo(root, { outdir: "cdktf.out", hclOutput });
  expect(result.analysis.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  expect(result.synthesized).toBe(true);
  return path.join(root, "cdktf.out", "stacks");
}

const bootstrapJson = (stacks: string): Json =>
  JSON.parse(fs.readFileSync(path.join(stacks, "bootstrap", "cdk.tf.json"), "utf8"));

/** Every resource as "type.name" → its provider (undefined: the main provider). */
function providers(stack: Json): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [type, rs] of Object.entries<Json>(stack.resource))
    for (const [name, r] of Object.entries<Json>(rs)) out[`${type}.${name}`] = r.provider;
  return out;
}

const statements = (policy: string): Json[] => JSON.parse(policy).Statement;

describe("multi-account bootstrap: context.bootstrap.accounts", () => {
  let stack: Json;
  beforeAll(() => {
    stack = bootstrapJson(synth());
  });

  it("adds one aliased provider per environment in another account, assuming its role", () => {
    expect(stack.provider.aws).toEqual([
      { region: "us-east-1" },
      {
        alias: "env_production",
        region: "us-east-1",
        assume_role: [
          { role_arn: `arn:aws:iam::${PROD}:role/admin`, session_name: "sops-secrets-bootstrap-production" },
        ],
      },
    ]);
  });

  it("puts exactly that environment's key, policies, roles, OIDC provider and alarms on its provider", () => {
    const p = providers(stack);
    const onProd = Object.keys(p)
      .filter((k) => p[k] === "aws.env_production")
      .sort();
    expect(onProd).toEqual(
      [
        "aws_cloudwatch_log_metric_filter.sops_production_alias_change_222222222222",
        "aws_cloudwatch_log_metric_filter.sops_production_failed_decrypt_222222222222",
        "aws_cloudwatch_log_metric_filter.sops_production_key_change_222222222222",
        "aws_cloudwatch_metric_alarm.failed_decrypt_222222222222",
        "aws_cloudwatch_metric_alarm.key_change_222222222222",
        "aws_iam_openid_connect_provider.github_222222222222",
        "aws_iam_policy.sops_production_deployers",
        "aws_iam_policy.sops_production_editors",
        "aws_iam_policy.sops_production_planners",
        "aws_iam_policy.sops_production_readers",
        "aws_iam_role.sops_production_github_deploy",
        "aws_iam_role.sops_production_github_plan",
        "aws_iam_role_policy_attachment.sops_production_deployers_role_ci",
        "aws_iam_role_policy_attachment.sops_production_github_deploy",
        "aws_iam_role_policy_attachment.sops_production_github_plan",
        "aws_iam_role_policy_attachment.sops_production_planners_role_pl",
        "aws_kms_alias.alarms_222222222222",
        "aws_kms_alias.sops_production",
        "aws_kms_key.alarms_222222222222",
        "aws_kms_key.sops_production",
        "aws_sns_topic.alarms_222222222222",
      ].sort(),
    );
    // Everything else (the state bucket and key, development) stays on the main provider.
    for (const k of [
      "aws_s3_bucket.state",
      "aws_kms_key.state",
      "aws_kms_key.sops_development",
      "aws_kms_key.alarms",
    ])
      expect({ [k]: p[k] }).toEqual({ [k]: undefined });
    // The production roles trust the production account's OIDC provider.
    const trust = statements(stack.resource.aws_iam_role.sops_production_github_deploy.assume_role_policy);
    expect(trust[0].Principal).toEqual({
      Federated: "${aws_iam_openid_connect_provider.github_222222222222.arn}",
    });
  });

  it("builds production's ARNs in its account: key policy, secrets, principals", () => {
    const key = statements(stack.resource.aws_kms_key.sops_production.policy);
    expect(new Set(key.filter((s) => s.Effect === "Allow").map((s) => JSON.stringify(s.Principal)))).toEqual(
      new Set([JSON.stringify({ AWS: `arn:aws:iam::${PROD}:root` })]),
    );
    const deployers = JSON.stringify(
      statements(stack.resource.aws_iam_policy.sops_production_deployers.policy),
    );
    expect(deployers).toContain(`arn:aws:secretsmanager:us-east-1:${PROD}:secret:production/*`);
    expect(deployers).not.toContain(`secretsmanager:us-east-1:${MAIN}`);
  });

  it("lets production's principals use the state key and their state prefix across accounts", () => {
    const stateKey = statements(stack.resource.aws_kms_key.state.policy);
    const writers = stateKey.find((s) => s.Sid === "StateWritersUseKey");
    expect(writers.Principal).toEqual({ AWS: [`arn:aws:iam::${MAIN}:root`, `arn:aws:iam::${PROD}:root`] });
    expect(writers.Condition.ArnLike["aws:PrincipalArn"]).toEqual(
      expect.arrayContaining([
        `arn:aws:iam::${PROD}:role/ci`,
        `arn:aws:iam::${PROD}:role/sops-production-deploy`,
      ]),
    );
    const bucket = statements(stack.resource.aws_s3_bucket_policy.state.policy);
    const allow = bucket.filter((s) => s.Effect === "Allow");
    expect(allow.map((s) => s.Sid)).toEqual([
      "AllowOtherAccountWritersproduction",
      "AllowOtherAccountWritersListproduction",
      "AllowOtherAccountReadersproduction",
      "AllowOtherAccountReadersListproduction",
    ]);
    for (const s of allow) expect(s.Principal).toEqual({ AWS: `arn:aws:iam::${PROD}:root` });
    expect(allow[0].Resource).toBe("arn:aws:s3:::my-terraform-state-bucket/secrets/production/*");
    expect(allow[2].Action).toEqual(["s3:GetObject", "s3:GetObjectVersion"]);
    expect(allow[1].Condition.StringLike).toEqual({ "s3:prefix": ["secrets/production/*"] });
    // The main account's break-glass role still reaches production's state; nobody else is added.
    const others = bucket.find((s) => s.Sid === "DenyOthersStateproduction");
    expect(others.Condition.ArnNotLike["aws:PrincipalArn"]).toEqual(
      expect.arrayContaining([`arn:aws:iam::${MAIN}:role/bg`, `arn:aws:iam::${PROD}:role/ci`]),
    );
    // No environment in another account: no Allow statement at all (single-account policies are unchanged).
    const single = bootstrapJson(synth(false, { ...BOOTSTRAP, accounts: undefined }));
    expect(
      statements(single.resource.aws_s3_bucket_policy.state.policy).filter((s) => s.Effect === "Allow"),
    ).toEqual([]);
    expect(single.provider.aws).toEqual([{ region: "us-east-1" }]);
  });

  it("refuses, path-named, what cannot work across accounts", () => {
    const errors = (context: Json) => parseContext(context).diagnostics.map((d) => d.message);
    expect(errors({ bootstrap: { accounts: BOOTSTRAP.accounts } })).toEqual([
      expect.stringContaining(
        '"context.bootstrap.accounts" puts environments in other accounts, but the main account is not set',
      ),
    ]);
    expect(
      errors({ bootstrap: { accountId: MAIN, accounts: { production: { assumeRoleArn: "admin" } } } }),
    ).toEqual([
      expect.stringContaining(
        '"context.bootstrap.accounts.production.assumeRoleArn" must be an IAM role ARN',
      ),
    ]);
    const refused = (bootstrap: Json, backend: Json = {}) => {
      const root = writeExampleRepo(makeTempDir(), {
        ...TWO_ENV_SPEC,
        context: { bootstrap, backend: { bucket: "acme-state", ...backend } },
      });
      const result = synthesizeRepo(root, { outdir: "cdktf.out" });
      expect(result.synthesized).toBe(false);
      return result.analysis.diagnostics.filter((d) => d.severity === "error").map((d) => d.message);
    };
    expect(refused({ ...BOOTSTRAP, accounts: { staging: BOOTSTRAP.accounts.production } })).toEqual([
      expect.stringContaining(
        '"context.bootstrap.accounts.staging" names environment "staging", which has no folder',
      ),
    ]);
    expect(refused(BOOTSTRAP, { dynamodbTable: "locks" })).toEqual([
      expect.stringContaining(
        '"context.backend.dynamodbTable" is set, and context.bootstrap.accounts puts environments in other accounts',
      ),
    ]);
  });
});

const terraform = spawnSync("terraform", ["version"], { encoding: "utf8" });
(terraform.status === 0 ? describe : describe.skip)(
  "terraform validate (no init), multi-account bootstrap",
  () => {
    for (const hcl of [false, true])
      it(
        hcl ? "HCL: no error, provider references unquoted" : "JSON: no error",
        () => {
          const dir = path.join(synth(hcl), "bootstrap");
          let out: string;
          try {
            out = execFileSync("terraform", ["validate", "-json", "-no-color"], {
              cwd: dir,
              encoding: "utf8",
              env: { ...process.env, TF_IN_AUTOMATION: "1", CHECKPOINT_DISABLE: "1" },
              stdio: ["ignore", "pipe", "ignore"],
            });
          } catch (e) {
            out = (e as { stdout: string }).stdout;
          }
          const diagnostics: Json[] = JSON.parse(out).diagnostics;
          expect(diagnostics.filter((d) => d.severity === "error").map((d) => d.summary)).toEqual([
            "Missing required provider",
          ]);
          // (cdktf's quoted depends_on entries in the HCL are a separate, older warning.)
          const providerWarnings = diagnostics.filter(
            (d) => d.severity === "warning" && /provider\s*=/.test(d.snippet?.code ?? ""),
          );
          expect(providerWarnings).toEqual([]);
          if (hcl) {
            const text = fs.readFileSync(path.join(dir, "cdk.tf"), "utf8");
            // 21 resources on the production provider: the 21 the first test lists.
            expect(text.match(/^\s*provider = aws\.env_production$/gm)?.length).toBe(21);
          }
        },
        60_000,
      );
  },
);
