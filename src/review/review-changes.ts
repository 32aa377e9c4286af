/**
 * Turns the list of changed paths under secrets/ into a review: per secret file its environment, secret
 * name, what changed in it and what Terraform will do. Pure: the caller hands in the file contents
 * (src/review/git-changes.ts reads them from git and the working tree).
 */
import { DEFAULT_SETTINGS, ProjectConfig, secretNameFor, settingsFor } from "../config/config";
import { compare, InputType, parseSecretPath, SECRETS_DIR } from "../discovery/discover-secrets";
import { ParsedSopsFile, parseSopsFile } from "../sops/parse-sops-file";
import { diffSecretFile, FileContentDiff } from "./diff-secret-file";

/** One line of `git diff --name-status -M`, restricted to secrets/. */
export interface PathChange {
  /** A added, M modified, D deleted, R renamed, T type changed. */
  readonly status: "A" | "M" | "D" | "R" | "T";
  /** The path in the new version (for D: the deleted path). Repository-relative, POSIX. */
  readonly path: string;
  /** R only: the path in the base. */
  readonly oldPath?: string;
}

export interface ReviewInput {
  /** What the base is, for the heading: the ref as given and the commit it resolved to. */
  readonly base: { readonly ref: string; readonly commit: string };
  readonly changes: readonly PathChange[];
  /** Content of a path in the base. */
  readonly readBefore: (path: string) => string;
  /** Content of a path in the working tree. */
  readonly readAfter: (path: string) => string;
  /** Undefined when cdktf.json could not be loaded: names and recovery windows then use the defaults. */
  readonly config?: ProjectConfig;
  /** Environments with at least one secret file in the base and in the working tree. */
  readonly environmentsBefore: readonly string[];
  readonly environmentsAfter: readonly string[];
}

/** A secret file as Terraform sees it. */
export interface SecretSide {
  readonly path: string;
  readonly environment: string;
  /** Logical name (`payments/stripe`). */
  readonly name: string;
  /** The Secrets Manager name from the name template. */
  readonly secretName: string;
  readonly inputType: InputType;
  readonly recoveryWindowInDays: number;
}

export type ReviewStatus = "added" | "modified" | "renamed" | "deleted";

export interface FileReview {
  readonly status: ReviewStatus;
  /** Sort key and heading: the new path, or the deleted path. */
  readonly path: string;
  readonly before?: SecretSide;
  readonly after?: SecretSide;
  /** Undefined for deletions and when a version cannot be parsed. */
  readonly content?: FileContentDiff;
  /** A version that cannot be parsed: only its format and line are kept (parser messages may quote content). */
  readonly unparseable?: { readonly side: "base" | "working tree"; readonly line?: number };
  /** The deleted or renamed-away file was the last secret file of its environment. */
  readonly lastOfEnvironment: boolean;
  /** The added or renamed-in file starts a new environment (set on the environment's first file only). */
  readonly newEnvironment: boolean;
}

export interface ReviewReport {
  readonly base: { readonly ref: string; readonly commit: string };
  /** Sorted by path. */
  readonly files: readonly FileReview[];
  /** True when cdktf.json could not be loaded and the defaults were used. */
  readonly configDefaults: boolean;
}

/** Environment, logical name and format of a path under secrets/; undefined when it is no secret file. */
export function secretPathInfo(
  path: string,
): { environment: string; name: string; inputType: InputType } | undefined {
  const parts = path.split("/");
  if (parts.length < 3 || parts[0] !== SECRETS_DIR || parts[1] === "") return undefined;
  const parsed = parseSecretPath(parts.slice(2).join("/"));
  return parsed && { environment: parts[1], ...parsed };
}

export function reviewChanges(input: ReviewInput): ReviewReport {
  const side = (path: string | undefined): SecretSide | undefined => {
    const info = path === undefined ? undefined : secretPathInfo(path);
    if (!info || path === undefined) return undefined;
    const settings = input.config ? settingsFor(input.config, info.environment) : DEFAULT_SETTINGS;
    return {
      path,
      ...info,
      secretName: secretNameFor(settings, info.environment, info.name),
      recoveryWindowInDays: settings.recoveryWindowInDays,
    };
  };
  const before = new Set(input.environmentsBefore);
  const after = new Set(input.environmentsAfter);
  const files: FileReview[] = [];
  for (const change of input.changes) {
    const oldSide = side(change.status === "A" ? undefined : (change.oldPath ?? change.path));
    const newSide = side(change.status === "D" ? undefined : change.path);
    if (!oldSide && !newSide) continue;
    const status: ReviewStatus = !oldSide
      ? "added"
      : !newSide
        ? "deleted"
        : oldSide.path !== newSide.path
          ? "renamed"
          : "modified";
    let content: FileContentDiff | undefined;
    let unparseable: FileReview["unparseable"];
    if (newSide) {
      const now = parse(newSide, input.readAfter);
      const old = oldSide ? parse(oldSide, input.readBefore) : undefined;
      if (!now.ok) unparseable = { side: "working tree", line: now.line };
      else if (old && !old.ok) unparseable = { side: "base", line: old.line };
      else content = diffSecretFile(old?.file, now.file);
    }
    files.push({
      status,
      path: newSide?.path ?? oldSide!.path,
      before: oldSide,
      after: newSide,
      content,
      unparseable,
      lastOfEnvironment:
        oldSide !== undefined &&
        oldSide.environment !== newSide?.environment &&
        !after.has(oldSide.environment),
      newEnvironment:
        newSide !== undefined &&
        newSide.environment !== oldSide?.environment &&
        !before.has(newSide.environment),
    });
  }
  files.sort((a, b) => compare(a.path, b.path) || compare(a.before?.path ?? "", b.before?.path ?? ""));
  // A new environment is announced once, on its first file.
  const announced = new Set<string>();
  const deduplicated = files.map((f): FileReview => {
    if (!f.newEnvironment || !f.after) return f;
    if (announced.has(f.after.environment)) return { ...f, newEnvironment: false };
    announced.add(f.after.environment);
    return f;
  });
  return { base: input.base, files: deduplicated, configDefaults: input.config === undefined };
}

type Parsed = { ok: true; file: ParsedSopsFile } | { ok: false; line?: number };

function parse(side: SecretSide, read: (path: string) => string): Parsed {
  const result = parseSopsFile(side.path, read(side.path), side.inputType);
  return result.ok ? result : { ok: false, line: result.diagnostic.line };
}
