import * as fs from "fs";
import * as path from "path";
import { loadConfig, parseContext } from "../../src/config/load-config";
import { secretNameFor, settingsFor } from "../../src/config/config";
import * as fc from "fast-check";
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
      readers: [],
      readersPolicy: "allow",
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
      'context: "context.environments.prod.recoveryWindowInDays" must be an integer, received a string',
    ]);
    expect(messages({ backend: { type: "gcs" } })[0]).toMatch(
      /context\.backend\.type" must be "s3", "local" or "cloud"/,
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

  it("reads the project's own cdktf.json: no errors, one warning for the placeholder bucket", () => {
    const { config, diagnostics } = loadConfig(path.resolve(__dirname, "../.."));
    expect(diagnostics.map((d) => `${d.severity}: ${d.message}`)).toEqual([
      'warning: context: "context.backend.bucket" is still the placeholder "my-terraform-state-bucket"',
    ]);
    expect(config?.environments.production).toEqual({ recoveryWindowInDays: 30 });
  });
});

describe("cdktf.json that is not JSON: line, column and what was found, never the text", () => {
  const load = (text: string) => {
    const root = makeTempDir();
    fs.writeFileSync(path.join(root, "cdktf.json"), text);
    const { config, diagnostics } = loadConfig(root);
    expect(config).toBeUndefined();
    expect(diagnostics).toHaveLength(1);
    return diagnostics[0];
  };

  it("a comment", () => {
    const d = load('{\n  "app": "x",\n  // the state bucket\n  "context": {}\n}\n');
    expect(d).toMatchObject({
      ruleId: "SS011",
      severity: "error",
      path: "cdktf.json",
      line: 3,
      message: "cdktf.json is not valid JSON (line 3, column 3: a comment; JSON allows no comments)",
    });
    expect(d.fix).toBe(
      "remove the comment from cdktf.json: JSON has no comments (cdktf reads the file as plain JSON)",
    );
    expect(load('{ "context": { /* x */ } }').message).toContain("line 1, column 16: a comment");
  });

  it("a byte order mark", () => {
    const d = load('\uFEFF{ "context": {} }');
    expect(d.message).toBe(
      "cdktf.json is not valid JSON (line 1, column 1: a byte order mark (BOM); JSON files must not start with one)",
    );
    expect(d.fix).toBe("save cdktf.json as UTF-8 without a byte order mark (BOM)");
  });

  it("a trailing comma, a missing comma, a control character, an early end", () => {
    expect(load('{\n  "context": {\n    "region": "us-east-1",\n  }\n}').message).toBe(
      "cdktf.json is not valid JSON (line 4, column 3: a trailing comma before '}')",
    );
    expect(load('{ "a": [1, 2,] }').message).toContain("line 1, column 14: a trailing comma before ']'");
    expect(load('{ "a": 1\n  "b": 2 }').message).toContain("line 2, column 3: an unexpected '\"'");
    expect(load('{ "a": "x\ny" }').message).toContain("line 1, column 10: a control character");
    expect(load('{ "a": ').message).toContain("line 1, column 8: the file ends too early");
    expect(load('{ "secret": tru }').message).toContain("line 1, column 13: an unexpected character");
  });

  it("does not quote the file's text (JSON.parse on Node 20 would)", () => {
    const d = load('{ "context": { "bucket": sesame-open } }');
    expect(`${d.message} ${d.fix}`).not.toContain("sesame");
  });

  it("agrees with JSON.parse on where texts are valid", () => {
    for (const text of ['{"a":[1,-2.5e3,{"b":null}],"c":"\\u00e9\\n"}', "[]", " 1 ", '"x"', "{}"]) {
      expect(() => JSON.parse(text)).not.toThrow();
    }
    for (const text of ["", "{", "[1,]", "01", "-", '{"a":1}}', "nul", '"\\x"', "1.", "{'a':1}"]) {
      expect(() => JSON.parse(text)).toThrow();
      expect(load(text).message).toMatch(/^cdktf\.json is not valid JSON \(line \d+, column \d+: /);
    }
  });

  it("refuses a cdktf.json that is not a regular file instead of reading it", () => {
    const root = makeTempDir();
    fs.mkdirSync(path.join(root, "cdktf.json"));
    expect(loadConfig(root).diagnostics.map((d) => d.message)).toEqual([
      "cdktf.json is not a regular file (a folder, FIFO, socket or device), so the configuration cannot be read",
    ]);
  });
});

describe("keys that JavaScript objects treat specially", () => {
  const parsed = (json: string) => parseContext(JSON.parse(json));

  it("refuses __proto__ as an environment, a tag key or any key, with its path", () => {
    expect(parsed('{ "environments": { "__proto__": { "region": "eu-west-1" } } }').diagnostics).toEqual([
      expect.objectContaining({
        severity: "error",
        message:
          'context: "context.environments.__proto__" uses the key "__proto__", which JavaScript reserves: it cannot name an environment, a tag or a setting',
        fix: 'rename or remove "context.environments.__proto__"',
      }),
    ]);
    expect(parsed('{ "tags": { "__proto__": "x" } }').diagnostics.map((d) => d.message)).toEqual([
      expect.stringContaining('"context.tags.__proto__" uses the key "__proto__"'),
    ]);
    expect(
      parsed('{ "environments": { "prod": { "tags": { "__proto__": "x" } } } }').diagnostics[0].message,
    ).toContain('"context.environments.prod.tags.__proto__"');
    expect(parsed('{ "bootstrap": { "access": { "__proto__": {} } } }').diagnostics[0].message).toContain(
      '"context.bootstrap.access.__proto__"',
    );
    expect(parsed('{ "__proto__": {} }').diagnostics[0].message).toContain('"context.__proto__"');
  });

  it("treats constructor, toString and hasOwnProperty as ordinary tag names", () => {
    const { config, diagnostics } = parsed(
      '{ "tags": { "constructor": "a", "toString": "b" }, "environments": { "prod": { "tags": { "hasOwnProperty": "c" } } } }',
    );
    expect(diagnostics).toEqual([]);
    expect(Object.keys(config!.environments)).toEqual(["prod"]);
    expect(settingsFor(config!, "prod").tags).toEqual({
      constructor: "a",
      toString: "b",
      hasOwnProperty: "c",
    });
    // An environment without an entry reads nothing inherited.
    expect(settingsFor(config!, "toString")).toEqual(settingsFor(config!, "no-such-env"));
    expect(settingsFor(config!, "hasOwnProperty").region).toBe("us-east-1");
  });

  it("refuses environments named like JavaScript object properties, as SS010 refuses such folders", () => {
    // cdktf keeps stacks in plain objects: a stack named `constructor` cannot exist (SS010 refuses the folder).
    expect(messages({ environments: { constructor: { region: "eu-west-1" }, valueOf: {} } })).toEqual([
      'context: "context.environments.constructor" names an invalid environment: "constructor" is a property name of every JavaScript object, which cdktf cannot use as a stack name',
      'context: "context.environments.valueOf" names an invalid environment: "valueOf" is a property name of every JavaScript object, which cdktf cannot use as a stack name',
    ]);
  });

  it("refuses environment keys that are not environment names", () => {
    expect(messages({ environments: { "a b": {} } })).toEqual([
      `context: "context.environments.a b" names an invalid environment: "a b" must start with a letter or digit and contain only letters, digits, '-' and '_'`,
    ]);
    expect(messages({ environments: { bootstrap: {} } })[0]).toContain("is reserved for the bootstrap stack");
  });
});

describe("messages name the type received, never the value", () => {
  it.each([
    [{ region: "sesame-1x" }, "a string that is not one"],
    [{ region: 31337 }, "a number"],
    [{ tags: { Team: 31337 } }, "a number"],
    [{ backend: { bucket: "Sesame_Bucket" } }, "a string that is not one"],
    [{ backend: { type: "sesame" } }, "a string"],
    [{ replicaRegions: ["sesame"] }, "a string that is not one"],
    [{ bootstrap: { alarmEmail: "sesame" } }, "a string that is not one"],
    [{ environments: { prod: { kmsKeyId: "sesame" } } }, "a string that is not one"],
    [{ awsProviderVersion: "sesame" }, "a string that is not one"],
    [{ secretNameTemplate: "" }, "an empty string"],
  ])("%j", (context, received) => {
    const [d] = parseContext(context).diagnostics;
    expect(d.message).toMatch(new RegExp(`, received ${received}$`));
    expect(`${d.message} ${d.fix}`).not.toMatch(/sesame|31337/i);
  });
});

describe("the placeholder state bucket", () => {
  it("warns when backend.bucket is still my-terraform-state-bucket, and the config is still usable", () => {
    const { config, diagnostics } = parseContext({ backend: { bucket: "my-terraform-state-bucket" } });
    expect(config).toBeDefined();
    expect(diagnostics).toEqual([
      {
        ruleId: "SS011",
        severity: "warning",
        path: "cdktf.json",
        message: 'context: "context.backend.bucket" is still the placeholder "my-terraform-state-bucket"',
        fix: 'set "context.backend.bucket" to your Terraform state bucket (or use { "type": "local" }) before deploying',
      },
    ]);
    expect(parseContext({ backend: { bucket: "acme-state" } }).diagnostics).toEqual([]);
  });
});

describe("no configuration value reaches a message (property)", () => {
  /** Where a value can go: every key of the schema that takes a scalar value (not a name), at every level. */
  const places: ((v: unknown) => unknown)[] = [
    ...["region", "assumeRoleArn", "kmsKeyId", "secretNameTemplate", "awsProviderVersion", "writeOnly"].map(
      (k) => (v: unknown) => ({ [k]: v }),
    ),
    (v) => ({ tags: { Team: v } }),
    (v) => ({ replicaRegions: [v] }),
    (v) => ({ replicaRegions: [{ region: v, kmsKeyId: v }] }),
    (v) => ({ environments: { prod: { region: v, tags: { T: v } } } }),
    (v) => ({ backend: { type: v } }),
    ...["bucket", "region", "keyPrefix", "dynamodbTable", "kmsKeyId", "roleArn"].map((k) => (v: unknown) => ({
      backend: { [k]: v },
    })),
    (v) => ({ backend: { type: "local", directory: v } }),
    (v) => ({ bootstrap: v }),
    ...["accountId", "region", "alarmEmail", "cloudTrailLogGroupName", "monitoring", "remoteState"].map(
      (k) => (v: unknown) => ({ bootstrap: { [k]: v } }),
    ),
    // (Not bootstrap.environments: its items are names, quoted like keys: `("bootstrap") is reserved ...`.)
    (v) => ({ bootstrap: { access: { prod: { editors: { roles: [v] } } } } }),
  ];

  it("strings and numbers put anywhere are described by type only", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: places.length - 1 }),
        fc.oneof(
          fc.stringMatching(/^[a-z0-9 ./:@-]{0,30}$/).map((s) => `zq${s}`),
          fc.integer({ min: 10_000_000, max: 99_999_999 }).map((n) => n),
        ),
        (place, value) => {
          const marker = typeof value === "number" ? String(value) : value.trim();
          for (const d of parseContext(places[place](value)).diagnostics) {
            expect(`${d.message} ${d.fix}`).not.toContain(marker);
            // Every problem has a complaint of its own, never the generic fallback.
            expect(d.message).not.toMatch(/" is not valid$/);
          }
        },
      ),
      { numRuns: 400, seed: 15 },
    );
  });
});
