/**
 * Writes the checked copies of the secret files (src/stacks/stack-source-files.ts) on a worker thread while
 * the main thread goes on building and resolving stacks.
 *
 * Creating a file is system time, not JavaScript: at 10,000 files the copies cost 0.4–3 s of kernel time
 * (ext4 inode allocation is slowest right after many files were deleted, as each synth deletes the previous
 * output; docs/BENCHMARKS.md). On the main thread that time adds to synth's wall time; on a worker it runs on
 * the second core in parallel with cdktf's token resolution, which is all JavaScript.
 *
 * The worker writes exactly the bytes it is given (the Buffer read for the checks, cloned into the worker),
 * with the same open/write/close as the synchronous writer; nothing is re-read from the repository. Over a
 * previous output it first tries the previous generation's copy of the same file: a hard link, only to a
 * regular file with no other name reached through no symbolic link, kept only when the new name is a regular
 * file with exactly two names holding exactly the given bytes (read back and compared). Then the file needs no
 * new inode, and deleting the previous generation frees none: over a previous output at 10,000 files / 50
 * environments, the full bench went from 6.4 s to 5.0 s (docs/BENCHMARKS.md).
 *
 * `finish()` blocks until every file is written and throws the first failure, so synth publishes nothing when
 * a copy failed (synthesize-repo.ts calls it before publishing); should the worker die without answering, it
 * gives up after 10 minutes with an error. synthesizeRepo stays synchronous: the wait is `Atomics.wait` on a
 * shared flag, and the failure is read with `receiveMessageOnPort`, neither of which needs the event loop.
 */
import * as fs from "fs";
import * as path from "path";
import { MessageChannel, receiveMessageOnPort, Worker } from "worker_threads";
import { FileSink, SourceCopy, writeCopiesNow } from "../stacks/stack-source-files";

/** Below this many files the worker's start-up (~50 ms, ~16 MB) costs more than it saves. */
export const BACKGROUND_WRITE_MIN_FILES = 500;

/**
 * At most this many bytes of copies are on their way to the worker at once: `writeCopies` waits (on the main
 * thread) while more are outstanding, so the copies in flight add at most this to peak memory.
 */
const MAX_BYTES_IN_FLIGHT = 1024 * 1024;

/** How long the first batch waits for the worker to start before the copies are written on this thread. */
const START_TIMEOUT_MS = 10 * 1000;

/** How long `abandon()` lets the worker finish the batches it holds. */
const ABANDON_TIMEOUT_MS = 30 * 1000;

/** How long `finish()` (or a full queue) waits for the worker before synth gives up. */
const FINISH_TIMEOUT_MS = 10 * 60 * 1000;

/** Slots of the shared Int32Array. */
const enum Slot {
  /** 1 once the worker listens. */
  Ready = 0,
  /** 1 once the worker has answered the end of input (or failed for good). */
  Done = 1,
  BytesInFlight = 2,
}

interface Failure {
  readonly file: string;
  readonly code?: string;
  readonly message: string;
}

// Plain JavaScript, run with `eval: true`: the worker needs no file of its own, so it works the same under
// the esbuild launcher (one bundled file), ts-jest and the compiled build. Every failure ends in `done`
// with the failure posted, so the main thread never waits for a worker that has given up.
const WORKER_SOURCE = `
"use strict";
const { parentPort, workerData } = require("worker_threads");
const fs = require("fs");
const path = require("path");
const state = new Int32Array(workerData.state);
const reply = workerData.reply;
const made = new Set();
let failure = null;
function done() {
  reply.postMessage(failure);
  Atomics.store(state, ${Slot.Done}, 1);
  Atomics.notify(state, ${Slot.Done});
  Atomics.store(state, ${Slot.BytesInFlight}, 0);
  Atomics.notify(state, ${Slot.BytesInFlight});
}
process.on("uncaughtException", (e) => {
  failure = failure || { file: "(worker)", code: e && e.code, message: String(e && e.message) };
  done();
});
function write(file, content, previous) {
  const dir = path.dirname(file);
  if (!made.has(dir)) {
    fs.mkdirSync(dir, { recursive: true });
    made.add(dir);
  }
  if (previous && reuse(previous, file, content)) return;
  fs.writeFileSync(file, content);
}
// A second name for the previous output's copy when it holds exactly these bytes: no new inode to allocate,
// none to free when the previous output is deleted. Only for a file that is nobody else's: a regular file with
// one name, reached through no symbolic link (link(2) follows linked folders on the way, not the last part),
// and after linking a regular file with exactly two names and exactly these bytes. Anything else: a new file.
function reuse(previous, file, content) {
  try {
    const before = fs.lstatSync(previous);
    if (!before.isFile() || before.nlink !== 1 || before.size !== content.byteLength) return false;
    if (fs.realpathSync(path.dirname(previous)) !== path.dirname(previous)) return false;
    fs.linkSync(previous, file);
  } catch (e) {
    return false;
  }
  try {
    const after = fs.lstatSync(file);
    if (after.isFile() && after.nlink === 2 && fs.readFileSync(file).equals(content)) return true;
  } catch (e) {}
  fs.unlinkSync(file);
  return false;
}
parentPort.on("message", (batch) => {
  if (batch === null) {
    done();
    parentPort.close();
    return;
  }
  for (const [file, content, previous] of batch) {
    if (!failure) {
      try {
        write(file, content, previous);
      } catch (e) {
        failure = { file, code: e && e.code, message: String(e && e.message) };
      }
    }
    Atomics.sub(state, ${Slot.BytesInFlight}, content.byteLength);
    Atomics.notify(state, ${Slot.BytesInFlight});
  }
});
Atomics.store(state, ${Slot.Ready}, 1);
Atomics.notify(state, ${Slot.Ready});
`;

export interface BackgroundFileWriterProps {
  /**
   * The previous output's folder (`from`) and this synth's (`to`): a copy whose previous counterpart holds
   * exactly the same bytes gets a second name (a hard link) for that file instead of a new file.
   * @default - every copy is a new file
   */
  readonly reuse?: { readonly from: string; readonly to: string };
}

/**
 * A FileSink that writes on a worker thread. `writeCopies` hands the copies over in small batches;
 * `finish()` waits until all of them are written. Use it once: create, write, finish (or abandon). Should
 * the worker not start within START_TIMEOUT_MS, every copy is written on the calling thread instead.
 */
export class BackgroundFileWriter implements FileSink {
  private readonly state = new Int32Array(new SharedArrayBuffer(3 * Int32Array.BYTES_PER_ELEMENT));
  private readonly channel = new MessageChannel();
  private readonly worker: Worker;
  private finished = false;
  private started = false;
  private onThisThread = false;

  private readonly reuseFrom?: { readonly from: string; readonly to: string };

  constructor(props: BackgroundFileWriterProps = {}) {
    // The previous output by its real path: the worker refuses any previous copy reached through a link.
    if (props.reuse) {
      try {
        this.reuseFrom = { from: fs.realpathSync(props.reuse.from), to: props.reuse.to };
      } catch {
        // No previous output to reuse after all.
      }
    }
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { state: this.state.buffer, reply: this.channel.port2 },
      transferList: [this.channel.port2],
      stdout: false,
      stderr: false,
    });
    // Never keeps the process alive, whatever happens to it.
    this.worker.unref();
    this.channel.port1.unref();
  }

  public writeCopies(copies: readonly SourceCopy[]): void {
    if (this.finished) throw new Error("BackgroundFileWriter: writeCopies after finish");
    if (this.onThisThread || !this.workerStarted()) {
      writeCopiesNow(copies);
      return;
    }
    let batch: [string, Uint8Array, string | undefined][] = [];
    let bytes = 0;
    const send = () => {
      if (batch.length === 0) return;
      this.waitForRoom(bytes);
      Atomics.add(this.state, Slot.BytesInFlight, bytes);
      this.worker.postMessage(batch);
      batch = [];
      bytes = 0;
    };
    for (const { file, content } of copies) {
      if (bytes + content.byteLength > MAX_BYTES_IN_FLIGHT / 4) send();
      batch.push([file, content, this.previousOf(file)]);
      bytes += content.byteLength;
    }
    send();
  }

  private previousOf(file: string): string | undefined {
    const reuse = this.reuseFrom;
    if (!reuse) return undefined;
    const rel = path.relative(reuse.to, file);
    return rel.startsWith("..") || path.isAbsolute(rel) ? undefined : path.join(reuse.from, rel);
  }

  /** True once the worker listens; after START_TIMEOUT_MS without it, switches to this thread for good. */
  private workerStarted(): boolean {
    if (this.started) return true;
    if (Atomics.wait(this.state, Slot.Ready, 0, START_TIMEOUT_MS) === "timed-out") {
      this.onThisThread = true;
      void this.worker.terminate();
      return false;
    }
    this.started = true;
    return true;
  }

  /** Waits until `bytes` more fit within MAX_BYTES_IN_FLIGHT (a single larger batch waits for an empty queue). */
  private waitForRoom(bytes: number): void {
    for (;;) {
      const inFlight = Atomics.load(this.state, Slot.BytesInFlight);
      if (inFlight <= 0 || inFlight + bytes <= MAX_BYTES_IN_FLIGHT) return;
      if (Atomics.wait(this.state, Slot.BytesInFlight, inFlight, FINISH_TIMEOUT_MS) === "timed-out") {
        throw new Error(
          `the copies of the secret files were not written within ${FINISH_TIMEOUT_MS / 1000} s`,
        );
      }
    }
  }

  /** Blocks until every copy handed over is written; throws the first failure (naming the file). */
  public finish(): void {
    if (this.finished) return;
    this.finished = true;
    if (!this.started) {
      // Nothing was handed over (no copies, or all written on this thread).
      this.close();
      return;
    }
    this.worker.postMessage(null);
    const waited = Atomics.wait(this.state, Slot.Done, 0, FINISH_TIMEOUT_MS);
    const answer = receiveMessageOnPort(this.channel.port1);
    this.close();
    if (waited === "timed-out" || answer === undefined) {
      throw new Error(
        `the copies of the secret files were not all written within ${FINISH_TIMEOUT_MS / 1000} s`,
      );
    }
    const failure = answer.message as Failure | null;
    if (failure) {
      const error = new Error(`could not write ${failure.file}: ${failure.message}`) as NodeJS.ErrnoException;
      if (failure.code) error.code = failure.code;
      throw error;
    }
  }

  /**
   * Stops the worker (synth failed before `finish`): lets it write what it was handed (at most
   * MAX_BYTES_IN_FLIGHT), so that nothing writes into the staging folder once synth removes it.
   */
  public abandon(): void {
    if (this.finished) return;
    this.finished = true;
    if (this.started) {
      this.worker.postMessage(null);
      Atomics.wait(this.state, Slot.Done, 0, ABANDON_TIMEOUT_MS);
    }
    this.close();
  }

  private close(): void {
    this.channel.port1.close();
    void this.worker.terminate();
  }
}

let minFiles = BACKGROUND_WRITE_MIN_FILES;

/**
 * Runs `fn` with the worker used from `threshold` files on (0: always, Infinity: never): for the tests that
 * prove both ways write the same bytes.
 */
export function withBackgroundWriteThreshold<T>(threshold: number, fn: () => T): T {
  const previous = minFiles;
  minFiles = threshold;
  try {
    return fn();
  } finally {
    minFiles = previous;
  }
}

/**
 * The sink synth uses for `fileCount` copies: the background writer when there are enough of them to pay
 * for a thread (and threads can start), else the synchronous writer.
 */
export function sinkForCopies(
  fileCount: number,
  props: BackgroundFileWriterProps = {},
): FileSink & { finish(): void; abandon(): void } {
  if (fileCount >= minFiles) {
    try {
      return new BackgroundFileWriter(props);
    } catch {
      // No thread (resource limits): write on the main thread, as for a small repository.
    }
  }
  return { writeCopies: writeCopiesNow, finish: () => undefined, abandon: () => undefined };
}
