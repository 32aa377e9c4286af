import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseNewEnvArgs } from "../../src/new-env/new-env-args";
import { planNewEnvironment, NewEnvInput } from "../../src/new-env/new-env";
import { EXIT_OK, EXIT_REFUSED, EXIT_USAGE, runNewEnv } from "../../src/new-env/run-new-env";

const KEY_ARN = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const SOPS = `# rules
creation_rules:
  - path_regex: ^secrets/production/.*\\.enc\\.(json|ya?ml|env)$
    kms: arn:aws:kms:us-east-1:111122223333:alias/sops-production
  # catch-all
  - kms: arn:aws:kms:us-east-1:111122223333:alias/sops-default
`;

function plan(overrides: Partial<NewEnvInput>) {
  return planNewEnvironment({ name: "staging", folderExists: false, sopsConfig: SOPS, ...overrides });
}

function problems(overrides: Partial<NewEnvInput>): string[] {
  const p = plan(overrides);
  if (p.ok) throw new Error("expected a refusal");
  return [...p.problems];
}

describe("parseNewEnvArgs", () => {
  test("name and --kms-arn in either form", () => {
    expect(parseNewEnvArgs(["staging"])).toEqual({ kind: "run", name: "staging" });
    expect(parseNewEnvArgs(["staging", "--kms-arn", KEY_ARN])).toEqual({
      kind: "run",
      name: "staging",
      kmsArn: KEY_ARN,
    });
    expect(parseNewEnvArgs([`--kms-arn=${KEY_ARN}`, "staging"])).toEqual({
      kind: "run",
      name: "staging",
      kmsArn: KEY_ARN,
    });
    expect(parseNewEnvArgs(["--help"])).toEqual({ kind: "help" });
  });

  test("usage errors", () => {
    for (const argv of [
      [],
      ["a", "b"],
      ["a", "--kms-arn"],
      ["a", "--kms-arn", "--x"],
      ["a", "--force"],
      ["a", "--kms-arn=x", "--kms-arn=y"],
    ])
      expect(parseNewEnvArgs(argv).kind).toBe("usage-error");
  });
});

describe("planNewEnvironment", () => {
  test("with --kms-arn: the folder, its README and the rule before the catch-all", () => {
    const p = plan({ kmsArn: KEY_ARN });
    if (!p.ok) throw new Error(p.problems.join("\n"));
    expect(p.kmsArnSource).toBe("option");
    expect(p.folders).toEqual(["secrets/staging"]);
    expect(p.files.map((f) => f.path)).toEqual([".sops.yaml", "secrets/staging/README.md"]);
    expect(p.files[0].content).toBe(
      SOPS.replace(
        "  # catch-all",
        `  - path_regex: ^secrets/staging/.*\\.enc\\.(json|ya?ml|env)$\n    kms: ${KEY_ARN}\n  # catch-all`,
      ),
    );
    expect(p.nextSteps).toEqual([
      "sops secrets/staging/app.enc.json   # create a first secret (opens your editor)",
      "npm run check",
      "cdktf deploy staging",
    ]);
  });

  test("without --kms-arn: the bootstrap alias ARN when the account is configured", () => {
    const p = plan({ bootstrap: { accountId: "111122223333", region: "eu-west-1" } });
    if (!p.ok) throw new Error(p.problems.join("\n"));
    expect(p.kmsArn).toBe("arn:aws:kms:eu-west-1:111122223333:alias/sops-staging");
    expect(p.kmsArnSource).toBe("bootstrap");
    expect(p.nextSteps[0]).toMatch(/^cdktf deploy bootstrap/);
  });

  test("refusals, each saying what to do", () => {
    expect(problems({ name: "bad name", kmsArn: KEY_ARN })).toEqual([
      `the environment name "bad name" must start with a letter or digit and contain only letters, digits, '-' and '_'; choose another name`,
    ]);
    expect(problems({ name: "bootstrap", kmsArn: KEY_ARN })[0]).toMatch(
      /"bootstrap" is reserved for the bootstrap stack/,
    );
    expect(problems({ name: "x".repeat(65), kmsArn: KEY_ARN })[0]).toMatch(/maximum is 64/);
    expect(problems({ folderExists: true, kmsArn: KEY_ARN })[0]).toMatch(/^secrets\/staging already exists/);
    expect(problems({ name: "production", kmsArn: KEY_ARN })).toEqual([
      `.sops.yaml already has a creation rule for "production" (creation_rules[0], path_regex "^secrets/production/.*\\\\.enc\\\\.(json|ya?ml|env)$"): ` +
        "the environment exists; remove the rule first if it is stale",
    ]);
    expect(problems({})).toEqual([
      "no KMS key for the rule: pass --kms-arn <key or alias ARN>, or set context.bootstrap.accountId in cdktf.json " +
        "to use the bootstrap stack's alias alias/sops-staging",
    ]);
    for (const bad of [
      "arn:aws:kms:us-east-1:1111:key/x",
      "alias/sops-staging",
      "arn:aws:s3:::bucket",
      `${KEY_ARN}x`,
    ])
      expect(problems({ kmsArn: bad })[0]).toMatch(/^--kms-arn ".*" is not a KMS key or alias ARN/);
    expect(problems({ sopsConfig: "creation_rules: [", kmsArn: KEY_ARN })[0]).toMatch(
      /not valid YAML.*fix \.sops\.yaml first/,
    );
  });

  test("reports every problem at once", () => {
    expect(problems({ folderExists: true, kmsArn: "nope" })).toHaveLength(2);
  });

  test("accepts multi-Region keys and alias ARNs in other partitions", () => {
    expect(
      plan({ kmsArn: "arn:aws:kms:us-east-1:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab" }).ok,
    ).toBe(true);
    expect(plan({ kmsArn: "arn:aws-cn:kms:cn-north-1:111122223333:alias/sops/staging" }).ok).toBe(true);
  });
});

describe("runNewEnv (temporary repository)", () => {
  let root: string;
  const io = () => {
    const out: string[] = [];
    const err: string[] = [];
    return { out, err, io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) } };
  };
  const snapshot = (dir: string): Record<string, string> => {
    const files: Record<string, string> = {};
    const walk = (d: string) => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) {
          files[path.relative(root, p) + "/"] = "";
          walk(p);
        } else files[path.relative(root, p)] = fs.readFileSync(p, "utf8");
      }
    };
    walk(dir);
    return files;
  };

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "new-env-"));
    fs.mkdirSync(path.join(root, "secrets", "production"), { recursive: true });
    fs.writeFileSync(path.join(root, ".sops.yaml"), SOPS);
    fs.writeFileSync(
      path.join(root, "cdktf.json"),
      JSON.stringify({ context: { region: "eu-west-1", bootstrap: { accountId: "111122223333" } } }),
    );
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  test("creates the folder and the rule, prints the next steps, exit 0", () => {
    const c = io();
    expect(runNewEnv(root, ["staging"], c.io)).toBe(EXIT_OK);
    expect(fs.readFileSync(path.join(root, "secrets/staging/README.md"), "utf8")).toMatch(/^# staging\n/);
    const sops = fs.readFileSync(path.join(root, ".sops.yaml"), "utf8");
    expect(sops).toContain("kms: arn:aws:kms:eu-west-1:111122223333:alias/sops-staging\n  # catch-all");
    expect(c.out.join("\n")).toContain("1. cdktf deploy bootstrap");
    expect(c.out.join("\n")).toContain("sops secrets/staging/app.enc.json");
    expect(c.out.join("\n")).toContain("cdktf deploy staging");
    expect(c.err).toEqual([]);
    // Running it again is refused: the folder and the rule exist now.
    const again = io();
    expect(runNewEnv(root, ["staging"], again.io)).toBe(EXIT_REFUSED);
    expect(again.err.join("\n")).toMatch(/already exists[\s\S]*already has a creation rule/);
  });

  test.each([
    ["a bad name", ["../evil", "--kms-arn", KEY_ARN]],
    ["bootstrap", ["bootstrap", "--kms-arn", KEY_ARN]],
    ["an existing environment", ["production", "--kms-arn", KEY_ARN]],
    ["a bad ARN", ["staging", "--kms-arn", "arn:aws:kms:eu-west-1:1:key/x"]],
  ])("refuses %s and writes nothing (exit 1)", (_, argv) => {
    const before = snapshot(root);
    const c = io();
    expect(runNewEnv(root, argv, c.io)).toBe(EXIT_REFUSED);
    expect(c.err[c.err.length - 1]).toBe("Nothing was written.");
    expect(snapshot(root)).toEqual(before);
    expect(fs.existsSync(path.join(root, "..", "evil"))).toBe(false);
  });

  test("refuses when no ARN is available (no --kms-arn, no bootstrap account) and writes nothing", () => {
    fs.writeFileSync(path.join(root, "cdktf.json"), JSON.stringify({ context: { bootstrap: true } }));
    const before = snapshot(root);
    const c = io();
    expect(runNewEnv(root, ["staging"], c.io)).toBe(EXIT_REFUSED);
    expect(c.err[0]).toMatch(/no KMS key for the rule: pass --kms-arn/);
    expect(snapshot(root)).toEqual(before);
  });

  test("creates .sops.yaml when there is none", () => {
    fs.rmSync(path.join(root, ".sops.yaml"));
    expect(runNewEnv(root, ["staging", "--kms-arn", KEY_ARN], io().io)).toBe(EXIT_OK);
    expect(fs.readFileSync(path.join(root, ".sops.yaml"), "utf8")).toContain(`kms: ${KEY_ARN}`);
  });

  test("usage errors exit 2 and print the usage; --help exits 0", () => {
    const c = io();
    expect(runNewEnv(root, [], c.io)).toBe(EXIT_USAGE);
    expect(c.err.join("\n")).toMatch(/the environment name is missing[\s\S]*usage: npm run new-env/);
    const h = io();
    expect(runNewEnv(root, ["--help"], h.io)).toBe(EXIT_OK);
    expect(h.out[0]).toMatch(/^usage:/);
  });
});
