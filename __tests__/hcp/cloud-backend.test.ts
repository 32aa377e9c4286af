import * as fs from "fs";
import * as path from "path";
import { execFileSync, spawnSync } from "child_process";
import { parseContext } from "../../src/config/load-config";
import { synthesizeRepo } from "../../src/synth/synthesize-repo";
import { makeTempDir, TWO_ENV_SPEC, writeExampleRepo } from "../../test-support/example-repo";

/* eslint-disable @typescript-eslint/no-explicit-any */
type Json = any;

function synth(backend: Json, hclOutput = false, extra: Json = {}): string {
  const root = writeExampleRepo(makeTempDir(), { ...TWO_ENV_SPEC, context: { backend, ...extra } });
  const result = synthesizeRepo(root, { outdir: "cdktf.out", hclOutput });
  expect(result.analysis.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  expect(result.synthesized).toBe(true);
  return path.join(root, "cdktf.out", "stacks");
}

const stackJson = (stacks: string, env: string): Json =>
  JSON.parse(fs.readFileSync(path.join(stacks, env, "cdk.tf.json"), "utf8"));

/** The `cloud { ... }` block of an HCL stack, whitespace-normalised. */
function hclCloudBlock(stacks: string, env: string): string {
  const hcl = fs.readFileSync(path.join(stacks, env, "cdk.tf"), "utf8");
  const m = /^cloud \{\n([\s\S]*?\n\}\n)\}/m.exec(hcl);
  expect(m).not.toBeNull();
  return m![1]
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "")
    .join(" ");
}

describe('backend.type "cloud": HCP Terraform / Terraform Enterprise', () => {
  it("renders terraform { cloud } with one workspace per environment by name (default {env})", () => {
    const stacks = synth({ type: "cloud", organization: "acme" });
    for (const env of ["development", "production"]) {
      const tf = stackJson(stacks, env).terraform;
      expect(tf.backend).toBeUndefined();
      expect(tf.cloud).toEqual({
        organization: "acme",
        hostname: "app.terraform.io",
        workspaces: { name: env },
      });
    }
  });

  it("expands workspaceTemplate, and passes hostname and project", () => {
    const stacks = synth({
      type: "cloud",
      organization: "acme",
      hostname: "tfe.example.com",
      project: "Secrets",
      workspaceTemplate: "sops-{env}-secrets",
    });
    expect(stackJson(stacks, "production").terraform.cloud).toEqual({
      organization: "acme",
      hostname: "tfe.example.com",
      workspaces: { name: "sops-production-secrets", project: "Secrets" },
    });
  });

  it("selects workspaces by tags instead, {env} expanded per stack", () => {
    const stacks = synth({
      type: "cloud",
      organization: "acme",
      workspaceTags: ["sops-secrets", "env:{env}"],
    });
    expect(stackJson(stacks, "development").terraform.cloud.workspaces).toEqual({
      tags: ["sops-secrets", "env:development"],
    });
    expect(stackJson(stacks, "production").terraform.cloud.workspaces).toEqual({
      tags: ["sops-secrets", "env:production"],
    });
  });

  it("renders the same block in HCL, project included (cdktf 0.21 alone drops it)", () => {
    const named = synth(
      { type: "cloud", organization: "acme", project: "Secrets", workspaceTemplate: "s-{env}" },
      true,
    );
    expect(hclCloudBlock(named, "production")).toBe(
      'organization = "acme" hostname = "app.terraform.io" workspaces { name = "s-production" project = "Secrets" }',
    );
    const tagged = synth(
      { type: "cloud", organization: "acme", project: "P", workspaceTags: ["e-{env}"] },
      true,
    );
    expect(hclCloudBlock(tagged, "development")).toBe(
      'organization = "acme" hostname = "app.terraform.io" workspaces { tags = [ "e-development" ] project = "P" }',
    );
  });

  it("refuses, path-named, what would share or not select a workspace", () => {
    const errors = (backend: Json, extra: Json = {}) =>
      parseContext({ backend, ...extra }).diagnostics.map((d) => d.message);
    expect(errors({ type: "cloud" })).toEqual([
      expect.stringContaining('"context.backend.organization" must be an HCP Terraform organization name'),
    ]);
    expect(errors({ type: "cloud", organization: "acme", workspaceTemplate: "secrets" })).toEqual([
      expect.stringMatching(
        /"context\.backend\.workspaceTemplate" has no \{env\} placeholder, so every environment's stack would share one workspace/,
      ),
    ]);
    expect(errors({ type: "cloud", organization: "acme", workspaceTags: ["sops", "secrets"] })).toEqual([
      expect.stringMatching(/"context\.backend\.workspaceTags" has no tag with \{env\}/),
    ]);
    expect(
      errors({ type: "cloud", organization: "acme", workspaceTags: ["e-{env}"], workspaceTemplate: "{env}" }),
    ).toEqual([
      expect.stringMatching(/"context\.backend\.workspaceTags" and workspaceTemplate are both set/),
    ]);
    expect(errors({ type: "cloud", organization: "acme", workspaceTags: ["Env-{env}"] })).toEqual([
      expect.stringContaining('"context.backend.workspaceTags[0]" must be a workspace tag'),
    ]);
    expect(errors({ type: "cloud", organization: "acme", bucket: "b" })).toEqual([
      expect.stringContaining('"context.backend.bucket"'),
    ]);
    expect(errors({ type: "remote", organization: "acme" })).toEqual([
      expect.stringContaining('"context.backend.type" must be "s3", "local" or "cloud"'),
    ]);
  });

  it("refuses the bootstrap stack (it creates the S3 state bucket) with one SS011 error, writing nothing", () => {
    const root = writeExampleRepo(makeTempDir(), {
      ...TWO_ENV_SPEC,
      context: { backend: { type: "cloud", organization: "acme" }, bootstrap: true },
    });
    const result = synthesizeRepo(root, { outdir: "cdktf.out" });
    expect(result.synthesized).toBe(false);
    expect(fs.existsSync(path.join(root, "cdktf.out"))).toBe(false);
    expect(
      result.analysis.diagnostics.map((d) => ({
        ruleId: d.ruleId,
        severity: d.severity,
        message: d.message,
      })),
    ).toEqual([
      {
        ruleId: "SS011",
        severity: "error",
        message: expect.stringContaining(
          '"context.bootstrap" is set, but "context.backend.type" is "cloud": the bootstrap stack creates the S3 state bucket',
        ),
      },
    ]);
  });
});

const terraform = spawnSync("terraform", ["version"], { encoding: "utf8" });
(terraform.status === 0 ? describe : describe.skip)(
  "terraform validate (no init) with a cloud backend",
  () => {
    for (const hcl of [false, true])
      it(
        hcl ? "HCL" : "JSON",
        () => {
          const stacks = synth(
            { type: "cloud", organization: "acme", project: "P", workspaceTags: ["e-{env}"] },
            hcl,
          );
          for (const env of ["development", "production"]) {
            let out: string;
            try {
              out = execFileSync("terraform", ["validate", "-json", "-no-color"], {
                cwd: path.join(stacks, env),
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
          }
        },
        60_000,
      );
  },
);

test("synth never runs terraform for the cloud block (cdktf's local version check is dropped)", () => {
  const saved = process.env.PATH;
  process.env.PATH = "/nonexistent";
  try {
    const root = writeExampleRepo(makeTempDir(), {
      ...TWO_ENV_SPEC,
      context: { backend: { type: "cloud", organization: "acme" } },
    });
    const result = synthesizeRepo(root, { outdir: "cdktf.out" });
    expect(result.synthesized).toBe(true);
  } finally {
    process.env.PATH = saved;
  }
});
