/**
 * Summarises a V8 .cpuprofile (from `node --cpu-prof`): self time per function and per area (project
 * code, cdktf, constructs, provider bindings, Node internals, GC), and inclusive time of chosen functions.
 */
import * as fs from "fs";

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
}

interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
  readonly children?: readonly number[];
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export interface HotSpot {
  readonly name: string;
  /** `file:line`, shortened. */
  readonly where: string;
  readonly area: string;
  readonly ms: number;
  readonly share: number;
}

export interface ProfileSummary {
  readonly totalMs: number;
  /** Self time per function, largest first. */
  readonly functions: readonly HotSpot[];
  /** Self time per area, largest first. */
  readonly areas: readonly { readonly area: string; readonly ms: number; readonly share: number }[];
  /** Inclusive time of the requested functions (each sample counted once per function, recursion or not). */
  readonly inclusive: readonly { readonly name: string; readonly ms: number; readonly share: number }[];
}

/** Which part of the process a frame belongs to. */
export function areaOf(frame: CallFrame): string {
  const { url, functionName } = frame;
  if (!url) {
    if (functionName === "(garbage collector)") return "GC";
    if (functionName === "(idle)") return "idle";
    if (functionName === "(program)") return "(program): V8/native";
    return "native";
  }
  if (url.startsWith("node:")) return "node internals";
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(.*)$/.exec(url);
  if (m) {
    if (m[1] === ".cache") return "project code (bundle)";
    if (m[1] === "cdktf") return /\/lib\/tokens\//.test(m[2]) ? "cdktf tokens" : "cdktf";
    return m[1];
  }
  return "other";
}

function shortWhere(frame: CallFrame): string {
  const url = frame.url.replace(/^file:\/\//, "");
  const m = /node_modules\/(.*)$/.exec(url);
  const file = m ? m[1].replace(/^\.cache\/sops-secrets\//, "<bundle>/") : url.replace(/^.*\//, "");
  return file ? `${file}:${frame.lineNumber + 1}` : "";
}

export function summarizeProfile(
  file: string,
  inclusiveNames: readonly string[] = [],
  top = 20,
): ProfileSummary {
  const profile = JSON.parse(fs.readFileSync(file, "utf8")) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

  // timeDeltas[i] is the time between sample i-1 and sample i: charge it to sample i.
  const selfById = new Map<number, number>();
  let totalUs = 0;
  profile.samples.forEach((id, i) => {
    const dt = Math.max(0, profile.timeDeltas[i] ?? 0);
    selfById.set(id, (selfById.get(id) ?? 0) + dt);
    totalUs += dt;
  });

  const fnSelf = new Map<string, { frame: CallFrame; us: number }>();
  const areaSelf = new Map<string, number>();
  for (const [id, us] of selfById) {
    const frame = byId.get(id)!.callFrame;
    const key = `${frame.functionName}|${frame.url}|${frame.lineNumber}`;
    const entry = fnSelf.get(key) ?? { frame, us: 0 };
    entry.us += us;
    fnSelf.set(key, entry);
    const area = areaOf(frame);
    areaSelf.set(area, (areaSelf.get(area) ?? 0) + us);
  }

  const wanted = new Set(inclusiveNames);
  const inclusiveUs = new Map<string, number>();
  if (wanted.size > 0) {
    profile.samples.forEach((id, i) => {
      const dt = Math.max(0, profile.timeDeltas[i] ?? 0);
      const seen = new Set<string>();
      for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
        const name = byId.get(cur)!.callFrame.functionName;
        if (wanted.has(name) && !seen.has(name)) {
          seen.add(name);
          inclusiveUs.set(name, (inclusiveUs.get(name) ?? 0) + dt);
        }
      }
    });
  }

  const totalMs = totalUs / 1000;
  const share = (us: number) => (totalUs > 0 ? us / totalUs : 0);
  return {
    totalMs,
    functions: [...fnSelf.values()]
      .sort((a, b) => b.us - a.us)
      .slice(0, top)
      .map(({ frame, us }) => ({
        name: frame.functionName || "(anonymous)",
        where: shortWhere(frame),
        area: areaOf(frame),
        ms: us / 1000,
        share: share(us),
      })),
    areas: [...areaSelf.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([area, us]) => ({ area, ms: us / 1000, share: share(us) })),
    inclusive: inclusiveNames.map((name) => {
      const us = inclusiveUs.get(name) ?? 0;
      return { name, ms: us / 1000, share: share(us) };
    }),
  };
}
