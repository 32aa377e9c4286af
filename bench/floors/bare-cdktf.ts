/**
 * Floor for synth: the least plain cdktf needs to do the same job. Find the files, read and parse each
 * one, then per environment one TerraformStack with the two providers and, per file, one sops data source
 * (a minimal TerraformDataSource subclass), one `aws_secretsmanager_secret` and one
 * `aws_secretsmanager_secret_version` (deep imports), and `app.synth()`. No validation, no rules, no
 * tags, no outputs, no backend configuration.
 *
 *   node scripts/run.js bench/floors/bare-cdktf.ts <outdir> [plain|copy|asset]     (cwd = the repository)
 *
 * Variants, to price the per-file copy the project makes into each stack folder:
 *   plain  no copy (the floor proper)
 *   copy   plus one mkdir per folder and one writeFileSync per file into the stack folder, as
 *          src/stacks/stack-source-files.ts does
 *   asset  each file through a cdktf TerraformAsset instead (hash + copy through the asset machinery)
 */
import * as fs from "fs";
import * as path from "path";
import { Construct } from "constructs";
import {
  App,
  AssetType,
  TerraformAsset,
  TerraformDataSource,
  TerraformProvider,
  TerraformStack,
} from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { SecretsmanagerSecret } from "@cdktf/provider-aws/lib/secretsmanager-secret";
import { SecretsmanagerSecretVersion } from "@cdktf/provider-aws/lib/secretsmanager-secret-version";
import { parse as parseYaml } from "yaml";
import { listSecretFiles, parseByExtension } from "./list-files";

class SopsProvider extends TerraformProvider {
  constructor(scope: Construct, id: string) {
    super(scope, id, {
      terraformResourceType: "sops",
      terraformGeneratorMetadata: { providerName: "sops" },
      terraformProviderSource: "carlpett/sops",
    });
  }
}

class SopsFile extends TerraformDataSource {
  constructor(
    scope: Construct,
    id: string,
    private readonly sourceFile: string,
    private readonly inputType: string,
  ) {
    super(scope, id, {
      terraformResourceType: "sops_file",
      terraformGeneratorMetadata: { providerName: "sops" },
    });
  }

  get raw(): string {
    return this.getStringAttribute("raw");
  }

  protected synthesizeAttributes(): Record<string, unknown> {
    return { source_file: this.sourceFile, input_type: this.inputType };
  }
}

const INPUT_TYPES: Record<string, string> = { json: "json", yaml: "yaml", yml: "yaml", env: "dotenv" };

const root = process.cwd();
const outdir = path.resolve(root, process.argv[2] ?? "cdktf.out");
const mode = process.argv[3] ?? "plain";
if (!["plain", "copy", "asset"].includes(mode)) throw new Error(`unknown mode ${mode}`);

const app = new App({ outdir, stackTraces: false });
const copies: { env: string; path: string; content: Buffer }[] = [];
let count = 0;
for (const [env, files] of listSecretFiles(root)) {
  const stack = new TerraformStack(app, env);
  new AwsProvider(stack, "aws", { region: "us-east-1" });
  new SopsProvider(stack, "sops");
  for (const f of files) {
    const content = fs.readFileSync(path.join(root, f.path));
    parseByExtension(content.toString("utf8"), f.ext, parseYaml);
    const id = `s${count++}`;
    let sourceFile = f.path;
    if (mode === "asset") {
      sourceFile = new TerraformAsset(stack, `${id}-asset`, {
        path: path.join(root, f.path),
        type: AssetType.FILE,
      }).path;
    } else if (mode === "copy") {
      copies.push({ env, path: f.path, content });
    }
    const source = new SopsFile(stack, `${id}-source`, sourceFile, INPUT_TYPES[f.ext]);
    const secret = new SecretsmanagerSecret(stack, `${id}-secret`, { name: `${env}/${f.path}` });
    new SecretsmanagerSecretVersion(stack, `${id}-version`, {
      secretId: secret.id,
      secretString: source.raw,
    });
  }
}
app.synth();

const made = new Set<string>();
for (const c of copies) {
  const file = path.join(outdir, "stacks", c.env, ...c.path.split("/"));
  const dir = path.dirname(file);
  if (!made.has(dir)) {
    fs.mkdirSync(dir, { recursive: true });
    made.add(dir);
  }
  fs.writeFileSync(file, c.content);
}
console.log(`bare-cdktf floor (${mode}): ${count} files`);
