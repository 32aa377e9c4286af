import * as fs from "fs";
import * as path from "path";
import { parseContext } from "../../src/config/load-config";
import { CONFIG_JSON_SCHEMA_FILE, configJsonSchemaText } from "../../src/config/schema";

const root = path.resolve(__dirname, "../..");
const committed = JSON.parse(fs.readFileSync(path.join(root, CONFIG_JSON_SCHEMA_FILE), "utf8"));

type Schema = Record<string, unknown> | boolean;

/**
 * The subset of JSON Schema that the generated file uses, evaluated as an editor would (patterns with the `u`
 * flag, as ECMA-262 regexes in JSON Schema are). Returns the paths that fail.
 */
function violations(schema: Schema, value: unknown, at = "$"): string[] {
  if (schema === true || (typeof schema === "object" && Object.keys(schema).length === 0)) return [];
  if (schema === false) return [`${at}: not allowed`];
  const s = schema as Record<string, unknown>;
  for (const key of Object.keys(s))
    if (
      ![
        "$schema",
        "title",
        "description",
        "type",
        "properties",
        "required",
        "additionalProperties",
        "propertyNames",
        "items",
        "anyOf",
        "oneOf",
        "pattern",
        "minLength",
        "maxLength",
        "minimum",
        "maximum",
        "const",
      ].includes(key)
    )
      throw new Error(`the test evaluator does not know "${key}" (at ${at}): extend it`);
  const out: string[] = [];
  const anyOf = (s.anyOf ?? s.oneOf) as Schema[] | undefined;
  if (anyOf) {
    const passing = anyOf.filter((option) => violations(option, value, at).length === 0).length;
    if (passing === 0 || (s.oneOf && passing > 1)) out.push(`${at}: ${passing} of the options match`);
  }
  const type = s.type as string | undefined;
  const typeOf = Array.isArray(value)
    ? "array"
    : value === null
      ? "null"
      : typeof value === "number" && Number.isInteger(value)
        ? "integer"
        : typeof value;
  if (type && !(type === typeOf || (type === "number" && typeOf === "integer")))
    return [...out, `${at}: ${typeOf} is not ${type}`];
  if (s.const !== undefined && s.const !== value) out.push(`${at}: not the constant`);
  if (typeof value === "string") {
    if (typeof s.pattern === "string" && !new RegExp(s.pattern, "u").test(value)) out.push(`${at}: pattern`);
    if (typeof s.minLength === "number" && [...value].length < s.minLength) out.push(`${at}: too short`);
    if (typeof s.maxLength === "number" && [...value].length > s.maxLength) out.push(`${at}: too long`);
  }
  if (typeof value === "number") {
    if (typeof s.minimum === "number" && value < s.minimum) out.push(`${at}: below minimum`);
    if (typeof s.maximum === "number" && value > s.maximum) out.push(`${at}: above maximum`);
  }
  if (Array.isArray(value) && s.items)
    value.forEach((v, i) => out.push(...violations(s.items as Schema, v, `${at}[${i}]`)));
  if (typeOf === "object") {
    const obj = value as Record<string, unknown>;
    const properties = (s.properties ?? {}) as Record<string, Schema>;
    for (const key of (s.required ?? []) as string[]) if (!(key in obj)) out.push(`${at}.${key}: required`);
    for (const [key, v] of Object.entries(obj)) {
      if (s.propertyNames) out.push(...violations(s.propertyNames as Schema, key, `${at}.${key} (name)`));
      if (Object.hasOwn(properties, key)) out.push(...violations(properties[key], v, `${at}.${key}`));
      else if (s.additionalProperties !== undefined)
        out.push(...violations(s.additionalProperties as Schema, v, `${at}.${key}`));
    }
  }
  return out;
}

const valid: unknown[] = [
  {},
  {
    region: "eu-west-1",
    assumeRoleArn: "arn:aws:iam::123456789012:role/deploy",
    tags: { Team: "payments", "cost-center": "1 2" },
    recoveryWindowInDays: 7,
    replicaRegions: ["us-west-2", { region: "eu-central-1", kmsKeyId: "alias/replica" }],
    kmsKeyId: "alias/secrets",
    secretNameTemplate: "team/{env}/{name}",
    writeOnly: true,
    awsProviderVersion: "~> 6.25",
    backend: {
      type: "s3",
      bucket: "acme-tf-state",
      region: "us-east-1",
      keyPrefix: "a/b",
      dynamodbTable: "locks",
      kmsKeyId: "arn:aws:kms:us-east-1:123456789012:key/0f0f0f0f-0f0f-0f0f-0f0f-0f0f0f0f0f0f",
      roleArn: "arn:aws:iam::123456789012:role/state",
    },
    environments: { production: { region: "us-east-2", tags: { Tier: "1" } }, staging: {} },
    suppressions: [{ rule: "SS009", file: "secrets/production/big.enc.json", reason: "split planned" }],
    dataKeyMaxAgeDays: 180,
    bootstrap: {
      accountId: "123456789012",
      environments: ["qa"],
      access: { production: { editors: { roles: ["ops"] }, deployers: { users: ["bot"] } } },
      alarmEmail: "sec@example.com",
    },
    excludeStackIdFromLogicalIds: "true",
  },
  { backend: { bucket: "acme-tf-state" }, bootstrap: true },
  { backend: { type: "local", directory: "state" } },
];

/** Structural mistakes: both the schema and the JSON Schema refuse them. */
const structurallyInvalid: unknown[] = [
  { regoin: "us-east-1" },
  { region: 5 },
  { region: "Europe" },
  { tags: { ok: 5 } },
  { recoveryWindowInDays: 31 },
  { replicaRegions: [{ region: "eu-west-1", extra: 1 }] },
  { writeOnly: "yes" },
  { backend: { type: "gcs" } },
  { backend: { type: "local", bucket: "x" } },
  { environments: { "a b": {} } },
  { environments: { prod: { backend: {} } } },
  { bootstrap: "yes" },
  { bootstrap: { keyDeletionWindowInDays: 3 } },
  { bootstrap: { access: { prod: { editors: { roles: ["arn:aws:iam::1:role/x"] } } } } },
];

describe("the committed JSON Schema of cdktf.json", () => {
  it(`is current (run \`npm run schema\` and commit ${CONFIG_JSON_SCHEMA_FILE})`, () => {
    expect(fs.readFileSync(path.join(root, CONFIG_JSON_SCHEMA_FILE), "utf8")).toBe(configJsonSchemaText());
  });

  it("is named by the project's cdktf.json, which it accepts", () => {
    const cdktfJson = JSON.parse(fs.readFileSync(path.join(root, "cdktf.json"), "utf8"));
    expect(cdktfJson.$schema).toBe(`./${CONFIG_JSON_SCHEMA_FILE}`);
    expect(violations(committed, cdktfJson)).toEqual([]);
  });

  it("has patterns that compile as the Unicode regexes JSON Schema validators use", () => {
    const patterns: string[] = [];
    JSON.stringify(committed, (key, v) => {
      if (key === "pattern") patterns.push(v);
      return v;
    });
    expect(patterns.length).toBeGreaterThan(10);
    for (const p of patterns) expect(() => new RegExp(p, "u")).not.toThrow();
  });

  it.each(valid.map((c, i) => [i, c]))(
    "accepts every configuration the loader accepts (#%s)",
    (_, context) => {
      expect(parseContext(context).config).toBeDefined();
      expect(violations(committed, { context })).toEqual([]);
    },
  );

  it.each(structurallyInvalid.map((c) => [JSON.stringify(c), c]))(
    "refuses %s, as the loader does",
    (_, context) => {
      expect(parseContext(context).diagnostics.filter((d) => d.severity === "error")).not.toEqual([]);
      expect(violations(committed, { context }).length).toBeGreaterThan(0);
    },
  );
});
