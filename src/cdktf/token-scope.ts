/**
 * Frees each stack's tokens once the stack is written.
 *
 * cdktf keeps every token it ever stringifies in one process-wide map (`TokenMap`, tokens/private/token-map.js:
 * key → token object), so that a string like `${TfToken[TOKEN.42]}` can be resolved later. Nothing ever
 * removes an entry, and a token holds its construct (a reference holds its resource, which holds its stack),
 * so every stack synth builds stays reachable until the process ends: ~1.4 MB per 200 secrets, ~150 MB at
 * 10,000, whatever one `App` per stack does (src/cdktf/stack-by-stack.ts).
 *
 * `withTokensFreedAfter(fn)` removes the entries `fn` registered once it returns. Keys carry the map's
 * counter (`<hint>.<n>` for strings, `n` for numbers) and the counter only grows, so the entries of `fn` are
 * exactly those numbered from the counter's value at the start. Only for work whose tokens are never resolved
 * afterwards: a stack that references no other stack, synthesized inside `fn`. Should a token of `fn` be
 * resolved later after all, cdktf fails loudly ("Unrecognized Token Key"), it never resolves to something
 * else: counters are never reused. Under any cdktf other than the fenced version it does nothing.
 */
import { isFencedCdktf, TokenMap } from "./internals";

interface TokenMapInternals {
  readonly stringTokenMap: Map<string, unknown>;
  readonly numberTokenMap: Map<number, unknown>;
  readonly tokenCounter: number;
}

function tokenMap(): TokenMapInternals | undefined {
  const map = TokenMap.instance() as unknown as TokenMapInternals;
  if (
    !map ||
    !(map.stringTokenMap instanceof Map) ||
    !(map.numberTokenMap instanceof Map) ||
    typeof map.tokenCounter !== "number"
  )
    return undefined;
  return map;
}

export function withTokensFreedAfter<T>(fn: () => T): T {
  const start = isFencedCdktf() ? tokenMap()?.tokenCounter : undefined;
  const result = fn();
  const map = tokenMap();
  if (start === undefined || !map) return result;
  for (const key of map.stringTokenMap.keys()) {
    if (Number(key.slice(key.lastIndexOf(".") + 1)) >= start) map.stringTokenMap.delete(key);
  }
  for (const key of map.numberTokenMap.keys()) {
    if (key >= start) map.numberTokenMap.delete(key);
  }
  return result;
}
