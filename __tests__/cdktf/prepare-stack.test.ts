/**
 * Skipping cdktf's preparing resolve pass (src/cdktf/prepare-stack.ts) resolves each resource once; that it
 * changes no byte of the output is tested with the other shortcuts in byte-identity.test.ts.
 */
import * as path from "path";
import { SecretsmanagerSecret } from "@cdktf/provider-aws/lib/secretsmanager-secret";
import { withPreparingResolvePass } from "../../src/cdktf/prepare-stack";
import { synthesizeRepo } from "../../src/synth/synthesize-repo";
import { makeTempDir, TWO_ENV_SPEC, writeExampleRepo } from "../../test-support/example-repo";

describe("synth without cdktf's preparing resolve pass", () => {
  it("resolves each resource once instead of twice", () => {
    const root = writeExampleRepo(makeTempDir(), TWO_ENV_SPEC);
    const spy = jest.spyOn(SecretsmanagerSecret.prototype, "toTerraform");
    try {
      const secrets = 4;
      synthesizeRepo(root, { outdir: path.join(makeTempDir(), "a") });
      expect(spy).toHaveBeenCalledTimes(secrets);
      spy.mockClear();
      withPreparingResolvePass(() => synthesizeRepo(root, { outdir: path.join(makeTempDir(), "b") }));
      expect(spy).toHaveBeenCalledTimes(2 * secrets);
    } finally {
      spy.mockRestore();
    }
  });
});
