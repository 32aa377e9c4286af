/**
 * npm run preflight against a fake Secrets Manager (aws-sdk-client-mock on the real SDK client): every verdict
 * (create, import, managed, "already exists", scheduled for deletion with the restore command, adopt entries
 * naming a missing secret or another ARN, a denied lookup, no credentials), the exit codes, --env, --json,
 * that only DescribeSecret is called (never a value), and the judgement as a pure function.
 */
import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
  SecretsManagerServiceException,
} from "@aws-sdk/client-secrets-manager";
import { mockClient } from "aws-sdk-client-mock";
import { judge, PreflightSecret } from "../../src/preflight/preflight";
import { runPreflightCli } from "../../src/preflight/preflight-cli";
import { boundedTagValue } from "../../src/stacks/sops-secret";
import { makeTempDir, TWO_ENV_SPEC, writeExampleRepo } from "../../test-support/example-repo";

const ACCOUNT = "111122223333";
const arnOf = (name: string, region = "us-east-1") =>
  `arn:aws:secretsmanager:${region}:${ACCOUNT}:secret:${name}-AbC123`;
const tagsOf = (env: string, path: string) => [
  { Key: "ManagedBy", Value: "terraform" },
  { Key: "Environment", Value: env },
  { Key: "SourceFile", Value: boundedTagValue(path) },
];
const notFound = () =>
  new ResourceNotFoundException({
    message: "Secrets Manager can't find the specified secret.",
    $metadata: {},
  });
const denied = () =>
  new SecretsManagerServiceException({
    name: "AccessDeniedException",
    $fault: "client",
    message: "not authorized",
    $metadata: {},
  });

const sm = mockClient(SecretsManagerClient);
afterEach(() => sm.reset());
afterAll(() => sm.restore());

function repo(context: object = {}): string {
  return writeExampleRepo(makeTempDir(), {
    ...TWO_ENV_SPEC,
    context: { assumeRoleArn: `arn:aws:iam::${ACCOUNT}:role/deploy`, ...context },
  });
}

describe("npm run preflight", () => {
  it("says what the apply will do with each secret, and why it would fail, with the fix", async () => {
    const root = repo({
      environments: {
        development: { adopt: { "payments/stripe": arnOf("development/payments/stripe") } },
        production: { region: "eu-west-1" },
      },
    });
    sm.on(DescribeSecretCommand).rejects(notFound());
    // development/app exists, created by hand: "already exists".
    sm.on(DescribeSecretCommand, { SecretId: "development/app" }).resolves({
      ARN: arnOf("development/app"),
      Name: "development/app",
      Tags: [{ Key: "Team", Value: "core" }],
    });
    // development/payments/stripe is adopted and there: import.
    sm.on(DescribeSecretCommand, { SecretId: "development/payments/stripe" }).resolves({
      ARN: arnOf("development/payments/stripe"),
      Name: "development/payments/stripe",
    });
    // development/worker was deleted last week: scheduled for deletion.
    sm.on(DescribeSecretCommand, { SecretId: "development/worker" }).resolves({
      ARN: arnOf("development/worker"),
      Name: "development/worker",
      DeletedDate: new Date("2026-11-25T10:00:00Z"),
    });
    // production/app is this project's already (its tags).
    sm.on(DescribeSecretCommand, { SecretId: "production/app" }).resolves({
      ARN: arnOf("production/app", "eu-west-1"),
      Name: "production/app",
      Tags: tagsOf("production", "secrets/production/app.enc.json"),
    });

    const r = await runPreflightCli([], root);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe(
      [
        "development (us-east-1): 0 to create, 1 to import, 0 managed already, 2 problems",
        `  error secrets/development/app.enc.json: Secrets Manager already has a secret "development/app" in us-east-1 (${arnOf("development/app")}) that this project did not create (its tags say so): the first apply would fail with "already exists"`,
        `    Fix: adopt it: add "app": "${arnOf("development/app")}" under "context.environments.development.adopt" in cdktf.json (docs/adoption.md), or change the secret name template so that the names differ`,
        `  error secrets/development/worker.enc.env: the secret "development/worker" in us-east-1 (${arnOf("development/worker")}) is scheduled for deletion (deleted on 2026-11-25): its name is taken until its recovery window ends, so the stack can neither create nor import it`,
        `    Fix: restore it: aws secretsmanager restore-secret --secret-id ${arnOf("development/worker")} --region us-east-1; then adopt it ("worker": "${arnOf("development/worker")}" under "context.environments.development.adopt" in cdktf.json). Or wait until it is deleted (docs/adoption.md)`,
        "production (eu-west-1): 0 to create, 0 to import, 1 managed already, 0 problems",
        "2 problems: the first apply would fail for these secrets. Fix them and run `npm run preflight` again.",
        "",
      ].join("\n"),
    );
    // Each secret looked up once, in its environment's region, with DescribeSecret only.
    const calls = sm.calls().map((c) => c.args[0]);
    expect(calls.every((c) => c instanceof DescribeSecretCommand)).toBe(true);
    expect(calls.map((c) => (c.input as { SecretId: string }).SecretId).sort()).toEqual([
      "development/app",
      "development/payments/stripe",
      "development/worker",
      "production/app",
    ]);
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(0);
  });

  it("exits 0 when every secret can be created, and --env limits the environments", async () => {
    const root = repo();
    sm.on(DescribeSecretCommand).rejects(notFound());
    const r = await runPreflightCli(["--env", "production", "--env", "production"], root);
    expect(r).toEqual({
      exitCode: 0,
      stderr: "",
      stdout:
        "production (us-east-1): 1 to create, 0 to import, 0 managed already, 0 problems\n" +
        "Nothing would fail: every secret can be created, imported or is managed already.\n",
    });
    expect(sm.calls()).toHaveLength(1);
  });

  it("--json gives every finding with its verdict", async () => {
    const root = repo();
    sm.on(DescribeSecretCommand).rejects(notFound());
    sm.on(DescribeSecretCommand, { SecretId: "production/app" }).rejects(denied());
    const r = await runPreflightCli(["--json"], root);
    expect(r.exitCode).toBe(1);
    const { findings } = JSON.parse(r.stdout) as { findings: Record<string, unknown>[] };
    expect(findings.map((f) => [f.environment, f.name, f.kind, f.problem ?? null])).toEqual([
      ["development", "app", "create", null],
      ["development", "payments/stripe", "create", null],
      ["development", "worker", "create", null],
      ["production", "app", "problem", "lookup-failed"],
    ]);
    expect(findings[3]).toMatchObject({
      code: "AccessDeniedException",
      file: "secrets/production/app.enc.json",
      secretName: "production/app",
      fix: `run with credentials that may secretsmanager:DescribeSecret on "production"'s secrets (its plan role may: docs/ci-and-review.md)`,
    });
  });

  it("refuses usage and configuration errors with exit 2, and no credentials once", async () => {
    const root = repo();
    const unknownEnv = await runPreflightCli(["--env", "staging"], root);
    expect(unknownEnv.exitCode).toBe(2);
    expect(unknownEnv.stderr).toContain(
      'preflight: no environment "staging" with secret files under secrets/ (there are: development, production)',
    );
    expect((await runPreflightCli(["--bogus"], root)).exitCode).toBe(2);
    expect((await runPreflightCli(["--help"], root)).stdout).toContain("Usage: npm run preflight");
    const badConfig = writeExampleRepo(makeTempDir(), {
      ...TWO_ENV_SPEC,
      context: { recoveryWindowInDays: 3 },
    });
    const bad = await runPreflightCli([], badConfig);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain("preflight: fix cdktf.json first");
    expect(sm.calls()).toHaveLength(0);

    const noCredentials = Object.assign(new Error("Could not load credentials from any providers"), {
      name: "CredentialsProviderError",
    });
    sm.on(DescribeSecretCommand).rejects(noCredentials);
    const r = await runPreflightCli([], root);
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(
      /^preflight: no AWS credentials found \(CredentialsProviderError\).*nothing was checked\n$/,
    );
  });
});

describe("judge (pure)", () => {
  const s: PreflightSecret = {
    environment: "development",
    name: "app",
    secretName: "development/app",
    path: "secrets/development/app.enc.json",
    region: "us-east-1",
  };
  const adopted = { ...s, adoptArn: arnOf("development/app") };
  const found = (arn: string, extra: object = {}) => ({
    kind: "found" as const,
    secret: { arn, tags: {}, ...extra },
  });

  it("create, import, managed", () => {
    expect(judge(s, { kind: "absent" })).toEqual({ kind: "create" });
    expect(judge(adopted, found(arnOf("development/app")))).toEqual({
      kind: "import",
      arn: arnOf("development/app"),
    });
    const tags = { ManagedBy: "terraform", Environment: "development", SourceFile: s.path };
    expect(judge(s, found(arnOf("development/app"), { tags }))).toEqual({
      kind: "managed",
      arn: arnOf("development/app"),
    });
    // Tags of another environment or tool are not this secret's; another SourceFile is (a renamed file).
    expect(
      judge(s, found(arnOf("development/app"), { tags: { ...tags, Environment: "production" } })),
    ).toMatchObject({ kind: "problem", problem: "exists" });
    expect(
      judge(
        s,
        found(arnOf("development/app"), { tags: { ManagedBy: "other-tool", Environment: "development" } }),
      ),
    ).toMatchObject({ kind: "problem", problem: "exists" });
    expect(
      judge(
        s,
        found(arnOf("development/app"), {
          tags: { ...tags, SourceFile: "secrets/development/app.enc.yaml" },
        }),
      ),
    ).toEqual({ kind: "managed", arn: arnOf("development/app") });
  });

  it("adopt entries that name a missing secret or another ARN, and an adopted secret scheduled for deletion", () => {
    expect(judge(adopted, { kind: "absent" })).toMatchObject({
      kind: "problem",
      problem: "adopt-missing",
      file: "cdktf.json",
      fix: 'remove "app" from "context.environments.development.adopt" in cdktf.json (the stack then creates the secret), or correct the ARN',
    });
    const other = arnOf("development/app").replace("AbC123", "XyZ789");
    expect(judge(adopted, found(other))).toMatchObject({
      kind: "problem",
      problem: "adopt-other-arn",
      fix: `set "app" under "context.environments.development.adopt" in cdktf.json to "${other}"`,
    });
    const deleted = judge(
      adopted,
      found(arnOf("development/app"), { deletedDate: new Date("2026-11-30T00:00:00Z") }),
    );
    expect(deleted).toMatchObject({ kind: "problem", problem: "scheduled-for-deletion" });
    expect(deleted.kind === "problem" && deleted.fix).toBe(
      `restore it: aws secretsmanager restore-secret --secret-id ${arnOf("development/app")} --region us-east-1; it is adopted already. Or wait until it is deleted (docs/adoption.md)`,
    );
  });

  it("a name DescribeSecret resolved to another secret is not taken for the secret itself", async () => {
    const root = writeExampleRepo(makeTempDir(), {
      environments: { development: { "app-abc123.enc.json": { values: { a: "1" } } } },
      context: { assumeRoleArn: `arn:aws:iam::${ACCOUNT}:role/deploy` },
    });
    sm.on(DescribeSecretCommand).resolves({ ARN: arnOf("development/app"), Name: "development/app" });
    const r = await runPreflightCli(["--json"], root);
    expect(r.exitCode).toBe(1);
    const [f] = (JSON.parse(r.stdout) as { findings: Record<string, unknown>[] }).findings;
    expect(f).toMatchObject({ kind: "problem", problem: "lookup-failed", code: "NameMatchedAnotherSecret" });
    expect(f.fix).toContain(
      "aws secretsmanager list-secrets --region us-east-1 --filters Key=name,Values=development/app-abc123",
    );
  });

  it("escapes what AWS or the repository says before printing it", () => {
    const hostile = { ...s, secretName: "development/\u001b[2Japp" };
    const v = judge(hostile, found("arn:aws:secretsmanager:us-east-1:1:secret:x\u202e-AbC123"));
    const message = v.kind === "problem" ? v.message : "";
    expect(message).toContain("development/");
    expect(message.includes("\u001b")).toBe(false);
    expect(message.includes("\u202e")).toBe(false);
  });
});
