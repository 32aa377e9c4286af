/**
 * Turns a configured KMS key reference (key ID, key ARN, alias ARN or `alias/<name>`, as cdktf.json accepts
 * for `kmsKeyId`) into what an IAM policy can grant on. IAM authorizes KMS calls against the key's ARN, never
 * the alias's, so an alias becomes "the keys of that account and region whose alias is <alias>"
 * (`kms:ResourceAliases`).
 */
import { ConditionBlock } from "./iam-policy-document";

/** Partition and account, literal or tokens. */
export interface ArnContext {
  readonly partition: string;
  readonly accountId: string;
}

export interface KmsKeyGrant {
  /** The key ARN, or `arn:…:key/*` restricted by `condition` for an alias. */
  readonly resource: string;
  /** @default - none: `resource` names the key itself */
  readonly condition?: ConditionBlock;
}

const KEY_ARN = /^arn:[a-z-]+:kms:[a-z0-9-]+:\d{12}:key\/.+$/;
const ALIAS_ARN = /^arn:([a-z-]+):kms:([a-z0-9-]+):(\d{12}):(alias\/.+)$/;

/** @param region where a bare key ID or `alias/<name>` lives (the region of the service that uses the key) */
export function kmsKeyGrant(keyId: string, region: string, ctx: ArnContext): KmsKeyGrant {
  if (KEY_ARN.test(keyId)) return { resource: keyId };
  const aliasArn = ALIAS_ARN.exec(keyId);
  if (aliasArn) {
    const [, partition, aliasRegion, account, alias] = aliasArn;
    return {
      resource: `arn:${partition}:kms:${aliasRegion}:${account}:key/*`,
      condition: aliasCondition(alias),
    };
  }
  const base = `arn:${ctx.partition}:kms:${region}:${ctx.accountId}`;
  if (keyId.startsWith("alias/")) return { resource: `${base}:key/*`, condition: aliasCondition(keyId) };
  return { resource: `${base}:key/${keyId}` };
}

function aliasCondition(alias: string): ConditionBlock {
  return { "ForAnyValue:StringEquals": { "kms:ResourceAliases": [alias] } };
}
