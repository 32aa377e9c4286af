/** Whether `v` is a plain JSON/YAML object (a mapping): not null, not an array. The one home of this check. */
export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
