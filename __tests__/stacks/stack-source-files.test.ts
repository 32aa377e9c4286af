/**
 * The copies in a stack folder are independent files holding the checked bytes: an in-place edit of the
 * source after synth (what a hard link would leak into the published stack) leaves the copy unchanged.
 */
import * as fs from "fs";
import * as path from "path";
import { synthesizeRepo } from "../../src/synth/synthesize-repo";
import { makeTempDir, TWO_ENV_SPEC, writeExampleRepo } from "../../test-support/example-repo";

describe("stack source copies", () => {
  it("are separate files with the checked bytes, untouched by a later in-place edit of the source", () => {
    const root = writeExampleRepo(makeTempDir(), TWO_ENV_SPEC);
    const rel = "secrets/development/payments/stripe.enc.yaml";
    const source = path.join(root, rel);
    const checked = fs.readFileSync(source);
    expect(synthesizeRepo(root, { outdir: "cdktf.out" }).synthesized).toBe(true);
    const copy = path.join(root, "cdktf.out", "stacks", "development", rel);
    expect(fs.readFileSync(copy).equals(checked)).toBe(true);
    const [s, c] = [fs.statSync(source), fs.statSync(copy)];
    expect(c.ino).not.toBe(s.ino);
    expect(c.nlink).toBe(1);
    expect(s.nlink).toBe(1);

    // In place: same inode, new content (as an editor that truncates and rewrites does).
    const fd = fs.openSync(source, "r+");
    fs.ftruncateSync(fd, 0);
    fs.writeSync(fd, "edited after synth\n", 0);
    fs.closeSync(fd);
    expect(fs.statSync(source).ino).toBe(s.ino);
    expect(fs.readFileSync(copy).equals(checked)).toBe(true);
  });
});
