import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  GenerateCredentialReportCommand,
  GetAccountAuthorizationDetailsCommand,
  GetAccountPasswordPolicyCommand,
  GetCredentialReportCommand,
  IAMClient,
} from '@aws-sdk/client-iam';
import { WebClient } from '@slack/web-api';
import { mockClient } from 'aws-sdk-client-mock';
import { Cron } from 'croner';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { lastScheduled, runDigest, startDigestSchedule } from '../../handlers/digest.js';
import {
  applyMutes,
  buildDigest,
  carryForward,
  type Mute,
  type Snapshot,
  type SnapshotFinding,
} from '../../src/hygiene/digest.js';
import { presentDigest } from '../../src/present/hygiene.js';
import { toSlack } from '../../src/slack/blocks.js';
import { tempStore } from '../helpers/alerts.js';
import { IAM_DATA } from '../helpers/data.js';
import { testDeps } from '../helpers/deps.js';
import { FakeSlack, fakeChannels } from '../helpers/fake-slack.js';
import { outsideCode, slackTime, texts } from '../helpers/slack.js';

const f = (id: string, severity: SnapshotFinding['severity'] = 'medium', owner?: string): SnapshotFinding => {
  const [check, account, user] = id.split(':') as [string, string, string];
  return {
    id,
    check: check as SnapshotFinding['check'],
    account,
    user,
    severity,
    title: `${check} on ${user}`,
    ...(owner ? { owner } : {}),
  };
};
const snap = (at: string, ids: SnapshotFinding[], failed: Snapshot['failed'] = []): Snapshot => ({
  takenAt: new Date(at),
  findings: ids,
  failed,
  reports: [{ account: '111111111111', generatedAt: new Date(at) }],
});
const mute = (pattern: string, until: string): Mute => ({
  pattern,
  reason: 'break-glass user, reviewed quarterly',
  by: 'U0ADMIN',
  at: new Date('2026-11-01T00:00:00Z'),
  until: new Date(until),
});

describe('buildDigest across three snapshots', () => {
  const week1 = snap('2026-11-09T09:00:00Z', [
    f('key-unused:111111111111:alice:1'),
    f('console-no-mfa:111111111111:bob', 'high'),
  ]);
  const week2 = snap('2026-11-16T09:00:00Z', [
    f('key-unused:111111111111:alice:1'),
    f('console-no-mfa:111111111111:bob', 'high'),
    f('root-no-mfa:111111111111:<root_account>', 'critical'),
  ]);
  const week3 = snap(
    '2026-11-23T09:00:00Z',
    [
      f('key-unused:111111111111:alice:1'),
      f('root-no-mfa:111111111111:<root_account>', 'critical'),
      f('two-active-keys:111111111111:carol', 'low', 'U0CAROL'),
    ],
    [{ account: '222222222222', error: 'AccessDenied on sts:AssumeRole' }],
  );

  it('says what is new, resolved and still open (with age) since the last digest', async () => {
    const d = buildDigest(week3, [week2, week1], []);
    expect(d.previousAt).toEqual(week2.takenAt);
    expect(d.added.map((x) => x.id)).toEqual(['two-active-keys:111111111111:carol']);
    expect(d.resolved.map((x) => x.id)).toEqual(['console-no-mfa:111111111111:bob']);
    expect(d.stillOpen.map((x) => [x.id, x.ageDays])).toEqual([
      ['key-unused:111111111111:alice:1', 14],
      ['root-no-mfa:111111111111:<root_account>', 7],
    ]);
    expect(d.totals).toEqual({ critical: 1, high: 0, medium: 1, low: 1 });
    expect(d.failed).toEqual([{ account: '222222222222', error: 'AccessDenied on sts:AssumeRole' }]);
    expect(d.series.map((s) => s.open)).toEqual([2, 3, 3]);
  });

  it('does not call an account’s findings resolved when the account could not be checked, week after week', async () => {
    // The one account fails (recorded under its placeholder id, as with the bot's own credentials).
    const failed = (at: string): Snapshot => ({
      takenAt: new Date(at),
      findings: [],
      failed: [{ account: 'this-account', error: 'AccessDenied' }],
      reports: [],
    });
    const w3 = carryForward(failed('2026-11-23T09:00:00Z'), week2);
    const d3 = buildDigest(w3, [week2, week1], []);
    expect(d3.resolved).toEqual([]);
    expect(d3.stillOpen.map((x) => x.id).sort()).toEqual(week2.findings.map((f) => f.id).sort());
    // A second failed week still carries them, from the kept (carried) snapshot.
    const w4 = carryForward(failed('2026-11-30T09:00:00Z'), w3);
    const d4 = buildDigest(w4, [w3, week2, week1], []);
    expect(d4.resolved).toEqual([]);
    expect(d4.totals.critical + d4.totals.high + d4.totals.medium + d4.totals.low).toBe(3);
    expect(d4.series.at(-1)?.open).toBe(3);
    // Recovered: nothing comes back as new.
    const w5 = snap('2026-12-07T09:00:00Z', week2.findings);
    expect(buildDigest(w5, [w4, w3, week2], []).added).toEqual([]);
  });

  it('leaves muted findings out while the mute lasts, and brings them back when it expires', async () => {
    const m = mute('key-unused:alice', '2026-11-20T00:00:00Z');
    const during = buildDigest(week2, [week1], [m]);
    expect(during.totals.medium).toBe(0);
    expect(during.mutes).toEqual([m]);
    // At week 3 the mute has expired, so the store no longer returns it: alice's key is open again.
    const after = buildDigest(week3, [week2, week1], []);
    expect(after.stillOpen.some((x) => x.id === 'key-unused:111111111111:alice:1')).toBe(true);
    expect(
      applyMutes([f('key-unused:111111111111:alice:1'), f('key-unused:111111111111:alice:2')], [m]).muted,
    ).toHaveLength(2);
    expect(
      applyMutes(
        [f('key-unused:111111111111:alice:1')],
        [mute('key-unused:111111111111:alice:2', '2027-01-01T00:00:00Z')],
      ).muted,
    ).toEqual([]);
  });

  it('keeps mutes in the store until they expire', async () => {
    const { store } = tempStore();
    await store.mutes.addMute(mute('console-no-mfa:bob', '2026-12-01T00:00:00Z'));
    expect(await store.mutes.activeMutes(new Date('2026-11-30T23:59:59Z'))).toHaveLength(1);
    expect(await store.mutes.activeMutes(new Date('2026-12-01T00:00:00Z'))).toEqual([]);
  });

  it('presents the digest: sections, owners mentioned, suppressions with who and until, nothing from data live', async () => {
    const hostile = {
      ...f('two-active-keys:111111111111:carol', 'low', 'U0CAROL'),
      title: 'two keys <!channel>',
    };
    const d = buildDigest(
      { ...week3, findings: [...week3.findings.slice(0, 2), hostile] },
      [week2, week1],
      [mute('key-unused:dave', '2026-12-31T00:00:00Z')],
    );
    const msg = toSlack(presentDigest(d));
    const all = texts(msg.blocks).join('\n');
    expect(all).toContain('Weekly IAM hygiene digest: 3 open (1 critical, 0 high, 1 medium, 1 low)');
    expect(all).toContain('*New since the last digest (1)*');
    expect(all).toContain('*Resolved since the last digest (1)*');
    expect(all).toMatch(/open 14 days/);
    expect(all).toContain('owner <@U0CAROL>');
    expect(all).toContain('muted by <@U0ADMIN>');
    expect(all).toContain('could not be checked');
    for (const t of texts(msg.blocks)) expect(outsideCode(t)).not.toContain('<!channel>');
  });
});

describe('the digest’s posture section', () => {
  it('says which trail findings are new and resolved since the last digest, and each trail’s delivery', async () => {
    const lastWeek = {
      ...snap('2026-11-16T09:00:00Z', []),
      posture: {
        findings: [
          {
            id: 'kms-encryption:111111111111:org-trail',
            severity: 'medium',
            title: 'org-trail is not encrypted with a KMS key',
          },
        ],
        delivery: [{ trail: 'org-trail', isLogging: true, latestDelivery: new Date('2026-11-16T08:55:00Z') }],
      },
    };
    const now = {
      ...snap('2026-11-23T09:00:00Z', []),
      posture: {
        findings: [
          {
            id: 'delivery-stale:111111111111:org-trail',
            severity: 'high',
            title: 'org-trail has not delivered for 9 hours',
          },
        ],
        delivery: [{ trail: 'org-trail', isLogging: true, latestDelivery: new Date('2026-11-23T00:00:00Z') }],
      },
    };
    const d = buildDigest(now, [lastWeek], []);
    expect(d.posture?.added.map((f) => f.id)).toEqual(['delivery-stale:111111111111:org-trail']);
    expect(d.posture?.resolved.map((f) => f.id)).toEqual(['kms-encryption:111111111111:org-trail']);
    const all = texts(toSlack(presentDigest(d)).blocks).join('\n');
    expect(all).toContain('*Trail posture: 1 open finding*');
    expect(all).toContain(`\`org-trail\`: logging, last delivery ${slackTime('2026-11-23T00:00:00Z')}`);
    expect(all).toContain('*New posture findings (1)*');
    expect(all).toContain('*Resolved posture findings (1)*');
    // A check that could not be made resolves nothing.
    const unchecked = buildDigest(
      {
        ...now,
        posture: { findings: [], delivery: [], notChecked: ['kms-encryption:111111111111:org-trail'] },
      },
      [lastWeek],
      [],
    );
    expect(unchecked.posture?.resolved).toEqual([]);
    // A failed posture check resolves nothing and says why.
    const failed = buildDigest(
      { ...now, posture: { findings: [], delivery: [], error: 'AccessDenied' } },
      [lastWeek],
      [],
    );
    expect(failed.posture?.resolved).toEqual([]);
    expect(texts(toSlack(presentDigest(failed)).blocks).join('\n')).toContain('The posture check failed');
  });

  it('keeps the posture in the stored snapshot, dates included', async () => {
    const { store } = tempStore();
    await store.hygieneRuns.saveSnapshot({
      ...snap('2026-11-23T09:00:00Z', []),
      posture: {
        findings: [],
        delivery: [{ trail: 't', isLogging: true, latestDelivery: new Date('2026-11-23T08:00:00Z') }],
      },
    });
    expect((await store.hygieneRuns.snapshots(1))[0]?.posture?.delivery[0]?.latestDelivery).toEqual(
      new Date('2026-11-23T08:00:00Z'),
    );
  });
});

describe('the digest schedule', () => {
  it('runs at the configured time in the configured time zone', async () => {
    const cron = new Cron('0 9 * * 1', { timezone: 'Europe/Berlin', paused: true });
    // Monday 2026-11-30 09:00 in Berlin (CET, UTC+1) is 08:00 UTC.
    expect(cron.nextRun(new Date('2026-11-30T07:00:00Z'))).toEqual(new Date('2026-11-30T08:00:00Z'));
    expect(cron.nextRun(new Date('2026-11-30T08:00:00Z'))).toEqual(new Date('2026-12-07T08:00:00Z'));
    expect(lastScheduled(cron, new Date('2026-12-02T12:00:00Z'))).toEqual(new Date('2026-11-30T08:00:00Z'));
    cron.stop();
  });
});

describe('the digest posted through the fake Slack API', () => {
  const slack = new FakeSlack();
  const iam = mockClient(IAMClient);
  let uploads = 0;
  let channels: ReturnType<typeof fakeChannels>;
  beforeAll(async () => {
    await slack.start();
    channels = fakeChannels(slack);
    slack.on('/api/users.lookupByEmail', (b) =>
      b.email === 'jake@example.com'
        ? { body: { ok: true, user: { id: 'U0JAKE' } } }
        : { body: { ok: false, error: 'users_not_found' } },
    );
    slack.on('/api/files.getUploadURLExternal', () => {
      uploads++;
      return { body: { ok: true, upload_url: `${slack.url}/upload/F${uploads}`, file_id: `F${uploads}` } };
    });
    for (let i = 1; i <= 40; i++) slack.on(`/upload/F${i}`, () => ({ body: 'OK' }));
    slack.on('/api/files.completeUploadExternal', () => ({ body: { ok: true, files: [{ id: 'F1' }] } }));
  });
  afterEach(() => iam.reset());
  afterAll(() => slack.stop());

  function mockAccount() {
    iam.on(GenerateCredentialReportCommand).resolves({ State: 'COMPLETE' });
    iam.on(GetCredentialReportCommand).resolves({
      Content: Buffer.from(readFileSync(join(IAM_DATA, 'credential-report.csv'), 'utf8')),
      GeneratedTime: new Date('2023-01-04T20:00:00Z'),
    });
    iam
      .on(GetAccountPasswordPolicyCommand)
      .resolves({ PasswordPolicy: { MinimumPasswordLength: 14, PasswordReusePrevention: 24 } });
    iam.on(GetAccountAuthorizationDetailsCommand).resolves({
      UserDetailList: [{ UserName: 'jake', Tags: [{ Key: 'owner', Value: 'jake@example.com' }] }],
    });
  }

  it('posts the digest with owners resolved, the chart as a PNG and the findings as CSV, then keeps the snapshot', async () => {
    mockAccount();
    const deps = testDeps({}, { now: new Date('2023-01-05T09:00:00Z') });
    const client = new WebClient('xoxb-test', { slackApiUrl: `${slack.url}/api/` });
    const d = await runDigest(deps, client, 'C0DIGEST01');
    const [post] = slack.callsTo('/api/chat.postMessage');
    expect(post?.body.channel).toBe('C0DIGEST01');
    const text = texts(post?.body.blocks as unknown[]).join('\n');
    expect(text).toContain('The first digest');
    expect(text).toContain('owner <@U0JAKE>');
    const files = slack.callsTo('/api/files.getUploadURLExternal').map((c) => c.body.filename);
    expect(files).toEqual(['iam-open-findings-2023-01-05.png', 'iam-findings-2023-01-05.csv']);
    const png = slack.callsTo('/upload/F1')[0]?.raw ?? '';
    expect(png.includes('PNG')).toBe(true);
    expect(slack.callsTo('/api/files.completeUploadExternal')[0]?.body.thread_ts).toBe(
      post?.body.ts ?? channels.posts()[0]?.ts,
    );
    expect(await deps.store().hygieneRuns.snapshots(5)).toHaveLength(1);
    expect(d?.added.length).toBeGreaterThan(0);
    // Another replica, fired for the same schedule time: the run is claimed, so nothing is posted twice.
    const posts = slack.callsTo('/api/chat.postMessage').length;
    expect(await runDigest(deps, client, 'C0DIGEST01', deps.now(), 'replica-b')).toBeUndefined();
    expect(slack.callsTo('/api/chat.postMessage')).toHaveLength(posts);
  });

  it('runs a digest the bot missed while it was down, once, at start', async () => {
    mockAccount();
    const deps = testDeps({}, { now: new Date('2023-01-05T09:00:00Z'), store: tempStore().store });
    const client = new WebClient('xoxb-test', { slackApiUrl: `${slack.url}/api/` });
    const before = slack.callsTo('/api/chat.postMessage').length;
    // Scheduled for Monday 2023-01-02 08:00 UTC; the store has no digest since then.
    const s = startDigestSchedule(deps, {
      cron: '0 8 * * 1',
      timezone: 'UTC',
      channel: 'C0DIGEST01',
      client,
    });
    await s.missed;
    s.stop();
    expect(slack.callsTo('/api/chat.postMessage').length).toBe(before + 1);
    // Started again the same day: the digest is there, so nothing runs.
    const again = startDigestSchedule(deps, {
      cron: '0 8 * * 1',
      timezone: 'UTC',
      channel: 'C0DIGEST01',
      client,
    });
    await again.missed;
    again.stop();
    expect(slack.callsTo('/api/chat.postMessage').length).toBe(before + 1);
  });

  it('posts each scheduled digest exactly once, whatever point a crash stops a run at', async () => {
    // A run stops hard before posting, after posting (before the chart), or after the chart (before its
    // snapshot is kept); the restart's missed-run check must then post it once, or not again.
    const points = ['before-post', 'after-post', 'after-chart'] as const;
    for (const [i, crashAt] of points.entries()) {
      mockAccount();
      const channel = `C0CRASH00${i}`;
      const deps = testDeps({}, { now: new Date('2023-01-05T09:00:00Z'), store: tempStore().store });
      const real = new WebClient('xoxb-test', { slackApiUrl: `${slack.url}/api/` });
      const dies = (): never => {
        throw new Error('killed');
      };
      const crashing = {
        users: real.users,
        conversations: real.conversations,
        chat: {
          postMessage: (async (a: never) =>
            crashAt === 'before-post' ? dies() : real.chat.postMessage(a)) as never,
        },
        filesUploadV2: (async (a: never) =>
          crashAt === 'after-post'
            ? dies()
            : real.filesUploadV2(a).then(() => (crashAt === 'after-chart' ? dies() : undefined))) as never,
      } as never;
      const opts = { cron: '0 8 * * 1', timezone: 'UTC', channel };
      const first = startDigestSchedule(deps, { ...opts, client: crashing });
      await first.missed;
      first.stop();
      expect(await deps.store().hygieneRuns.snapshots(1), crashAt).toEqual([]);
      const restart = startDigestSchedule(deps, { ...opts, client: real });
      await restart.missed;
      restart.stop();
      const posts = channels
        .posts(channel)
        .filter(
          (m) =>
            (m.metadata?.event_payload as { due?: string } | undefined)?.due === '2023-01-02T08:00:00.000Z',
        );
      expect(posts, crashAt).toHaveLength(1);
      expect(await deps.store().hygieneRuns.snapshots(5), crashAt).toHaveLength(1);
    }
  });
});
