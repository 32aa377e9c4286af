/**
 * The one way this project reads a file it did not write (cdktf.json, .sops.yaml, .gitignore, secret files):
 * only a regular file is read. A FIFO, socket, device or folder is refused without blocking: the file is
 * opened with O_NONBLOCK (opening a FIFO for reading would otherwise wait for a writer forever) and checked
 * with fstat on the open descriptor, so nothing can be swapped in between the check and the read.
 */
import * as fs from "fs";

export type ReadFileResult =
  | { readonly ok: true; readonly content: Buffer }
  | {
      readonly ok: false;
      /**
       * missing: no such file; not-a-file: a folder, FIFO, socket or device; symlink: a symbolic link where
       * links are refused; unreadable: any other error (`code` says which).
       */
      readonly reason: "missing" | "not-a-file" | "symlink" | "unreadable";
      readonly code?: string;
    };

export interface ReadRegularFileOptions {
  /** Refuse a symbolic link instead of reading its target. @default false */
  readonly noFollow?: boolean;
}

/** Reads a regular file, or says why not. Never blocks on a FIFO or device, never throws. */
export function readRegularFile(absPath: string, options: ReadRegularFileOptions = {}): ReadFileResult {
  let fd: number | undefined;
  try {
    if (!options.noFollow) {
      // Refuse what is visibly no file before opening it. With noFollow (secret files, listed with lstat by
      // discovery), O_NOFOLLOW and the fstat below do the same without a second system call per file.
      const link = fs.lstatSync(absPath, { throwIfNoEntry: false });
      if (!link) return { ok: false, reason: "missing" };
      if (!link.isSymbolicLink() && !link.isFile()) return { ok: false, reason: "not-a-file" };
    }
    const flags =
      fs.constants.O_RDONLY | fs.constants.O_NONBLOCK | (options.noFollow ? fs.constants.O_NOFOLLOW : 0);
    fd = fs.openSync(absPath, flags);
    if (!fs.fstatSync(fd).isFile()) return { ok: false, reason: "not-a-file" };
    return { ok: true, content: fs.readFileSync(fd) };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return { ok: false, reason: "missing" };
    if (code === "ELOOP" && options.noFollow) return { ok: false, reason: "symlink" };
    return { ok: false, reason: "unreadable", code };
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** What a failed read means in a message: "is not a regular file (a folder, FIFO, socket or device)". */
export function describeReadFailure(result: Extract<ReadFileResult, { ok: false }>): string {
  switch (result.reason) {
    case "missing":
      return "does not exist";
    case "not-a-file":
      return "is not a regular file (a folder, FIFO, socket or device)";
    case "symlink":
      return "is a symbolic link";
    case "unreadable":
      return `cannot be read (${result.code ?? "unknown error"})`;
  }
}
