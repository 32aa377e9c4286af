/**
 * cdktf records a complete, formatted stack trace (`Error.stackTraceLimit = Infinity`) for every token it
 * creates (`Intrinsic`, `Lazy`: their `creationStack`), whatever `new App({ stackTraces: false })` says, and
 * reads it only to word an error about that token. At 10,000 secrets that is ~53,000 captures of ~25 frames:
 * ~30 % of synth's time and ~150 MB of peak RSS (docs/BENCHMARKS.md). `withoutTokenStackTraces` turns the
 * capture off while `fn` runs; the synthesized output is byte for byte the same (tested).
 */
// The module object itself, not a copy: cdktf looks the export up at each call
// (`(0, stack_trace_1.captureStackTrace)()`), so replacing it here reaches every token.
// eslint-disable-next-line @typescript-eslint/no-require-imports
import stackTraceModule = require("cdktf/lib/tokens/private/stack-trace");

type Capture = typeof stackTraceModule.captureStackTrace;
const mutable = stackTraceModule as unknown as { captureStackTrace: Capture };
const noCapture: Capture = () => [];

export function withoutTokenStackTraces<T>(fn: () => T): T {
  const original = mutable.captureStackTrace;
  // cdktf is pinned (0.21.0); should the internal module ever change shape, run with traces, unchanged.
  if (typeof original !== "function") return fn();
  mutable.captureStackTrace = noCapture;
  try {
    return fn();
  } finally {
    mutable.captureStackTrace = original;
  }
}
