/**
 * `__proto__` as a key in cdktf.json: JSON allows it, but JavaScript objects cannot hold it as an ordinary
 * key (assigning it sets the prototype), so it would be dropped without a word, or worse. It is refused
 * wherever it appears in the configuration, with its key path.
 */
import { Diagnostic } from "../diagnostics";
import { configInvalidValue } from "../errors";
import { isObject } from "../util/is-object";
import { keyPath } from "./schema-kit";

export const RESERVED_KEY = "__proto__";

/** One error per `__proto__` key in `value` (searched at every depth), named by its path under `root`. */
export function reservedKeyDiagnostics(value: unknown, root: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  const visit = (v: unknown, path: readonly PropertyKey[]): void => {
    if (Array.isArray(v)) v.forEach((item, i) => visit(item, [...path, i]));
    else if (isObject(v))
      for (const key of Object.keys(v)) {
        const at = [...path, key];
        if (key === RESERVED_KEY) {
          const p = keyPath(root, at);
          out.push(
            configInvalidValue(
              p,
              `uses the key "${RESERVED_KEY}", which JavaScript reserves: it cannot name an environment, a tag or a setting`,
              `rename or remove "${p}"`,
            ),
          );
        } else visit(v[key], at);
      }
  };
  visit(value, []);
  return out;
}
