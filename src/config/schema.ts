/**
 * The one schema of the project's configuration: cdktf.json `context`. It validates (src/config/load-config.ts
 * turns its issues into path-named diagnostics) and it generates the committed JSON Schema for editors
 * (schema/cdktf.schema.json, `npm run schema`).
 *
 * To add a key:
 * 1. add it to the right shape below (`settingsShape` for a setting that can also be set per environment,
 *    `contextShape` for a top-level one, a backend's shape, or `bootstrapSchema` in
 *    src/bootstrap/bootstrap-config.ts) with a block from ./schema-kit.ts (`text`, `integer`, `flag`, `list`,
 *    `strict`, `keyed`...) and `.describe()`: the description is what editors show;
 * 2. add it to the typed configuration (src/config/config.ts) and to `toProjectConfig` in load-config.ts;
 * 3. run `npm run schema` and commit schema/cdktf.schema.json; add the README "Configuration" row.
 * A new backend type is one more member of `backendSchema`'s discriminated union.
 */
import { z } from "zod";
import { bootstrapSchema } from "../bootstrap/bootstrap-config";
import { isObject } from "../util/is-object";
import { SECRET_ARN } from "./adoption";
import {
  AWS_REGION,
  DYNAMODB_TABLE,
  ENVIRONMENT_NAME,
  ENVIRONMENT_NAME_MAX_LENGTH,
  environmentNameProblem,
  IAM_ROLE_ARN,
  KMS_KEY_ID,
  S3_BUCKET,
  TAG_KEY,
  TAG_VALUE,
} from "./names";
import {
  checkedText,
  Complaint,
  duplicates,
  flag,
  ifString,
  integer,
  keyed,
  keyName,
  list,
  mustBe,
  refineKey,
  refineWith,
  strict,
  text,
} from "./schema-kit";
import { READER_EXPECTED, readerProblem } from "./principals";
import { SECRET_GLOB } from "./secret-globs";

const REGION_EXPECTED = "an AWS region such as us-east-1";
const REPLICA_REGION_EXPECTED = "an AWS region such as eu-west-1";
const ROLE_EXPECTED = "an IAM role ARN (arn:aws:iam::<account>:role/<name>)";
const KMS_EXPECTED = "a KMS key ID, key ARN, alias ARN or alias/<name>";
/** A Terraform version constraint: one or more comma-separated `[op] version` terms. */
const VERSION_CONSTRAINT =
  /^\s*(?:(?:[<>]=?|~>|!?=)?\s*\d+(?:\.\d+){0,2}(?:-[0-9A-Za-z.-]+)?\s*)(?:,\s*(?:[<>]=?|~>|!?=)?\s*\d+(?:\.\d+){0,2}(?:-[0-9A-Za-z.-]+)?\s*)*$/;

/**
 * Keys cdktf itself reads from `context` (feature flags); they are allowed and ignored here.
 */
export const CDKTF_CONTEXT_KEYS = [
  "excludeStackIdFromLogicalIds",
  "allowSepCharsInLogicalIds",
  "cdktfRelativeModules",
  "cdktfStaticModuleAssetHash",
] as const;

const tagKey = keyName(TAG_KEY, 128, (key) =>
  TAG_KEY.test(key) && !key.toLowerCase().startsWith("aws:")
    ? undefined
    : {
        kind: "invalid",
        problem: "is not a valid AWS tag key",
        fix: "use 1-128 letters, digits, spaces and _ . : / = + - @, not starting with aws:",
      },
);

const tags = keyed(
  tagKey,
  z
    .string({ error: mustBe("a tag value (0-256 letters, digits, spaces and _ . : / = + - @)") })
    .regex(TAG_VALUE, { error: mustBe("a tag value (0-256 letters, digits, spaces and _ . : / = + - @)") }),
  "an object of tag names to string values",
);

const replica = z.union(
  [
    text(AWS_REGION, REPLICA_REGION_EXPECTED),
    strict(
      {
        region: text(AWS_REGION, REPLICA_REGION_EXPECTED).describe("Region to replicate the secret to."),
        kmsKeyId: text(KMS_KEY_ID, KMS_EXPECTED)
          .describe("KMS key for the replica. Default: the AWS managed key aws/secretsmanager there.")
          .optional(),
      },
      'a region or a { "region", "kmsKeyId" } object',
    ),
  ],
  { error: mustBe('a region or a { "region", "kmsKeyId" } object') },
);

function secretNameTemplateProblem(template: string): Complaint | undefined {
  const unknown = [...template.matchAll(/\{([^}]*)\}/g)]
    .map((m) => m[1])
    .filter((k) => k !== "env" && k !== "name");
  if (unknown.length > 0)
    return {
      kind: "invalid",
      problem: `uses unknown placeholder(s) {${unknown.join("}, {")}}`,
      fix: 'use only {env} and {name} in "{path}"',
    };
  if (!template.includes("{name}"))
    return {
      kind: "invalid",
      problem: "has no {name} placeholder, so every secret of an environment would get the same name",
      fix: 'include {name} in "{path}", e.g. "{env}/{name}"',
    };
  return undefined;
}

const recoveryWindowInDays = refineWith(
  integer(
    0,
    30,
    "Secrets Manager accepts 0 (delete without recovery) or 7 to 30",
    'set "{path}" to 0 or a number from 7 to 30',
  ),
  (days) =>
    days > 0 && days < 7
      ? {
          kind: "invalid",
          problem: `is ${days}; Secrets Manager accepts 0 (delete without recovery) or 7 to 30`,
          fix: 'set "{path}" to 0 or a number from 7 to 30',
        }
      : undefined,
);
const replicaRegions = list(replica, 'an array of regions or { "region", "kmsKeyId" } objects', (items) => {
  const regionOf = (r: unknown) => (isObject(r) ? ifString(r.region) : ifString(r));
  return duplicates(items, regionOf).map((dup) => ({
    complaint: {
      kind: "invalid",
      problem: `lists region ${dup.key} twice`,
      fix: 'list each replica region once in "{path}"',
    },
  }));
});
const kmsKeyId = text(KMS_KEY_ID, KMS_EXPECTED);

const readers = list(
  checkedText(READER_EXPECTED, (reader) => {
    const found = readerProblem(reader);
    return found && { kind: "invalid", problem: found.problem, fix: found.fix };
  }),
  "an array of IAM principals (account IDs, role or user ARNs)",
  (items) =>
    duplicates(items, ifString).map((dup) => ({
      index: dup.index,
      complaint: {
        kind: "invalid",
        problem: "repeats a reader listed before",
        fix: 'list each reader once in "{parent}"',
      },
    })),
);

const readersPolicyError = mustBe('"allow" or "strict"');
const readersPolicy = z.enum(["allow", "strict"], { error: readersPolicyError });

/** Secrets Manager accepts descriptions of up to 2048 characters. */
const DESCRIPTION = /^\P{Cc}{1,2048}$/u;

/** Per-secret settings: the values of `secrets` (globally and under `environments.<env>`). */
export const secretSettingsShape = {
  description: text(DESCRIPTION, "a description of 1-2048 characters without control characters")
    .describe("The secret's description. Default: Managed by sops-secrets from <file>.")
    .optional(),
  tags: tags.describe("Tags on the secret, over the environment's default tags.").optional(),
  recoveryWindowInDays: recoveryWindowInDays
    .describe("Days the deleted secret stays recoverable: 0 or 7 to 30. Default: the environment's.")
    .optional(),
  kmsKeyId: kmsKeyId.describe("KMS key of the secret. Default: the environment's.").optional(),
  replicaRegions: replicaRegions
    .describe("Regions to replicate the secret to (replaces the environment's). Default: the environment's.")
    .optional(),
  readers: readers
    .describe("Who may read the secret (replaces the environment's readers). Default: the environment's.")
    .optional(),
  readersPolicy: readersPolicy
    .describe('"strict": also deny GetSecretValue to everyone else. Default: the environment\'s.')
    .optional(),
};

/** Settings that can be set globally and overridden per environment under `environments.<env>`. */
export const settingsShape = {
  region: text(AWS_REGION, REGION_EXPECTED)
    .describe("AWS region of the provider (where the secrets are created). Default: us-east-1.")
    .optional(),
  assumeRoleArn: text(IAM_ROLE_ARN, ROLE_EXPECTED)
    .describe("Role the AWS provider assumes. Default: the ambient credentials.")
    .optional(),
  tags: tags
    .describe("Default tags on every resource; per-environment tags merge over global ones.")
    .optional(),
  recoveryWindowInDays: recoveryWindowInDays
    .describe("Days a deleted secret stays recoverable: 0 (delete at once) or 7 to 30. Default: 30.")
    .optional(),
  replicaRegions: replicaRegions
    .describe("Regions to replicate each secret to: region names or { region, kmsKeyId }. Default: none.")
    .optional(),
  kmsKeyId: kmsKeyId
    .describe(
      "KMS key Secrets Manager encrypts the secrets with. Default: the AWS managed key aws/secretsmanager.",
    )
    .optional(),
  readers: readers
    .describe("IAM principals that may read the secrets (secret policy). Default: none, no policy.")
    .optional(),
  readersPolicy: readersPolicy
    .describe(
      '"strict": also deny GetSecretValue to everyone but the readers and the deployer. Default: "allow".',
    )
    .optional(),
  secretNameTemplate: checkedText("a string", secretNameTemplateProblem)
    .describe("Secret name template with {env} and {name}. Default: {env}/{name}.")
    .optional(),
  writeOnly: flag()
    .describe(
      "Write-only mode: ephemeral sops_file and secret_string_wo, no decrypted value in state. Default: false.",
    )
    .optional(),
  awsProviderVersion: text(VERSION_CONSTRAINT, 'a Terraform version constraint such as "6.25.0" or "~> 6.50"')
    .describe("Version constraint for hashicorp/aws in required_providers. Default: 6.25.0.")
    .optional(),
};

const adopt = keyed(
  keyName(/^[^\0]+$/, 1024, () => undefined),
  text(
    SECRET_ARN,
    "a Secrets Manager secret ARN (arn:aws:secretsmanager:<region>:<account>:secret:<name>-XXXXXX)",
  ),
  "an object from logical names to secret ARNs",
);
const secretGlob = keyName(SECRET_GLOB, 512, () => undefined);
const secretSettings = strict(secretSettingsShape, "an object of per-secret settings");
const secrets = keyed(secretGlob, secretSettings, "an object from glob over logical names to settings");

const environmentSettings = strict(
  {
    ...settingsShape,
    adopt: adopt
      .describe(
        "Existing secrets to import instead of create: logical name → secret ARN (docs/adoption.md). Environment only.",
      )
      .optional(),
    secrets: secrets
      .describe("Per-secret settings for this environment, over the global ones, by glob on logical names.")
      .optional(),
  },
  "an object of settings",
);

const environmentKey = keyName(ENVIRONMENT_NAME, ENVIRONMENT_NAME_MAX_LENGTH, (env) => {
  const problem = environmentNameProblem(env);
  return problem === undefined
    ? undefined
    : {
        kind: "invalid",
        problem: `names an invalid environment: "${env}" ${problem}`,
        fix: 'rename or remove "{path}" (environment names are the folders under secrets/)',
      };
});

const s3Backend = strict(
  {
    type: z.literal("s3").describe("Terraform's S3 backend (the default).").optional(),
    bucket: text(S3_BUCKET, "an S3 bucket name (3-63 lowercase letters, digits, dots, hyphens)")
      .describe("State bucket. Default: my-terraform-state-bucket, a placeholder: set your own.")
      .optional(),
    region: text(AWS_REGION, REGION_EXPECTED)
      .describe("Region of the state bucket. Default: the global region.")
      .optional(),
    keyPrefix: text(/^[^/].*[^/]$|^[^/]$/, "a key prefix without leading or trailing slash")
      .describe("Prefix of the state key <keyPrefix>/<env>/terraform.tfstate. Default: secrets.")
      .optional(),
    dynamodbTable: text(DYNAMODB_TABLE, "a DynamoDB table name")
      .describe("DynamoDB table for state locking. Default: none, S3 native locking (use_lockfile).")
      .optional(),
    kmsKeyId: text(KMS_KEY_ID, KMS_EXPECTED)
      .describe("KMS key that encrypts the state objects. Default: the bucket's default encryption.")
      .optional(),
    roleArn: text(IAM_ROLE_ARN, ROLE_EXPECTED).describe("Role assumed to reach the state bucket.").optional(),
  },
  "an object",
);

const localBackend = strict(
  {
    type: z.literal("local").describe("Local state files (for trying the project out)."),
    directory: text(/^(?!\/)(?![A-Za-z]:)[^\0]+$/, "a relative folder path")
      .describe("Folder, relative to the project root, for <env>.tfstate files. Default: terraform-state.")
      .optional(),
  },
  "an object",
);

/** An HCP Terraform / Terraform Enterprise organization name. */
const TFC_ORGANIZATION = /^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$/;
/** A hostname (HCP Terraform or a Terraform Enterprise installation). */
const HOSTNAME =
  /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/;
/** A workspace name template: workspace-name characters and `{env}`. */
const WORKSPACE_TEMPLATE = /^(?:[A-Za-z0-9_-]|\{env\})+$/;
/** A workspace tag template: lowercase tag characters and `{env}`. */
const WORKSPACE_TAG = /^(?:[a-z0-9_:-]|\{env\})+$/;

function needsEnv(what: string) {
  return (value: string): Complaint | undefined =>
    value.includes("{env}")
      ? undefined
      : {
          kind: "invalid",
          problem: `has no {env} placeholder, so every environment's stack would share ${what} (and one stack's apply would destroy another's secrets)`,
          fix: 'include {env} in "{path}", e.g. "secrets-{env}"',
        };
}

const cloudBackend = refineKey(
  strict(
    {
      type: z.literal("cloud").describe("HCP Terraform or Terraform Enterprise (terraform { cloud { } })."),
      organization: text(TFC_ORGANIZATION, "an HCP Terraform organization name").describe(
        "The HCP Terraform / Terraform Enterprise organization (required).",
      ),
      hostname: text(HOSTNAME, "a hostname such as app.terraform.io")
        .describe("HCP Terraform or your Terraform Enterprise host. Default: app.terraform.io.")
        .optional(),
      project: text(/^[A-Za-z0-9 _-]{1,40}$/, "an HCP Terraform project name")
        .describe("The HCP Terraform project of the workspaces. Default: the organization's default project.")
        .optional(),
      workspaceTemplate: refineWith(
        text(WORKSPACE_TEMPLATE, "a workspace name template of letters, digits, - and _ with {env}"),
        needsEnv("one workspace"),
      )
        .describe('Workspace name per environment, with {env}. Default: "{env}". Not with workspaceTags.')
        .optional(),
      workspaceTags: list(
        text(WORKSPACE_TAG, "a workspace tag of lowercase letters, digits, _ : - and {env}"),
        "an array of workspace tags",
        (items) =>
          items.some((t) => typeof t === "string" && t.includes("{env}"))
            ? []
            : [
                {
                  complaint: {
                    kind: "invalid",
                    problem:
                      "has no tag with {env}, so every environment's stack would see the same workspaces (and one stack's apply in another's workspace would destroy its secrets)",
                    fix: 'add a tag with {env} to "{path}", e.g. "sops-secrets-{env}"',
                  },
                },
              ],
      )
        .describe(
          "Workspace tags instead of a name (each may use {env}; one must). Not with workspaceTemplate.",
        )
        .optional(),
    },
    "an object",
  ),
  "workspaceTags",
  (value) =>
    value.workspaceTags !== undefined && value.workspaceTemplate !== undefined
      ? {
          kind: "invalid",
          problem: "and workspaceTemplate are both set: a stack selects its workspace by name or by tags",
          fix: 'remove "{path}" or "{parent}.workspaceTemplate"',
        }
      : undefined,
);

const backendTypeError = mustBe('"s3", "local" or "cloud"');
/** Where the stacks keep their Terraform state. Add a backend type as one more member. */
export const backendSchema = z
  .discriminatedUnion("type", [s3Backend, localBackend, cloudBackend], {
    error: (issue) =>
      issue.code === "invalid_union"
        ? backendTypeError({
            code: "invalid_type",
            input: (issue.input as { type?: unknown } | undefined)?.type,
          })
        : mustBe("an object")(issue),
  })
  .describe("Where the stacks keep their Terraform state: S3 (default), local files or HCP Terraform.");

const SUPPRESSION_KEYS = ["rule", "file", "reason"] as const;
const suppressionObject = strict(
  {
    rule: text(/^SS\d{3}$/, 'a rule ID such as "SS009"')
      .describe("The rule ID, e.g. SS009.")
      .optional(),
    file: text(
      /^(?!\/)(?!.*\\)(?!.*(^|\/)\.\.?(\/|$))[^\0]+$/,
      "a repository-relative path with / separators, such as secrets/production/big.enc.json",
    )
      .describe("The repository-relative file the finding is reported on.")
      .optional(),
    reason: text(/\S/, "a non-empty reason (why the finding is acceptable)")
      .describe("Why the finding is acceptable: shown by npm run check.")
      .optional(),
  },
  'an object { "rule", "file", "reason" }',
);
/** One suppression: every key is required, and a missing one says what a suppression is. */
const suppression = SUPPRESSION_KEYS.reduce(
  (schema, key) =>
    refineKey(schema, key, (value) =>
      value[key] === undefined
        ? {
            kind: "invalid",
            problem:
              "is missing: a suppression names a rule, a file and the reason the finding is acceptable",
            fix: `add "${key}" to {parent} (see docs/guardrails.md, "Suppressing a finding")`,
          }
        : undefined,
    ),
  suppressionObject,
);

const daysError = mustBe("a whole number of days (0 turns the warning off)");
const dataKeyMaxAgeDays = z
  .number({ error: daysError })
  .int({ error: daysError })
  .min(0, { error: daysError });

/** cdktf.json `context`. */
export const contextShape = {
  ...settingsShape,
  secrets: secrets
    .describe("Per-secret settings by glob on logical names (payments/*, app, **); the most specific wins.")
    .optional(),
  backend: backendSchema.optional(),
  environments: keyed(environmentKey, environmentSettings, "an object keyed by environment name")
    .describe("Per-environment overrides, keyed by environment folder name.")
    .optional(),
  bootstrap: bootstrapSchema.optional(),
  suppressions: list(suppression, 'an array of { "rule", "file", "reason" } objects')
    .describe("Findings silenced for one file, each with a reason (docs/guardrails.md).")
    .optional(),
  dataKeyMaxAgeDays: dataKeyMaxAgeDays
    .describe(
      "Days after which a data key (sops lastmodified) is old: a warning (SS014). 0: off. Default: 365.",
    )
    .optional(),
  ...Object.fromEntries(
    CDKTF_CONTEXT_KEYS.map((key) => [
      key,
      z.unknown().describe("A cdktf feature flag (read by cdktf itself).").optional(),
    ]),
  ),
};

export const contextSchema = strict(contextShape, "an object").describe(
  'The sops-secrets configuration (see README, "Configuration").',
);

export type ContextInput = z.output<typeof contextSchema>;

/** cdktf.json: cdktf's own keys are left to cdktf; `context` is this project's configuration. */
export const cdktfJsonSchema = z
  .looseObject({
    $schema: z.string().describe("The JSON Schema this file follows (for editors).").optional(),
    context: contextSchema.optional(),
  })
  .describe("cdktf.json of a sops-secrets project");

/** Where the generated JSON Schema of cdktf.json is committed, relative to the project root. */
export const CONFIG_JSON_SCHEMA_FILE = "schema/cdktf.schema.json";

/**
 * The JSON Schema of cdktf.json (draft 2020-12) as the committed file's text: generated from `cdktfJsonSchema`,
 * never edited by hand. It describes what the input may hold, so editors complete and check `context`; the
 * checks it cannot express (the recovery window's 1-6 gap, duplicates, placeholders in secretNameTemplate,
 * `bootstrap` as an environment name) are made by `npm run check` and synth.
 */
export function configJsonSchemaText(): string {
  const schema = z.toJSONSchema(cdktfJsonSchema, { io: "input", unrepresentable: "any" });
  return `${JSON.stringify({ ...schema, title: "cdktf.json (sops-secrets)" }, null, 2)}\n`;
}
