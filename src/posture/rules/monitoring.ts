import { finding, type NotChecked } from '../checks.js';
import { CIS_METRIC_FILTERS, type CisMetricFilter, coversControl } from '../cis-filters.js';
import { type MonitoringFacts, refused } from '../facts.js';
import type { PostureRule } from './types.js';

/** How far a control got, worst first: no filter, a filter without an alarm, an alarm nobody hears, done. */
type Reached = 'no filter' | 'no alarm' | 'no subscriber' | 'ok';
const ORDER: Reached[] = ['no filter', 'no alarm', 'no subscriber', 'ok'];

/** The one command that deploys every filter and alarm (deploy/cloudformation/metric-filters.yaml). */
export function metricFiltersFix(logGroup: string): string {
  return `aws cloudformation deploy --template-file deploy/cloudformation/metric-filters.yaml --stack-name trailbot-cis-alarms --parameter-overrides LogGroupName=${logGroup} AlarmTopicArn=<bot stack AlertTopicArn>`;
}

/**
 * How far one control got on the log groups: a filter whose pattern covers the benchmark's, an alarm
 * on the filter's metric, an alarm action that is an SNS topic with a confirmed subscriber. `unsure`
 * when a refused read could have made it better.
 */
function reached(m: MonitoringFacts, control: CisMetricFilter): { reached: Reached; unsure: string[] } {
  let best: Reached = 'no filter';
  const unsure: string[] = [];
  const better = (r: Reached) => {
    if (ORDER.indexOf(r) > ORDER.indexOf(best)) best = r;
  };
  for (const g of m.logGroups) {
    if (refused(g.filters)) {
      unsure.push(g.filters.reason);
      continue;
    }
    for (const f of g.filters) {
      if (!coversControl(f.pattern, control)) continue;
      better('no alarm');
      for (const metric of f.metrics) {
        if (refused(metric.alarms)) {
          unsure.push(metric.alarms.reason);
          continue;
        }
        for (const a of metric.alarms)
          for (const action of a.actions) {
            const subs = m.topicSubscribers[action];
            if (subs === undefined) continue;
            better('no subscriber');
            if (refused(subs)) unsure.push(subs.reason);
            else if (subs > 0) better('ok');
          }
      }
    }
  }
  return { reached: best, unsure };
}

/**
 * CIS 4.1–4.15: for each control, a metric filter on a log group that a multi-region, logging trail
 * delivers to, whose pattern covers the benchmark's, with an alarm whose action is an SNS topic that
 * has a confirmed subscriber. One finding names every control that falls short and how; a control
 * that falls short only because a read was refused is a check not made, not a finding.
 */
export const monitoringRules: PostureRule = (facts) => {
  const m = facts.monitoring;
  if (!m || !facts.trails.length) return { findings: [] };
  const a = facts.account;
  if (!m.logGroups.length)
    return {
      findings: [
        finding(
          'metric-alarms',
          a,
          'CIS 4.x',
          'no metric-filter alarms: no multi-region trail that is logging delivers to CloudWatch Logs',
          `none of the ${CIS_METRIC_FILTERS.length} CIS 4.x alarms (unauthorized calls, root use, IAM and trail changes …) can fire`,
          `aws cloudtrail update-trail --name <multi-region trail> --cloud-watch-logs-log-group-arn <log group arn> --cloud-watch-logs-role-arn <role arn>\n${metricFiltersFix('<log group>')}`,
        ),
      ],
    };
  const short: string[] = [];
  const notChecked: NotChecked[] = [];
  for (const control of CIS_METRIC_FILTERS) {
    const r = reached(m, control);
    if (r.reached === 'ok') continue;
    if (r.unsure.length) {
      notChecked.push({
        id: `metric-alarms:${a}:CIS ${control.control}`,
        reason: `CIS ${control.control} ${control.title}: ${r.unsure[0]}`,
      });
      continue;
    }
    short.push(
      `${control.control} ${control.title}: ${
        r.reached === 'no filter'
          ? 'no metric filter covers its pattern'
          : r.reached === 'no alarm'
            ? 'its metric filter has no alarm'
            : 'its alarm notifies no SNS topic with a confirmed subscriber'
      }`,
    );
  }
  if (!short.length) return { findings: [], notChecked };
  const groups = m.logGroups.map((g) => g.name).join(', ');
  return {
    findings: [
      finding(
        'metric-alarms',
        a,
        'CIS 4.x',
        `${short.length} of ${CIS_METRIC_FILTERS.length} CIS 4.x metric-filter alarms missing on ${groups}`,
        short.join('; '),
        metricFiltersFix(m.logGroups[0]?.name ?? '<log group>'),
      ),
    ],
    notChecked,
  };
};
