/**
 * Readers and per-secret settings in cdktf.json: path-named errors for readers that are not principals and bad
 * per-secret settings (never echoing a value), glob specificity, resolution, and the SS011 cross-checks that
 * need the discovered secrets.
 */
import { parseContext } from "../../src/config/load-config";
import { globMatches, mostSpecificMatch } from "../../src/config/secret-globs";
import { resolveSecretSettings } from "../../src/config/secret-settings";
import { configCrossChecks } from "../../src/rules/config-cross-checks";
import { sopsShapedContent } from "../../test-support/sops-shaped-file";
import { ruleContext } from "../../test-support/rule-context";

/** The messages without the "context: " every configuration message starts with. */
const strip = (m: string) => m.replace(/^context: /, "");
const messages = (context: unknown) => parseContext(context).diagnostics.map((d) => strip(d.message));

describe("readers that are not principals are refused, path-named", () => {
  it.each([
    ["*", /"context.readers\[0\]" is a wildcard/],
    ["arn:aws:iam::111122223333:role/*", /"context.readers\[0\]" is a wildcard/],
    ["lambda.amazonaws.com", /"context.readers\[0\]" is an AWS service principal; .*confused deputy/],
    ["arn:aws:iam::111122223333:group/devs", /"context.readers\[0\]" is an IAM group/],
    ["arn:aws:sts::111122223333:assumed-role/app/session", /"context.readers\[0\]" is an STS session ARN/],
    ["arn:aws:iam::1111:role/app", /"context.readers\[0\]" is not an IAM principal/],
    ["11112222333", /"context.readers\[0\]" is not an IAM principal/],
    ["arn:aws:s3:::bucket", /"context.readers\[0\]" is not an IAM principal/],
  ])("%s", (reader, expected) => {
    expect(messages({ readers: [reader] })).toEqual([expect.stringMatching(expected)]);
  });

  it("at every level, with the path of the entry", () => {
    expect(
      messages({
        environments: { prod: { readers: ["*"], secrets: { "a/*": { readers: [1] } } } },
        secrets: { "**": { readers: "arn:aws:iam::111122223333:root" } },
      }),
    ).toEqual([
      '"context.secrets.**.readers" must be an array of IAM principals (account IDs, role or user ARNs), received a string',
      expect.stringMatching(/^"context.environments.prod.readers\[0\]" is a wildcard/),
      expect.stringMatching(
        /^"context.environments.prod.secrets.a\/\*.readers\[0\]" must be an IAM principal.*received a number$/,
      ),
    ]);
  });

  it("a repeated reader, an unknown readersPolicy, an unknown per-secret key", () => {
    expect(
      messages({
        readers: ["111122223333", "111122223333"],
        readersPolicy: "deny",
        secrets: { app: { region: "eu-west-1" } },
      }),
    ).toEqual([
      '"context.readers[1]" repeats a reader listed before',
      '"context.readersPolicy" must be "allow" or "strict", received a string that is not one',
      'unknown key "context.secrets.app.region"',
    ]);
  });

  it("never echoes a value", () => {
    const all = JSON.stringify(
      parseContext({
        readers: ["sesame-opens"],
        secrets: { x: { description: 7, tags: { k: "sesame\u0000" }, kmsKeyId: "sesame" } },
      }).diagnostics,
    );
    expect(all).not.toContain("sesame");
  });

  it("accepts accounts, roles and users (with paths) in every partition", () => {
    const ok = parseContext({
      readers: [
        "111122223333",
        "arn:aws:iam::111122223333:root",
        "arn:aws:iam::111122223333:role/a/b/app",
        "arn:aws-us-gov:iam::111122223333:user/ci",
      ],
      readersPolicy: "strict",
    });
    expect(ok.diagnostics).toEqual([]);
    expect(ok.config?.defaults.readers).toHaveLength(4);
    expect(ok.config?.defaults.readersPolicy).toBe("strict");
  });
});

describe("globs and specificity", () => {
  it("* stays within a segment, ** crosses segments, ? is one character", () => {
    expect(globMatches("payments/*", "payments/stripe")).toBe(true);
    expect(globMatches("payments/*", "payments/eu/stripe")).toBe(false);
    expect(globMatches("payments/**", "payments/eu/stripe")).toBe(true);
    expect(globMatches("**", "a/b/c")).toBe(true);
    expect(globMatches("ap?", "app")).toBe(true);
    expect(globMatches("ap?", "ap/")).toBe(false);
    expect(globMatches("a.b", "axb")).toBe(false);
  });

  it("exact name > more literal characters > fewer ** ; an equal tie is reported with both globs", () => {
    const globs = ["**", "payments/*", "payments/**", "payments/st*", "payments/stripe"];
    expect(mostSpecificMatch(globs, "payments/stripe")).toEqual({ kind: "one", glob: "payments/stripe" });
    expect(mostSpecificMatch(globs, "payments/stx")).toEqual({ kind: "one", glob: "payments/st*" });
    expect(mostSpecificMatch(globs, "payments/adyen")).toEqual({ kind: "one", glob: "payments/*" });
    expect(mostSpecificMatch(globs, "payments/eu/adyen")).toEqual({ kind: "one", glob: "payments/**" });
    expect(mostSpecificMatch(globs, "app")).toEqual({ kind: "one", glob: "**" });
    expect(mostSpecificMatch(["a*", "*b"], "ab")).toEqual({ kind: "tie", globs: ["*b", "a*"] });
    expect(mostSpecificMatch(["a*"], "b")).toEqual({ kind: "none" });
  });

  it("resolves env ← global secrets entry ← environment secrets entry; readers replace, tags merge", () => {
    const { config } = parseContext({
      region: "cn-north-1",
      readers: ["arn:aws-cn:iam::111122223333:role/all"],
      recoveryWindowInDays: 10,
      secrets: { "p/*": { readers: ["444455556666"], tags: { A: "1", B: "1" }, recoveryWindowInDays: 20 } },
      environments: { prod: { secrets: { "p/x": { tags: { B: "2" }, readers: [] } } } },
    });
    const dev = resolveSecretSettings(config!, "dev", "p/x");
    expect(dev.settings).toEqual({
      tags: { A: "1", B: "1" },
      recoveryWindowInDays: 20,
      replicaRegions: [],
      readers: ["arn:aws-cn:iam::444455556666:root"],
      readersPolicy: "allow",
    });
    expect(dev.applied).toEqual(["context.secrets.p/*"]);
    const prod = resolveSecretSettings(config!, "prod", "p/x");
    expect(prod.settings.tags).toEqual({ A: "1", B: "2" });
    expect(prod.settings.readers).toEqual([]);
    expect(prod.applied).toEqual(["context.secrets.p/*", "context.environments.prod.secrets.p/x"]);
    expect(resolveSecretSettings(config!, "prod", "q").settings.readers).toEqual([
      "arn:aws-cn:iam::111122223333:role/all",
    ]);
  });
});

describe("SS011 cross-checks of per-secret settings", () => {
  const secret = sopsShapedContent({ a: "x" }, { format: "json" });
  const files = {
    "secrets/dev/app.enc.json": secret,
    "secrets/dev/ab.enc.json": secret,
    "secrets/prod/app.enc.json": secret,
  };
  const check = (context: Record<string, unknown>) =>
    configCrossChecks.check(ruleContext({ files, context })).map((d) => `${d.severity}: ${strip(d.message)}`);

  it("a glob that matches no secret is a warning, per scope", () => {
    expect(
      check({
        secrets: { "pay/*": {}, app: {} },
        environments: { prod: { secrets: { "ab*": {} } }, dev: { secrets: { "ab*": {} } } },
      }),
    ).toEqual([
      'warning: "context.secrets.pay/*" matches no secret in any environment',
      'warning: "context.environments.prod.secrets.ab*" matches no secret of environment "prod"',
    ]);
  });

  it("equally specific globs that match one secret: an error naming both", () => {
    expect(check({ secrets: { "a*": {}, "*b": {} } })).toEqual([
      'error: "context.secrets.*b" and "context.secrets.a*" both match secret "ab" (secrets/dev/ab.enc.json) and are equally specific, so neither wins',
    ]);
  });

  it("a reader of another account on the AWS managed key is refused, and so is an unknown account", () => {
    const role = "arn:aws:iam::111122223333:role/app";
    expect(check({ assumeRoleArn: "arn:aws:iam::111122223333:role/deploy", readers: [role] })).toEqual([]);
    expect(
      check({
        assumeRoleArn: "arn:aws:iam::111122223333:role/deploy",
        secrets: { app: { readers: ["444455556666"] } },
      }),
    ).toEqual([
      expect.stringMatching(
        /^error: "context.secrets.app.readers" names reader\(s\) in another account than environment "dev"'s 111122223333 \(arn:aws:iam::444455556666:root\) for secret "app"; .*AWS managed key .*cannot be changed/,
      ),
      expect.stringMatching(/^error: "context.secrets.app.readers" .*environment "prod"/),
    ]);
    expect(check({ readers: [role] })[0]).toMatch(
      /^error: "context.readers" names readers of secret "ab" in environment "dev", whose AWS account the configuration does not say/,
    );
    expect(check({ bootstrap: { accountId: "111122223333" }, readers: [role] })).toEqual([]);
    const cmk = "arn:aws:kms:us-east-1:111122223333:key/11111111-2222-4333-8444-555555555555";
    expect(check({ readers: ["444455556666"], kmsKeyId: cmk })).toEqual([]);
    expect(check({ readers: ["444455556666"], kmsKeyId: "alias/aws/secretsmanager" })).toHaveLength(2);
  });

  it("generated tag keys and more than 50 tags on a secret are refused", () => {
    expect(check({ secrets: { app: { tags: { ManagedBy: "me" } } } })).toEqual([
      'error: "context.secrets.app.tags" sets tag(s) ManagedBy, which the stacks set on every secret themselves',
    ]);
    const many = (n: number, p: string) =>
      Object.fromEntries(Array.from({ length: n }, (_, i) => [`${p}${i}`, "v"]));
    expect(check({ tags: many(40, "d"), secrets: { ab: { tags: many(7, "s") } } })).toEqual([]);
    expect(check({ tags: many(40, "d"), secrets: { ab: { tags: many(8, "s") } } })).toEqual([
      'error: "context.secrets.ab.tags" gives secret "ab" of environment "dev" 51 tags (the environment\'s default tags, its own and the 3 generated ones); AWS allows at most 50 per resource',
    ]);
  });

  it("a per-secret replica in the environment's own region is refused", () => {
    expect(check({ secrets: { app: { replicaRegions: ["us-east-1"] } } })).toEqual([
      'error: "context.secrets.app.replicaRegions" lists us-east-1, which is the region of environment "dev" itself; Secrets Manager cannot replicate a secret to its own region',
      'error: "context.secrets.app.replicaRegions" lists us-east-1, which is the region of environment "prod" itself; Secrets Manager cannot replicate a secret to its own region',
    ]);
    expect(check({ secrets: { app: { replicaRegions: ["eu-west-1"] } } })).toEqual([]);
  });

  it("with the bootstrap stack on, a per-secret KMS key its policies do not cover is a warning", () => {
    const cmk = "arn:aws:kms:us-east-1:111122223333:key/11111111-2222-4333-8444-555555555555";
    const bootstrap = { accountId: "111122223333" };
    expect(check({ bootstrap, kmsKeyId: cmk, secrets: { app: { kmsKeyId: cmk } } })).toEqual([]);
    expect(check({ bootstrap, secrets: { app: { kmsKeyId: "alias/aws/secretsmanager" } } })).toEqual([]);
    expect(check({ bootstrap, environments: { dev: { secrets: { ab: { kmsKeyId: cmk } } } } })).toEqual([
      expect.stringMatching(
        /^warning: "context.environments.dev.secrets.ab.kmsKeyId" sets a KMS key for secrets of environment "dev" that the bootstrap stack's sops-dev-deployers/,
      ),
    ]);
  });
});
