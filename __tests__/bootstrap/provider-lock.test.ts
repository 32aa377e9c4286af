import * as fs from "fs";
import * as path from "path";
import { PROVIDER_LOCK_FILE } from "../../src/stacks/provider-lock";
import { synthesizeRepo } from "../../src/synth/synthesize-repo";
import { makeTempDir, TWO_ENV_SPEC, writeExampleRepo } from "../../test-support/example-repo";

const LOCK = '# test lock\nprovider "registry.terraform.io/carlpett/sops" {\n  version = "1.4.1"\n}\n';

test("synth copies the project's .terraform.lock.hcl into every stack folder, byte for byte", () => {
  const root = writeExampleRepo(makeTempDir(), {
    ...TWO_ENV_SPEC,
    context: { bootstrap: { accountId: "123456789012" } },
  });
  fs.writeFileSync(path.join(root, PROVIDER_LOCK_FILE), LOCK);
  expect(synthesizeRepo(root, { outdir: "cdktf.out" }).synthesized).toBe(true);
  const stacks = path.join(root, "cdktf.out", "stacks");
  expect(fs.readdirSync(stacks).sort()).toEqual(["bootstrap", "development", "production"]);
  for (const name of fs.readdirSync(stacks))
    expect(fs.readFileSync(path.join(stacks, name, PROVIDER_LOCK_FILE), "utf8")).toBe(LOCK);
});

test("without a project lock file, synth writes none", () => {
  const root = writeExampleRepo(makeTempDir(), TWO_ENV_SPEC);
  expect(synthesizeRepo(root, { outdir: "cdktf.out" }).synthesized).toBe(true);
  for (const env of ["development", "production"])
    expect(fs.existsSync(path.join(root, "cdktf.out", "stacks", env, PROVIDER_LOCK_FILE))).toBe(false);
});
