import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { escapeRawHclStrings } from "../../src/cdktf/hcl-quoted-strings";
import { synthesizeRepo } from "../../src/synth/synthesize-repo";
import { makeTempDir, TWO_ENV_SPEC, writeExampleRepo } from "../../test-support/example-repo";

/* eslint-disable @typescript-eslint/no-explicit-any */
type Json = any;

const BOOTSTRAP = {
  accountId: "123456789012",
  alarmEmail: "sec@example.com",
  breakGlassRoleName: "break-glass",
  remoteState: true,
  github: { repository: "acme/secrets" },
  access: {
    production: {
      editors: { roles: ["ops"], users: ["alice"] },
      deployers: { roles: ["ci-deploy"] },
      planners: { roles: ["ci-plan"] },
    },
  },
};

function synth(hclOutput: boolean, context: Json = { bootstrap: BOOTSTRAP }): string {
  const root = writeExampleRepo(makeTempDir(), { ...TWO_ENV_SPEC, context });
  const result = synthesizeRepo(root, { outdir: "cdktf.out", hclOutput });
  expect(result.analysis.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  expect(result.synthesized).toBe(true);
  return path.join(root, "cdktf.out", "stacks");
}

test("escapeRawHclStrings: escapes quotes and backslashes outside ${…}, leaves valid lines alone", () => {
  expect(escapeRawHclStrings('policy = "{"A":"${aws_kms_key.k.arn}","B":"x\\\\y"}"')).toBe(
    'policy = "{\\"A\\":\\"${aws_kms_key.k.arn}\\",\\"B\\":\\"x\\\\\\\\y\\"}"',
  );
  const valid = 'description = "sops key of the \\"dev\\" environment"\nname = "a"';
  expect(escapeRawHclStrings(valid)).toBe(valid);
  expect(escapeRawHclStrings('x = "${jsonencode({"a" = 1})}"')).toBe('x = "${jsonencode({"a" = 1})}"');
});

const terraform = spawnSync("terraform", ["version"], { encoding: "utf8" });
const describeIfTerraform = terraform.status === 0 ? describe : describe.skip;

function validate(dir: string): string[] {
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
  return JSON.parse(out)
    .diagnostics.filter((d: Json) => d.severity === "error")
    .map((d: Json) => `${d.summary}: ${d.detail ?? ""}`)
    .filter((s: string) => !s.startsWith("Missing required provider"));
}

describeIfTerraform(
  "terraform validate (no init) with the bootstrap stack on, every stack, JSON and HCL",
  () => {
    for (const hcl of [false, true]) {
      test(
        hcl ? "HCL (cdktf synth --hcl)" : "JSON",
        () => {
          const stacks = synth(hcl);
          const names = fs.readdirSync(stacks).sort();
          expect(names).toEqual(["bootstrap", "development", "production"]);
          for (const name of names) {
            const dir = path.join(stacks, name);
            expect(fs.existsSync(path.join(dir, hcl ? "cdk.tf" : "cdk.tf.json"))).toBe(true);
            expect({ stack: name, errors: validate(dir) }).toEqual({ stack: name, errors: [] });
          }
        },
        60_000,
      );
    }

    test("the HCL policies decode to exactly the JSON policies", () => {
      const json = JSON.parse(fs.readFileSync(path.join(synth(false), "bootstrap", "cdk.tf.json"), "utf8"));
      const hcl = fs.readFileSync(path.join(synth(true), "bootstrap", "cdk.tf"), "utf8");
      const fromJson = Object.values<Json>(json.resource)
        .flatMap((rs) => Object.values<Json>(rs))
        .flatMap((r) => [r.policy, r.assume_role_policy].filter((p) => p !== undefined))
        .map((p: string) => JSON.parse(p))
        .sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
      const fromHcl = [...hcl.matchAll(/^\s*(?:policy|assume_role_policy) = "(.*)"$/gm)]
        .map((m) => JSON.parse(JSON.parse(`"${m[1]}"`)))
        .sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
      expect(fromHcl.length).toBeGreaterThan(10);
      expect(fromHcl).toEqual(fromJson);
    }, 60_000);
  },
);

describe("check and synth refuse (SS011) what the bootstrap stack would refuse, writing nothing", () => {
  const refused = (context: Json) => {
    const root = writeExampleRepo(makeTempDir(), { ...TWO_ENV_SPEC, context });
    const result = synthesizeRepo(root, { outdir: "cdktf.out" });
    expect(result.synthesized).toBe(false);
    expect(fs.existsSync(path.join(root, "cdktf.out"))).toBe(false);
    return result.analysis.diagnostics
      .filter((d) => d.severity === "error")
      .map((d) => ({ ruleId: d.ruleId, path: d.path, message: d.message }));
  };

  test("a secret name template that crosses environments", () => {
    expect(refused({ bootstrap: true, secretNameTemplate: "app-{env}-{name}" })).toEqual([
      {
        ruleId: "SS011",
        path: "cdktf.json",
        message: expect.stringContaining(
          '"context.secretNameTemplate" ("app-{env}-{name}") does not follow {env}',
        ),
      },
    ]);
    // Without the bootstrap stack there is no grant to scope: accepted as before.
    const root = writeExampleRepo(makeTempDir(), {
      ...TWO_ENV_SPEC,
      context: { secretNameTemplate: "app-{env}-{name}" },
    });
    expect(synthesizeRepo(root, { outdir: "cdktf.out" }).synthesized).toBe(true);
  });

  test("an environment named <x>-plan with github on", () => {
    const [d] = refused({
      bootstrap: { github: { repository: "acme/secrets" }, environments: ["production-plan"] },
    });
    // Refused by the one environment-name check, github or not.
    expect(d.message).toContain(
      '"context.bootstrap.environments[0]" ("production-plan") ends in "-plan", which is reserved',
    );
  });
});
