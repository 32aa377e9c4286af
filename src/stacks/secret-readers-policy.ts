/**
 * The resource policy of a secret with readers: exactly the readers may call `GetSecretValue` and
 * `DescribeSecret`; with `readersPolicy: "strict"` every other principal is also denied `GetSecretValue`,
 * except the principal that deploys the stack (so that its own refreshes keep working). Only
 * `GetSecretValue` is denied: the deployer and the account's administrators can always replace or delete
 * the policy, so a strict policy never locks the secret away for good.
 */
import { READER_SECRETSMANAGER_ACTIONS } from "../bootstrap/bootstrap-policies";
import { PolicyDocument, policyDocument, PolicyStatement } from "../bootstrap/iam-policy-document";

/**
 * `aws:PrincipalArn` pattern of a reader: an account (`…:root`) stands for every principal of the account
 * (`arn:<partition>:iam::<account>:*`), a role or user for itself.
 */
export function readerPrincipalPattern(reader: string): string {
  return reader.endsWith(":root") ? `${reader.slice(0, -"root".length)}*` : reader;
}

export interface SecretReadersPolicyInput {
  /** Principal ARNs, sorted, at least one. */
  readonly readers: readonly string[];
  /** Deny everyone else `GetSecretValue`. @default false */
  readonly strict?: boolean;
  /** ARN (may be a token) of the deploying principal (an IAM role or user), exempt from the deny. Required when strict. */
  readonly deployerArn?: string;
}

export function secretReadersPolicy(input: SecretReadersPolicyInput): PolicyDocument {
  if (input.readers.length === 0) throw new Error("secretReadersPolicy: no reader");
  const statements: PolicyStatement[] = [
    {
      Sid: "ReadersRead",
      Effect: "Allow",
      Principal: { AWS: input.readers.length === 1 ? input.readers[0] : [...input.readers] },
      Action: READER_SECRETSMANAGER_ACTIONS,
      Resource: "*",
    },
  ];
  if (input.strict) {
    if (input.deployerArn === undefined)
      throw new Error("secretReadersPolicy: strict needs the deployer ARN");
    statements.push({
      Sid: "DenyOthersRead",
      Effect: "Deny",
      Principal: "*",
      Action: ["secretsmanager:GetSecretValue"],
      Resource: "*",
      Condition: {
        ArnNotLike: {
          "aws:PrincipalArn": [...input.readers.map(readerPrincipalPattern), input.deployerArn],
        },
      },
    });
  }
  return policyDocument(statements);
}
