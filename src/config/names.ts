/**
 * The one home of the name and format checks that configuration, the rules, the bootstrap stack and
 * `npm run new-env` share: environment names and AWS identifier formats. Pure and dependency-free.
 */

/** The opt-in bootstrap stack's name; an environment may not use it (its state key would collide). */
export const BOOTSTRAP_STACK_NAME = "bootstrap";

/** The source of the environment-name pattern, for composing larger patterns (paths under secrets/). */
export const ENVIRONMENT_NAME_SOURCE = "[A-Za-z0-9][A-Za-z0-9_-]*";
/** An environment name: a folder under secrets/, a key of `context.environments`, a stack name. */
export const ENVIRONMENT_NAME = new RegExp(`^${ENVIRONMENT_NAME_SOURCE}$`);
export const ENVIRONMENT_NAME_MAX_LENGTH = 64;

/** The CI workflows plan each environment in the GitHub environment `<env>-plan` (docs/ci-and-review.md). */
const PLAN_SUFFIX = /-plan$/i;
/**
 * Properties of every JavaScript object (`constructor`, `toString`, `valueOf`, ...): cdktf and constructs keep
 * stacks in plain objects, where such a name finds the property instead of a stack.
 */
const OBJECT_PROPERTY_NAMES = new Set(Object.getOwnPropertyNames(Object.prototype));

/** Why `name` cannot be an environment, or undefined when it can. */
export function environmentNameProblem(name: string): string | undefined {
  if (!ENVIRONMENT_NAME.test(name))
    return "must start with a letter or digit and contain only letters, digits, '-' and '_'";
  if (name.length > ENVIRONMENT_NAME_MAX_LENGTH)
    return `is ${name.length} characters long; the maximum is ${ENVIRONMENT_NAME_MAX_LENGTH}`;
  if (name === BOOTSTRAP_STACK_NAME) return `is reserved for the bootstrap stack`;
  if (PLAN_SUFFIX.test(name))
    return `ends in "-plan", which is reserved: the CI workflows plan each environment in the GitHub environment "<env>-plan"`;
  if (OBJECT_PROPERTY_NAMES.has(name))
    return "is a property name of every JavaScript object, which cdktf cannot use as a stack name";
  return undefined;
}

/** The source of an AWS region pattern (`us-east-1`, `us-gov-west-1`), for composing larger patterns. */
export const AWS_REGION_SOURCE = "[a-z]{2}(?:-[a-z]+)+-\\d+";
/** An AWS region such as `us-east-1`. */
export const AWS_REGION = new RegExp(`^${AWS_REGION_SOURCE}$`);
/** A 12-digit AWS account ID. */
export const AWS_ACCOUNT_ID = /^\d{12}$/;
/** An IAM role ARN. */
export const IAM_ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;
/** An IAM role, group or user name (without path). */
export const IAM_NAME = /^[\w+=,.@-]{1,128}$/;
/** What Secrets Manager and the S3 backend accept as a KMS key: key ID, key ARN, alias ARN or `alias/<name>`. */
export const KMS_KEY_ID =
  /^(arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key|alias)\/[\w/+=,.@-]+|alias\/[\w/+=,.@-]+|[0-9a-f-]{36})$/;
/** An S3 bucket name. */
export const S3_BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
/** A DynamoDB table name. */
export const DYNAMODB_TABLE = /^[a-zA-Z0-9_.-]{3,255}$/;
/** An AWS tag key (the `aws:` prefix is checked separately). */
export const TAG_KEY = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u;
/** An AWS tag value. */
export const TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{0,256}$/u;
