import { HOUR_MS } from '../../time.js';
import { finding, type PostureFinding } from '../checks.js';
import { managementReadWrite } from './selectors.js';
import type { PostureRule } from './types.js';

/**
 * Each trail on its own: delivering (CIS 3.1), recording every management event, log file validation
 * (CIS 3.2), KMS encryption (CIS 3.5), sending to CloudWatch Logs (CIS 3.4).
 */
export const trailRules: PostureRule = (facts, opts) => {
  const a = facts.account;
  const findings: PostureFinding[] = [];
  for (const t of facts.trails) {
    const name = t.name;
    const age = t.latestDelivery
      ? (facts.checkedAt.getTime() - t.latestDelivery.getTime()) / HOUR_MS
      : undefined;
    if (t.isLogging && (t.latestDeliveryError || age === undefined || age > opts.maxDeliveryAgeHours))
      findings.push(
        finding(
          'delivery-stale',
          a,
          name,
          t.latestDeliveryError
            ? `${name} fails to deliver`
            : `${name} has not delivered for ${age === undefined ? 'ever' : `${Math.floor(age)} hours`}`,
          // Counted from the check rather than written as a time: the answer shows each trail's delivery
          // time in the reader's zone.
          `latest delivery ${age === undefined ? 'never' : `${Math.floor(age)} hours before the check`}${t.latestDeliveryError ? `; error ${t.latestDeliveryError}` : ''}`,
          `aws cloudtrail get-trail-status --name ${name}  # check the bucket policy and KMS key policy let CloudTrail write`,
        ),
      );
    if (t.isLogging && !managementReadWrite(t.selectors.basic, t.selectors.advanced))
      findings.push(
        finding(
          'management-events',
          a,
          name,
          `${name} does not record all management events`,
          'no event selector with management events, read and write',
          `aws cloudtrail put-event-selectors --trail-name ${name} --event-selectors '[{"ReadWriteType":"All","IncludeManagementEvents":true}]'`,
        ),
      );
    if (!t.logFileValidation)
      findings.push(
        finding(
          'log-file-validation',
          a,
          name,
          `log file validation is off on ${name}`,
          'LogFileValidationEnabled false: altered or deleted log files cannot be detected',
          `aws cloudtrail update-trail --name ${name} --enable-log-file-validation`,
        ),
      );
    if (!t.kmsKeyId)
      findings.push(
        finding(
          'kms-encryption',
          a,
          name,
          `${name} is not encrypted with a KMS key`,
          'no KmsKeyId: logs use S3-managed keys only',
          `aws cloudtrail update-trail --name ${name} --kms-key-id <key arn>  # the key policy must allow CloudTrail`,
        ),
      );
    if (!t.cloudWatchLogsLogGroupArn)
      findings.push(
        finding(
          'cloudwatch-logs',
          a,
          name,
          `${name} does not send to CloudWatch Logs`,
          'no CloudWatchLogsLogGroupArn: no metric-filter alarms on API activity',
          `aws cloudtrail update-trail --name ${name} --cloud-watch-logs-log-group-arn <log group arn> --cloud-watch-logs-role-arn <role arn>`,
        ),
      );
  }
  return { findings };
};
