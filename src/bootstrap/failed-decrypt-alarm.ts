/**
 * Monitoring of the sops keys: on the CloudTrail log group, one metric filter per environment counts failed
 * KMS Decrypt calls on that environment's key (someone without access, or a revoked one, trying to read its
 * secrets); every filter feeds one metric, and one alarm on it notifies an SNS topic, with an optional e-mail
 * subscription. One filter per key keeps each pattern far below the 1024-character limit.
 *
 * In the same way, a second metric counts key changes on the sops keys (`ScheduleKeyDeletion`, `DisableKey`,
 * `PutKeyPolicy`, `CreateGrant`) and changes of their aliases (`CreateAlias`, `UpdateAlias`, `DeleteAlias` of
 * `alias/sops-<env>`: pointing the alias at another key changes which key future encryptions use), and a second
 * alarm raises on the first one. The topic is encrypted with its own KMS key, whose policy lets CloudWatch (and
 * EventBridge) publish.
 */
import { CloudwatchLogMetricFilter } from "@cdktf/provider-aws/lib/cloudwatch-log-metric-filter";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
import { Construct } from "constructs";
import { alarmTopicKeyPolicy } from "./bootstrap-policies";
import { policyJson } from "./iam-policy-document";
import { ArnContext } from "./kms-key-reference";

export const FAILED_DECRYPT_METRIC_NAMESPACE = "SopsSecrets";
export const FAILED_DECRYPT_METRIC_NAME = "FailedKmsDecrypt";
export const ALARM_TOPIC_NAME = "sops-secrets-alarms";
export const KEY_CHANGE_METRIC_NAME = "SopsKeyChange";
/** KMS calls on a sops key that change who can use it, or whether it exists: any one raises the alarm. */
export const KEY_CHANGE_EVENTS = ["ScheduleKeyDeletion", "DisableKey", "PutKeyPolicy", "CreateGrant"];
/** KMS calls that create, repoint or delete a sops key's alias: any one raises the same alarm. */
export const ALIAS_CHANGE_EVENTS = ["CreateAlias", "UpdateAlias", "DeleteAlias"];
export const ALARM_TOPIC_KEY_ALIAS = "alias/sops-secrets-alarms";
/** The alarm's period: failed calls are counted over 5 minutes. */
export const FAILED_DECRYPT_PERIOD_SECONDS = 300;

export interface FailedDecryptAlarmProps {
  /** The existing log group CloudTrail delivers management events to. */
  readonly logGroupName: string;
  /** The keys to watch, by environment, with the alias `.sops.yaml` names them by (`alias/sops-<env>`). */
  readonly keys: readonly {
    readonly environment: string;
    readonly keyArn: string;
    readonly aliasName: string;
  }[];
  /** Failed calls within one period that raise the alarm. */
  readonly threshold: number;
  /** Address subscribed to the topic. @default - no subscription */
  readonly email?: string;
  /** For the topic key's policy. */
  readonly arnContext: ArnContext;
  /** Deletion window of the topic key. */
  readonly keyDeletionWindowInDays: number;
  /**
   * Appended to every Terraform address (`_<suffix>`), so that several sets (one per account) fit in one stack.
   * @default - none
   */
  readonly logicalIdSuffix?: string;
}

/** The CloudWatch Logs filter pattern that matches the key-changing calls on one key. */
export function keyChangePattern(keyArn: string): string {
  const names = KEY_CHANGE_EVENTS.map((e) => `($.eventName = "${e}")`).join(" || ");
  return `{ ($.eventSource = "kms.amazonaws.com") && (${names}) && ($.resources[0].ARN = "${keyArn}") }`;
}

/**
 * The CloudWatch Logs filter pattern that matches creating, repointing or deleting one alias. CloudTrail records
 * the alias in `requestParameters.aliasName` for all three calls (the key is in `resources`, in no fixed order).
 */
export function aliasChangePattern(aliasName: string): string {
  const names = ALIAS_CHANGE_EVENTS.map((e) => `($.eventName = "${e}")`).join(" || ");
  return `{ ($.eventSource = "kms.amazonaws.com") && (${names}) && ($.requestParameters.aliasName = "${aliasName}") }`;
}

/** The CloudWatch Logs filter pattern that matches failed Decrypt calls on one key. */
export function failedDecryptPattern(keyArn: string): string {
  return (
    '{ ($.eventSource = "kms.amazonaws.com") && ($.eventName = "Decrypt") && ($.errorCode = "*") && ' +
    `($.resources[0].ARN = "${keyArn}") }`
  );
}

export class FailedDecryptAlarm extends Construct {
  public readonly topic: SnsTopic;
  public readonly alarm: CloudwatchMetricAlarm;
  public readonly keyChangeAlarm: CloudwatchMetricAlarm;
  /** Encrypts the topic. */
  public readonly topicKey: KmsKey;

  constructor(scope: Construct, constructId: string, props: FailedDecryptAlarmProps) {
    super(scope, constructId);
    const id = (logicalId: string) =>
      props.logicalIdSuffix === undefined ? logicalId : `${logicalId}_${props.logicalIdSuffix}`;
    // One metric filter per key and kind (`sops-<env>-<kind>`), each counting 1 into its alarm's metric.
    const countInto = (
      metricName: string,
      constructId: string,
      environment: string,
      kind: string,
      pattern: string,
    ) =>
      new CloudwatchLogMetricFilter(this, constructId, {
        name: `sops-${environment}-${kind}`,
        logGroupName: props.logGroupName,
        pattern,
        metricTransformation: { name: metricName, namespace: FAILED_DECRYPT_METRIC_NAMESPACE, value: "1" },
      }).overrideLogicalId(id(`sops_${environment}_${kind.replace(/-/g, "_")}`));
    for (const { environment: env, keyArn, aliasName } of props.keys) {
      countInto(
        FAILED_DECRYPT_METRIC_NAME,
        `filter-${env}`,
        env,
        "failed-decrypt",
        failedDecryptPattern(keyArn),
      );
      countInto(KEY_CHANGE_METRIC_NAME, `key-change-${env}`, env, "key-change", keyChangePattern(keyArn));
      countInto(
        KEY_CHANGE_METRIC_NAME,
        `alias-change-${env}`,
        env,
        "alias-change",
        aliasChangePattern(aliasName),
      );
    }
    this.topicKey = new KmsKey(this, "topic-key", {
      description: "Encrypts the sops-secrets alarm topic",
      enableKeyRotation: true,
      deletionWindowInDays: props.keyDeletionWindowInDays,
      policy: policyJson(alarmTopicKeyPolicy(props.arnContext)),
    });
    this.topicKey.overrideLogicalId(id("alarms"));
    new KmsAlias(this, "topic-key-alias", {
      name: ALARM_TOPIC_KEY_ALIAS,
      targetKeyId: this.topicKey.keyId,
    }).overrideLogicalId(id("alarms"));
    this.topic = new SnsTopic(this, "topic", { name: ALARM_TOPIC_NAME, kmsMasterKeyId: this.topicKey.arn });
    this.topic.overrideLogicalId(id("alarms"));
    this.alarm = new CloudwatchMetricAlarm(this, "alarm", {
      alarmName: "sops-failed-kms-decrypt",
      alarmDescription:
        "Failed KMS Decrypt calls on the sops keys (alias/sops-*): someone without access, or whose access was " +
        "revoked, tried to read secrets. See the CloudTrail log group for who and which key.",
      namespace: FAILED_DECRYPT_METRIC_NAMESPACE,
      metricName: FAILED_DECRYPT_METRIC_NAME,
      statistic: "Sum",
      period: FAILED_DECRYPT_PERIOD_SECONDS,
      evaluationPeriods: 1,
      threshold: props.threshold,
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      treatMissingData: "notBreaching",
      alarmActions: [this.topic.arn],
    });
    this.alarm.overrideLogicalId(id("failed_decrypt"));
    this.keyChangeAlarm = new CloudwatchMetricAlarm(this, "key-change-alarm", {
      alarmName: "sops-kms-key-change",
      alarmDescription:
        `${[...KEY_CHANGE_EVENTS, ...ALIAS_CHANGE_EVENTS].join(", ")} on a sops key or its alias (alias/sops-*): ` +
        "its deletion, disabling, policy, a grant or the key its alias names changed. See the CloudTrail log " +
        "group for who and which key.",
      namespace: FAILED_DECRYPT_METRIC_NAMESPACE,
      metricName: KEY_CHANGE_METRIC_NAME,
      statistic: "Sum",
      period: FAILED_DECRYPT_PERIOD_SECONDS,
      evaluationPeriods: 1,
      threshold: 1,
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      treatMissingData: "notBreaching",
      alarmActions: [this.topic.arn],
    });
    this.keyChangeAlarm.overrideLogicalId(id("key_change"));
    if (props.email !== undefined) {
      const subscription = new SnsTopicSubscription(this, "email", {
        topicArn: this.topic.arn,
        protocol: "email",
        endpoint: props.email,
      });
      subscription.overrideLogicalId(id("alarm_email"));
    }
  }
}
