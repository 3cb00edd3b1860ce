import { describe, expect, it } from 'vitest';
import { presentWhoDeleted } from '../../src/present/who-deleted.js';
import { toSlack } from '../../src/slack/blocks.js';
import { toText } from '../../src/terminal/text.js';
import { parseRecord } from '../../src/trail/event.js';
import type { Deletion, WhoDeletedAnswer } from '../../src/trail/who-deleted.js';
import { assertInert, outsideCode, slackTime, texts } from '../helpers/slack.js';

const NOW = new Date('2026-11-25T12:00:00Z');
const range = {
  start: new Date('2026-11-18T12:00:00Z'),
  end: new Date('2026-11-25T11:00:00Z'),
  defaulted: true,
};

function deletion(over: Record<string, unknown> = {}, idn = 1): Deletion {
  const event = parseRecord({
    eventTime: '2026-11-24T09:15:00Z',
    eventSource: 's3.amazonaws.com',
    eventName: 'DeleteBucket',
    awsRegion: 'us-east-1',
    eventID: `id-${idn}`,
    recipientAccountId: '111122223333',
    sourceIPAddress: '203.0.113.9',
    userAgent: 'aws-cli/2.15',
    userIdentity: {
      type: 'IAMUser',
      userName: 'alice',
      arn: 'arn:aws:iam::111122223333:user/alice',
      accessKeyId: 'AKIA1',
    },
    requestParameters: { bucketName: 'bucket-x' },
    ...over,
  });
  return { event, kind: 'S3 bucket', resource: 'bucket-x' };
}

function answer(deleted: Deletion[], attempts: Deletion[] = [], warnings: string[] = []): WhoDeletedAnswer {
  return {
    question: { target: 'bucket-x', range, limit: 1000 },
    deleted,
    attempts,
    search: {
      matched: deleted.length + attempts.length,
      examined: 4802,
      scope: {
        source: 'local',
        regions: ['us-east-1'],
        accounts: ['111122223333'],
        detail: 'CloudTrail log files in d (3 files)',
      },
      warnings,
    },
  };
}

describe('presentWhoDeleted', () => {
  it('leads with who and when, then each deletion, then what was searched', () => {
    const failed = deletion(
      { eventTime: '2026-11-24T09:10:00Z', errorCode: 'BucketNotEmpty', errorMessage: 'not empty' },
      2,
    );
    const doc = presentWhoDeleted(answer([deletion()], [failed]), NOW);
    const text = toText(doc);
    expect(text.split('\n')[2]).toBe(
      'Answer: alice deleted bucket-x at 2026-11-24 09:15:00 UTC (1 day ago). 1 deletion and 1 failed attempt.',
    );
    expect(text).toContain('Who:        alice (IAMUser) arn:aws:iam::111122223333:user/alice');
    expect(text).toContain('From:        203.0.113.9 aws-cli/2.15');
    expect(text).toContain('Failed with: BucketNotEmpty not empty');
    expect(text).toMatch(
      /Searched CloudTrail log files in d \(3 files\), 2026-11-18 12:00:00 UTC – 2026-11-25 11:00:00 UTC \(7 days\) \(the default range; widen it with --since\)/,
    );
    expect(text).toContain('4802 events examined (source: local)');
    expect(text.indexOf('Deletions (1)')).toBeLessThan(text.indexOf('Failed attempts (1)'));
    expect(toSlack(doc).text).toBe(
      `\`alice\` deleted \`bucket-x\` at ${slackTime('2026-11-24T09:15:00Z')} (1 day ago).`,
    );
  });

  it('says nothing was found, with the range, regions, accounts and events examined', () => {
    const text = toText(presentWhoDeleted(answer([]), NOW));
    expect(text).toContain('No deletion of bucket-x found in 4802 events examined.');
    expect(text).toContain('Regions: us-east-1. Accounts: 111122223333.');
  });

  it('leads with a failed attempt when nothing was deleted', () => {
    const failed = deletion({ errorCode: 'AccessDenied' });
    expect(toText(presentWhoDeleted(answer([], [failed]), NOW))).toContain(
      'Answer: alice tried to delete bucket-x',
    );
  });

  it('warns about delivery lag only when the range reaches the last minutes', () => {
    const recent = { ...answer([]), question: { target: 'x', range: { ...range, end: NOW }, limit: 10 } };
    expect(toText(presentWhoDeleted(recent, NOW))).toMatch(/the last minutes may be missing/);
    expect(toText(presentWhoDeleted(answer([]), NOW))).not.toMatch(/last minutes/);
  });

  it('leaves nothing from CloudTrail able to ping, link or format', () => {
    const hostile = '<!channel> <@U123> <https://evil.example|click> *bold* _it_ `tick` &amp; \n new';
    const d = deletion({
      sourceIPAddress: hostile,
      userAgent: hostile,
      awsRegion: hostile,
      errorCode: hostile,
      errorMessage: hostile,
      userIdentity: { type: 'IAMUser', userName: hostile, arn: hostile, accessKeyId: hostile },
    });
    const a = answer([], [{ ...d, resource: hostile }], [hostile]);
    a.question.target = hostile;
    a.search.scope.regions = [hostile];
    const msg = toSlack(presentWhoDeleted(a, NOW));
    for (const t of [msg.text, ...texts(msg.blocks)]) {
      assertInert(t);
      // Every outside value sits in a code span: none of the hostile text is left outside one.
      expect(outsideCode(t)).not.toMatch(/evil|bold|channel|U123/);
    }
    // Outside values sit in code spans: bold and italics markers in them are inert.
    expect(texts(msg.blocks).join('\n')).toContain(
      '`&lt;!channel&gt; &lt;@U123&gt; &lt;https://evil.example|click&gt; *bold* _it_ ˋtickˋ &amp;amp; ⏎ new`',
    );
  });

  it('fits a hundred deletions into one message with "and N more"', () => {
    const many = Array.from({ length: 100 }, (_, i) => deletion({}, i));
    const msg = toSlack(presentWhoDeleted(answer(many), NOW));
    expect(msg.blocks.length).toBeLessThanOrEqual(50);
    expect(texts(msg.blocks).some((t) => /…and \d+ more deletions\./.test(t))).toBe(true);
  });
});
