import { finding, type PostureFinding } from '../checks.js';
import { managementReadWrite, recordsDataEvents } from './selectors.js';
import type { PostureRule } from './types.js';

/**
 * What the logging trails cover together: a multi-region trail with management events (CIS 3.1), every
 * configured region, Insights, and object-level events of the sensitive buckets (CIS 3.10/3.11). A trail
 * that is not logging covers nothing.
 */
export const coverageRules: PostureRule = (facts, opts) => {
  const a = facts.account;
  const findings: PostureFinding[] = [];
  const logging = facts.trails.filter((t) => t.isLogging);
  const good = logging.filter((t) => managementReadWrite(t.selectors.basic, t.selectors.advanced));
  if (!good.some((t) => t.multiRegion))
    findings.push(
      finding(
        'multi-region-logging',
        a,
        'account',
        'no multi-region trail is logging management events',
        `${facts.trails.length} trail${facts.trails.length === 1 ? '' : 's'} found; ${logging.length} logging; multi-region and logging: ${
          logging
            .filter((t) => t.multiRegion)
            .map((t) => t.name)
            .join(', ') || 'none'
        }`,
        `aws cloudtrail create-trail --name org-trail --s3-bucket-name <bucket> --is-multi-region-trail --enable-log-file-validation && aws cloudtrail start-logging --name org-trail`,
      ),
    );
  for (const region of facts.regions) {
    if (!good.some((t) => t.multiRegion || t.homeRegion === region))
      findings.push(
        finding(
          'region-not-covered',
          a,
          region,
          `${region} is not covered by a logging trail`,
          `no logging trail records management events in ${region}`,
          `aws cloudtrail update-trail --name <trail> --is-multi-region-trail`,
        ),
      );
  }
  if (!logging.some((t) => t.insights) && facts.trails.length)
    findings.push(
      finding(
        'insights',
        a,
        'account',
        'CloudTrail Insights is not enabled',
        'no trail has insight selectors: unusual call volumes and error rates go unnoticed',
        `aws cloudtrail put-insight-selectors --trail-name <trail> --insight-selectors '[{"InsightType":"ApiCallRateInsight"},{"InsightType":"ApiErrorRateInsight"}]'`,
      ),
    );
  for (const b of opts.sensitiveBuckets)
    if (!logging.some((t) => recordsDataEvents(b, t.selectors.basic, t.selectors.advanced)))
      findings.push(
        finding(
          's3-data-events',
          a,
          b,
          `object-level events of ${b} are not recorded`,
          'no trail has a data event selector for it',
          `aws cloudtrail put-event-selectors --trail-name <trail> --advanced-event-selectors '[{"FieldSelectors":[{"Field":"eventCategory","Equals":["Data"]},{"Field":"resources.type","Equals":["AWS::S3::Object"]},{"Field":"resources.ARN","StartsWith":["arn:aws:s3:::${b}/"]}]}]'`,
        ),
      );
  return { findings };
};
