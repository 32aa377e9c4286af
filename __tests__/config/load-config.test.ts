import * as fs from "fs";
import * as path from "path";
import { loadConfig, parseContext } from "../../src/config/load-config";
import { secretNameFor, settingsFor } from "../../src/config/config";
import { makeTempDir } from "../../test-support/example-repo";

const messages = (context: unknown) => parseContext(context).diagnostics.map((d) => d.message);

describe("parseContext", () => {
  it("ships working defaults", () => {
    const { config, diagnostics } = parseContext({});
    expect(diagnostics).toEqual([]);
    expect(config?.defaults).toEqual({
      region: "us-east-1",
      tags: {},
      recoveryWindowInDays: 30,
      replicaRegions: [],
      secretNameTemplate: "{env}/{name}",
      writeOnly: false,
      awsProviderVersion: "6.25.0",
    });
    expect(config?.backend).toEqual({
      type: "s3",
      bucket: "my-terraform-state-bucket",
      region: "us-east-1",
      keyPrefix: "secrets",
    });
  });

  it("merges per-environment overrides over global settings, tags key by key", () => {
    const { config } = parseContext({
      region: "eu-west-1",
      tags: { Team: "a", Tier: "x" },
      environments: { prod: { region: "us-west-2", tags: { Tier: "1" }, writeOnly: true } },
    });
    const prod = settingsFor(config!, "prod");
    expect(prod).toMatchObject({ region: "us-west-2", tags: { Team: "a", Tier: "1" }, writeOnly: true });
    expect(settingsFor(config!, "dev")).toMatchObject({
      region: "eu-west-1",
      tags: { Team: "a", Tier: "x" },
      writeOnly: false,
    });
    expect(secretNameFor(prod, "prod", "payments/stripe")).toBe("prod/payments/stripe");
  });

  it("names the key path of unknown keys and wrong types", () => {
    expect(messages({ regoin: "x" })).toEqual(['context: unknown key "context.regoin"']);
    expect(messages({ environments: { prod: { recoveryWindowInDays: "7" } } })).toEqual([
      'context: "context.environments.prod.recoveryWindowInDays" must be an integer, received the string "7"',
    ]);
    expect(messages({ backend: { type: "gcs" } })[0]).toMatch(
      /context\.backend\.type" must be "s3" or "local"/,
    );
    expect(messages({ backend: { bucket: "Bad_Bucket" } })[0]).toMatch(/context\.backend\.bucket/);
    expect(messages({ replicaRegions: ["us-east-2", "us-east-2"] })[0]).toMatch(
      /lists region us-east-2 twice/,
    );
    expect(messages({ environments: { prod: { replicaRegions: [{ region: "mars-1" }] } } })[0]).toMatch(
      /context\.environments\.prod\.replicaRegions\[0\]\.region/,
    );
    expect(messages({ tags: { "aws:x": "y" } })[0]).toMatch(/context\.tags\.aws:x/);
    expect(messages({ writeOnly: "yes" })[0]).toMatch(/context\.writeOnly" must be true or false/);
  });

  it("validates the AWS provider version constraint", () => {
    expect(parseContext({ awsProviderVersion: "~> 6.50" }).config?.defaults.awsProviderVersion).toBe(
      "~> 6.50",
    );
    expect(parseContext({ awsProviderVersion: ">= 6.50, < 7.0" }).diagnostics).toEqual([]);
    expect(messages({ awsProviderVersion: "latest" })[0]).toMatch(
      /context\.awsProviderVersion" must be a Terraform version constraint/,
    );
  });

  it("validates the recovery window and the name template", () => {
    expect(messages({ recoveryWindowInDays: 3 })[0]).toMatch(/0 \(delete without recovery\) or 7 to 30/);
    expect(parseContext({ recoveryWindowInDays: 0 }).diagnostics).toEqual([]);
    expect(messages({ secretNameTemplate: "{env}/{nmae}" })[0]).toMatch(/unknown placeholder\(s\) \{nmae\}/);
    expect(messages({ secretNameTemplate: "{env}" })[0]).toMatch(/no \{name\} placeholder/);
  });

  it("gives every error a fix and the cdktf.json path", () => {
    for (const d of parseContext({ nope: 1, region: 5 }).diagnostics) {
      expect(d).toMatchObject({ ruleId: "SS011", severity: "error", path: "cdktf.json" });
      expect(d.fix.length).toBeGreaterThan(10);
    }
  });

  it("allows cdktf's own feature flags", () => {
    expect(
      parseContext({ excludeStackIdFromLogicalIds: "true", allowSepCharsInLogicalIds: "true" }).diagnostics,
    ).toEqual([]);
  });

  it("accepts a local backend with a relative folder only", () => {
    expect(parseContext({ backend: { type: "local" } }).config?.backend).toEqual({
      type: "local",
      directory: "terraform-state",
    });
    expect(messages({ backend: { type: "local", directory: "/abs" } })[0]).toMatch(/a relative folder path/);
  });
});

describe("dataKeyMaxAgeDays", () => {
  it("is unset by default (rule SS014 then uses 365), accepts whole days and 0, refuses anything else", () => {
    expect(parseContext({}).config?.dataKeyMaxAgeDays).toBeUndefined();
    expect(parseContext({ dataKeyMaxAgeDays: 90 }).config?.dataKeyMaxAgeDays).toBe(90);
    expect(parseContext({ dataKeyMaxAgeDays: 0 }).config?.dataKeyMaxAgeDays).toBe(0);
    for (const bad of [-1, 1.5, "365", null])
      expect(messages({ dataKeyMaxAgeDays: bad })).toEqual([
        expect.stringMatching(
          /^context: "context.dataKeyMaxAgeDays" must be a whole number of days \(0 turns the warning off\), received/,
        ),
      ]);
  });
});

describe("loadConfig", () => {
  it("reports a missing or malformed cdktf.json", () => {
    const root = makeTempDir();
    expect(loadConfig(root).diagnostics[0].message).toMatch(/cdktf.json was not found/);
    fs.writeFileSync(path.join(root, "cdktf.json"), "{ nope");
    expect(loadConfig(root).diagnostics[0].message).toMatch(/cdktf.json is not valid JSON/);
  });

  it("reads the project's own cdktf.json without problems", () => {
    const { config, diagnostics } = loadConfig(path.resolve(__dirname, "../.."));
    expect(diagnostics).toEqual([]);
    expect(config?.environments.production).toEqual({ recoveryWindowInDays: 30 });
  });
});
