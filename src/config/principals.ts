/**
 * Readers: the IAM principals a secret's resource policy lets read it. The one home of what a reader may be
 * (an account, a role, a user) and of its normal form (a 12-digit account ID becomes the account's root ARN).
 * Pure and dependency-free.
 */

/** What a reader may be, for messages. */
export const READER_EXPECTED =
  "an IAM principal: a 12-digit account ID, arn:aws:iam::<account>:root, arn:aws:iam::<account>:role/<name> or arn:aws:iam::<account>:user/<name>";

const ACCOUNT_ID = /^\d{12}$/;
/** An account, role or user ARN (with optional IAM path for roles and users). */
const PRINCIPAL_ARN =
  /^arn:(aws|aws-cn|aws-us-gov):iam::(\d{12}):(root|(role|user)\/(?:[\w+=,.@-]+\/)*[\w+=,.@-]{1,128})$/;
const SERVICE = /^[a-z0-9.-]+\.amazonaws\.com(\.cn)?$/;

/** Why `reader` cannot be a reader (a sentence after the key path), or undefined when it can. */
export function readerProblem(reader: string): { problem: string; fix: string } | undefined {
  if (ACCOUNT_ID.test(reader) || PRINCIPAL_ARN.test(reader)) return undefined;
  if (reader.trim() === "*" || reader.includes("*") || reader.includes("?"))
    return {
      problem:
        "is a wildcard; a secret policy that names `*` (or a pattern) would let principals of any AWS account read the secret",
      fix: 'name each reader exactly: an account ID, or the ARN of a role or user (see README, "Readers")',
    };
  if (SERVICE.test(reader))
    return {
      problem:
        "is an AWS service principal; a service would read the secret on behalf of any account unless a source condition pinned it (the confused deputy), and readers carry no such condition",
      fix: "name the IAM role the service runs as (e.g. the Lambda function's execution role) instead",
    };
  if (/^arn:[^:]*:iam::\d{12}:group\//.test(reader))
    return {
      problem: "is an IAM group; a resource policy cannot name a group",
      fix: "name the roles or users of the group, or a role its members assume",
    };
  if (/^arn:[^:]*:sts::/.test(reader))
    return {
      problem: "is an STS session ARN; a session ends, and a policy that names it stops working",
      fix: "name the role instead: arn:aws:iam::<account>:role/<name>",
    };
  return {
    problem: `is not ${READER_EXPECTED}`,
    fix: 'correct the entry (see README, "Readers")',
  };
}

/** The principal ARN a valid reader stands for: an account ID becomes `arn:<partition>:iam::<id>:root`. */
export function normalizeReader(reader: string, partition: string): string {
  return ACCOUNT_ID.test(reader) ? `arn:${partition}:iam::${reader}:root` : reader;
}

/** The account of a valid reader. */
export function readerAccount(reader: string): string {
  if (ACCOUNT_ID.test(reader)) return reader;
  return (PRINCIPAL_ARN.exec(reader) as RegExpExecArray)[2];
}

/** The 12-digit account in an ARN (`arn:<partition>:<service>:<region>:<account>:...`), if it has one. */
export function arnAccount(arn: string | undefined): string | undefined {
  const m = arn === undefined ? null : /^arn:[^:]+:[^:]+:[^:]*:(\d{12}):/.exec(arn);
  return m ? m[1] : undefined;
}
