/**
 * One synth at a time per output folder. The lock is the file `.<outdir>.lock` next to the output folder,
 * holding the owner's pid, host and start time. It is created complete and atomically: written under a
 * temporary name, then hard-linked to the lock name (link(2) fails when the name exists). A second synth
 * waits for the first one (polling) and, past `waitMs`, refuses with the owner's pid and host. A lock whose
 * owner is gone (same host, pid not running) is stale: the next synth removes it and goes on.
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { outputLockedMessage } from "../errors";

export interface OutputLockOptions {
  /**
   * How long to wait for another synth of the same output folder to finish before refusing.
   * @default 60000
   */
  readonly waitMs?: number;
}

/** Another synth holds the output folder's lock (and did not let go within `waitMs`). */
export class OutputLockedError extends Error {}

interface LockOwner {
  readonly pid: number;
  readonly host: string;
  readonly started: string;
  readonly nonce: string;
}

const POLL_MS = 50;

export function lockPathFor(outdir: string): string {
  return path.join(path.dirname(outdir), `.${path.basename(outdir)}.lock`);
}

/** Prefix of the temporary files a lock is created from: `<prefix><pid>-<random>`. */
export function lockTempPrefix(outdir: string): string {
  return `.${path.basename(outdir)}.lock-`;
}

/** Takes the lock of `outdir` (waiting for another synth if needed) and returns the function that releases it. */
export function acquireOutputLock(outdir: string, options: OutputLockOptions = {}): () => void {
  const lockPath = lockPathFor(outdir);
  fs.mkdirSync(path.dirname(lockPath), { recursive: true });
  const me: LockOwner = {
    pid: process.pid,
    host: os.hostname(),
    started: new Date().toISOString(),
    nonce: crypto.randomBytes(8).toString("hex"),
  };
  const content = JSON.stringify(me) + "\n";
  const temp = path.join(path.dirname(outdir), `${lockTempPrefix(outdir)}${process.pid}-${me.nonce}`);
  fs.writeFileSync(temp, content, { flag: "wx", mode: 0o644 });
  const deadline = Date.now() + (options.waitMs ?? 60_000);
  try {
    for (;;) {
      try {
        fs.linkSync(temp, lockPath);
        break;
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code !== "EEXIST") {
          if (!NO_HARD_LINKS.has(code ?? "")) throw e;
          if (createExclusive(lockPath, content)) break;
        }
      }
      const holder = readOwner(lockPath);
      if (holder === "gone") continue;
      if (isStale(holder)) {
        removeStale(lockPath, holder);
        continue;
      }
      if (Date.now() >= deadline) {
        throw new OutputLockedError(
          outputLockedMessage(
            lockPath,
            typeof holder === "object" ? holder : undefined,
            options.waitMs ?? 60_000,
          ),
        );
      }
      sleep(POLL_MS);
    }
  } finally {
    fs.rmSync(temp, { force: true });
  }
  return () => {
    // Only our own lock: never remove one a later synth took after ours was (wrongly) judged stale.
    try {
      if (fs.readFileSync(lockPath, "utf8") === content) fs.rmSync(lockPath, { force: true });
    } catch {
      // already gone
    }
  };
}

/** link(2) errors of file systems without hard links: the lock is then created with O_EXCL instead. */
const NO_HARD_LINKS = new Set(["EPERM", "ENOTSUP", "EOPNOTSUPP", "ENOSYS"]);

/**
 * Creates the lock with O_EXCL, then writes it: false when it exists. An empty lock left by a kill in
 * between is never judged stale (the refusal names the file to delete).
 */
function createExclusive(lockPath: string, content: string): boolean {
  try {
    fs.writeFileSync(lockPath, content, { flag: "wx", mode: 0o644 });
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw e;
  }
}

/** True when the process that wrote a lock temp file or lock (`pid`, on this host) is no longer running. */
export function isProcessGone(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return true;
  try {
    process.kill(pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "ESRCH";
  }
}

/** The lock's owner, "unreadable" for a file that is not a lock we wrote, "gone" when it vanished meanwhile. */
function readOwner(lockPath: string): LockOwner | "unreadable" | "gone" {
  let text: string;
  try {
    text = fs.readFileSync(lockPath, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return "gone";
    return "unreadable";
  }
  try {
    const o = JSON.parse(text) as Partial<LockOwner>;
    if (typeof o.pid === "number" && typeof o.host === "string" && typeof o.started === "string")
      return { pid: o.pid, host: o.host, started: o.started, nonce: String(o.nonce) };
  } catch {
    // fall through
  }
  return "unreadable";
}

function isStale(holder: LockOwner | "unreadable"): boolean {
  // A lock is created complete (link of a written file), so an unreadable one was not made by synth: never
  // guess, the message names it.
  if (holder === "unreadable") return false;
  return holder.host === os.hostname() && isProcessGone(holder.pid);
}

/**
 * Removes a stale lock without removing a fresh one another synth may have taken meanwhile: the lock is
 * moved aside first and put back (link, which cannot overwrite) when what was moved is not the stale one.
 */
function removeStale(lockPath: string, holder: LockOwner | "unreadable"): void {
  const aside = `${lockPath}-stale-${process.pid}-${crypto.randomBytes(4).toString("hex")}`;
  try {
    fs.renameSync(lockPath, aside);
  } catch {
    return; // someone else removed it first
  }
  const moved = readOwner(aside);
  const same =
    typeof moved === "object" &&
    typeof holder === "object" &&
    moved.pid === holder.pid &&
    moved.nonce === holder.nonce;
  if (!same) {
    try {
      fs.linkSync(aside, lockPath);
    } catch {
      // a third synth took the free lock meanwhile: it holds it now
    }
  }
  fs.rmSync(aside, { force: true });
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));
function sleep(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms);
}
