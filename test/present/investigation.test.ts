import { describe, expect, it } from 'vitest';
import { presentInvestigation } from '../../src/present/investigation.js';
import { toSlack } from '../../src/slack/blocks.js';
import { toText } from '../../src/terminal/text.js';
import { parseRecord } from '../../src/trail/event.js';
import { BY, groupBy, type Investigation } from '../../src/trail/investigate.js';
import { assertInert, outsideCode, texts } from '../helpers/slack.js';

const NOW = new Date('2026-11-25T12:00:00Z');
const ev = (id: string, time: string, extra: Record<string, unknown> = {}) =>
  parseRecord({
    eventTime: time,
    eventName: 'DescribeInstances',
    eventSource: 'ec2.amazonaws.com',
    eventID: id,
    sourceIPAddress: '203.0.113.9',
    userIdentity: { type: 'IAMUser', userName: 'alice', arn: 'arn:aws:iam::1:user/alice' },
    ...extra,
  });

function inv(
  subject: string,
  events = [ev('b', '2026-11-24T10:00:00Z', { errorCode: 'AccessDenied' }), ev('a', '2026-11-20T10:00:00Z')],
): Investigation {
  return {
    subject,
    range: {
      start: new Date('2026-11-18T12:00:00Z'),
      end: new Date('2026-11-25T11:00:00Z'),
      defaulted: true,
    },
    events,
    groups: [groupBy(events, BY.eventName)],
    search: {
      matched: events.length,
      examined: 10,
      scope: { source: 'local', regions: ['us-east-1'], accounts: ['1'], detail: 'd' },
      warnings: [],
    },
  };
}

describe('presentInvestigation', () => {
  it('leads with counts, failures, principals and the first and last time', () => {
    const text = toText(presentInvestigation(inv('activity of IAM user alice'), NOW));
    expect(text).toContain(
      'Answer: 2 events, 1 failed, by 1 principal from 1 address. First 2026-11-20 10:00:00 UTC, last 2026-11-24 10:00:00 UTC (1 day ago). Most active: arn:aws:iam::1:user/alice.',
    );
    expect(text).toContain(
      'DescribeInstances — 2, 1 failed; 2026-11-20 10:00:00 UTC → 2026-11-24 10:00:00 UTC',
    );
    expect(text.indexOf('Answer:')).toBeLessThan(text.indexOf('Newest 2 events'));
  });

  it('keeps the user’s words in the subject from formatting or pinging', () => {
    const msg = toSlack(presentInvestigation(inv('activity of IAM user *_bold_* <!here>', []), NOW));
    for (const t of [msg.text, ...texts(msg.blocks)]) {
      assertInert(t);
      expect(outsideCode(t)).not.toContain('bold');
    }
  });
});
