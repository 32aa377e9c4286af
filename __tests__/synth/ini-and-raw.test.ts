/**
 * INI and binary-format secrets (issue 12), synthesized from genuine sops files of the corpus: the provider
 * reads them with `input_type = "ini"` / `"raw"`; an INI file is stored as the provider's flattened `data`
 * (`section.key`) as JSON, a binary-format file as its plaintext string (`raw`), in both modes.
 */
import * as fs from "fs";
import * as path from "path";
import { synthesizeRepo } from "../../src/synth/synthesize-repo";
import { makeTempRepo, removeTempRepos } from "../../test-support/temp-repo";

/* eslint-disable @typescript-eslint/no-explicit-any */
type Json = any;

const CORPUS = path.join(__dirname, "..", "interop", "corpus", "getsops__sops");
const PGP = ["FBC7B9E2A4F9289AC0C1D4843D16CEE4A27381B4", "D7229043384BCC60326C6FB9D8720D957C3D3074"];

function synth(writeOnly: boolean): Json {
  const root = makeTempRepo(
    {
      "secrets/dev/legacy.enc.ini": fs.readFileSync(path.join(CORPUS, "example.ini"), "utf8"),
      "secrets/dev/tls/cert.enc.txt": fs.readFileSync(path.join(CORPUS, "example.txt"), "utf8"),
    },
    { sopsYaml: [{ pgp: PGP }], context: writeOnly ? { writeOnly: true } : {} },
  );
  const result = synthesizeRepo(root, { outdir: "cdktf.out" });
  expect(result.analysis.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return JSON.parse(fs.readFileSync(path.join(root, "cdktf.out", "stacks", "dev", "cdk.tf.json"), "utf8"));
}

afterAll(() => removeTempRepos());

describe("INI and binary-format secrets", () => {
  it("data-source mode: input_type ini and raw; flattened data as JSON, the raw string as it is", () => {
    const stack = synth(false);
    expect(stack.data.sops_file).toEqual({
      legacy: expect.objectContaining({ source_file: "secrets/dev/legacy.enc.ini", input_type: "ini" }),
      "tls--cert": expect.objectContaining({
        source_file: "secrets/dev/tls/cert.enc.txt",
        input_type: "raw",
      }),
    });
    const v = stack.resource.aws_secretsmanager_secret_version;
    expect(v.legacy.secret_string).toBe("${jsonencode(data.sops_file.legacy.data)}");
    expect(v["tls--cert"].secret_string).toBe("${data.sops_file.tls--cert.raw}");
  });

  it("write-only mode: the same values through the ephemeral source", () => {
    const stack = synth(true);
    expect(stack.ephemeral.sops_file).toEqual({
      legacy: { source_file: "secrets/dev/legacy.enc.ini", input_type: "ini" },
      "tls--cert": { source_file: "secrets/dev/tls/cert.enc.txt", input_type: "raw" },
    });
    const v = stack.resource.aws_secretsmanager_secret_version;
    expect(v.legacy.secret_string_wo).toBe("${jsonencode(ephemeral.sops_file.legacy.data)}");
    expect(v["tls--cert"].secret_string_wo).toBe("${ephemeral.sops_file.tls--cert.raw}");
  });
});
