/**
 * The fence around cdktf's internals (src/cdktf/): fails on any cdktf other than the fenced 0.21.0, and
 * when an internal the project relies on has gone or changed. If this fails after an upgrade, read
 * docs/architecture.md ("cdktf is frozen upstream: the exit plan") before touching the expectations.
 */
import * as fs from "fs";
import * as path from "path";
import { App, Manifest, TerraformStack, Tokenization } from "cdktf";
import {
  addCustomSynthesis,
  cdktfResolve,
  deepMerge,
  FENCED_CDKTF_VERSION,
  resolveWithOptions,
  installedCdktfVersion,
  isFencedCdktf,
  StackSynthesizer,
  TokenMap,
} from "../../src/cdktf/internals";
import { withoutTokenStackTraces } from "../../src/cdktf/token-stack-traces";
import { appendHclBlocks, mendRequiredVersion, renderHclBlock } from "../../src/cdktf/hcl-fixups";
import { makeTempDir } from "../../test-support/example-repo";

const projectRoot = path.resolve(__dirname, "..", "..");
const cdktfRoot = path.join(projectRoot, "node_modules", "cdktf");
const cdktfLib = path.join(cdktfRoot, "lib");

function jsFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === "node_modules" ? [] : jsFiles(p);
    return e.name.endsWith(".js") ? [p] : [];
  });
}

const collapseWs = (text: string) => text.replace(/\s+/g, " ");

/** Source text of a function without comments and with whitespace collapsed. */
function normalized(fn: unknown): string {
  return String(fn)
    .replace(/\/\/.*$/gm, "")
    .replace(/\s+/g, " ")
    .trim();
}

describe("the cdktf version fence", () => {
  it("loads exactly cdktf 0.21.0, pinned exactly in package.json", () => {
    const installed = JSON.parse(fs.readFileSync(path.join(cdktfRoot, "package.json"), "utf8")).version;
    expect(installed).toBe("0.21.0");
    expect(FENCED_CDKTF_VERSION).toBe(installed);
    expect(installedCdktfVersion()).toBe(installed);
    expect(isFencedCdktf()).toBe(true);
    const pkg = JSON.parse(fs.readFileSync(path.join(projectRoot, "package.json"), "utf8"));
    expect(pkg.dependencies.cdktf).toBe(FENCED_CDKTF_VERSION);
    expect(pkg.devDependencies["cdktf-cli"]).toBe(FENCED_CDKTF_VERSION);
  });

  it("keeps every deep import of cdktf inside src/cdktf/", () => {
    const offenders: string[] = [];
    const walk = (dir: string): void => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (/\.ts$/.test(e.name) && /["']cdktf\/lib\//.test(fs.readFileSync(p, "utf8")))
          offenders.push(path.relative(projectRoot, p).split(path.sep).join("/"));
      }
    };
    for (const top of ["src", "bin", "bench", "test-support"]) walk(path.join(projectRoot, top));
    expect(fs.readFileSync(path.join(projectRoot, "main.ts"), "utf8")).not.toMatch(/["']cdktf\/lib\//);
    expect(offenders.filter((f) => !f.startsWith("src/cdktf/")).sort()).toEqual([]);
    expect(offenders.sort()).toEqual([
      "src/cdktf/internals.ts",
      "src/cdktf/local-terraform-check.ts",
      "src/cdktf/token-stack-traces.ts",
    ]);
  });

  it("still has the terraform-version validation that local-terraform-check.ts removes, in constructs' private list", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { ValidateTerraformVersion } = require("cdktf/lib/validations/validate-terraform-version");
    expect(typeof ValidateTerraformVersion).toBe("function");
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Construct } = require("constructs");
    const probe = new Construct(undefined, "probe");
    const validation = { validate: () => [] };
    probe.node.addValidation(validation);
    expect((probe.node as unknown as { _validations?: unknown[] })._validations).toEqual([validation]);
  });

  it("still has the synthesis hook and the stack synthesizer with its hclOutput parameter", () => {
    expect(typeof addCustomSynthesis).toBe("function");
    expect(normalized(StackSynthesizer)).toContain(
      "constructor(stack, continueOnErrorAnnotations = false, hclOutput = false)",
    );
    const synth = (withSynthesizer: boolean) => {
      const outdir = makeTempDir();
      const app = new App({ outdir, stackTraces: false, hclOutput: true });
      const stack = new TerraformStack(app, "fence");
      let calls = 0;
      addCustomSynthesis(stack, { onSynthesize: () => calls++ });
      if (withSynthesizer) stack.synthesizer = new StackSynthesizer(stack, false, true);
      app.synth();
      expect(calls).toBe(1);
      return fs.readFileSync(path.join(outdir, "stacks", "fence", "cdk.tf"), "utf8");
    };
    // The App's option names the file only: without our synthesizer the stack writes JSON into cdk.tf.
    delete process.env.SYNTH_HCL_OUTPUT;
    expect(() => JSON.parse(synth(false))).not.toThrow();
    const hcl = synth(true);
    expect(() => JSON.parse(hcl)).toThrow();
    expect(hcl).toMatch(/^terraform \{$/m);
  });

  it("still captures token stack traces through the module export the switch replaces", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const traces = require("cdktf/lib/tokens/private/stack-trace") as { captureStackTrace: unknown };
    expect(typeof traces.captureStackTrace).toBe("function");
    const callers = jsFiles(cdktfLib)
      .filter((f) => fs.readFileSync(f, "utf8").includes("(0, stack_trace_1.captureStackTrace)()"))
      .map((f) => path.relative(cdktfLib, f))
      .sort();
    expect(callers).toEqual([
      "complex-computed-list.js",
      "terraform-dynamic-block.js",
      "terraform-dynamic-expression.js",
      "tokens/lazy.js",
      "tokens/private/intrinsic.js",
    ]);
    const seen: unknown[] = [];
    withoutTokenStackTraces(() => seen.push(traces.captureStackTrace));
    expect(seen[0]).not.toBe(traces.captureStackTrace);
    expect(typeof traces.captureStackTrace).toBe("function");
  });

  it("still has the prepareStack whose preparing pass src/cdktf/prepare-stack.ts skips", () => {
    expect(normalized(TerraformStack.prototype.prepareStack)).toBe(
      "prepareStack() { this.ensureBackendExists(); " +
        "terraformElements(this).forEach((e) => (0, _tokens_1.resolve)(this, e.toTerraform(), true)); }",
    );
    expect(typeof TerraformStack.prototype.ensureBackendExists).toBe("function");
    // The preparing pass matters only to cross-stack references: `context.preparing` has one reader.
    const readers = jsFiles(cdktfLib)
      .filter((f) => /\.preparing\b/.test(fs.readFileSync(f, "utf8")))
      .map((f) => path.relative(cdktfLib, f))
      .sort();
    expect(readers).toEqual(["tfExpression.js", "tokens/private/resolve.js", "tokens/token.js"]);
    const tfExpression = fs.readFileSync(path.join(cdktfLib, "tfExpression.js"), "utf8");
    expect(tfExpression.match(/if \(context\.preparing\) \{[^}]*\{[^}]*\}\s*\}/g)).toEqual([
      expect.stringContaining("app.crossStackReference(this.originStack, resolutionStack, this.identifier)"),
    ]);
    // The other two only pass the flag on.
    for (const f of ["tokens/private/resolve.js", "tokens/token.js"]) {
      const uses = fs.readFileSync(path.join(cdktfLib, f), "utf8").match(/.*\.preparing\b.*/g) ?? [];
      for (const line of uses) expect(line).toMatch(/preparing: options\.preparing/);
    }
  });

  it("still has the toTerraform, terraformElements and resolve that src/cdktf/fast-resolve.ts restates", () => {
    const collapse = (text: string) => text.replace(/\s+/g, " ").trim();
    expect(collapse(String(TerraformStack.prototype.toTerraform))).toBe(
      "toTerraform() { const tf = {}; const metadata = { version: this.cdktfVersion, stackName: this.node.id, " +
        'backend: "local", // overwritten by backend implementations if used cloud: undefined, // overwritten by ' +
        "cloud and remote backend implementations ...(Object.keys(this.rawOverrides).length > 0 ? { overrides: " +
        "{ stack: Object.keys(this.rawOverrides) } } : {}), }; const elements = terraformElements(this); const " +
        "metadatas = elements.map((e) => (0, _tokens_1.resolve)(this, e.toMetadata())); for (const meta of " +
        "metadatas) { (0, util_1.deepMerge)(metadata, meta); } const outputs = elements.reduce((carry, item) => " +
        "{ if (!terraform_output_1.TerraformOutput.isTerraformOutput(item)) { return carry; } (0, " +
        'util_1.deepMerge)(carry, item.node.path.split("/").reduceRight((innerCarry, part) => { if ' +
        "(Object.keys(innerCarry).length === 0) { return { [part]: item.friendlyUniqueId }; } return { [part]: " +
        'innerCarry }; }, {})); return carry; }, {}); tf["//"] = { metadata, outputs }; const fragments = ' +
        "elements.map((e) => (0, _tokens_1.resolve)(this, e.toTerraform())); for (const fragment of fragments) " +
        "{ (0, util_1.deepMerge)(tf, fragment); } (0, util_1.deepMerge)(tf, this.rawOverrides); return (0, " +
        "_tokens_1.resolve)(this, tf); }",
    );
    const stackJs = fs.readFileSync(path.join(cdktfLib, "terraform-stack.js"), "utf8");
    const start = stackJs.indexOf("function terraformElements(");
    expect(collapse(stackJs.slice(start, stackJs.indexOf("\n}\n", start) + 2))).toBe(
      "function terraformElements(node, into = []) { if " +
        "(terraform_element_1.TerraformElement.isTerraformElement(node)) { into.push(node); } for (const child " +
        "of node.node.children) { // Don't recurse into a substack if (TerraformStack.isStack(child)) { " +
        "continue; } terraformElements(child, into); } return into; }",
    );
    expect(typeof deepMerge).toBe("function");
    expect(typeof cdktfResolve).toBe("function");
    expect(typeof resolveWithOptions).toBe("function");
    // The stack resolves with a stateless DefaultTokenResolver(StringConcat), which fast-resolve.ts recreates
    // to call the private resolve with a path prefix.
    const tokensJs = collapse(fs.readFileSync(path.join(cdktfLib, "_tokens.js"), "utf8"));
    expect(tokensJs).toContain(
      "const TOKEN_RESOLVER = new tokens_1.DefaultTokenResolver(new tokens_1.StringConcat());",
    );
    expect(tokensJs).toContain(
      "function resolve(scope, obj, preparing = false) { return tokens_1.Tokenization.resolve(obj, { scope, preparing, resolver: TOKEN_RESOLVER, }); }",
    );
    expect(collapse(String(Tokenization.resolve))).toBe(
      "resolve(obj, options) { return (0, resolve_1.resolve)(obj, { scope: options.scope, resolver: options.resolver, preparing: options.preparing !== undefined ? options.preparing : false, }); }",
    );
    // The string tests cdktf runs on every string (resolve.js), which isPlainString restates.
    const encoding = fs.readFileSync(path.join(cdktfLib, "tokens", "private", "encoding.js"), "utf8");
    expect(encoding).toContain('exports.BEGIN_STRING_TOKEN_MARKER = "${TfToken[";');
    expect(encoding).toContain('exports.BEGIN_LIST_TOKEN_MARKER = "#{TfToken[";');
    expect(encoding).toContain('exports.BEGIN_MAP_TOKEN_MARKER = "&{TfToken[";');
    expect(encoding).toContain(
      'const NUMBER_TOKEN_REGEX = new RegExp("[-|\\\\d|.\\\\+]+(e[-|\\\\d|.|e|E|\\\\+]+)", "g");',
    );
  });

  it("still keeps every token in one map whose keys carry a growing counter (src/cdktf/token-scope.ts)", () => {
    const map = TokenMap.instance() as unknown as {
      stringTokenMap: unknown;
      numberTokenMap: unknown;
      tokenCounter: unknown;
    };
    expect(map.stringTokenMap).toBeInstanceOf(Map);
    expect(map.numberTokenMap).toBeInstanceOf(Map);
    expect(typeof map.tokenCounter).toBe("number");
    const tokenMapJs = fs.readFileSync(path.join(cdktfLib, "tokens", "private", "token-map.js"), "utf8");
    expect(collapseWs(tokenMapJs)).toContain(
      "const counter = this.tokenCounter++; const representation = (displayHint || `TOKEN`).replace(new " +
        'RegExp(`[^${encoding_1.VALID_KEY_CHARS}]`, "g"), "."); const key = `${representation}.${counter}`; ' +
        "this.stringTokenMap.set(key, token); return key;",
    );
    expect(collapseWs(tokenMapJs)).toContain(
      "const counter = this.tokenCounter++; this.numberTokenMap.set(counter, token);",
    );
  });

  it("still writes manifest.json from the Manifest's stacks record (what stack-by-stack.ts merges)", () => {
    expect(normalized(Manifest.prototype.buildManifest)).toBe(
      "buildManifest() { return { version: this.version, stacks: this.stacks, }; }",
    );
    expect(normalized(Manifest.prototype.writeToFile)).toBe(
      "writeToFile() { fs.writeFileSync(path.join(this.outdir, Manifest.fileName), " +
        "stringify(this.buildManifest(), { space: 2 })); }",
    );
  });

  it("still needs both HCL mends: required_version is misrendered, ephemeral blocks are dropped", () => {
    const outdir = makeTempDir();
    const app = new App({ outdir, stackTraces: false });
    const stack = new TerraformStack(app, "hcl");
    stack.addOverride("terraform.required_version", ">= 1.11");
    const hcl = (stack.toHclTerraform() as { hcl: string }).hcl;
    expect(hcl).toMatch(/^[ \t]*0 = "required_version"$/m);
    expect(mendRequiredVersion(hcl, ">= 1.11")).toMatch(/^[ \t]*required_version = ">= 1.11"$/m);
    expect(() => mendRequiredVersion('terraform {\n  required_version = ">= 1"\n}', "1")).toThrow(
      "cdktf HCL output changed",
    );
    expect(appendHclBlocks("x", [renderHclBlock("ephemeral", ["t", "n"], { a: "${b}" })])).toBe(
      'x\n\nephemeral "t" "n" {\n  a = "$${b}"\n}\n',
    );
    expect(appendHclBlocks("x", [])).toBe("x");
  });
});
