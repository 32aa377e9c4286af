import * as fs from "fs";
import * as path from "path";
import { execFileSync, spawnSync } from "child_process";
import { runSynth, synthesizeRepo } from "../../src/synth/synthesize-repo";
import * as publish from "../../src/synth/publish-output";
import { kmsArnFor, makeTempDir, TWO_ENV_SPEC, writeExampleRepo } from "../../test-support/example-repo";
import { writeSopsShapedFile } from "../../test-support/sops-shaped-file";

/* eslint-disable @typescript-eslint/no-explicit-any */
type Json = any;

function readStack(outdir: string, env: string): Json {
  return JSON.parse(fs.readFileSync(path.join(outdir, "stacks", env, "cdk.tf.json"), "utf8"));
}

function synthOk(root: string, options: Parameters<typeof synthesizeRepo>[1] = {}) {
  const result = synthesizeRepo(root, { outdir: "cdktf.out", ...options });
  const errors = result.analysis.diagnostics.filter((d) => d.severity === "error");
  expect(errors).toEqual([]);
  expect(result.synthesized).toBe(true);
  return result;
}

describe("synthesizeRepo on a two-environment repository", () => {
  let root: string;
  let dev: Json;
  let prod: Json;
  beforeAll(() => {
    root = writeExampleRepo(makeTempDir(), TWO_ENV_SPEC);
    synthOk(root);
    dev = readStack(path.join(root, "cdktf.out"), "development");
    prod = readStack(path.join(root, "cdktf.out"), "production");
  });

  it("writes one stack per environment folder, named after it", () => {
    expect(fs.readdirSync(path.join(root, "cdktf.out", "stacks")).sort()).toEqual([
      "development",
      "production",
    ]);
    expect(dev["//"].metadata.stackName).toBe("development");
  });

  it("configures an encrypted S3 backend with S3 locking and a per-environment key", () => {
    expect(dev.terraform.backend).toEqual({
      s3: {
        bucket: "my-terraform-state-bucket",
        key: "secrets/development/terraform.tfstate",
        region: "us-east-1",
        encrypt: true,
        use_lockfile: true,
      },
    });
    expect(prod.terraform.backend.s3.key).toBe("secrets/production/terraform.tfstate");
  });

  it("requires hashicorp/aws and carlpett/sops 1.4.1 (exact) and configures both providers", () => {
    expect(dev.terraform.required_providers).toEqual({
      aws: { source: "hashicorp/aws", version: "6.25.0" },
      sops: { source: "carlpett/sops", version: "1.4.1" },
    });
    expect(dev.provider.aws).toEqual([{ region: "us-east-1" }]);
    expect(dev.provider.sops).toEqual([{}]);
    expect(dev.terraform.required_version).toBeUndefined();
  });

  it("declares one sops_file data source per file with the right input_type", () => {
    const ds = dev.data.sops_file;
    expect(Object.keys(ds).sort()).toEqual(["app", "payments--stripe", "worker"]);
    expect(ds.app).toMatchObject({ source_file: "secrets/development/app.enc.json", input_type: "json" });
    expect(ds["payments--stripe"]).toMatchObject({
      source_file: "secrets/development/payments/stripe.enc.yaml",
      input_type: "yaml",
    });
    expect(ds.worker).toMatchObject({
      source_file: "secrets/development/worker.enc.env",
      input_type: "dotenv",
    });
  });

  it("creates each secret with its name, description, tags and recovery window", () => {
    const s = dev.resource.aws_secretsmanager_secret["payments--stripe"];
    expect(s).toMatchObject({
      name: "development/payments/stripe",
      description: "Managed by sops-secrets from secrets/development/payments/stripe.enc.yaml",
      recovery_window_in_days: 30,
      tags: {
        ManagedBy: "terraform",
        Environment: "development",
        SourceFile: "secrets/development/payments/stripe.enc.yaml",
      },
    });
    expect(s.kms_key_id).toBeUndefined();
    expect(s.replica).toBeUndefined();
  });

  it("stores a JSON object whatever the input format", () => {
    const v = dev.resource.aws_secretsmanager_secret_version;
    expect(v.app).toMatchObject({
      secret_id: "${aws_secretsmanager_secret.app.id}",
      secret_string: "${data.sops_file.app.raw}",
    });
    expect(v["payments--stripe"].secret_string).toBe(
      "${jsonencode(yamldecode(data.sops_file.payments--stripe.raw))}",
    );
    expect(v.worker.secret_string).toBe("${jsonencode(data.sops_file.worker.data)}");
  });

  it("outputs ARNs and names in one map, never values", () => {
    expect(Object.keys(dev.output)).toEqual(["secrets"]);
    expect(dev.output.secrets.value).toEqual({
      app: { arn: "${aws_secretsmanager_secret.app.arn}", name: "${aws_secretsmanager_secret.app.name}" },
      "payments/stripe": {
        arn: "${aws_secretsmanager_secret.payments--stripe.arn}",
        name: "${aws_secretsmanager_secret.payments--stripe.name}",
      },
      worker: {
        arn: "${aws_secretsmanager_secret.worker.arn}",
        name: "${aws_secretsmanager_secret.worker.name}",
      },
    });
    expect(JSON.stringify(dev.output)).not.toMatch(/sops_file|secret_string/);
  });

  it("copies every source file so source_file resolves from the stack directory to the same bytes", () => {
    for (const env of ["development", "production"]) {
      const stack = readStack(path.join(root, "cdktf.out"), env);
      for (const ds of Object.values<Json>(stack.data.sops_file)) {
        expect(path.isAbsolute(ds.source_file)).toBe(false);
        const copy = fs.readFileSync(path.join(root, "cdktf.out", "stacks", env, ds.source_file));
        expect(copy.equals(fs.readFileSync(path.join(root, ds.source_file)))).toBe(true);
      }
    }
  });

  it("never writes an absolute path or a value into the output", () => {
    const all = fs.readFileSync(path.join(root, "cdktf.out", "stacks", "development", "cdk.tf.json"), "utf8");
    expect(all).not.toContain(root);
    expect(all).not.toContain("dev-password");
    expect(fs.readFileSync(path.join(root, "cdktf.out", "manifest.json"), "utf8")).not.toContain(root);
  });
});

describe("determinism and stable identity", () => {
  it("is byte-identical across runs and checkout paths", () => {
    const a = writeExampleRepo(makeTempDir("checkout-a-"), TWO_ENV_SPEC);
    const b = writeExampleRepo(path.join(makeTempDir("checkout-b-"), "deeper", "path"), TWO_ENV_SPEC);
    synthOk(a);
    synthOk(b);
    synthOk(a, { outdir: "second" });
    for (const env of ["development", "production"]) {
      const x = fs.readFileSync(path.join(a, "cdktf.out", "stacks", env, "cdk.tf.json"));
      expect(x.equals(fs.readFileSync(path.join(b, "cdktf.out", "stacks", env, "cdk.tf.json")))).toBe(true);
      expect(x.equals(fs.readFileSync(path.join(a, "second", "stacks", env, "cdk.tf.json")))).toBe(true);
    }
  });

  it("leaves other stacks byte-identical when an environment is dropped in", () => {
    const root = writeExampleRepo(makeTempDir(), TWO_ENV_SPEC);
    synthOk(root);
    const before = fs.readFileSync(path.join(root, "cdktf.out", "stacks", "production", "cdk.tf.json"));
    writeExampleRepo(root, {
      ...TWO_ENV_SPEC,
      environments: { ...TWO_ENV_SPEC.environments, staging: { "app.enc.json": { values: { a: "b" } } } },
    });
    synthOk(root);
    expect(
      fs.readFileSync(path.join(root, "cdktf.out", "stacks", "production", "cdk.tf.json")).equals(before),
    ).toBe(true);
    expect(
      readStack(path.join(root, "cdktf.out"), "staging").resource.aws_secretsmanager_secret.app.name,
    ).toBe("staging/app");
  });

  it("keeps every existing block unchanged when a file is added, and drops a removed file's copy", () => {
    const root = writeExampleRepo(makeTempDir(), TWO_ENV_SPEC);
    synthOk(root);
    const before = readStack(path.join(root, "cdktf.out"), "development");
    writeSopsShapedFile(
      path.join(root, "secrets/development/aaa/first.enc.json"),
      { k: "v" },
      {
        format: "json",
        kmsArns: [kmsArnFor("development")],
      },
    );
    fs.rmSync(path.join(root, "secrets/development/worker.enc.env"));
    synthOk(root);
    const after = readStack(path.join(root, "cdktf.out"), "development");
    for (const id of ["app", "payments--stripe"]) {
      expect(after.resource.aws_secretsmanager_secret[id]).toEqual(
        before.resource.aws_secretsmanager_secret[id],
      );
      expect(after.resource.aws_secretsmanager_secret_version[id]).toEqual(
        before.resource.aws_secretsmanager_secret_version[id],
      );
      expect(after.data.sops_file[id]).toEqual(before.data.sops_file[id]);
    }
    expect(after.resource.aws_secretsmanager_secret["aaa--first"].name).toBe("development/aaa/first");
    expect(after.resource.aws_secretsmanager_secret.worker).toBeUndefined();
    expect(
      fs.existsSync(path.join(root, "cdktf.out/stacks/development/secrets/development/worker.enc.env")),
    ).toBe(false);
  });
});

describe("configuration reaches the stacks", () => {
  it("applies per-environment overrides over global settings", () => {
    const root = writeExampleRepo(makeTempDir(), {
      ...TWO_ENV_SPEC,
      context: {
        region: "eu-west-1",
        tags: { Team: "platform", CostCenter: "42" },
        secretNameTemplate: "apps/{env}/{name}",
        awsProviderVersion: "~> 6.50",
        backend: {
          bucket: "acme-tf-state",
          region: "eu-central-1",
          keyPrefix: "platform/secrets",
          dynamodbTable: "tf-locks",
          kmsKeyId: "alias/tf-state",
          roleArn: "arn:aws:iam::123456789012:role/state",
        },
        environments: {
          production: {
            region: "us-west-2",
            assumeRoleArn: "arn:aws:iam::210987654321:role/deployer",
            tags: { CostCenter: "7" },
            recoveryWindowInDays: 7,
            replicaRegions: ["us-east-2", { region: "eu-west-1", kmsKeyId: "alias/replica" }],
            kmsKeyId: "arn:aws:kms:us-west-2:210987654321:alias/secrets",
          },
        },
      },
    });
    synthOk(root);
    const dev = readStack(path.join(root, "cdktf.out"), "development");
    const prod = readStack(path.join(root, "cdktf.out"), "production");
    expect(dev.provider.aws).toEqual([
      { region: "eu-west-1", default_tags: [{ tags: { Team: "platform", CostCenter: "42" } }] },
    ]);
    expect(prod.provider.aws).toEqual([
      {
        region: "us-west-2",
        assume_role: [
          { role_arn: "arn:aws:iam::210987654321:role/deployer", session_name: "sops-secrets-production" },
        ],
        default_tags: [{ tags: { Team: "platform", CostCenter: "7" } }],
      },
    ]);
    expect(prod.terraform.backend.s3).toEqual({
      bucket: "acme-tf-state",
      key: "platform/secrets/production/terraform.tfstate",
      region: "eu-central-1",
      encrypt: true,
      dynamodb_table: "tf-locks",
      kms_key_id: "alias/tf-state",
      assume_role: { role_arn: "arn:aws:iam::123456789012:role/state" },
    });
    const secret = prod.resource.aws_secretsmanager_secret.app;
    expect(secret).toMatchObject({
      name: "apps/production/app",
      recovery_window_in_days: 7,
      kms_key_id: "arn:aws:kms:us-west-2:210987654321:alias/secrets",
      replica: [{ region: "us-east-2" }, { region: "eu-west-1", kms_key_id: "alias/replica" }],
    });
    expect(dev.resource.aws_secretsmanager_secret.app.name).toBe("apps/development/app");
    expect(dev.terraform.required_providers.aws).toEqual({ source: "hashicorp/aws", version: "~> 6.50" });
  });

  it("supports a local backend with a relative state path", () => {
    const root = writeExampleRepo(makeTempDir(), {
      ...TWO_ENV_SPEC,
      context: { backend: { type: "local" } },
    });
    synthOk(root);
    const dev = readStack(path.join(root, "cdktf.out"), "development");
    expect(dev.terraform.backend).toEqual({
      local: { path: "../../../terraform-state/development.tfstate" },
    });
    expect(path.resolve(root, "cdktf.out/stacks/development", dev.terraform.backend.local.path)).toBe(
      path.join(root, "terraform-state", "development.tfstate"),
    );
  });
});

describe("refusing bad input", () => {
  function refused(root: string) {
    const result = synthesizeRepo(root, { outdir: "cdktf.out" });
    expect(result.synthesized).toBe(false);
    expect(fs.existsSync(path.join(root, "cdktf.out"))).toBe(false);
    return result.analysis.diagnostics.filter((d) => d.severity === "error");
  }

  it("names the file and line of a parse error and writes nothing", () => {
    const root = writeExampleRepo(makeTempDir(), TWO_ENV_SPEC);
    fs.writeFileSync(
      path.join(root, "secrets/production/broken.enc.json"),
      '{\n  "a": "ENC[AES256_GCM,data:x]",\n  oops\n}\n',
    );
    fs.writeFileSync(path.join(root, "secrets/development/bad.enc.yaml"), "a: x\nb: y\na: z\n");
    const errors = refused(root);
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ ruleId: "SS012", path: "secrets/production/broken.enc.json", line: 3 }),
        expect.objectContaining({ ruleId: "SS012", path: "secrets/development/bad.enc.yaml", line: 3 }),
      ]),
    );
    for (const e of errors) expect(e.fix).toMatch(/sops edit|restore/);
  });

  it("reports configuration errors with the key path", () => {
    const root = writeExampleRepo(makeTempDir(), {
      ...TWO_ENV_SPEC,
      context: { regoin: "us-east-1", environments: { production: { recoveryWindowInDays: 3 } } },
    });
    const errors = refused(root);
    expect(errors.map((e) => [e.ruleId, e.path])).toEqual([
      ["SS011", "cdktf.json"],
      ["SS011", "cdktf.json"],
    ]);
    expect(errors.map((e) => e.message).join("\n")).toMatch(/context\.regoin/);
    expect(errors.map((e) => e.message).join("\n")).toMatch(
      /context\.environments\.production\.recoveryWindowInDays/,
    );
  });

  it("refuses a plaintext secret file without writing a stack", () => {
    const root = writeExampleRepo(makeTempDir(), TWO_ENV_SPEC);
    fs.writeFileSync(
      path.join(root, "secrets/production/leak.enc.json"),
      JSON.stringify({ password: "hunter2" }),
    );
    const errors = refused(root);
    expect(errors.some((e) => e.path === "secrets/production/leak.enc.json")).toBe(true);
    expect(JSON.stringify(errors)).not.toContain("hunter2");
  });
});

const terraform = spawnSync("terraform", ["version"], { encoding: "utf8" });
const describeIfTerraform = terraform.status === 0 ? describe : describe.skip;
describeIfTerraform("terraform validate (terraform on PATH, no providers installed)", () => {
  it("reports nothing but the two missing providers in each stack", () => {
    const root = writeExampleRepo(makeTempDir(), TWO_ENV_SPEC);
    synthOk(root);
    for (const env of ["development", "production"]) {
      const r = spawnSync("terraform", ["validate", "-no-color"], {
        cwd: path.join(root, "cdktf.out", "stacks", env),
        encoding: "utf8",
        env: { ...process.env, CHECKPOINT_DISABLE: "1", TF_IN_AUTOMATION: "1" },
      });
      const errors = [...(r.stderr + r.stdout).matchAll(/Error: (.*)/g)].map((m) => m[1].trim());
      expect(errors).toEqual(["Missing required provider", "Missing required provider"]);
      expect(r.stderr + r.stdout).toMatch(/carlpett\/sops/);
      expect(r.stderr + r.stdout).toMatch(/hashicorp\/aws/);
    }
  });
});

describe("the cdktf CLI path", () => {
  it("`cdktf synth` writes byte-identical stacks to `npm run synth` (both read cdktf.json context)", () => {
    const project = path.resolve(__dirname, "../..");
    const cliOut = makeTempDir("cdktf-cli-out-");
    const cli = path.join(project, "node_modules", ".bin", "cdktf");
    execFileSync(cli, ["synth", "--output", cliOut], {
      cwd: project,
      env: { ...process.env, CHECKPOINT_DISABLE: "1", CI: "1", DISABLE_VERSION_CHECK: "1" },
      stdio: "pipe",
    });
    const lib = synthesizeRepo(project, { outdir: makeTempDir("lib-out-") });
    expect(lib.synthesized).toBe(true);
    for (const env of lib.analysis.environments.map((e) => e.name)) {
      const a = fs.readFileSync(path.join(cliOut, "stacks", env, "cdk.tf.json"));
      expect(a.equals(fs.readFileSync(path.join(lib.outdir, "stacks", env, "cdk.tf.json")))).toBe(true);
    }
  });
});

describe("the opt-in bootstrap stack", () => {
  it("is synthesized only when context.bootstrap is set, with a relative local state", () => {
    const off = writeExampleRepo(makeTempDir(), TWO_ENV_SPEC);
    synthOk(off);
    expect(fs.existsSync(path.join(off, "cdktf.out", "stacks", "bootstrap"))).toBe(false);

    const on = writeExampleRepo(makeTempDir(), {
      ...TWO_ENV_SPEC,
      context: { bootstrap: { accountId: "123456789012" } },
    });
    synthOk(on);
    const stack = readStack(path.join(on, "cdktf.out"), "bootstrap");
    expect(stack.terraform.backend).toEqual({ local: { path: "../../../terraform.bootstrap.tfstate" } });
    const aliases = Object.values<Json>(stack.resource.aws_kms_alias).map((a) => a.name);
    expect(aliases.sort()).toEqual([
      "alias/sops-development",
      "alias/sops-production",
      "alias/sops-secrets-alarms",
      "alias/terraform-state/my-terraform-state-bucket",
    ]);
    expect(JSON.stringify(stack)).not.toContain(on);
    // With it, the environment stacks differ only in their backend's kms_key_id: SSE-KMS under the bootstrap
    // state key (by alias ARN), never SSE-S3. (Before, they were byte-identical and wrote SSE-S3.)
    for (const env of ["development", "production"]) {
      const withBootstrap = readStack(path.join(on, "cdktf.out"), env);
      const without = readStack(path.join(off, "cdktf.out"), env);
      expect(withBootstrap.terraform.backend.s3).toEqual({
        ...without.terraform.backend.s3,
        encrypt: true,
        kms_key_id: "arn:aws:kms:us-east-1:123456789012:alias/terraform-state/my-terraform-state-bucket",
      });
      expect(without.terraform.backend.s3.kms_key_id).toBeUndefined();
      delete withBootstrap.terraform.backend.s3.kms_key_id;
      expect(withBootstrap).toEqual(without);
    }
  });

  it("refuses bootstrap with a local backend", () => {
    const root = writeExampleRepo(makeTempDir(), {
      ...TWO_ENV_SPEC,
      context: { bootstrap: true, backend: { type: "local" } },
    });
    const result = synthesizeRepo(root, { outdir: "cdktf.out" });
    expect(result.synthesized).toBe(false);
    expect(result.analysis.diagnostics.map((d) => d.message).join("\n")).toMatch(/context\.bootstrap/);
  });
});

describe("publishing the output", () => {
  it("removes the stack of a deleted environment and keeps Terraform's own files", () => {
    const root = writeExampleRepo(makeTempDir(), TWO_ENV_SPEC);
    synthOk(root);
    const dev = path.join(root, "cdktf.out/stacks/development");
    fs.mkdirSync(path.join(dev, ".terraform"));
    fs.writeFileSync(path.join(dev, ".terraform.lock.hcl"), "# lock\n");
    fs.rmSync(path.join(root, "secrets/production"), { recursive: true });
    synthOk(root);
    expect(fs.readdirSync(path.join(root, "cdktf.out/stacks"))).toEqual(["development"]);
    expect(fs.existsSync(path.join(dev, ".terraform"))).toBe(true);
    expect(fs.existsSync(path.join(dev, ".terraform.lock.hcl"))).toBe(true);
    expect(fs.readdirSync(root).filter((f) => f.includes("staging"))).toEqual([]);
  });

  it("leaves the previous output untouched when synth fails half-way", () => {
    const root = writeExampleRepo(makeTempDir(), TWO_ENV_SPEC);
    synthOk(root);
    const before = fs.readFileSync(path.join(root, "cdktf.out/stacks/production/cdk.tf.json"));
    const spy = jest.spyOn(publish, "publishOutput").mockImplementation(() => {
      throw new Error("disk full");
    });
    try {
      expect(() => synthesizeRepo(root, { outdir: "cdktf.out" })).toThrow("disk full");
    } finally {
      spy.mockRestore();
    }
    expect(fs.readFileSync(path.join(root, "cdktf.out/stacks/production/cdk.tf.json")).equals(before)).toBe(
      true,
    );
    expect(fs.readdirSync(root).filter((f) => f.includes("staging"))).toEqual([]);
  });

  it("reports an internal error in one line without a stack trace", () => {
    const root = writeExampleRepo(makeTempDir(), TWO_ENV_SPEC);
    const spy = jest.spyOn(publish, "publishOutput").mockImplementation(() => {
      throw new Error("disk full");
    });
    const errors: string[] = [];
    try {
      const code = runSynth(root, { log: () => undefined, error: (m: string) => errors.push(m) });
      expect(code).toBe(1);
    } finally {
      spy.mockRestore();
    }
    expect(errors).toEqual([
      "synth failed: disk full. Nothing was written (the previous output is unchanged).",
    ]);
    expect(fs.existsSync(path.join(root, "cdktf.out"))).toBe(false);
  });
});

describe("runSynth exit codes, as every other command's", () => {
  const quiet = (errors: string[]) => ({ log: () => undefined, error: (m: string) => errors.push(m) });

  it("exits 2 on a configuration error (SS011) and writes nothing", () => {
    const root = writeExampleRepo(makeTempDir(), { ...TWO_ENV_SPEC, context: { region: 42 } });
    const errors: string[] = [];
    expect(runSynth(root, quiet(errors), { outdir: "cdktf.out" })).toBe(2);
    expect(errors[0]).toMatch(/^error SS011 cdktf\.json: .*context\.region/);
    expect(errors.at(-1)).toMatch(/^synth refused: 1 error, 0 warnings\. Nothing was written\./);
    expect(fs.existsSync(path.join(root, "cdktf.out"))).toBe(false);
  });

  it("exits 1 on a rule error (not a configuration error) and writes nothing", () => {
    const root = writeExampleRepo(makeTempDir(), TWO_ENV_SPEC);
    fs.writeFileSync(path.join(root, "secrets/production/plain.enc.json"), '{"password": "x"}\n');
    const errors: string[] = [];
    expect(runSynth(root, quiet(errors), { outdir: "cdktf.out" })).toBe(1);
    expect(errors.some((e) => e.startsWith("error SS001 secrets/production/plain.enc.json"))).toBe(true);
    expect(errors.some((e) => e.includes("SS011"))).toBe(false);
    expect(fs.existsSync(path.join(root, "cdktf.out"))).toBe(false);
  });
});

describe("the fast path of runSynth", () => {
  it("writes byte-identical stacks with cdktf's token stack traces off", () => {
    const a = writeExampleRepo(makeTempDir(), {
      ...TWO_ENV_SPEC,
      context: { environments: { production: { writeOnly: true } } },
    });
    const b = writeExampleRepo(makeTempDir(), {
      ...TWO_ENV_SPEC,
      context: { environments: { production: { writeOnly: true } } },
    });
    synthOk(a);
    const cwd = process.cwd();
    expect(runSynth(b, { log: () => undefined, error: () => undefined })).toBe(0);
    expect(process.cwd()).toBe(cwd);
    for (const env of ["development", "production"]) {
      const x = fs.readFileSync(path.join(a, "cdktf.out/stacks", env, "cdk.tf.json"));
      expect(x.equals(fs.readFileSync(path.join(b, "cdktf.out/stacks", env, "cdk.tf.json")))).toBe(true);
    }
  });
});
