import { describe, expect, it } from 'vitest';
import type { Alert } from '../../src/alerts/alert.js';
import { type Route, routeAlert, routeSchema } from '../../src/alerts/routing.js';

const alert = (over: Partial<Alert>): Alert => ({
  title: 't',
  severity: 'medium',
  source: 'guardduty',
  fingerprint: 'f',
  time: new Date('2026-11-25T12:00:00Z'),
  raw: '{}',
  ...over,
});

const routes: Route[] = [
  { eventName: 'StopLogging', channel: 'C0TAMPER01' },
  { source: 'guardduty', minSeverity: 'high', channel: 'C0PAGE0001' },
  { account: '111122223333', region: 'eu-west-1', channel: 'C0EUPROD01' },
  { source: 'cloudwatch', channel: 'C0OPS00001' },
];

describe('routing alerts to channels', () => {
  it.each([
    [{ source: 'cloudtrail', eventName: 'StopLogging', severity: 'critical' }, 'C0TAMPER01'],
    [{ source: 'guardduty', severity: 'critical' }, 'C0PAGE0001'],
    [{ source: 'guardduty', severity: 'high' }, 'C0PAGE0001'],
    [{ source: 'guardduty', severity: 'medium', account: '111122223333', region: 'eu-west-1' }, 'C0EUPROD01'],
    [{ source: 'guardduty', severity: 'medium', account: '111122223333', region: 'us-east-1' }, 'C0DEFAULT1'],
    [{ source: 'cloudwatch', severity: 'info' }, 'C0OPS00001'],
    [{ source: 'securityhub', severity: 'low' }, 'C0DEFAULT1'],
  ] as [Partial<Alert>, string][])('sends %j to %s: the first rule that takes it wins', (over, channel) => {
    expect(routeAlert(alert(over), routes, 'C0DEFAULT1')).toBe(channel);
  });

  it('has nowhere to send an alert no rule takes when there is no default', () => {
    expect(routeAlert(alert({ source: 'raw' }), routes, undefined)).toBeUndefined();
  });

  it('refuses rules that are not rules', () => {
    expect(routeSchema.safeParse({ channel: '#security' }).success).toBe(false);
    expect(routeSchema.safeParse({ channel: 'C0ABCDEF1', severity: 'high' }).success).toBe(false);
    expect(routeSchema.safeParse({ channel: 'C0ABCDEF1', minSeverity: 'urgent' }).success).toBe(false);
  });
});
