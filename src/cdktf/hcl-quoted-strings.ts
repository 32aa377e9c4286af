/**
 * cdktf 0.21's HCL renderer escapes a plain string attribute, but writes a string that holds a token (an IAM
 * policy JSON with `${aws_kms_key.x.arn}` in it, a CloudWatch filter pattern) between quotes as it is:
 * `policy = "{"Version":"2012-10-17",…}"`, which is not HCL. This mends such lines: the value is re-escaped
 * (`\` and `"`) outside its `${…}` interpolations, which stay as they are. Lines that are valid already are left
 * alone.
 */

const ATTRIBUTE_LINE = /^(\s*[A-Za-z_][A-Za-z0-9_-]* = )"(.*)"$/;

/** Escapes the unescaped string attributes of cdktf's HCL output; other lines are returned unchanged. */
export function escapeRawHclStrings(hcl: string): string {
  return hcl
    .split("\n")
    .map((line) => {
      const m = ATTRIBUTE_LINE.exec(line);
      if (!m || !hasBareQuote(m[2])) return line;
      return `${m[1]}"${escapeOutsideInterpolations(m[2])}"`;
    })
    .join("\n");
}

/** Whether `value` has a `"` not preceded by a backslash, outside `${…}`: then cdktf did not escape it. */
function hasBareQuote(value: string): boolean {
  let depth = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (depth === 0 && c === "$" && value[i + 1] === "{") {
      depth = 1;
      i++;
    } else if (depth > 0) {
      if (c === "{") depth++;
      else if (c === "}") depth--;
    } else if (c === "\\") i++;
    else if (c === '"') return true;
  }
  return false;
}

function escapeOutsideInterpolations(value: string): string {
  let out = "";
  let depth = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (depth === 0 && c === "$" && value[i + 1] === "{") {
      depth = 1;
      out += "${";
      i++;
    } else if (depth > 0) {
      if (c === "{") depth++;
      else if (c === "}") depth--;
      out += c;
    } else if (c === "\\" || c === '"') out += `\\${c}`;
    else out += c;
  }
  return out;
}

/**
 * cdktf 0.21 quotes a resource's provider reference in HCL (`provider = "aws.env_x"`), which Terraform
 * deprecates: the reference unquoted (`provider = aws.env_x`).
 */
export function unquoteProviderReferences(hcl: string): string {
  return hcl.replace(/^(\s*provider = )"(aws\.[A-Za-z_][A-Za-z0-9_-]*)"$/gm, "$1$2");
}
