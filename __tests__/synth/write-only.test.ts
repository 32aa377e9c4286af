import * as fs from "fs";
import * as path from "path";
import { spawnSync } from "child_process";
import { App, TerraformOutput, TerraformStack, Testing } from "cdktf";
import { synthesizeRepo } from "../../src/synth/synthesize-repo";
import { EphemeralSopsFile, WriteOnlySecretVersion } from "../../src/stacks/ephemeral-sops-file";
import { kmsArnFor, makeTempDir, TWO_ENV_SPEC, writeExampleRepo } from "../../test-support/example-repo";
import { writeSopsShapedFile } from "../../test-support/sops-shaped-file";

/* eslint-disable @typescript-eslint/no-explicit-any */
type Json = any;

const MIXED = {
  ...TWO_ENV_SPEC,
  context: { environments: { production: { writeOnly: true } } },
};

function synth(root: string, hclOutput = false) {
  const result = synthesizeRepo(root, { outdir: "cdktf.out", hclOutput });
  expect(result.analysis.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  expect(result.synthesized).toBe(true);
}
const stackText = (root: string, env: string, file = "cdk.tf.json") =>
  fs.readFileSync(path.join(root, "cdktf.out", "stacks", env, file), "utf8");

describe("write-only mode next to data-source mode", () => {
  let root: string;
  let dev: Json;
  let prod: Json;
  let prodText: string;
  beforeAll(() => {
    root = writeExampleRepo(makeTempDir(), {
      ...MIXED,
      environments: {
        ...MIXED.environments,
        production: {
          "app.enc.json": { values: { db_password: "p" }, options: { lastModified: "2026-03-04T05:06:07Z" } },
          "payments/stripe.enc.yaml": { values: { api_key: "k" } },
          "worker.enc.env": { values: { TOKEN: "t" } },
        },
      },
    });
    synth(root);
    dev = JSON.parse(stackText(root, "development"));
    prodText = stackText(root, "production");
    prod = JSON.parse(prodText);
  });

  it("uses ephemeral sops_file and secret_string_wo, never the data source or secret_string", () => {
    expect(prod.data).toBeUndefined();
    expect(prodText).not.toContain("data.sops_file");
    expect(prodText).not.toMatch(/"secret_string"\s*:/);
    expect(prod.ephemeral.sops_file).toEqual({
      app: { source_file: "secrets/production/app.enc.json", input_type: "json" },
      "payments--stripe": { source_file: "secrets/production/payments/stripe.enc.yaml", input_type: "yaml" },
      worker: { source_file: "secrets/production/worker.enc.env", input_type: "dotenv" },
    });
    const v = prod.resource.aws_secretsmanager_secret_version;
    expect(v.app.secret_string_wo).toBe("${ephemeral.sops_file.app.raw}");
    expect(v["payments--stripe"].secret_string_wo).toBe(
      "${jsonencode(yamldecode(ephemeral.sops_file.payments--stripe.raw))}",
    );
    expect(v.worker.secret_string_wo).toBe("${jsonencode(ephemeral.sops_file.worker.data)}");
  });

  it("derives secret_string_wo_version from sops lastmodified as Unix seconds (a plain number)", () => {
    const v = prod.resource.aws_secretsmanager_secret_version.app;
    expect(v.secret_string_wo_version).toBe(Date.UTC(2026, 2, 4, 5, 6, 7) / 1000);
    expect(typeof v.secret_string_wo_version).toBe("number");
  });

  it("declares Terraform >= 1.11 only where write-only is on", () => {
    expect(prod.terraform.required_version).toBe(">= 1.11");
    expect(dev.terraform.required_version).toBeUndefined();
    expect(prod.terraform.required_providers.sops).toEqual({ source: "carlpett/sops", version: "1.4.1" });
  });

  it("keeps the data-source environment unchanged", () => {
    expect(dev.ephemeral).toBeUndefined();
    expect(dev.data.sops_file.app).toBeDefined();
    expect(dev.resource.aws_secretsmanager_secret_version.app.secret_string).toBe(
      "${data.sops_file.app.raw}",
    );
  });

  it("has outputs without any ephemeral reference", () => {
    expect(JSON.stringify(prod.output)).not.toContain("ephemeral");
    expect(Object.keys(prod.output)).toEqual(["secrets"]);
  });

  it("keeps the secrets' addresses identical to data-source mode", () => {
    expect(Object.keys(prod.resource.aws_secretsmanager_secret).sort()).toEqual([
      "app",
      "payments--stripe",
      "worker",
    ]);
    expect(Object.keys(prod.resource.aws_secretsmanager_secret_version).sort()).toEqual([
      "app",
      "payments--stripe",
      "worker",
    ]);
  });
});

describe("secret_string_wo_version", () => {
  it("is stable across synths and changes when the file changes", () => {
    const root = writeExampleRepo(makeTempDir(), MIXED);
    const version = () => {
      synth(root);
      return JSON.parse(stackText(root, "production")).resource.aws_secretsmanager_secret_version.app
        .secret_string_wo_version;
    };
    const first = version();
    expect(version()).toBe(first);
    writeSopsShapedFile(
      path.join(root, "secrets/production/app.enc.json"),
      { db_password: "new" },
      {
        format: "json",
        kmsArns: [kmsArnFor("production")],
        lastModified: "2027-01-01T00:00:00Z",
      },
    );
    const second = version();
    expect(second).toBe(Date.UTC(2027, 0, 1) / 1000);
    expect(second).not.toBe(first);
  });

  it("follows a global writeOnly with a per-environment opt-out", () => {
    const root = writeExampleRepo(makeTempDir(), {
      ...TWO_ENV_SPEC,
      context: { writeOnly: true, environments: { development: { writeOnly: false } } },
    });
    synth(root);
    expect(JSON.parse(stackText(root, "production")).ephemeral).toBeDefined();
    expect(JSON.parse(stackText(root, "development")).ephemeral).toBeUndefined();
  });
});

describe("ephemeral values cannot leak by construction", () => {
  function ephemeralIn(stack: TerraformStack) {
    return new EphemeralSopsFile(stack, "file", { sourceFile: "secrets/x/a.enc.json", inputType: "json" });
  }

  it("cannot become a string, JSON or an output", () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, "s");
    const e = ephemeralIn(stack);
    expect(() => `${e.raw}`).toThrow(/only be stored with WriteOnlySecretVersion/);
    expect(() => JSON.stringify({ v: e.raw })).toThrow(/only be stored with WriteOnlySecretVersion/);
    new TerraformOutput(stack, "leak", { value: e.raw });
    expect(() => Testing.synth(stack)).toThrow(/only be stored with WriteOnlySecretVersion/);
  });

  it("cannot cross stacks", () => {
    const app = new App({ outdir: makeTempDir() });
    const a = new TerraformStack(app, "a");
    const b = new TerraformStack(app, "b");
    const e = ephemeralIn(a);
    expect(() => new WriteOnlySecretVersion(b, "v", { secretId: "x", value: e.raw, version: 1 })).toThrow(
      /ephemeral value of stack "a" cannot be used in stack "b"/,
    );
  });

  it("refuses a version that is not a positive integer", () => {
    const stack = new TerraformStack(Testing.app(), "s");
    const e = ephemeralIn(stack);
    expect(
      () => new WriteOnlySecretVersion(stack, "v", { secretId: "x", value: e.raw, version: 1.5 }),
    ).toThrow(/positive integer/);
  });
});

describe("cdktf synth --hcl", () => {
  it("renders the ephemeral blocks instead of dropping them", () => {
    const root = writeExampleRepo(makeTempDir(), MIXED);
    synth(root, true);
    const hcl = stackText(root, "production", "cdk.tf");
    expect(hcl).toContain(
      'ephemeral "sops_file" "app" {\n  source_file = "secrets/production/app.enc.json"\n  input_type = "json"\n}',
    );
    expect(hcl.match(/^ephemeral "sops_file"/gm)).toHaveLength(1);
    expect(hcl).toContain('secret_string_wo = "${ephemeral.sops_file.app.raw}"');
    expect(hcl).toMatch(/required_version = ">= 1.11"/);
    expect(hcl).not.toContain("data.sops_file");
    const devHcl = stackText(root, "development", "cdk.tf");
    expect(devHcl).toContain('data "sops_file" "app" {');
    expect(devHcl).not.toContain("ephemeral");
  });
});

const terraform = spawnSync("terraform", ["version"], { encoding: "utf8" });
(terraform.status === 0 ? describe : describe.skip)("terraform validate on a write-only stack", () => {
  it("reports nothing but the missing providers, in JSON and in HCL", () => {
    for (const hcl of [false, true]) {
      const root = writeExampleRepo(makeTempDir(), MIXED);
      synth(root, hcl);
      const r = spawnSync("terraform", ["validate", "-no-color"], {
        cwd: path.join(root, "cdktf.out", "stacks", "production"),
        encoding: "utf8",
        env: { ...process.env, CHECKPOINT_DISABLE: "1" },
      });
      const errors = [...(r.stderr + r.stdout).matchAll(/Error: (.*)/g)].map((m) => m[1].trim());
      expect(errors).toEqual(["Missing required provider", "Missing required provider"]);
    }
  });
});
