/**
 * Writes the shipped example secrets under secrets/: SOPS-SHAPED PLACEHOLDERS (random bytes, not real
 * sops output; nobody can decrypt them), one placeholder KMS key per environment matching .sops.yaml.
 *
 *   node scripts/run.js test-support/make-example-secrets.ts
 */
import * as path from "path";
import { ShapedFormat, writeSopsShapedFile } from "./sops-shaped-file";

export const EXAMPLE_KMS_ARNS: Record<string, string> = {
  development: "arn:aws:kms:us-east-1:111122223333:key/1b4a5f0e-0d1c-4c55-9f0e-7d2a8c3b6e01",
  production: "arn:aws:kms:us-east-1:444455556666:key/9c2e7d41-6a3b-4f8e-b0d2-5e1f3a7c9b02",
};

const FILES: { name: string; format: ShapedFormat; values: Record<string, unknown> }[] = [
  {
    name: "app.enc.json",
    format: "json",
    values: {
      database_url: "postgres://app:xxxxxxxxxxxxxxxx@db.internal:5432/app",
      session_secret: "x".repeat(64),
      log_level_unencrypted: "info",
    },
  },
  {
    name: "payments/stripe.enc.yaml",
    format: "yaml",
    values: {
      api_key: "sk_live_" + "x".repeat(24),
      webhook: { signing_secret: "whsec_" + "x".repeat(32), tolerance_seconds: 300 },
    },
  },
  {
    name: "worker.enc.env",
    format: "dotenv",
    values: { QUEUE_URL: "https://sqs.example/queue", QUEUE_TOKEN: "x".repeat(40) },
  },
];

export function makeExampleSecrets(root: string): void {
  for (const [env, arn] of Object.entries(EXAMPLE_KMS_ARNS)) {
    for (const f of FILES) {
      writeSopsShapedFile(path.join(root, "secrets", env, f.name), f.values, {
        format: f.format,
        kmsArns: [arn],
        lastModified: env === "production" ? "2026-11-02T09:15:00Z" : "2026-11-20T14:30:00Z",
        seed: `example:${env}:${f.name}`,
      });
    }
  }
}

if (process.argv[1]?.endsWith("make-example-secrets.ts")) makeExampleSecrets(process.cwd());
