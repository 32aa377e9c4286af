import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { readRegularFile } from "../../src/discovery/safe-read";
import { makeTempDir } from "../../test-support/temp-repo";

describe("readRegularFile", () => {
  const dir = makeTempDir();
  fs.writeFileSync(path.join(dir, "file"), "content");
  fs.symlinkSync(path.join(dir, "file"), path.join(dir, "link"));
  fs.mkdirSync(path.join(dir, "folder"));
  const hasFifo = spawnSync("mkfifo", [path.join(dir, "fifo")]).status === 0;

  const read = (name: string, noFollow: boolean) => {
    const r = readRegularFile(path.join(dir, name), { noFollow });
    return r.ok ? `ok ${r.content.toString()}` : r.reason;
  };

  it.each([false, true])(
    "reads a regular file, refuses folders and reports a missing file (noFollow %s)",
    (noFollow) => {
      expect(read("file", noFollow)).toBe("ok content");
      expect(read("folder", noFollow)).toBe("not-a-file");
      expect(read("missing", noFollow)).toBe("missing");
    },
  );

  it("follows a symbolic link unless told not to", () => {
    expect(read("link", false)).toBe("ok content");
    expect(read("link", true)).toBe("symlink");
  });

  it.each([false, true])(
    "refuses a FIFO at once instead of waiting for a writer (noFollow %s)",
    (noFollow) => {
      if (!hasFifo) return; // no mkfifo on this machine
      expect(read("fifo", noFollow)).toBe("not-a-file");
    },
  );
});
