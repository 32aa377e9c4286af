/**
 * The background writer (src/synth/background-writer.ts) writes exactly the bytes it is given, into new
 * independent files, reports the first failure naming the file, and synth through it writes the same output
 * as synth writing on the main thread. A failed copy publishes nothing.
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import {
  BACKGROUND_WRITE_MIN_FILES,
  BackgroundFileWriter,
  withBackgroundWriteThreshold,
} from "../../src/synth/background-writer";
import { runSynth, synthesizeRepo } from "../../src/synth/synthesize-repo";
import { filesUnder, expectSameFiles } from "../../test-support/output-tree";
import { makeTempDir, TWO_ENV_SPEC, writeExampleRepo } from "../../test-support/example-repo";
import { generateRepo, repoSpec } from "../../bench/generate-repo";

const projectRoot = path.resolve(__dirname, "..", "..");

describe("BackgroundFileWriter", () => {
  it("writes every copy with exactly its bytes, in new folders, as independent files", () => {
    const dir = makeTempDir();
    const copies = Array.from({ length: 700 }, (_, i) => ({
      file: path.join(dir, `env-${i % 7}`, `sub-${i % 3}`, `f-${i}.enc.json`),
      content: crypto.randomBytes(i % 50 === 0 ? 0 : 1 + (i % 4000)),
    }));
    // One copy larger than everything the writer lets be in flight at once.
    copies.push({
      file: path.join(dir, "big", "large.enc.bin"),
      content: crypto.randomBytes(3 * 1024 * 1024),
    });
    const writer = new BackgroundFileWriter();
    writer.writeCopies(copies.slice(0, 300));
    writer.writeCopies(copies.slice(300));
    writer.finish();
    for (const { file, content } of copies) {
      expect(fs.readFileSync(file).equals(content)).toBe(true);
      expect(fs.statSync(file).nlink).toBe(1);
    }
    expect(() => writer.writeCopies(copies.slice(0, 1))).toThrow("writeCopies after finish");
  });

  it("reuses a previous copy (a second name, no new file) only when it is a regular file with exactly the bytes", () => {
    const from = makeTempDir();
    const to = makeTempDir();
    const put = (dir: string, rel: string, content: string | Buffer) => {
      fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      fs.writeFileSync(path.join(dir, rel), content);
    };
    put(from, "stacks/dev/secrets/same.enc.json", "same bytes");
    put(from, "stacks/dev/secrets/changed.enc.json", "old bytes");
    put(from, "elsewhere/target.enc.json", "linked bytes");
    fs.symlinkSync(
      path.join(from, "elsewhere/target.enc.json"),
      path.join(from, "stacks/dev/secrets/link.enc.json"),
    );
    const copies = [
      ["stacks/dev/secrets/same.enc.json", "same bytes"],
      ["stacks/dev/secrets/changed.enc.json", "new bytes"],
      ["stacks/dev/secrets/link.enc.json", "linked bytes"],
      ["stacks/dev/secrets/new.enc.json", "brand new"],
    ].map(([rel, text]) => ({ file: path.join(to, rel), content: Buffer.from(text) }));
    const writer = new BackgroundFileWriter({ reuse: { from, to } });
    writer.writeCopies(copies);
    writer.finish();
    for (const { file, content } of copies) {
      expect(fs.readFileSync(file).equals(content)).toBe(true);
      expect(fs.lstatSync(file).isFile()).toBe(true);
    }
    const ino = (p: string) => fs.lstatSync(p).ino;
    // Same bytes: the previous file under a second name.
    expect(ino(copies[0].file)).toBe(ino(path.join(from, "stacks/dev/secrets/same.enc.json")));
    expect(fs.statSync(copies[0].file).nlink).toBe(2);
    // Other bytes, a symbolic link (even to the same bytes), nothing there: new files.
    expect(ino(copies[1].file)).not.toBe(ino(path.join(from, "stacks/dev/secrets/changed.enc.json")));
    expect(fs.readFileSync(path.join(from, "stacks/dev/secrets/changed.enc.json"), "utf8")).toBe("old bytes");
    expect(ino(copies[2].file)).not.toBe(ino(path.join(from, "elsewhere/target.enc.json")));
    for (const c of copies.slice(1)) expect(fs.statSync(c.file).nlink).toBe(1);
  });

  it("never reuses a previous copy that has another name or is reached through a linked folder", () => {
    // Stand-ins for the repository's own secret files.
    const repoSecrets = makeTempDir();
    fs.writeFileSync(path.join(repoSecrets, "a.enc.json"), "repo bytes a");
    fs.writeFileSync(path.join(repoSecrets, "b.enc.json"), "repo bytes b");
    const from = makeTempDir();
    const to = makeTempDir();
    // stacks/dev/secrets is a link to the repository's folder; stacks/prod/secrets/b is a second name of a
    // repository file (a deduplicating copy tool would leave that).
    fs.mkdirSync(path.join(from, "stacks", "dev"), { recursive: true });
    fs.symlinkSync(repoSecrets, path.join(from, "stacks", "dev", "secrets"));
    fs.mkdirSync(path.join(from, "stacks", "prod", "secrets"), { recursive: true });
    fs.linkSync(
      path.join(repoSecrets, "b.enc.json"),
      path.join(from, "stacks", "prod", "secrets", "b.enc.json"),
    );
    const copies = [
      { file: path.join(to, "stacks", "dev", "secrets", "a.enc.json"), content: Buffer.from("repo bytes a") },
      {
        file: path.join(to, "stacks", "prod", "secrets", "b.enc.json"),
        content: Buffer.from("repo bytes b"),
      },
    ];
    const writer = new BackgroundFileWriter({ reuse: { from, to } });
    writer.writeCopies(copies);
    writer.finish();
    for (const [i, name] of ["a.enc.json", "b.enc.json"].entries()) {
      const repoFile = path.join(repoSecrets, name);
      expect(fs.readFileSync(copies[i].file).equals(copies[i].content)).toBe(true);
      expect(fs.statSync(copies[i].file).ino).not.toBe(fs.statSync(repoFile).ino);
      expect(fs.statSync(copies[i].file).nlink).toBe(1);
    }
    // An in-place edit of a repository file (say, a decryption in place) reaches no copy.
    fs.writeFileSync(path.join(repoSecrets, "a.enc.json"), "PLAINTEXT=hunter2");
    expect(fs.readFileSync(copies[0].file, "utf8")).toBe("repo bytes a");
  });

  it("abandon lets the worker finish what it holds, so nothing is written after it returns", () => {
    const dir = makeTempDir();
    const copies = Array.from({ length: 600 }, (_, i) => ({
      file: path.join(dir, "staging", `d${i % 20}`, `f${i}.enc.json`),
      content: crypto.randomBytes(1500),
    }));
    const writer = new BackgroundFileWriter();
    writer.writeCopies(copies);
    writer.abandon();
    fs.rmSync(path.join(dir, "staging"), { recursive: true, force: true });
    // Had the worker still been writing, it would recreate folders under staging/ now.
    const until = Date.now() + 300;
    while (Date.now() < until) {
      /* give a straggler time */
    }
    expect(fs.existsSync(path.join(dir, "staging"))).toBe(false);
  });

  it("throws the first failure from finish, naming the file and the error code", () => {
    const dir = makeTempDir();
    fs.writeFileSync(path.join(dir, "not-a-folder"), "x");
    const bad = path.join(dir, "not-a-folder", "a.enc.json");
    const writer = new BackgroundFileWriter();
    writer.writeCopies([
      { file: path.join(dir, "ok", "b.enc.json"), content: Buffer.from("b") },
      { file: bad, content: Buffer.from("a") },
    ]);
    let error: NodeJS.ErrnoException | undefined;
    try {
      writer.finish();
    } catch (e) {
      error = e as NodeJS.ErrnoException;
    }
    expect(error?.message).toContain(`could not write ${bad}`);
    expect(["EEXIST", "ENOTDIR"]).toContain(error?.code); // mkdir -p through a regular file
    expect(fs.readFileSync(path.join(dir, "ok", "b.enc.json"), "utf8")).toBe("b");
  });

  it("finishes at once when nothing was handed over, and abandon stops it without writing", () => {
    const empty = new BackgroundFileWriter();
    empty.finish();
    const dir = makeTempDir();
    const abandoned = new BackgroundFileWriter();
    abandoned.abandon();
    abandoned.finish(); // a no-op after abandon
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});

describe("synth with the background writer", () => {
  it(`is used from ${BACKGROUND_WRITE_MIN_FILES} files on and writes the same bytes as the main thread`, () => {
    const repo = generateRepo(makeTempDir(), repoSpec(BACKGROUND_WRITE_MIN_FILES + 20, 4), projectRoot);
    const synth = (outdir: string) => {
      const result = synthesizeRepo(repo.root, { outdir });
      expect(result.analysis.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
      expect(result.synthesized).toBe(true);
      return filesUnder(outdir);
    };
    const spy = jest.spyOn(BackgroundFileWriter.prototype, "writeCopies");
    let background: Map<string, Buffer>;
    try {
      background = synth(path.join(makeTempDir(), "out"));
      expect(spy).toHaveBeenCalledTimes(4);
      spy.mockClear();
      const onMainThread = withBackgroundWriteThreshold(Infinity, () =>
        synth(path.join(makeTempDir(), "out")),
      );
      expect(spy).not.toHaveBeenCalled();
      expectSameFiles(background, onMainThread);
    } finally {
      spy.mockRestore();
    }
    // Every secret file has its copy, byte for byte the checked file.
    const copies = [...background.keys()].filter((k) => /^stacks\/[^/]+\/secrets\//.test(k));
    expect(copies).toHaveLength(BACKGROUND_WRITE_MIN_FILES + 20);
    for (const k of copies) {
      const repoPath = k.split("/").slice(2).join("/");
      expect(background.get(k)!.equals(fs.readFileSync(path.join(repo.root, repoPath)))).toBe(true);
    }
  });

  it("over a previous output, reuses its unchanged copies, never a tampered one, and leaves independent files", () => {
    const repo = generateRepo(makeTempDir(), repoSpec(BACKGROUND_WRITE_MIN_FILES + 20, 4), projectRoot);
    const out = path.join(repo.root, "cdktf.out");
    const synth = () => expect(synthesizeRepo(repo.root, { outdir: "cdktf.out" }).synthesized).toBe(true);
    synth();
    const copiesOf = () =>
      [...filesUnder(out).keys()]
        .filter((k) => /^stacks\/[^/]+\/secrets\//.test(k))
        .map((k) => path.join(out, k));
    const [first, second, third] = copiesOf();
    const inode = (p: string) => fs.statSync(p).ino;
    const before = new Map(copiesOf().map((p) => [p, inode(p)]));
    // Between the two synths: a source file changes, and someone rewrites a published copy in place.
    const sourceOf = (copy: string) =>
      path.join(repo.root, ...path.relative(out, copy).split(path.sep).slice(2));
    fs.appendFileSync(sourceOf(first), "\n");
    const tampered = fs.readFileSync(second);
    tampered[tampered.length - 2] ^= 1;
    fs.writeFileSync(second, tampered);
    synth();
    const after = copiesOf();
    // Every copy holds its source's bytes (the checked ones), as its own single file.
    for (const copy of after) {
      expect(fs.readFileSync(copy).equals(fs.readFileSync(sourceOf(copy)))).toBe(true);
      expect(fs.statSync(copy).nlink).toBe(1);
      expect(inode(copy)).not.toBe(inode(sourceOf(copy)));
    }
    // Unchanged copies are the previous files; the changed and the tampered one are new.
    expect(inode(third)).toBe(before.get(third));
    expect(inode(first)).not.toBe(before.get(first));
    expect(inode(second)).not.toBe(before.get(second));
    // The previous generation is gone, and an in-place edit of a source now changes no published copy.
    expect(fs.readdirSync(repo.root).filter((e) => e.startsWith(".cdktf.out."))).toHaveLength(1);
    const published = fs.readFileSync(third);
    const fd = fs.openSync(sourceOf(third), "r+");
    fs.writeSync(fd, "edited in place", 0);
    fs.closeSync(fd);
    expect(fs.readFileSync(third).equals(published)).toBe(true);
  });

  it("publishes nothing when a copy fails, and says so", () => {
    const root = writeExampleRepo(makeTempDir(), TWO_ENV_SPEC);
    const lines: string[] = [];
    const log = { log: (m: string) => lines.push(m), error: (m: string) => lines.push(m) };
    expect(runSynth(root, log, { outdir: "cdktf.out" })).toBe(0);
    const before = filesUnder(path.join(root, "cdktf.out"));
    const spy = jest.spyOn(BackgroundFileWriter.prototype, "finish").mockImplementation(() => {
      throw new Error("could not write /staging/stacks/development/secrets/app.enc.json: EIO: i/o error");
    });
    try {
      lines.length = 0;
      expect(withBackgroundWriteThreshold(0, () => runSynth(root, log, { outdir: "cdktf.out" }))).toBe(1);
    } finally {
      spy.mockRestore();
    }
    expect(lines.join("\n")).toMatch(
      /synth failed: could not write .*app\.enc\.json: EIO.*Nothing was written \(the previous output is unchanged\)/,
    );
    expectSameFiles(filesUnder(path.join(root, "cdktf.out")), before);
    expect(fs.readdirSync(root).filter((e) => e.startsWith(".cdktf.out.staging-"))).toEqual([]);
  });
});
