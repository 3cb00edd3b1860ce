import { describe, expect, it } from 'vitest';
import type { Alert } from '../../src/alerts/alert.js';
import type { StoredAlert } from '../../src/alerts/repository.js';
import { presentAlertMessage } from '../../src/present/alert.js';
import { toSlack } from '../../src/slack/blocks.js';
import { readAlertAction } from '../../src/slack/buttons.js';
import { ACTION_IDS } from '../../src/slack/ids.js';
import { SLACK_LIMITS } from '../../src/slack/limits.js';
import { assertInert, outsideCode, slackTime, texts } from '../helpers/slack.js';

const alert: Alert = {
  title: 'StopLogging by alice',
  severity: 'critical',
  source: 'cloudtrail',
  account: '111122223333',
  region: 'us-east-1',
  resource: 'org-trail',
  actor: 'arn:aws:iam::111122223333:user/alice',
  eventName: 'StopLogging',
  link: 'https://us-east-1.console.aws.amazon.com/cloudtrailv2/home?region=us-east-1#/events/e1',
  fingerprint: 'cloudtrail:StopLogging:alice:org-trail',
  time: new Date('2026-11-25T10:00:00Z'),
  raw: '{}',
};
const open: StoredAlert = {
  id: 'a-1',
  groupId: 'al-1',
  fingerprint: alert.fingerprint,
  channel: 'C0ALERTS1',
  alert,
  status: 'open',
  count: 1,
  notedCount: 1,
  firstSeen: alert.time,
  lastSeen: alert.time,
};
const presentAlert = (a: Alert, s: StoredAlert) => presentAlertMessage('al-1', [{ ...s, alert: a }]);
type Actions = { type: string; elements: { action_id: string; value: string }[] };
const actionsOf = (blocks: unknown[]) =>
  (blocks as Actions[]).find((b) => b.type === 'actions')?.elements ?? [];

describe('presentAlert', () => {
  it('leads with severity and title, then fields, link, status and buttons', () => {
    const msg = toSlack(presentAlert(alert, open));
    expect(msg.text).toBe('CRITICAL: `StopLogging by alice`');
    const all = texts(msg.blocks).join('\n');
    expect(all).toContain('🟥 *CRITICAL* `StopLogging by alice`');
    expect(all).toContain(
      '<https://us-east-1.console.aws.amazon.com/cloudtrailv2/home?region=us-east-1#/events/e1|Open in the AWS console>',
    );
    const buttons = actionsOf(msg.blocks);
    expect(buttons.map((b) => b.action_id)).toEqual([
      ACTION_IDS.alertAck,
      ACTION_IDS.alertResolve,
      ACTION_IDS.alertSnooze1h,
      ACTION_IDS.alertSnooze4h,
      ACTION_IDS.alertSnooze24h,
      ACTION_IDS.alertSnoozeUntilResolved,
      ACTION_IDS.alertInvestigate,
    ]);
    expect(buttons.map((b) => readAlertAction(b.value))).toEqual([
      { kind: 'ack', alertId: 'al-1', hours: undefined },
      { kind: 'resolve', alertId: 'al-1', hours: undefined },
      { kind: 'snooze', alertId: 'al-1', hours: 1 },
      { kind: 'snooze', alertId: 'al-1', hours: 4 },
      { kind: 'snooze', alertId: 'al-1', hours: 24 },
      { kind: 'snooze', alertId: 'al-1', hours: 0 },
      { kind: 'investigate', alertId: 'al-1', hours: undefined },
    ]);
    for (const b of buttons) expect(b.value.length).toBeLessThanOrEqual(SLACK_LIMITS.buttonValue);
  });

  it('shows who moved it and drops the buttons once resolved; repeats show their count', () => {
    const acked = toSlack(
      presentAlert(alert, {
        ...open,
        status: 'acknowledged',
        by: 'U0BOB',
        at: new Date('2026-11-25T10:05:00Z'),
      }),
    );
    expect(texts(acked.blocks).join('\n')).toContain(
      `Acknowledged by <@U0BOB> at ${slackTime('2026-11-25T10:05:00Z')}`,
    );
    expect(actionsOf(acked.blocks)[0]?.action_id).toBe(ACTION_IDS.alertResolve);
    const repeated = toSlack(
      presentAlert(alert, { ...open, count: 3, lastSeen: new Date('2026-11-25T11:00:00Z') }),
    );
    expect(texts(repeated.blocks).join('\n')).toContain(
      `3 times, ${slackTime('2026-11-25T10:00:00Z')} → ${slackTime('2026-11-25T11:00:00Z')}`,
    );
    const resolved = toSlack(
      presentAlert(alert, { ...open, status: 'resolved', by: 'U0BOB', at: new Date() }),
    );
    expect(actionsOf(resolved.blocks)).toEqual([]);
  });

  it('keeps everything from the alert inert', () => {
    const hostile = '<!channel> *pwn* <https://evil.example|click> `x` _y_';
    const msg = toSlack(
      presentAlert(
        {
          ...alert,
          title: hostile,
          resource: hostile,
          actor: hostile,
          account: hostile,
          region: hostile,
          state: hostile,
        },
        open,
      ),
    );
    for (const t of [msg.text, ...texts(msg.blocks)]) {
      assertInert(t.replace(/<https:\/\/us-east-1\.console\.aws\.amazon\.com[^>]*>/, ''));
      expect(outsideCode(t)).not.toMatch(/pwn|evil/);
    }
  });

  it('refuses a forged alert button', () => {
    expect(() => readAlertAction('{"v":1,"k":"delete","a":"al-1"}')).toThrow(/not one of Trailbot’s/);
    expect(() => readAlertAction('{"v":1,"k":"snooze","a":"al-1","h":100000}')).toThrow(
      /not one of Trailbot’s/,
    );
  });
});

describe('presentAlertMessage for a group', () => {
  const member = (i: number, over: Partial<StoredAlert> = {}): StoredAlert => ({
    ...open,
    id: `a-${i}`,
    fingerprint: `fp-${i}`,
    alert: {
      ...alert,
      title: `alarm ${i} <!here>`,
      severity: i === 2 ? 'critical' : 'medium',
      fingerprint: `fp-${i}`,
    },
    ...over,
  });

  it('lists every alert, worst first, counts where they stand, and its buttons act on the group', () => {
    const msg = toSlack(
      presentAlertMessage('g-1', [
        member(1),
        member(2),
        member(3, { status: 'acknowledged', by: 'U0BOB', at: alert.time }),
      ]),
    );
    const all = texts(msg.blocks).join('\n');
    expect(all).toContain('🟥 *CRITICAL* 3 alerts from');
    expect(all.indexOf('alarm 2')).toBeLessThan(all.indexOf('alarm 1'));
    expect(all).toContain('2 open, 1 acknowledged');
    expect(new Set(actionsOf(msg.blocks).map((b) => readAlertAction(b.value).alertId))).toEqual(
      new Set(['g-1']),
    );
    for (const t of [msg.text, ...texts(msg.blocks)]) expect(outsideCode(t)).not.toContain('<!here>');
  });

  it('keeps a group of 500 alerts within Slack’s limits, saying how many more there are', () => {
    const msg = toSlack(
      presentAlertMessage(
        'g-1',
        Array.from({ length: 500 }, (_, i) => member(i)),
      ),
    );
    expect(msg.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocksPerMessage);
    expect(texts(msg.blocks).join('\n')).toMatch(/…and \d+ more alerts/);
  });

  it('drops the buttons once every alert is resolved', () => {
    const msg = toSlack(
      presentAlertMessage('g-1', [member(1, { status: 'resolved' }), member(2, { status: 'resolved' })]),
    );
    expect(actionsOf(msg.blocks)).toEqual([]);
  });

  it('shows a plain message as it came, in a code block, cut when long', () => {
    const body = `line one <!here>\n${'x'.repeat(5000)}`;
    const msg = toSlack(presentAlert({ ...alert, source: 'raw', body }, open));
    const code = texts(msg.blocks).filter((t) => t.startsWith('```'));
    expect(code.join('')).toContain('line one &lt;!here&gt;');
    expect(code.join('').length).toBeLessThan(3000);
  });
});
