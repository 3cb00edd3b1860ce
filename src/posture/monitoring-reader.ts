import { type CloudWatchClient, DescribeAlarmsForMetricCommand } from '@aws-sdk/client-cloudwatch';
import { type CloudWatchLogsClient, paginateDescribeMetricFilters } from '@aws-sdk/client-cloudwatch-logs';
import { paginateListSubscriptionsByTopic, type SNSClient } from '@aws-sdk/client-sns';
import type {
  AlarmFacts,
  LogGroupFacts,
  MetricFilterFacts,
  MonitoringFacts,
  Read,
  TrailFacts,
} from './facts.js';
import { refused } from './facts.js';
import { readOrRefused } from './read.js';

/** The clients the monitoring reads use, per region, in the account checked. */
export interface MonitoringClients {
  logsFor: (region: string) => CloudWatchLogsClient;
  cloudWatchFor: (region: string) => CloudWatchClient;
  snsFor: (region: string) => SNSClient;
}

/** An ARN's region and account (arn:partition:service:region:account:…). */
function arnParts(arn: string): { region: string; account: string; rest: string[] } | undefined {
  const p = arn.split(':');
  if (p.length < 6 || p[0] !== 'arn') return undefined;
  return { region: p[3] as string, account: p[4] as string, rest: p.slice(5) };
}

/**
 * The CIS 4.x monitoring facts: for every log group a multi-region, logging trail delivers to, its
 * metric filters (DescribeMetricFilters), the alarms on each filter's metric (DescribeAlarmsForMetric,
 * in the log group's region), and for each SNS topic an alarm notifies, its confirmed subscriptions
 * (ListSubscriptionsByTopic). Each read may be refused, and is then kept as refused.
 */
export async function readMonitoring(c: MonitoringClients, trails: TrailFacts[]): Promise<MonitoringFacts> {
  const groups = new Map<string, LogGroupFacts>();
  for (const t of trails) {
    if (!t.multiRegion || !t.isLogging || !t.cloudWatchLogsLogGroupArn) continue;
    const arn = t.cloudWatchLogsLogGroupArn.replace(/:\*$/, '');
    const parts = arnParts(arn);
    if (parts?.rest[0] !== 'log-group') continue;
    const known = groups.get(arn);
    if (known) {
      known.trails.push(t.name);
      continue;
    }
    groups.set(arn, {
      arn,
      name: parts.rest.slice(1).join(':'),
      region: parts.region,
      trails: [t.name],
      filters: [],
    });
  }
  const topics = new Set<string>();
  for (const g of groups.values()) {
    const logs = c.logsFor(g.region);
    const cw = c.cloudWatchFor(g.region);
    const where = `log group ${g.name}`;
    const filters = await readOrRefused('CloudWatch Logs', 'logs:DescribeMetricFilters', where, async () => {
      const out: MetricFilterFacts[] = [];
      for await (const page of paginateDescribeMetricFilters({ client: logs }, { logGroupName: g.name }))
        for (const f of page.metricFilters ?? [])
          out.push({
            name: f.filterName ?? '',
            pattern: f.filterPattern ?? '',
            metrics: (f.metricTransformations ?? []).map((m) => ({
              namespace: m.metricNamespace ?? '',
              name: m.metricName ?? '',
              alarms: [],
            })),
          });
      return out;
    });
    if (!refused(filters))
      for (const f of filters)
        for (const m of f.metrics) {
          m.alarms = await readOrRefused(
            'CloudWatch',
            'cloudwatch:DescribeAlarmsForMetric',
            `metric ${m.namespace}/${m.name}`,
            async (): Promise<AlarmFacts[]> => {
              const r = await cw.send(
                new DescribeAlarmsForMetricCommand({ Namespace: m.namespace, MetricName: m.name }),
              );
              return (r.MetricAlarms ?? []).map((a) => ({
                name: a.AlarmName ?? '',
                actions: a.ActionsEnabled === false ? [] : (a.AlarmActions ?? []),
              }));
            },
          );
          if (!refused(m.alarms))
            for (const a of m.alarms)
              for (const action of a.actions) if (/^arn:[^:]+:sns:/.test(action)) topics.add(action);
        }
    g.filters = filters;
  }
  const topicSubscribers: Record<string, Read<number>> = {};
  for (const topic of topics) {
    const sns = c.snsFor((arnParts(topic) as { region: string }).region);
    topicSubscribers[topic] = await readOrRefused(
      'SNS',
      'sns:ListSubscriptionsByTopic',
      `topic ${topic}`,
      async () => {
        let confirmed = 0;
        for await (const page of paginateListSubscriptionsByTopic({ client: sns }, { TopicArn: topic }))
          for (const s of page.Subscriptions ?? []) if (s.SubscriptionArn?.startsWith('arn:')) confirmed++;
        return confirmed;
      },
    );
  }
  return { logGroups: [...groups.values()], topicSubscribers };
}
