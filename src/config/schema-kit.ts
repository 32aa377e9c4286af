/**
 * Building blocks for the configuration schema (src/config/schema.ts): zod schemas that, when a value fails,
 * say what the project's diagnostics say (`"context.region" must be an AWS region such as us-east-1, received
 * a number`), and `diagnosticsOf`, which turns zod's issues into those diagnostics with the key path.
 *
 * Each block carries its complaint as the zod issue message (a small JSON object, internal only); `{path}` and
 * `{parent}` in a complaint become the failing key's path and its parent's. Complaints never hold a value:
 * a received value is described by its type only (`describeReceived`).
 */
import { z } from "zod";
import { Diagnostic } from "../diagnostics";
import { configInvalidValue, configUnknownKey, configWrongType, describeReceived } from "../errors";

/** What a failed check reports. */
export type Complaint =
  | { readonly kind: "type"; readonly expected: string; readonly received: string }
  | { readonly kind: "invalid"; readonly problem: string; readonly fix: string }
  | { readonly kind: "unknown"; readonly known: readonly string[] };

/** The zod issue fields a complaint is made from. */
interface RawIssue {
  readonly code?: string;
  readonly input?: unknown;
}

function say(complaint: Complaint): string {
  return JSON.stringify(complaint);
}

/** An error function: "`{path}` must be `expected`, received <the input's type>". */
export function mustBe(expected: string) {
  return (issue: RawIssue): string =>
    say({
      kind: "type",
      expected,
      received: describeReceived(
        issue.input,
        issue.code !== "invalid_type" && issue.code !== "invalid_union",
      ),
    });
}

/** An error function: "`{path}` <problem>", with `fix`; both may use the input. */
export function invalid(problem: (input: unknown) => string, fix: (input: unknown) => string) {
  return (issue: RawIssue): string =>
    say({ kind: "invalid", problem: problem(issue.input), fix: fix(issue.input) });
}

/** Adds a refinement: `problemOf(value)` returns a complaint, or undefined when the value is fine. */
export function refineWith<T extends z.ZodType>(
  schema: T,
  problemOf: (value: z.output<T>) => Complaint | undefined,
): T {
  return schema.superRefine((value, ctx) => {
    const complaint = problemOf(value);
    if (complaint) ctx.addIssue({ code: "custom", message: say(complaint), input: value });
  }) as unknown as T;
}

/**
 * Adds a refinement across an object's keys: `problemOf(value)` returns a complaint, reported at `key` (the
 * key the fix is about), or undefined when the object is fine.
 */
export function refineKey<T extends z.ZodType>(
  schema: T,
  key: string,
  problemOf: (value: z.output<T>) => Complaint | undefined,
): T {
  return schema.superRefine((value, ctx) => {
    const complaint = problemOf(value);
    if (complaint) ctx.addIssue({ code: "custom", message: say(complaint), input: value, path: [key] });
  }) as unknown as T;
}

/** A non-empty string matching `pattern`; anything else: "must be `expected`". */
export function text(pattern: RegExp, expected: string) {
  const error = mustBe(expected);
  return z.string({ error }).min(1, { error, abort: true }).regex(pattern, { error });
}

/** A non-empty string with an extra check (`problemOf` returns a complaint or undefined). */
export function checkedText(expected: string, problemOf: (value: string) => Complaint | undefined) {
  const error = mustBe(expected);
  return refineWith(z.string({ error }).min(1, { error, abort: true }), problemOf);
}

/** An integer from `min` to `max`; out of range: "is <n>; `why`", and `fix`. */
export function integer(
  min: number,
  max: number,
  why: string,
  fix = `set "{path}" to a number from ${min} to ${max}`,
) {
  const error = mustBe("an integer");
  const range = invalid(
    (v) => `is ${String(v)}; ${why}`,
    () => fix,
  );
  return z
    .number({ error })
    .int({ error, abort: true })
    .min(min, { error: range, abort: true })
    .max(max, { error: range });
}

/** `true` or `false`. */
export function flag() {
  return z.boolean({ error: mustBe("true or false") });
}

/** An object with exactly the keys of `shape` (all optional unless the shape says otherwise). */
export function strict<S extends z.ZodRawShape>(shape: S, expected: string) {
  const known = Object.keys(shape);
  const wrongType = mustBe(expected);
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === "unrecognized_keys" ? say({ kind: "unknown", known }) : wrongType(issue),
  });
}

/**
 * An object keyed by names that `keyProblem` accepts (a complaint when it does not), each value checked by
 * `value`. Parsed into an object without prototype, so that no key (`constructor`, `toString`) can collide
 * with an inherited property. (`__proto__` is refused before parsing: see `reservedKeyDiagnostics`.)
 */
export function keyed<K extends z.ZodType<string>, V extends z.ZodType>(key: K, value: V, expected: string) {
  return z.record(key, value, { error: mustBe(expected) });
}

/** A key schema for `keyed`: a string checked by `problemOf`, with `pattern` for editors. */
export function keyName(
  pattern: RegExp,
  maxLength: number,
  problemOf: (key: string) => Complaint | undefined,
) {
  const complain = (issue: RawIssue): string => {
    const complaint = typeof issue.input === "string" ? problemOf(issue.input) : undefined;
    return say(
      complaint ?? { kind: "invalid", problem: "is not a valid name", fix: 'rename or remove "{path}"' },
    );
  };
  return refineWith(
    z
      .string()
      .regex(pattern, { error: complain, abort: true })
      .max(maxLength, { error: complain, abort: true }),
    problemOf,
  );
}

/**
 * An array of `item`. `problemsOf` may complain about the whole list (duplicates); it sees every item, valid
 * or not (so that all problems are reported at once), and names an item (`index`) or, without one, the list.
 */
export function list<T extends z.ZodType>(
  item: T,
  expected: string,
  problemsOf?: (items: readonly unknown[]) => readonly { index?: number; complaint: Complaint }[],
) {
  const array = z.array(item, { error: mustBe(expected) });
  if (!problemsOf) return array;
  return array.superRefine(
    (items, ctx) => {
      for (const found of problemsOf(items))
        ctx.addIssue({
          code: "custom",
          message: say(found.complaint),
          input: items,
          path: found.index === undefined ? [] : [found.index],
        });
    },
    { when: (payload) => Array.isArray(payload.value) },
  );
}

/** Every item whose key (by `keyOf`; undefined skips the item) appeared before: its index and key. */
export function duplicates(
  items: readonly unknown[],
  keyOf: (item: unknown) => string | undefined,
): { index: number; key: string }[] {
  const seen = new Set<string>();
  const out: { index: number; key: string }[] = [];
  for (const [index, item] of items.entries()) {
    const key = keyOf(item);
    if (key === undefined) continue;
    if (seen.has(key)) out.push({ index, key });
    seen.add(key);
  }
  return out;
}

/** `keyOf` for `duplicates`: the item itself when it is a string. */
export function ifString(item: unknown): string | undefined {
  return typeof item === "string" ? item : undefined;
}

/** The key path of a zod path: `context.replicaRegions[0].region`. */
export function keyPath(root: string, path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (out, part) => (typeof part === "number" ? `${out}[${part}]` : `${out}.${String(part)}`),
    root,
  );
}

/** zod's issues as the project's diagnostics, each naming the key path under `root`. */
export function diagnosticsOf(issues: readonly z.core.$ZodIssue[], root: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const issue of issues) collect(issue, [], root, out);
  return out;
}

function collect(
  issue: z.core.$ZodIssue,
  base: readonly PropertyKey[],
  root: string,
  out: Diagnostic[],
): void {
  const path = [...base, ...issue.path];
  if (issue.code === "invalid_union" && issue.errors.length > 0) {
    // The branch whose type matched the input (an object for an object branch) explains the problem; when no
    // branch matched, the union's own message does.
    const branch = issue.errors.find(
      (branchIssues) => !branchIssues.some((i) => i.code === "invalid_type" && i.path.length === 0),
    );
    if (branch) {
      for (const inner of branch) collect(inner, path, root, out);
      return;
    }
  }
  if (issue.code === "invalid_key") {
    for (const inner of issue.issues) collect(inner, path, root, out);
    return;
  }
  if (issue.code === "unrecognized_keys") {
    const complaint = parse(issue.message);
    const known = complaint?.kind === "unknown" ? complaint.known : [];
    for (const key of issue.keys) out.push(configUnknownKey(keyPath(root, [...path, key]), known));
    return;
  }
  out.push(fromComplaint(issue.message, path, root));
}

function parse(message: string): Complaint | undefined {
  try {
    return JSON.parse(message) as Complaint;
  } catch {
    return undefined;
  }
}

function fromComplaint(message: string, path: readonly PropertyKey[], root: string): Diagnostic {
  const at = keyPath(root, path);
  const parent = keyPath(root, path.slice(0, -1));
  const fill = (s: string) => s.replaceAll("{path}", at).replaceAll("{parent}", parent);
  const complaint = parse(message);
  if (complaint?.kind === "type") return configWrongType(at, complaint.expected, complaint.received);
  if (complaint?.kind === "invalid")
    return configInvalidValue(at, fill(complaint.problem), fill(complaint.fix));
  // A schema block without a complaint of its own: still one path-named error, never zod's text (which could
  // quote the value).
  return configInvalidValue(at, "is not valid", `fix "${at}" (see README, "Configuration")`);
}
