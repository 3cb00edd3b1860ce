import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Alert } from '../../src/alerts/alert.js';
import type { ActorAsk } from '../../src/alerts/asks.js';
import type { StoredAlert } from '../../src/alerts/repository.js';
import type { Finding } from '../../src/hygiene/checks.js';
import { buildDigest, type Snapshot } from '../../src/hygiene/digest.js';
import {
  askedNote,
  confirmedNote,
  escalationNote,
  presentAskAnswered,
  presentAskDm,
  unmappedNote,
} from '../../src/present/actor-ask.js';
import { presentAlertMessage } from '../../src/present/alert.js';
import type { Doc } from '../../src/present/doc.js';
import { presentError } from '../../src/present/error.js';
import { presentGeo } from '../../src/present/geo.js';
import { presentDigest, presentHygiene, presentMute } from '../../src/present/hygiene.js';
import { presentInvestigation } from '../../src/present/investigation.js';
import { presentPosture, presentVerify } from '../../src/present/posture.js';
import { presentWhoDeleted } from '../../src/present/who-deleted.js';
import { type SlackMessage, toSlack } from '../../src/slack/blocks.js';
import { SLACK_LIMITS as L } from '../../src/slack/limits.js';
import { parseRecord } from '../../src/trail/event.js';
import { BY, groupBy } from '../../src/trail/investigate.js';
import { DATE_TOKEN, texts } from '../helpers/slack.js';

/** Values full of Slack markup, as an attacker would put them in a bucket name or a finding title. */
const MARKUP = [
  '<!channel>',
  '<!here>',
  '<!everyone>',
  '<@U123ABC>',
  '<#C123ABC>',
  '<!subteam^S123>',
  '<https://evil.example|click me>',
  '<mailto:a@b.c|mail>',
  '&lt;!channel&gt;',
  '&amp;',
  '`',
  '```',
  '*bold*',
  '_it_',
  '~strike~',
  '>quote',
  '\n',
  '|',
  // Bidi overrides, isolates and marks, zero-width and invisible characters, separators, the BOM.
  ...'\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200b\u200c\u200d\u200e\u200f\u2028\u2029\ufeff\u061c\u2060',
];
/** Characters no rendered message may carry raw: they would make it read differently from what it says. */
const HIDDEN = /[\u061C\u180E\u200B-\u200F\u2028\u2029\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/;
const hostile = fc.oneof(
  fc.constantFrom(...MARKUP),
  fc
    .array(fc.constantFrom(...MARKUP, 'a', ' ', 'x'), { minLength: 1, maxLength: 12 })
    .map((xs) => xs.join('')),
  fc.string({ maxLength: 40 }),
  fc.string({ minLength: 3000, maxLength: 6000 }),
  fc.array(fc.constantFrom(...MARKUP), { minLength: 200, maxLength: 400 }).map((xs) => xs.join('')),
);

/** Our own constructs that may form control sequences: console links, validated mentions. */
const OURS = [
  /<https:\/\/[a-z0-9-]*\.?(?:console\.aws\.amazon\.com|console\.amazonaws\.cn|console\.amazonaws-us-gov\.com|health\.aws\.amazon\.com)[^<>\s|]*\|[^<>|]*>/g,
  /<@[UW][A-Z0-9]{2,20}>/g,
  /<!subteam\^S[A-Z0-9]{2,20}>/g,
  DATE_TOKEN,
];

/** No rendered text may ping, link or break formatting; no block may exceed Slack's limits. */
function assertSafe(msg: SlackMessage) {
  expect(msg.blocks.length).toBeLessThanOrEqual(L.blocksPerMessage);
  expect(msg.text.length).toBeLessThanOrEqual(L.messageText);
  for (const b of msg.blocks as {
    type: string;
    text?: { text: string };
    fields?: { text: string }[];
    elements?: { text?: string; value?: string }[];
  }[]) {
    if (b.type === 'header') expect(b.text?.text.length ?? 0).toBeLessThanOrEqual(L.headerText);
    if (b.type === 'section') {
      expect(b.text?.text.length ?? 0).toBeLessThanOrEqual(L.sectionText);
      expect(b.fields?.length ?? 0).toBeLessThanOrEqual(L.sectionFields);
      for (const f of b.fields ?? []) expect(f.text.length).toBeLessThanOrEqual(L.fieldText);
    }
    if (b.type === 'context') expect(b.elements?.length ?? 0).toBeLessThanOrEqual(L.contextElements);
    if (b.type === 'actions')
      for (const e of b.elements ?? []) expect(e.value?.length ?? 0).toBeLessThanOrEqual(L.buttonValue);
  }
  for (const t of [msg.text, ...texts(msg.blocks)]) {
    expect(t, t.slice(0, 200)).not.toMatch(HIDDEN);
    // Code blocks and inline code spans hold outside data; Slack shows them as they are. Outside code
    // blocks, backticks pair up, so no span runs on into our own text.
    const blocks = t.replace(/^```[\s\S]*```$/g, '');
    expect((blocks.match(/`/g) ?? []).length % 2, t.slice(0, 200)).toBe(0);
    let outside = blocks.replace(/`[^`\n]*`/g, '');
    for (const ours of OURS) outside = outside.replace(ours, '');
    expect(outside, t.slice(0, 300)).not.toMatch(/[<>]/);
    // Every time is a date token, shown in the reader's zone: none is left as text (UTC, ISO or not)
    // outside a token's fallback.
    expect(outside, t.slice(0, 300)).not.toMatch(/\d{4}-\d\d-\d\d[T ]\d\d:\d\d/);
  }
}

const check = (arb: fc.Arbitrary<Doc>) =>
  fc.assert(
    fc.property(arb, (doc) => assertSafe(toSlack(doc))),
    { numRuns: 1000 },
  );
const NOW = new Date('2026-11-25T12:00:00Z');
const range = {
  start: new Date('2026-11-18T12:00:00Z'),
  end: new Date('2026-11-25T11:00:00Z'),
  defaulted: false,
};

const event = (h: string[]) =>
  parseRecord({
    eventTime: '2026-11-24T09:15:00Z',
    eventSource: `${h[0]}`,
    eventName: `Delete${h[1]}`,
    awsRegion: 'us-east-1',
    eventID: `id-${h[2]}`,
    recipientAccountId: '111122223333',
    sourceIPAddress: h[3],
    userAgent: h[4],
    errorCode: h[5],
    errorMessage: h[6],
    userIdentity: {
      type: 'IAMUser',
      userName: h[7],
      arn: `arn:aws:iam::111122223333:user/${h[8]}`,
      accessKeyId: h[9],
    },
    requestParameters: { bucketName: h[10] },
  });
const many = fc.array(hostile, { minLength: 12, maxLength: 12 });

const search = (h: string[]) => ({
  matched: 1,
  examined: 10,
  scope: { source: 'local' as const, regions: [h[0] ?? ''], accounts: [h[1] ?? ''], detail: h[2] ?? '' },
  warnings: [h[3] ?? ''],
  index: { builtAt: NOW, files: 3, raw: 1 },
});

describe('every presenter keeps outside data inert and within Slack’s limits (10,000 generated values)', () => {
  it('who-deleted', () =>
    check(
      fc.tuple(many, many).map(([a, b]) =>
        presentWhoDeleted(
          {
            question: { target: a[11] ?? '', range, limit: 1000 },
            deleted: [{ event: event(a), kind: 'S3 bucket', resource: a[10] ?? '' }],
            attempts: [{ event: event(b), kind: 'S3 bucket', resource: b[10] ?? '' }],
            search: search(b),
          },
          NOW,
        ),
      ),
    ));

  it('investigations', () =>
    check(
      fc.tuple(many, many).map(([a, b]) => {
        const events = [event(a), event(b)];
        return presentInvestigation(
          {
            subject: a[0] ?? '',
            range,
            events,
            groups: [groupBy(events, BY.eventName), groupBy(events, BY.sourceIp)],
            search: search(b),
          },
          NOW,
        );
      }),
    ));

  it('alerts, alone and grouped', () =>
    check(
      fc.tuple(many, fc.integer({ min: 1, max: 30 })).map(([h, n]) => {
        const alert: Alert = {
          title: h[0] ?? '',
          severity: 'high',
          source: 'cloudtrail',
          account: h[1],
          region: h[2],
          resource: h[3],
          actor: h[4],
          state: h[5],
          link: 'https://us-east-1.console.aws.amazon.com/cloudtrailv2/home?region=us-east-1#/events/e1',
          details: [{ label: 'Baseline', value: h[6] ?? '' }],
          fingerprint: 'f',
          time: NOW,
          raw: h[7] ?? '',
        };
        const stored = (i: number): StoredAlert => ({
          id: `a${i}`,
          groupId: 'g',
          fingerprint: `f${i}`,
          channel: 'C0ALERTS01',
          alert,
          status: i % 2 ? 'acknowledged' : 'open',
          by: h[8],
          at: NOW,
          count: i + 1,
          notedCount: 1,
          firstSeen: NOW,
          lastSeen: NOW,
        });
        return presentAlertMessage(
          'g',
          Array.from({ length: n }, (_, i) => stored(i)),
        );
      }),
    ));

  it('asking the actor: the direct message, the thread notes and the answered message', () =>
    check(
      fc.tuple(many, fc.integer({ min: 0, max: 5 })).map(([h, which]) => {
        const alert: Alert = {
          title: h[0] ?? '',
          severity: 'high',
          source: 'cloudtrail',
          account: h[1],
          region: h[2],
          resource: h[3],
          eventName: h[4],
          sourceIp: h[5],
          fingerprint: 'f',
          time: NOW,
          raw: '',
        };
        const ask: ActorAsk = {
          id: '00000000-0000-4000-8000-000000000001',
          groupId: 'g',
          alertId: 'a',
          person: { kind: which % 2 ? 'sso' : 'iam-user', name: h[6] ?? '', account: h[7] },
          state: 'confirmed',
          user: 'U0ALICE',
          via: 'TRAIL_ASK_ACTOR_MAP',
          reason: h[8],
          createdAt: NOW,
        };
        return [
          presentAskDm(ask, alert, 1_800_000),
          askedNote(ask, 1_800_000),
          unmappedNote(ask),
          confirmedNote(ask),
          presentAskAnswered(ask),
          presentAskAnswered({ ...ask, state: 'denied' }),
        ][which] as Doc;
      }),
    ));

  it('the escalation note calls the channel once, its own mention; outside data never adds one', () =>
    fc.assert(
      fc.property(many, (h) => {
        const ask = {
          id: 'x',
          groupId: 'g',
          alertId: 'a',
          person: { kind: 'session' as const, name: h[0] ?? '' },
          state: 'asked' as const,
          user: h[1] ?? '',
          createdAt: NOW,
        };
        const msg = toSlack(
          escalationNote(ask, 'denied', { timeoutMs: 60_000, oncallGroup: 'S0ONCALL', severity: 'critical' }),
        );
        const all = [msg.text, ...texts(msg.blocks)].join('\n');
        expect(all.match(/<!channel>/g)?.length).toBe(msg.text.includes('<!channel>') ? 2 : 1);
        const own = (t: string) => t.replace('<!channel>', '');
        assertSafe({ ...msg, text: own(msg.text), blocks: JSON.parse(own(JSON.stringify(msg.blocks))) });
      }),
      { numRuns: 1000 },
    ));

  it('places: addresses with countries, networks and flags, and the geo answer', () =>
    check(
      fc.tuple(many, fc.integer({ min: 0, max: 1 })).map(([h, which]) => {
        const place = { kind: 'public' as const, ip: h[0] ?? '', country: 'NL', asn: 1136, org: h[1] };
        if (which === 0) {
          const e = { ...event(h), place };
          return presentInvestigation(
            {
              subject: h[2] ?? '',
              range,
              events: [e],
              groups: [groupBy([e], BY.sourceIp)],
              search: search(h),
            },
            NOW,
          );
        }
        const row = {
          country: h[3]?.slice(0, 2),
          asn: 7,
          org: h[4],
          first: NOW,
          last: NOW,
          events: 2,
          failures: 1,
          isNew: true,
          newCountry: true,
        };
        return presentGeo(
          {
            subject: h[5] ?? '',
            range,
            baseline: range,
            principals: [
              { principal: h[6] ?? '', display: h[7] ?? '', places: [row], elsewhere: 3, hasBaseline: true },
            ],
            search: { ...search(h), geo: { about: h[8] ?? '', builtAt: new Date('2020-01-01T00:00:00Z') } },
          },
          NOW,
        );
      }),
    ));

  it('hygiene answers, mutes and digests', () =>
    check(
      fc.tuple(many, fc.integer({ min: 0, max: 20 })).map(([h, n]) => {
        const finding = (i: number): Finding => ({
          id: `key-unused:111122223333:${h[0]}${i}`,
          check: 'key-unused',
          account: '111122223333',
          user: h[1] ?? '',
          severity: 'medium',
          title: h[2] ?? '',
          evidence: h[3] ?? '',
          standard: 'CIS',
          remediation: h[4] ?? '',
          owner: h[5],
        });
        const findings = Array.from({ length: n }, (_, i) => finding(i));
        if (n % 3 === 0)
          return presentMute({
            pattern: h[6] ?? '',
            reason: h[7] ?? '',
            by: h[8] ?? '',
            at: NOW,
            until: NOW,
          });
        if (n % 3 === 1)
          return presentHygiene(
            {
              accounts: [
                { account: '111122223333', ok: true, generatedAt: NOW, findings, apiCalls: 1 },
                { account: h[9] ?? '', ok: false, error: h[10] ?? '' },
              ],
              findings,
              checkedAt: NOW,
            },
            2,
            NOW,
          );
        const snap = (f: Finding[]): Snapshot => ({
          takenAt: NOW,
          findings: f,
          failed: [{ account: h[9] ?? '', error: h[10] ?? '' }],
          reports: [],
          posture: {
            findings: [{ id: 'p', severity: 'high', title: h[11] ?? '' }],
            delivery: [{ trail: h[6] ?? '', isLogging: true, latestDeliveryError: h[7] }],
            error: h[8],
          },
        });
        return presentDigest(
          buildDigest(
            snap(findings),
            [snap(findings.slice(0, n / 2))],
            [{ pattern: h[6] ?? '', reason: h[7] ?? '', by: h[8] ?? '', at: NOW, until: NOW }],
          ),
        );
      }),
    ));

  it('posture and verify answers', () =>
    check(
      fc.tuple(many, fc.boolean()).map(([h, which]) =>
        which
          ? presentPosture({
              account: h[0] ?? '',
              regions: [h[1] ?? ''],
              trails: 1,
              findings: [
                {
                  id: h[2] ?? '',
                  check: 'kms-encryption',
                  account: h[0] ?? '',
                  resource: h[3] ?? '',
                  severity: 'medium',
                  title: h[4] ?? '',
                  evidence: h[5] ?? '',
                  standard: 'CIS 3.5',
                  remediation: h[6] ?? '',
                },
              ],
              delivery: [
                { trail: h[7] ?? '', homeRegion: h[8] ?? '', isLogging: false, latestDeliveryError: h[9] },
              ],
              notChecked: [{ id: 'x', reason: h[10] ?? '' }],
              checkedAt: NOW,
            })
          : presentVerify({
              where: h[0] ?? '',
              digests: 3,
              logFilesChecked: 2,
              missing: [h[1] ?? ''],
              altered: [h[2] ?? ''],
              extra: [h[3] ?? ''],
              chain: [h[4] ?? ''],
              misplaced: [h[5] ?? ''],
              signatures: h[6]?.length
                ? { notChecked: h[6] }
                : { checked: 1, invalid: [h[7] ?? ''], unsigned: [h[8] ?? ''] },
              intact: false,
            }),
      ),
    ));

  it('errors', () =>
    check(
      fc
        .tuple(hostile, hostile)
        .map(([message, usage]) => presentError({ code: 'usage', message, usage }, '/trail')),
    ));
});
