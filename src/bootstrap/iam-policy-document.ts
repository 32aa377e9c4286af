/**
 * IAM and resource policy documents built in TypeScript (no `data "aws_iam_policy_document"`), and their one
 * serialization: a fixed key order and sorted actions, so that synth output is byte-identical run after run.
 * Strings may hold cdktf tokens (an ARN not known before apply); they resolve inside the JSON string.
 */

export type ConditionBlock = Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;

export type PolicyPrincipal =
  | "*"
  | {
      readonly AWS?: string | readonly string[];
      readonly Service?: string | readonly string[];
      readonly Federated?: string;
    };

export interface PolicyStatement {
  /** Statement ID: what the statement is for, in PascalCase. */
  readonly Sid: string;
  readonly Effect: "Allow" | "Deny";
  /** Only in resource policies (key and bucket policies). @default - none (identity policy) */
  readonly Principal?: PolicyPrincipal;
  /** Exactly one of Action and NotAction. */
  readonly Action?: readonly string[];
  /** @default - none (Action is set) */
  readonly NotAction?: readonly string[];
  /** @default - none: trust policies name no resource */
  readonly Resource?: string | readonly string[];
  /** @default - none */
  readonly Condition?: ConditionBlock;
}

export interface PolicyDocument {
  readonly Version: "2012-10-17";
  readonly Statement: readonly PolicyStatement[];
}

export function policyDocument(statements: readonly PolicyStatement[]): PolicyDocument {
  return { Version: "2012-10-17", Statement: statements };
}

/**
 * Compact JSON with keys in a fixed order (Sid, Effect, Principal, Action or NotAction, Resource, Condition) and
 * sorted actions.
 */
export function policyJson(doc: PolicyDocument): string {
  return JSON.stringify({
    Version: doc.Version,
    Statement: doc.Statement.map((s) => ({
      Sid: s.Sid,
      Effect: s.Effect,
      ...(s.Principal !== undefined && { Principal: s.Principal }),
      ...(s.Action !== undefined && { Action: [...s.Action].sort() }),
      ...(s.NotAction !== undefined && { NotAction: [...s.NotAction].sort() }),
      ...(s.Resource !== undefined && { Resource: s.Resource }),
      ...(s.Condition !== undefined && { Condition: sortKeys(s.Condition) }),
    })),
  });
}

function sortKeys<T>(obj: Readonly<Record<string, T>>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const key of Object.keys(obj).sort()) {
    const v = obj[key];
    out[key] = (
      typeof v === "object" && v !== null && !Array.isArray(v) ? sortKeys(v as Record<string, unknown>) : v
    ) as T;
  }
  return out;
}
