/**
 * A repository rule, in the style of cdk-nag: a stable ID, a severity, a short title and an explanation,
 * and a check that turns the analysed repository into diagnostics. `npm run check` and synth run the same
 * rules (src/rules/index.ts).
 *
 * A rule is a pure function of its RuleContext: everything it needs (cdktf.json, .sops.yaml, .gitignore,
 * what Git would commit, the parsed secret files) is loaded once, before any rule runs, by
 * src/analysis/load-context.ts. A rule reads no file and runs no process, so it can be tested with an
 * in-memory context (test-support/rule-context.ts).
 */
import { ProjectConfig } from "../config/config";
import { Diagnostic, Severity } from "../diagnostics";
import { Discovery, SecretFileRef } from "../discovery/discover-secrets";
import { GitFacts } from "../analysis/git-facts";
import { ParsedSopsFile } from "../sops/parse-sops-file";
import { CreationRule, ReadSopsConfigResult } from "../sops/sops-config";

/** One secret file, read and parsed once for every rule. */
export interface InspectedFile {
  readonly ref: SecretFileRef;
  /** Size in bytes of the file as read. */
  readonly size: number;
  /** Undefined when the file could not be read or parsed (then `problem` says why). */
  readonly parsed?: ParsedSopsFile;
  /** Why the file could not be read or parsed (an SS012 diagnostic, reported by the parse-error rule). */
  readonly problem?: Diagnostic;
}

/** `.sops.yaml` as loaded, and the creation rule of each path (memoised). */
export interface SopsConfigFacts {
  readonly result: ReadSopsConfigResult;
  /**
   * Set when `.sops.yaml` exists but cannot be used as a file (a folder, FIFO, unreadable): e.g. "is not a
   * regular file (a folder, FIFO, socket or device)". Then `result.found` is false.
   */
  readonly unreadable?: string;
  /** The first creation rule matching a repository-relative path. */
  ruleFor(relativePath: string): CreationRule | undefined;
}

export interface RuleContext {
  /** cdktf.json `context`, validated (rules run only when it has no error). */
  readonly config: ProjectConfig;
  /** What loading cdktf.json reported besides errors (warnings), reported by the SS011 rule. */
  readonly configDiagnostics: readonly Diagnostic[];
  readonly discovery: Discovery;
  /** Every secret file of every environment, in discovery order. */
  readonly files: readonly InspectedFile[];
  readonly sops: SopsConfigFacts;
  /** The lines of the root `.gitignore`, trimmed; undefined when there is none (or it is not a regular file). */
  readonly gitignore?: readonly string[];
  /** What Git would commit, and which secret files and folders Git ignores. */
  readonly git: GitFacts;
}

export interface Rule {
  /** Stable ID, e.g. "SS001". Never reused for another meaning. */
  readonly id: string;
  readonly severity: Severity;
  /** Short name, e.g. "not-encrypted". */
  readonly title: string;
  /** Why the rule exists (README table and `npm run check -- --explain`). */
  readonly explanation: string;
  /**
   * Whether `context.suppressions` in cdktf.json may silence a finding of this rule for one file. False for
   * rules whose findings mean plaintext is (or may be) committed, or that synth cannot work past.
   * @default true
   */
  readonly suppressible?: boolean;
  /** Returns one diagnostic per problem. Must never include a secret value in a message. Pure: no I/O. */
  check(context: RuleContext): Diagnostic[];
}
