import * as fs from "fs";
import * as path from "path";
import { classifySecretsTree, discoverSecrets, parseSecretPath } from "../../src/discovery/discover-secrets";
import { terraformIdFor } from "../../src/discovery/terraform-id";
import { App } from "cdktf";
import { DEFAULT_SETTINGS } from "../../src/config/config";
import { EnvironmentStack } from "../../src/stacks/environment-stack";
import { makeTempDir } from "../../test-support/example-repo";

function tree(files: string[]): string {
  const root = makeTempDir();
  for (const f of files) {
    fs.mkdirSync(path.dirname(path.join(root, f)), { recursive: true });
    fs.writeFileSync(path.join(root, f), "{}");
  }
  return root;
}

describe("discoverSecrets", () => {
  it("finds secret files recursively with logical names and input types, sorted", () => {
    const root = tree([
      "secrets/production/payments/stripe.enc.json",
      "secrets/production/app.enc.yaml",
      "secrets/production/z.enc.yml",
      "secrets/production/worker.enc.env",
      "secrets/development/app.enc.json",
      "secrets/README.md",
      "secrets/production/README.md",
      "secrets/empty/.gitkeep",
    ]);
    const d = discoverSecrets(root);
    expect(d.environments.map((e) => e.name)).toEqual(["development", "production"]);
    expect(d.environments[1].files).toEqual([
      { environment: "production", name: "app", path: "secrets/production/app.enc.yaml", inputType: "yaml" },
      {
        environment: "production",
        name: "payments/stripe",
        path: "secrets/production/payments/stripe.enc.json",
        inputType: "json",
      },
      {
        environment: "production",
        name: "worker",
        path: "secrets/production/worker.enc.env",
        inputType: "dotenv",
      },
      { environment: "production", name: "z", path: "secrets/production/z.enc.yml", inputType: "yaml" },
    ]);
    expect(d.emptyEnvironments).toEqual(["empty"]);
    expect(d.strays).toEqual([]);
  });

  it("reports strays, files outside an environment and symbolic links", () => {
    const root = tree([
      "secrets/production/app.json",
      "secrets/production/.env",
      "secrets/top.enc.json",
      "secrets/dev/a.enc.json",
    ]);
    fs.symlinkSync(path.join(root, "secrets/dev/a.enc.json"), path.join(root, "secrets/dev/link.enc.json"));
    fs.symlinkSync(path.join(root, "secrets/dev"), path.join(root, "secrets/linked-env"));
    const d = discoverSecrets(root);
    expect(d.strays).toEqual([
      { path: "secrets/dev/link.enc.json", kind: "symlink" },
      { path: "secrets/linked-env", kind: "symlink" },
      { path: "secrets/production/.env", kind: "unrecognized" },
      { path: "secrets/production/app.json", kind: "unrecognized" },
      { path: "secrets/top.enc.json", kind: "outside-environment" },
    ]);
    expect(d.environments.map((e) => e.name)).toEqual(["dev"]);
  });

  it("ignores OS litter (a stray kind of its own) and keeps hidden secret-like files out of the secrets", () => {
    const root = tree([
      "secrets/.DS_Store",
      "secrets/dev/a.enc.json",
      "secrets/dev/Thumbs.db",
      "secrets/dev/sub/desktop.ini",
      "secrets/dev/._a.enc.json",
      "secrets/dev/.env.enc.env",
      "secrets/dev/.enc.json",
    ]);
    const d = discoverSecrets(root);
    expect(d.environments.map((e) => e.files.map((f) => f.path))).toEqual([["secrets/dev/a.enc.json"]]);
    expect(d.strays).toEqual([
      { path: "secrets/.DS_Store", kind: "os-litter" },
      { path: "secrets/dev/._a.enc.json", kind: "os-litter" },
      { path: "secrets/dev/.enc.json", kind: "hidden-secret" },
      { path: "secrets/dev/.env.enc.env", kind: "hidden-secret" },
      { path: "secrets/dev/Thumbs.db", kind: "os-litter" },
      { path: "secrets/dev/sub/desktop.ini", kind: "os-litter" },
    ]);
  });

  it("classifies a listing without the disk exactly as it classifies the disk", () => {
    const files = [
      "secrets/dev/a.enc.json",
      "secrets/dev/x/b.enc.yaml",
      "secrets/top.enc.json",
      "secrets/dev/n.txt",
    ];
    const root = tree(files);
    fs.mkdirSync(path.join(root, "secrets/empty"));
    expect(
      classifySecretsTree("directory", [
        ...files.map((p) => ({ path: p, kind: "file" as const })),
        { path: "secrets/dev", kind: "directory" },
        { path: "secrets/empty", kind: "directory" },
      ]),
    ).toEqual(discoverSecrets(root));
  });

  it("handles a repository without secrets/", () => {
    expect(discoverSecrets(makeTempDir())).toMatchObject({ environments: [], secretsDir: "missing" });
  });
});

describe("parseSecretPath", () => {
  it.each([
    ["a.enc.json", { name: "a", inputType: "json" }],
    ["x/y/b.enc.yml", { name: "x/y/b", inputType: "yaml" }],
    ["c.enc.env", { name: "c", inputType: "dotenv" }],
    ["c.json", undefined],
    // Issue 12: INI is a secret format now (it was refused), and sops's binary store takes every other
    // extension, stored as a raw string; the extension is letters and digits only.
    ["c.enc.ini", { name: "c", inputType: "ini" }],
    ["tls/cert.enc.pem", { name: "tls/cert", inputType: "raw" }],
    ["token.enc.txt", { name: "token", inputType: "raw" }],
    ["a.enc.JSON", { name: "a", inputType: "raw" }], // sops matches extensions case-sensitively
    ["a.enc.json.bak", undefined],
    ["a.enc.", undefined],
    [".c.enc.json", undefined],
    ["x/.enc.json", undefined],
  ])("%s", (input, expected) => expect(parseSecretPath(input)).toEqual(expected));
});

describe("terraformIdFor", () => {
  it("is readable for plain names and depends on the name only", () => {
    expect(terraformIdFor("payments/stripe")).toBe("payments--stripe");
    expect(terraformIdFor("db_main")).toBe("db_main");
    expect(terraformIdFor("1password")).toMatch(/^_1password_[0-9a-f]{8}$/);
  });

  it("keeps names apart that a plain replacement would merge", () => {
    const ids = ["a/b", "a--b", "a.b", "a_b", "a@b", "a+b", "1x", "_1x", "a/-b", "a-/b", "a---b"].map(
      terraformIdFor,
    );
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z_][A-Za-z0-9_-]*$/);
  });

  it("never equals a JavaScript object property or a construct id the environment stack uses itself", () => {
    for (const name of [
      "constructor",
      "toString",
      "valueOf",
      "__proto__",
      "aws",
      "sops",
      "source-files",
      "secrets",
      "backend",
    ])
      expect(terraformIdFor(name)).toMatch(new RegExp(`^${name}_[0-9a-f]{8}$`));
    expect(terraformIdFor("constructors")).toBe("constructors");
  });
});

describe("terraformIdFor and the environment stack's own construct ids", () => {
  it("reserves every id EnvironmentStack gives its own children", () => {
    const stack = new EnvironmentStack(new App({ outdir: makeTempDir() }), "dev", {
      settings: DEFAULT_SETTINGS,
      backend: { type: "local", directory: "terraform-state" },
      secrets: [],
    });
    const ids = stack.node.children.map((c) => c.node.id);
    expect(ids.length).toBeGreaterThanOrEqual(5);
    for (const id of ids) expect(terraformIdFor(id)).not.toBe(id);
  });
});
