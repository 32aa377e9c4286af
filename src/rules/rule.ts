/**
 * A repository rule, in the style of cdk-nag: a stable ID, a severity, a short title and an explanation,
 * and a check that turns the analysed repository into diagnostics. `npm run check` and synth run the same
 * rules (src/rules/index.ts).
 */
import { ProjectConfig } from "../config/config";
import { Diagnostic, Severity } from "../diagnostics";
import { Discovery, SecretFileRef } from "../discovery/discover-secrets";
import { ParsedSopsFile } from "../sops/parse-sops-file";

/** One secret file, read and parsed once for every rule. */
export interface InspectedFile {
  readonly ref: SecretFileRef;
  /** Size in bytes of the file as read. */
  readonly size: number;
  /** Undefined when the file could not be parsed (the parse error is reported separately). */
  readonly parsed?: ParsedSopsFile;
}

export interface RuleContext {
  /** Absolute path of the project root (never printed: diagnostics use repository-relative paths). */
  readonly root: string;
  readonly config: ProjectConfig;
  readonly discovery: Discovery;
  /** Every secret file of every environment, in discovery order. */
  readonly files: readonly InspectedFile[];
}

export interface Rule {
  /** Stable ID, e.g. "SS001". Never reused for another meaning. */
  readonly id: string;
  readonly severity: Severity;
  /** Short name, e.g. "not-encrypted". */
  readonly title: string;
  /** Why the rule exists (README table and `npm run check -- --explain`). */
  readonly explanation: string;
  /** Returns one diagnostic per problem. Must never include a secret value in a message. */
  check(context: RuleContext): Diagnostic[];
}
