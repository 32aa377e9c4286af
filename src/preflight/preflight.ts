/**
 * The pre-flight's judgement, a pure function of what AWS answered (secret-lookup.ts): for every secret the
 * stacks would manage, will the first apply create it, import it (adopted), or find it already managed by this
 * project; or will it fail, and what to do about it: a secret of that name exists that this project did not
 * create ("already exists"), one is scheduled for deletion (its name is taken until then), an `adopt` entry
 * names a secret that is not there or another ARN, or the lookup itself failed.
 */
import { printable } from "../cli/printable";
import { AMBIGUOUS_NAME, ExistingSecret, LookupResult, SecretLookup } from "./secret-lookup";

export interface PreflightSecret {
  readonly environment: string;
  /** Logical name (`payments/stripe`). */
  readonly name: string;
  /** Secrets Manager name from the name template. */
  readonly secretName: string;
  /** Repository-relative path of the encrypted file. */
  readonly path: string;
  readonly region: string;
  /** `environments.<env>.adopt.<name>`. @default - not adopted */
  readonly adoptArn?: string;
}

export type Verdict =
  | { readonly kind: "create" }
  | { readonly kind: "import"; readonly arn: string }
  | { readonly kind: "managed"; readonly arn: string }
  | {
      readonly kind: "problem";
      readonly problem:
        "exists" | "scheduled-for-deletion" | "adopt-missing" | "adopt-other-arn" | "lookup-failed";
      /** Repository-relative file the message is about (the secret file, or cdktf.json for an adopt entry). */
      readonly file: string;
      readonly message: string;
      readonly fix: string;
      readonly arn?: string;
      /** For "lookup-failed": the AWS (or SDK) error name. */
      readonly code?: string;
    };

export interface PreflightFinding {
  readonly secret: PreflightSecret;
  readonly verdict: Verdict;
}

const q = (s: string) => `"${printable(s)}"`;

function adoptKey(s: PreflightSecret): string {
  return `"context.environments.${printable(s.environment)}.adopt" in cdktf.json`;
}

/**
 * True when the secret carries the tags this project's stack gives it (sops-secret.ts): `ManagedBy` and
 * `Environment`. Not `SourceFile`: a file renamed with the same logical name (`db.enc.json` → `db.enc.yaml`)
 * keeps its secret, and the apply only updates that tag. Tags, not Terraform's state: a secret with these tags
 * that is missing from the state still fails the apply.
 */
function managedByThisProject(s: PreflightSecret, existing: ExistingSecret): boolean {
  return existing.tags.ManagedBy === "terraform" && existing.tags.Environment === s.environment;
}

export function judge(s: PreflightSecret, result: LookupResult): Verdict {
  const where = `${q(s.secretName)} in ${s.region}`;
  if (result.kind === "error") {
    const denied = result.code === "AccessDeniedException" || result.code === "UnrecognizedClientException";
    const noCredentials = result.code === "CredentialsProviderError";
    return {
      kind: "problem",
      problem: "lookup-failed",
      file: s.path,
      code: result.code,
      message: `could not look up the secret ${where} (${printable(result.code)})`,
      fix: noCredentials
        ? "run with AWS credentials for the environment's account (AWS_PROFILE, or the environment variables)"
        : result.code === AMBIGUOUS_NAME
          ? `the name ends like an ARN suffix ("-" and 6 characters), so AWS answered with another secret; look ` +
            `for an exact match with aws secretsmanager list-secrets --region ${s.region} --filters ` +
            `Key=name,Values=${printable(s.secretName)}, or change the secret name template`
          : denied
            ? `run with credentials that may secretsmanager:DescribeSecret on ${q(s.environment)}'s secrets (its plan role may: docs/ci-and-review.md)`
            : "run again; if it persists, check the region and the network",
    };
  }
  if (result.kind === "absent") {
    if (s.adoptArn === undefined) return { kind: "create" };
    return {
      kind: "problem",
      problem: "adopt-missing",
      file: "cdktf.json",
      message: `${adoptKey(s)} names ${printable(s.adoptArn)} for ${q(s.name)}, but Secrets Manager has no secret ${where}`,
      fix: `remove ${q(s.name)} from ${adoptKey(s)} (the stack then creates the secret), or correct the ARN`,
    };
  }
  const { secret } = result;
  if (secret.deletedDate !== undefined) {
    const adopt = `then adopt it (${q(s.name)}: ${q(secret.arn)} under ${adoptKey(s)})`;
    return {
      kind: "problem",
      problem: "scheduled-for-deletion",
      file: s.path,
      arn: secret.arn,
      message:
        `the secret ${where} (${printable(secret.arn)}) is scheduled for deletion (deleted on ` +
        `${secret.deletedDate.toISOString().slice(0, 10)}): its name is taken until its recovery window ends, so ` +
        "the stack can neither create nor import it",
      fix:
        `restore it: aws secretsmanager restore-secret --secret-id ${printable(secret.arn)} --region ${s.region}; ` +
        `${s.adoptArn === secret.arn ? "it is adopted already" : adopt}. Or wait until it is deleted (docs/adoption.md)`,
    };
  }
  if (s.adoptArn !== undefined) {
    if (s.adoptArn === secret.arn) return { kind: "import", arn: secret.arn };
    return {
      kind: "problem",
      problem: "adopt-other-arn",
      file: "cdktf.json",
      arn: secret.arn,
      message: `${adoptKey(s)} names ${printable(s.adoptArn)} for ${q(s.name)}, but the secret ${where} is ${printable(secret.arn)}`,
      fix: `set ${q(s.name)} under ${adoptKey(s)} to ${q(secret.arn)}`,
    };
  }
  if (managedByThisProject(s, secret)) return { kind: "managed", arn: secret.arn };
  return {
    kind: "problem",
    problem: "exists",
    file: s.path,
    arn: secret.arn,
    message:
      `Secrets Manager already has a secret ${where} (${printable(secret.arn)}) that this project did not ` +
      `create (its tags say so): the first apply would fail with "already exists"`,
    fix:
      `adopt it: add ${q(s.name)}: ${q(secret.arn)} under ${adoptKey(s)} (docs/adoption.md), or change the ` +
      "secret name template so that the names differ",
  };
}

/** Looks every secret up (at most `concurrency` calls at once) and judges it; findings in input order. */
export async function preflight(
  secrets: readonly PreflightSecret[],
  lookup: SecretLookup,
  concurrency = 8,
): Promise<PreflightFinding[]> {
  const findings: PreflightFinding[] = new Array(secrets.length);
  let next = 0;
  const worker = async () => {
    while (next < secrets.length) {
      const i = next++;
      const s = secrets[i];
      findings[i] = { secret: s, verdict: judge(s, await lookup.describe(s.region, s.secretName)) };
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, secrets.length) }, worker));
  return findings;
}
