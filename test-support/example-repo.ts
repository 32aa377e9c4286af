/**
 * Builds a complete project repository in a temp folder for end-to-end tests: cdktf.json, .sops.yaml
 * (one placeholder KMS key per environment) and SOPS-SHAPED secret files (see sops-shaped-file.ts).
 */
import * as path from "path";
import { ShapedFormat, SopsShapedOptions, writeSopsShapedFile } from "./sops-shaped-file";
import { makeTempDir, writeRepo } from "./temp-repo";

export { makeTempDir };

export interface ExampleFile {
  readonly values: Record<string, unknown>;
  /** @default - the environment's placeholder key */
  readonly options?: Partial<SopsShapedOptions>;
}

export interface ExampleRepoSpec {
  /** env → path under the env folder (`payments/stripe.enc.json`) → file. */
  readonly environments: Record<string, Record<string, ExampleFile>>;
  /** cdktf.json `context`. @default {} */
  readonly context?: Record<string, unknown>;
  /** @default true */
  readonly sopsYaml?: boolean;
}

/**
 * The placeholder KMS key ARN of an environment in generated repositories: deterministic, a valid key ARN shape,
 * different per environment. The one home for this in the project; bench/generate-repo.ts still has its own
 * (sha256-based, same contract, different ARNs) and should import this one (left to the bench's owner).
 */
export function kmsArnFor(env: string): string {
  const n = [...env].reduce((a, c) => (a * 31 + c.charCodeAt(0)) % 1e12, 7);
  return `arn:aws:kms:us-east-1:${String(n).padStart(12, "0")}:key/00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;
}

function formatOf(file: string): ShapedFormat {
  return file.endsWith(".json") ? "json" : file.endsWith(".env") ? "dotenv" : "yaml";
}

/** Writes the repository into `root` (created when missing) and returns it. */
export function writeExampleRepo(root: string, spec: ExampleRepoSpec): string {
  const rules = Object.keys(spec.environments)
    .map(
      (env) =>
        `  - path_regex: (^|/)secrets/${env}/.*\\.enc\\.(json|ya?ml|env)$\n    kms: ${kmsArnFor(env)}\n`,
    )
    .join("");
  writeRepo(root, Object.fromEntries(Object.keys(spec.environments).map((env) => [`secrets/${env}/`, ""])), {
    cdktfJson: { language: "typescript", app: "true" },
    context: spec.context ?? {},
    gitignore: "node_modules/\ncdktf.out/\n*.dec.*\n",
    sopsYaml: spec.sopsYaml === false ? false : `creation_rules:\n${rules}`,
  });
  for (const [env, files] of Object.entries(spec.environments)) {
    for (const [file, { values, options }] of Object.entries(files)) {
      writeSopsShapedFile(path.join(root, "secrets", env, file), values, {
        format: formatOf(file),
        kmsArns: [kmsArnFor(env)],
        seed: `${env}/${file}`,
        ...options,
      });
    }
  }
  return root;
}

/** A two-environment repository with JSON, YAML (nested) and dotenv files. */
export const TWO_ENV_SPEC: ExampleRepoSpec = {
  environments: {
    development: {
      "app.enc.json": { values: { db_password: "dev-password", api_key: "dev-key" } },
      "payments/stripe.enc.yaml": { values: { api_key: "sk_test_x", webhook: { secret: "whsec_x" } } },
      "worker.enc.env": { values: { QUEUE_TOKEN: "token" } },
    },
    production: {
      "app.enc.json": { values: { db_password: "prod-password", api_key: "prod-key" } },
    },
  },
};
