import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { writeSopsShapedFile } from "../../test-support/sops-shaped-file";

const ROOT = path.resolve(__dirname, "../..");

describe("npm run -s envs", () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "sops-envs-"));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const envs = () =>
    execFileSync("node", [path.join(ROOT, "scripts/run.js"), "bin/envs.ts"], { cwd: dir, encoding: "utf8" });

  it("prints the environments with a secret file, sorted, as one compact JSON line", () => {
    expect(envs()).toBe("[]\n");
    for (const [env, name] of [
      ["production", "db"],
      ["development", "payments/stripe"],
      ["staging", "api"],
    ])
      writeSopsShapedFile(
        path.join(dir, "secrets", env, `${name}.enc.json`),
        { k: "PLAINTEXT" },
        { format: "json" },
      );
    fs.mkdirSync(path.join(dir, "secrets", "empty"));
    fs.writeFileSync(path.join(dir, "secrets", "README.md"), "docs\n");
    expect(envs()).toBe('["development","production","staging"]\n');
  });
});
