/**
 * Copies each encrypted source file into its stack's folder at synth time, so that a stack folder is
 * self-contained: `source_file = "secrets/<env>/<name>.enc.json"` resolves from the stack directory on any
 * machine, including remote runs that upload only the stack folder. The bytes written are the bytes that
 * were checked (never re-read from the repository), and only encrypted files get here: synth refuses
 * plaintext before any construct exists.
 *
 * A plain write of the checked bytes, not a cdktf TerraformAsset: an asset re-reads (and hashes) each file
 * from the repository, so it could publish bytes other than the ones the rules saw, and it costs at least as
 * much (docs/BENCHMARKS.md, "floor: bare cdktf + TerraformAsset").
 *
 * Not a hard link: a later in-place edit of the source would change the published copy too. Not a reflink
 * (`copyFileSync` with COPYFILE_FICLONE) either: it copies whatever the source holds at that moment, not the
 * bytes that were checked, and on ext4 it falls back to a plain copy anyway. Writing the Buffer read for the
 * checks costs one open, write and close per file; the time goes into creating the files, which any other way
 * of making 10,000 independent files pays as well (tested in __tests__/stacks/stack-source-files.test.ts).
 * Who writes is the sink's choice: synth hands large sets to a worker thread (src/synth/background-writer.ts)
 * so that the kernel's time creating files overlaps the main thread's. That writer may give an unchanged copy
 * of the previous output a second name instead of a new file: never a link to the repository's file, only to
 * a copy an earlier synth wrote, reached through no symbolic link and with no other name, kept only as a
 * regular file with exactly two names and exactly this synth's checked bytes;
 * the previous output is deleted when the new one is published, so each published copy is again one
 * independent file (tested in __tests__/synth/background-writer.test.ts).
 */
import * as fs from "fs";
import * as path from "path";
import { Construct } from "constructs";
import { ISynthesisSession, TerraformStack } from "cdktf";
import { addCustomSynthesis } from "../cdktf/internals";

/** The folder inside a stack directory that holds the copies. */
export const STACK_SOURCES_DIR = "secrets";

/** One copy to write: absolute path, and the checked bytes. */
export interface SourceCopy {
  readonly file: string;
  readonly content: Uint8Array;
}

/**
 * Where the copies go. Writing is the sink's job, so that synth can write them on a worker thread
 * (src/synth/background-writer.ts) while the main thread goes on; every sink writes exactly `content` to
 * `file`, creating folders as needed. A sink may write later than `writeCopies` returns: whoever made it
 * waits for it before publishing the output.
 */
export interface FileSink {
  writeCopies(copies: readonly SourceCopy[]): void;
}

/** The synchronous sink: one mkdir per new folder, one open/write/close per file, on this thread. */
export function writeCopiesNow(copies: readonly SourceCopy[]): void {
  const made = new Set<string>();
  for (const { file, content } of copies) {
    const dir = path.dirname(file);
    if (!made.has(dir)) {
      fs.mkdirSync(dir, { recursive: true });
      made.add(dir);
    }
    fs.writeFileSync(file, content);
  }
}

export interface StackSourceFilesProps {
  /**
   * Writes the copies when the stack is synthesized.
   * @default - written synchronously during synthesis (`writeCopiesNow`)
   */
  readonly sink?: FileSink;
}

export class StackSourceFiles extends Construct {
  private readonly files = new Map<string, Buffer>();
  private readonly sink: FileSink;

  constructor(scope: Construct, id: string, props: StackSourceFilesProps = {}) {
    super(scope, id);
    this.sink = props.sink ?? { writeCopies: writeCopiesNow };
    addCustomSynthesis(this, { onSynthesize: (session: ISynthesisSession) => this.write(session) });
  }

  /**
   * Registers a file and returns the path Terraform should use, relative to the stack directory.
   * @param repoPath repository-relative POSIX path under secrets/
   */
  public add(repoPath: string, content: Buffer): string {
    if (!repoPath.startsWith(`${STACK_SOURCES_DIR}/`) || repoPath.split("/").includes("..")) {
      throw new Error(`source file path must be under ${STACK_SOURCES_DIR}/, received ${repoPath}`);
    }
    this.files.set(repoPath, content);
    return repoPath;
  }

  private write(session: ISynthesisSession): void {
    const stack = TerraformStack.of(this);
    const stackDir = path.join(session.outdir, session.manifest.forStack(stack).workingDirectory);
    const target = path.join(stackDir, STACK_SOURCES_DIR);
    // Files removed from the repository must not linger in the stack folder.
    fs.rmSync(target, { recursive: true, force: true });
    this.sink.writeCopies(
      [...this.files].map(([repoPath, content]) => ({
        file: path.join(stackDir, ...repoPath.split("/")),
        content,
      })),
    );
  }
}
