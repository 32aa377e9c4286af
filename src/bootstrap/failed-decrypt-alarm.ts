/**
 * Monitoring of the sops keys: on the CloudTrail log group, one metric filter per environment counts failed
 * KMS Decrypt calls on that environment's key (someone without access, or a revoked one, trying to read its
 * secrets); every filter feeds one metric, and one alarm on it notifies an SNS topic, with an optional e-mail
 * subscription. One filter per key keeps each pattern far below the 1024-character limit.
 */
import { CloudwatchLogMetricFilter } from "@cdktf/provider-aws/lib/cloudwatch-log-metric-filter";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
import { Construct } from "constructs";

export const FAILED_DECRYPT_METRIC_NAMESPACE = "SopsSecrets";
export const FAILED_DECRYPT_METRIC_NAME = "FailedKmsDecrypt";
export const ALARM_TOPIC_NAME = "sops-secrets-alarms";
/** The alarm's period: failed calls are counted over 5 minutes. */
export const FAILED_DECRYPT_PERIOD_SECONDS = 300;

export interface FailedDecryptAlarmProps {
  /** The existing log group CloudTrail delivers management events to. */
  readonly logGroupName: string;
  /** The keys to watch, by environment. */
  readonly keys: readonly { readonly environment: string; readonly keyArn: string }[];
  /** Failed calls within one period that raise the alarm. */
  readonly threshold: number;
  /** Address subscribed to the topic. @default - no subscription */
  readonly email?: string;
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

  constructor(scope: Construct, id: string, props: FailedDecryptAlarmProps) {
    super(scope, id);
    for (const { environment, keyArn } of props.keys) {
      const filter = new CloudwatchLogMetricFilter(this, `filter-${environment}`, {
        name: `sops-${environment}-failed-decrypt`,
        logGroupName: props.logGroupName,
        pattern: failedDecryptPattern(keyArn),
        metricTransformation: {
          name: FAILED_DECRYPT_METRIC_NAME,
          namespace: FAILED_DECRYPT_METRIC_NAMESPACE,
          value: "1",
        },
      });
      filter.overrideLogicalId(`sops_${environment}_failed_decrypt`);
    }
    this.topic = new SnsTopic(this, "topic", { name: ALARM_TOPIC_NAME });
    this.topic.overrideLogicalId("alarms");
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
    this.alarm.overrideLogicalId("failed_decrypt");
    if (props.email !== undefined) {
      const subscription = new SnsTopicSubscription(this, "email", {
        topicArn: this.topic.arn,
        protocol: "email",
        endpoint: props.email,
      });
      subscription.overrideLogicalId("alarm_email");
    }
  }
}
