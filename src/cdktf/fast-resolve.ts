/**
 * cdktf's `resolve` with a fast path for plain data, and the stack's `toTerraform` that uses it.
 *
 * cdktf 0.21.0's `resolve` (tokens/private/resolve.js) walks every value of a stack and, at every node,
 * builds a fresh resolution context (two closures and an object) before it looks at the value; for a string
 * it then runs the token regular expressions. Most of a stack is plain data: names, tags, descriptions,
 * already-resolved `${...}` references. `TerraformStack.toTerraform` walks everything twice (every element,
 * then the merged document): at 10,000 secrets in 50 environments, 1.8 s of 7.3 s of synth's CPU samples.
 *
 * `resolveFast(stack, value)` returns exactly what `cdktfResolve(stack, value)` returns, but copies plain data
 * itself and hands cdktf only the parts that hold a token:
 * - a string is plain when it holds no token marker (`TfToken[`), is not one of cdktf's map-token values,
 *   and does not match cdktf's number-token pattern (cdktf's own three tests on a string);
 * - a number is plain when it is a safe integer other than cdktf's map-token number (token numbers are
 *   encoded as doubles around ±1e289; every other number goes to cdktf);
 * - booleans, null and Dates are returned as they are, `undefined` as undefined (dropped from objects and
 *   arrays, as cdktf does);
 * - an array or object is walked when it is not a token itself (no `resolve` method, no map-token key, not a
 *   construct, no list-token element); anything else is resolved by cdktf, with the same scope and options,
 *   so tokens, escapes, error messages and post-processors behave as before.
 * Parts that hold a token are resolved by cdktf at their path, so its errors name the same path and its depth
 * limit (200) counts from the same root. The output is byte for byte cdktf's (value by value in
 * __tests__/cdktf/fast-resolve.test.ts; whole outputs in byte-identity.test.ts). HCL output (`--hcl`) goes
 * through cdktf's own `toHclTerraform`, unchanged.
 */
import {
  DefaultTokenResolver,
  StringConcat,
  TerraformElement,
  TerraformOutput,
  TerraformStack,
  Token,
} from "cdktf";
import { Construct } from "constructs";
import { deepMerge, isFencedCdktf, resolveWithOptions } from "./internals";

/** What cdktf/lib/_tokens.js `resolve` uses (a stateless resolver; the fence test checks that source). */
const TOKEN_RESOLVER = new DefaultTokenResolver(new StringConcat());

/** cdktf's resolution of `value` found at `prefix` (path components from the stack's document root). */
function cdktfResolveAt(stack: TerraformStack, value: unknown, prefix: readonly string[]): unknown {
  return resolveWithOptions(value, {
    scope: stack,
    preparing: false,
    resolver: TOKEN_RESOLVER,
    prefix: [...prefix],
  });
}

/** cdktf refuses to resolve deeper than this many path components (resolve.js: "circular reference"). */
const MAX_DEPTH = 200;

/**
 * An object cdktf never walks as plain data: a token (it has `resolve`) or a construct (cdktf refuses it; its
 * own test in resolve.js is `_children` and `_metadata`, beside the symbol `Construct.isConstruct` reads).
 */
function isOpaque(x: Record<string, unknown>): boolean {
  return (
    typeof x.resolve === "function" ||
    Construct.isConstruct(x) ||
    (x._children !== undefined && x._metadata !== undefined)
  );
}

// cdktf 0.21.0 tokens/private/encoding.js NUMBER_TOKEN_REGEX (its test() resets lastIndex; so does this).
const NUMBER_TOKEN_REGEX = /[-|\d|.+]+(e[-|\d|.|e|E|+]+)/;

function isPlainString(s: string): boolean {
  return (
    !s.includes("TfToken[") &&
    s !== Token.STRING_MAP_TOKEN_VALUE &&
    s !== Token.ANY_MAP_TOKEN_VALUE &&
    !NUMBER_TOKEN_REGEX.test(s)
  );
}

function isPlainNumber(n: number): boolean {
  return Number.isSafeInteger(n) && n !== Token.NUMBER_MAP_TOKEN_VALUE;
}

const DELEGATE = Symbol("delegate");

/** The plain-data copy of `value`, or DELEGATE when cdktf must resolve it. */
function copyPlain(value: unknown, depth: number): unknown {
  switch (typeof value) {
    case "undefined":
    case "boolean":
      return value;
    case "string":
      return isPlainString(value) ? value : DELEGATE;
    case "number":
      return isPlainNumber(value) ? value : DELEGATE;
    case "object":
      break;
    default:
      return DELEGATE; // functions (cdktf refuses them), bigint, symbol
  }
  if (value === null || value instanceof Date) return value;
  if (depth > MAX_DEPTH) return DELEGATE; // cdktf words the error
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const item of value) {
      const copy = copyPlain(item, depth + 1);
      if (copy === DELEGATE) return DELEGATE;
      if (copy !== undefined) out.push(copy);
    }
    return out;
  }
  const record = value as Record<string, unknown>;
  if (isOpaque(record)) return DELEGATE;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(record)) {
    if (!isPlainString(key)) return DELEGATE;
    const copy = copyPlain(record[key], depth + 1);
    if (copy === DELEGATE) return DELEGATE;
    if (copy !== undefined) out[key] = copy;
  }
  return out;
}

/**
 * cdktf's `resolve(stack, value)`, faster on plain data. Walks plain arrays and objects itself and resolves each
 * part that holds a token with cdktf, at its path (`prefix`), so that cdktf's errors name the same path and its
 * depth limit counts from the same root.
 */
export function resolveFast(stack: TerraformStack, value: unknown, prefix: readonly string[] = []): unknown {
  const plain = copyPlain(value, prefix.length);
  if (plain !== DELEGATE) return plain;
  if (value === null || typeof value !== "object" || value instanceof Date || prefix.length > MAX_DEPTH)
    return cdktfResolveAt(stack, value, prefix);
  const record = value as Record<string, unknown>;
  // A token, or a container cdktf treats as a whole (map-token keys, list tokens): cdktf's.
  if (
    Array.isArray(value)
      ? value.some(
          (x) =>
            (typeof x === "string" && x.includes("TfToken[")) || (typeof x === "number" && !isPlainNumber(x)),
        )
      : isOpaque(record) || Object.keys(record).some((k) => !isPlainString(k))
  ) {
    return cdktfResolveAt(stack, value, prefix);
  }
  if (Array.isArray(value)) {
    return value.map((x, i) => resolveFast(stack, x, [...prefix, `${i}`])).filter((x) => x !== undefined);
  }
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(record)) {
    const resolved = resolveFast(stack, record[key], [...prefix, key]);
    if (resolved !== undefined) out[key] = resolved;
  }
  return out;
}

/** cdktf 0.21.0's `terraformElements` (terraform-stack.js, not exported). */
function terraformElements(node: Construct, into: TerraformElement[] = []): TerraformElement[] {
  if (TerraformElement.isTerraformElement(node)) into.push(node);
  for (const child of node.node.children) {
    if (TerraformStack.isStack(child)) continue;
    terraformElements(child, into);
  }
  return into;
}

interface StackInternals {
  readonly cdktfVersion: string;
  readonly rawOverrides: Record<string, unknown>;
}

/**
 * `TerraformStack.prototype.toTerraform` of cdktf 0.21.0, statement for statement (the fence test compares
 * the source), with `resolveFast` in place of `resolve`.
 */
export function toTerraformFast(stack: TerraformStack): Record<string, unknown> {
  const internals = stack as unknown as StackInternals;
  const tf: Record<string, unknown> = {};
  const metadata = {
    version: internals.cdktfVersion,
    stackName: stack.node.id,
    backend: "local",
    cloud: undefined,
    ...(Object.keys(internals.rawOverrides).length > 0
      ? { overrides: { stack: Object.keys(internals.rawOverrides) } }
      : {}),
  };
  const elements = terraformElements(stack);
  const metadatas = elements.map((e) => resolveFast(stack, e.toMetadata()));
  for (const meta of metadatas) deepMerge(metadata, meta);
  const outputs = elements.reduce((carry: Record<string, unknown>, item) => {
    if (!TerraformOutput.isTerraformOutput(item)) return carry;
    deepMerge(
      carry,
      item.node.path.split("/").reduceRight((innerCarry: Record<string, unknown>, part) => {
        if (Object.keys(innerCarry).length === 0) return { [part]: item.friendlyUniqueId };
        return { [part]: innerCarry };
      }, {}),
    );
    return carry;
  }, {});
  tf["//"] = { metadata, outputs };
  const fragments = elements.map((e) => resolveFast(stack, e.toTerraform()));
  for (const fragment of fragments) deepMerge(tf, fragment);
  deepMerge(tf, internals.rawOverrides);
  return resolveFast(stack, tf) as Record<string, unknown>;
}

let useCdktfResolve = false;

/**
 * The stack's JSON document: `toTerraformFast` under the fenced cdktf, cdktf's own `toTerraform`
 * (`cdktfToTerraform`, the stack's `super.toTerraform`) under any other version or inside `withCdktfResolve`.
 */
export function stackToTerraform(stack: TerraformStack, cdktfToTerraform: () => unknown): unknown {
  if (useCdktfResolve || !isFencedCdktf()) return cdktfToTerraform();
  return toTerraformFast(stack);
}

/** Runs `fn` with cdktf's own resolution everywhere: for the tests that prove the output unchanged. */
export function withCdktfResolve<T>(fn: () => T): T {
  const previous = useCdktfResolve;
  useCdktfResolve = true;
  try {
    return fn();
  } finally {
    useCdktfResolve = previous;
  }
}
