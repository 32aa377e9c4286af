import * as fs from "fs";
import * as path from "path";
import { execFileSync, spawnSync } from "child_process";
import { parseContext } from "../../src/config/load-config";
import { synthesizeRepo } from "../../src/synth/synthesize-repo";
import { makeTempDir, TWO_ENV_SPEC, writeExampleRepo } from "../../test-support/example-repo";

/* eslint-disable @typescript-eslint/no-explicit-any */
type Json = any;

const ACCOUNT = "123456789012";
const arnOf = (name: string, region = "us-east-1", account = ACCOUNT) =>
  `arn:aws:secretsmanager:${region}:${account}:secret:${name}-AbC123`;

const ADOPT = {
  environments: {
    development: {
      adopt: { app: arnOf("development/app"), "payments/stripe": arnOf("development/payments/stripe") },
    },
  },
};

function synth(context: Json, hclOutput = false): string {
  const root = writeExampleRepo(makeTempDir(), { ...TWO_ENV_SPEC, context });
  const result = synthesizeRepo(root, { outdir: "cdktf.out", hclOutput });
  expect(result.analysis.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  expect(result.synthesized).toBe(true);
  return path.join(root, "cdktf.out", "stacks");
}

function refused(context: Json) {
  const root = writeExampleRepo(makeTempDir(), { ...TWO_ENV_SPEC, context });
  const result = synthesizeRepo(root, { outdir: "cdktf.out" });
  expect(result.synthesized).toBe(false);
  expect(fs.existsSync(path.join(root, "cdktf.out"))).toBe(false);
  return result.analysis.diagnostics
    .filter((d) => d.severity === "error")
    .map((d) => ({ ruleId: d.ruleId, path: d.path, message: d.message }));
}

const stackJson = (stacks: string, env: string): Json =>
  JSON.parse(fs.readFileSync(path.join(stacks, env, "cdk.tf.json"), "utf8"));

describe("environments.<env>.adopt: import existing secrets", () => {
  it("emits one import block per adopted secret (to its address, id its ARN), and creates the rest", () => {
    const stacks = synth(ADOPT);
    const dev = stackJson(stacks, "development");
    expect(dev.import).toEqual([
      { to: "aws_secretsmanager_secret.app", id: arnOf("development/app") },
      { to: "aws_secretsmanager_secret.payments--stripe", id: arnOf("development/payments/stripe") },
    ]);
    // The addresses exist, and the imported secrets have exactly the name the ARN names (no replacement).
    expect(dev.resource.aws_secretsmanager_secret.app.name).toBe("development/app");
    expect(dev.resource.aws_secretsmanager_secret["payments--stripe"].name).toBe(
      "development/payments/stripe",
    );
    // Adopted: prevent_destroy. Created (worker): no lifecycle.
    expect(dev.resource.aws_secretsmanager_secret.app.lifecycle).toEqual({ prevent_destroy: true });
    expect(dev.resource.aws_secretsmanager_secret["payments--stripe"].lifecycle).toEqual({
      prevent_destroy: true,
    });
    expect(dev.resource.aws_secretsmanager_secret.worker.lifecycle).toBeUndefined();
    // The version is not imported (its ID needs the version ID): Terraform puts a new version.
    expect(JSON.stringify(dev.import)).not.toContain("secret_version");
    // Another environment is untouched.
    const prod = stackJson(stacks, "production");
    expect(prod.import).toBeUndefined();
    expect(prod).toEqual(stackJson(synth({}), "production"));
  });

  it("renders the import blocks in HCL", () => {
    const hcl = fs.readFileSync(path.join(synth(ADOPT, true), "development", "cdk.tf"), "utf8");
    const blocks = [...hcl.matchAll(/^import \{\n([\s\S]*?)\n\}/gm)].map((m) =>
      m[1]
        .split("\n")
        .map((l) => l.trim())
        .join(" "),
    );
    expect(blocks).toEqual([
      `to = aws_secretsmanager_secret.app id = "${arnOf("development/app")}"`,
      `to = aws_secretsmanager_secret.payments--stripe id = "${arnOf("development/payments/stripe")}"`,
    ]);
  });

  it("never runs terraform at synth (cdktf's local version check for importFrom is dropped)", () => {
    const saved = process.env.PATH;
    process.env.PATH = "/nonexistent";
    try {
      const root = writeExampleRepo(makeTempDir(), { ...TWO_ENV_SPEC, context: ADOPT });
      expect(synthesizeRepo(root, { outdir: "cdktf.out" }).synthesized).toBe(true);
    } finally {
      process.env.PATH = saved;
    }
  });

  it("refuses (SS011) a logical name without a file, naming it", () => {
    expect(
      refused({
        environments: { production: { adopt: { "payments/stripe": arnOf("production/payments/stripe") } } },
      }),
    ).toEqual([
      {
        ruleId: "SS011",
        path: "cdktf.json",
        message: expect.stringContaining(
          '"context.environments.production.adopt.payments/stripe" adopts a secret for "payments/stripe", but environment "production" has no secret file with that logical name',
        ),
      },
    ]);
  });

  it("refuses an ARN of another name, region or account: importing it would replace (destroy) it", () => {
    const one = (arn: string, env: Json = {}) =>
      refused({ environments: { production: { ...env, adopt: { app: arn } } } }).map((e) => e.message);
    expect(one(arnOf("prod/app"))).toEqual([
      expect.stringContaining(
        '"context.environments.production.adopt.app" names a secret with name "prod/app", not "production/app" (the secret name template): the stack would import it and then replace it',
      ),
    ]);
    expect(one(arnOf("production/app", "eu-west-1"))).toEqual([
      expect.stringContaining("names a secret with region eu-west-1, not us-east-1"),
    ]);
    // The account is known from the assumed role (or context.bootstrap.accountId).
    expect(
      one(arnOf("production/app", "us-east-1", "210987654321"), {
        assumeRoleArn: `arn:aws:iam::${ACCOUNT}:role/deploy`,
      }),
    ).toEqual([expect.stringContaining(`names a secret with account 210987654321, not ${ACCOUNT}`)]);
    // ... or from context.bootstrap.accounts (multi-account bootstrap).
    expect(
      refused({
        bootstrap: {
          accountId: "111111111111",
          accounts: { production: { assumeRoleArn: `arn:aws:iam::${ACCOUNT}:role/admin` } },
        },
        backend: { bucket: "acme-state" },
        environments: {
          production: { adopt: { app: arnOf("production/app", "us-east-1", "111111111111") } },
        },
      }).map((e) => e.message),
    ).toEqual([expect.stringContaining(`names a secret with account 111111111111, not ${ACCOUNT}`)]);
    // With the name template changed to the existing names, the same ARN is accepted.
    synth({
      environments: { production: { secretNameTemplate: "prod/{name}", adopt: { app: arnOf("prod/app") } } },
    });
  });

  it("refuses a name, or anything that is not a secret ARN, path-named", () => {
    const messages = parseContext({
      environments: { production: { adopt: { app: "production/app" } } },
    }).diagnostics.map((d) => d.message);
    expect(messages).toEqual([
      expect.stringContaining(
        '"context.environments.production.adopt.app" must be a Secrets Manager secret ARN',
      ),
    ]);
    expect(parseContext({ adopt: { app: arnOf("x") } }).diagnostics.map((d) => d.message)).toEqual([
      expect.stringContaining('unknown key "context.adopt"'),
    ]);
  });
});

const terraform = spawnSync("terraform", ["version"], { encoding: "utf8" });
(terraform.status === 0 ? describe : describe.skip)(
  "terraform validate (no init) with adopted secrets",
  () => {
    for (const [hcl, writeOnly] of [
      [false, false],
      [true, false],
      [false, true],
    ] as const)
      it(`${hcl ? "HCL" : "JSON"}${writeOnly ? ", write-only" : ""}`, () => {
        const stacks = synth({ ...ADOPT, writeOnly }, hcl);
        let out: string;
        try {
          out = execFileSync("terraform", ["validate", "-json", "-no-color"], {
            cwd: path.join(stacks, "development"),
            encoding: "utf8",
            env: { ...process.env, TF_IN_AUTOMATION: "1", CHECKPOINT_DISABLE: "1" },
            stdio: ["ignore", "pipe", "ignore"],
          });
        } catch (e) {
          out = (e as { stdout: string }).stdout;
        }
        const errors = JSON.parse(out)
          .diagnostics.filter((d: Json) => d.severity === "error")
          .map((d: Json) => d.summary);
        expect(errors).toEqual(["Missing required provider", "Missing required provider"]);
      }, 60_000);
  },
);
