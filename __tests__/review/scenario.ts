/**
 * One repository that exercises every kind of change the review reports: a base commit on main, then
 * working-tree changes (some staged with git mv / git rm, one untracked).
 */
import { PLACEHOLDER_KMS_ARN, sopsShapedContent } from "../../test-support/sops-shaped-file";
import { sopsAddKeys, sopsEdit, TempRepo } from "./temp-repo";

export const AGE_RECIPIENT = "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p";
export const SECOND_KMS = "arn:aws:kms:us-east-1:111122223333:key/11111111-1111-1111-1111-111111111111";
/** A value the scenario leaks on purpose: it must never be printed. */
export const LEAKED_PLAINTEXT = "PLAINTEXT-leaked-token-value";

/** Every plaintext the scenario's files would decrypt to: none may appear in any output. */
export const PLAINTEXTS = [
  "PLAINTEXT-db-password",
  "PLAINTEXT-db-user",
  "PLAINTEXT-api-token",
  "PLAINTEXT-legacy",
  "PLAINTEXT-stripe-key",
  "PLAINTEXT-webhook",
  "PLAINTEXT-rotated-a",
  "PLAINTEXT-rotated-b",
  "PLAINTEXT-host-1",
  "PLAINTEXT-host-2",
  "PLAINTEXT-prod-db",
  "PLAINTEXT-prod-keep",
  "PLAINTEXT-staging",
  "PLAINTEXT-shared",
  "PLAINTEXT-qa-1",
  "PLAINTEXT-qa-2",
  LEAKED_PLAINTEXT,
];

const json = (values: Record<string, unknown>, seed: string, kmsArns?: string[]) =>
  sopsShapedContent(values, { format: "json", seed, ...(kmsArns && { kmsArns }) });

export function buildScenario(): TempRepo {
  const repo = new TempRepo({
    secretNameTemplate: "app/{env}/{name}",
    environments: { development: { recoveryWindowInDays: 7 }, production: { recoveryWindowInDays: 30 } },
  });
  const api = json(
    {
      db: { password: "PLAINTEXT-db-password", user: "PLAINTEXT-db-user" },
      token: "PLAINTEXT-api-token",
      legacy: "PLAINTEXT-legacy",
    },
    "api",
  );
  repo.write("secrets/development/api.enc.json", api);
  repo.write(
    "secrets/development/payments/stripe.enc.json",
    json({ key: "PLAINTEXT-stripe-key", webhook: "PLAINTEXT-webhook" }, "stripe"),
  );
  const rotatedValues = {
    a: "PLAINTEXT-rotated-a",
    b: "PLAINTEXT-rotated-b",
    hosts: ["PLAINTEXT-host-1", "PLAINTEXT-host-2"],
  };
  repo.write(
    "secrets/development/rotated.enc.yaml",
    sopsShapedContent(rotatedValues, { format: "yaml", seed: "rotated-1" }),
  );
  repo.write(
    "secrets/development/shared.enc.json",
    json({ value: "PLAINTEXT-shared" }, "shared", [PLACEHOLDER_KMS_ARN, SECOND_KMS]),
  );
  repo.write(
    "secrets/development/leak.enc.json",
    json({ token: "PLAINTEXT-api-token", other: "PLAINTEXT-legacy" }, "leak"),
  );
  repo.write("secrets/development/README.md", "Development secrets.\n");
  repo.write("secrets/production/db.enc.json", json({ password: "PLAINTEXT-prod-db" }, "prod-db"));
  repo.write("secrets/production/keep.enc.json", json({ password: "PLAINTEXT-prod-keep" }, "prod-keep"));
  repo.write("secrets/staging/only.enc.json", json({ password: "PLAINTEXT-staging" }, "staging"));
  repo.commitAll("base");

  // modified: one key added, one removed, one value changed (sops set), one untouched
  let next = sopsEdit(api, "json", { set: ["db.password"], remove: ["legacy"] });
  next = sopsAddKeys(next, "json", ["db.host"]);
  repo.write("secrets/development/api.enc.json", next);
  // renamed with git mv, content unchanged
  repo.git(
    "mv",
    "secrets/development/payments/stripe.enc.json",
    "secrets/development/payments/stripe-eu.enc.json",
  );
  // whole-file re-encryption: same plaintext, new data key
  repo.write(
    "secrets/development/rotated.enc.yaml",
    sopsShapedContent(rotatedValues, { format: "yaml", seed: "rotated-2" }),
  );
  // recipients: sops updatekeys after .sops.yaml swapped the second KMS key for an age key
  repo.write(
    "secrets/development/shared.enc.json",
    sopsEdit(repo.read("secrets/development/shared.enc.json"), "json", {
      addAge: [AGE_RECIPIENT],
      removeKms: [SECOND_KMS],
    }),
  );
  // a value replaced by plaintext
  repo.write(
    "secrets/development/leak.enc.json",
    sopsEdit(repo.read("secrets/development/leak.enc.json"), "json", { plain: { token: LEAKED_PLAINTEXT } }),
  );
  repo.write("secrets/development/README.md", "Development secrets, see the docs.\n");
  repo.remove("secrets/production/db.enc.json");
  repo.git("rm", "-q", "secrets/staging/only.enc.json");
  // a new environment, untracked: review compares with the working tree
  repo.write(
    "secrets/qa/app.enc.env",
    sopsShapedContent(
      { API_KEY: "PLAINTEXT-qa-1", DB_URL: "PLAINTEXT-qa-2" },
      { format: "dotenv", seed: "qa" },
    ),
  );
  return repo;
}
