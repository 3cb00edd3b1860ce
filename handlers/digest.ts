import { hostname } from 'node:os';
import type { WebClient } from '@slack/web-api';
import { Cron } from 'croner';
import type { CommandDeps } from '../src/deps.js';
import { resolveOwners, weeklyDigest } from '../src/digest/service.js';
import { openFindingsChart } from '../src/hygiene/chart.js';
import type { Digest } from '../src/hygiene/digest.js';
import { findingsToCsv } from '../src/hygiene/export.js';
import { presentDigest } from '../src/present/hygiene.js';
import { toSlack } from '../src/slack/blocks.js';
import { findTagged } from './find-posted.js';

/** The Slack calls the digest makes; a WebClient, or a test's stand-in. */
export type DigestClient = Pick<WebClient, 'chat' | 'filesUploadV2' | 'users' | 'conversations'>;

/** How long a replica holds the digest run it claimed. */
const DIGEST_LEASE_MS = 30 * 60_000;

/** The identity the weekly digest assumes roles with (their SourceIdentity and session name). */
export const DIGEST_IDENTITY = 'trailbot-digest';

/** The event type the bot tags a digest with, and the schedule time it is for. */
export const DIGEST_METADATA_TYPE = 'trailbot_digest';

/** Was the digest due at `due` already posted (a stop between the post and keeping its snapshot)? */
async function alreadyPosted(client: DigestClient, channel: string, due: Date): Promise<boolean> {
  return Boolean(
    await findTagged(client, { channel, since: due }, DIGEST_METADATA_TYPE, 'due', due.toISOString()),
  );
}

/** The previous time the schedule fired, at or before `now` (within the last ~5 weeks). */
export function lastScheduled(cron: Cron, now: Date): Date | undefined {
  return cron.previousRuns(1, now)[0];
}

/**
 * One digest run, for the schedule time `due`: check every account, diff against the stored snapshots
 * under the live mutes, post the digest (tagged with `due`) with its chart (and the full list as CSV) to
 * the channel, then keep the snapshot — after the post, so a run that fails to post runs again rather
 * than being lost, and a run that finds its digest already in the channel keeps the snapshot only.
 */
export async function runDigest(
  deps: CommandDeps,
  client: DigestClient,
  channel: string,
  due: Date = deps.now(),
  replica: string = deps.config.TRAIL_REPLICA_ID ?? hostname(),
): Promise<Digest | undefined> {
  const now = deps.now();
  const store = deps.store();
  // Once however many replicas run the schedule: the run for `due` is claimed for half an hour by this
  // replica (TRAIL_REPLICA_ID, else the host name — so a restarted replica takes its own claim back).
  if (
    !(await store.claims.claim(
      `digest:${due.toISOString()}`,
      replica,
      now,
      new Date(now.getTime() + DIGEST_LEASE_MS),
    ))
  ) {
    deps.logger.info({ due }, 'another replica is running this digest');
    return undefined;
  }
  // Scheduled work acts as itself: roles it assumes carry the fixed identity trailbot-digest.
  const acting = deps.forIdentity ? { ...deps, ...deps.forIdentity(DIGEST_IDENTITY) } : deps;
  const assembled = await weeklyDigest(acting);
  const { result, snapshot } = assembled;
  const digest = await resolveOwners(assembled.digest, (email) =>
    client.users.lookupByEmail({ email }).then(
      (r) => r.user?.id,
      (err: unknown) => {
        deps.logger.info({ err, email }, 'owner email not found in Slack; shown as it is');
        return undefined;
      },
    ),
  );
  // Exactly once: a digest posted just before a stop (its snapshot not yet kept) is not posted again.
  if (await alreadyPosted(client, channel, due).catch(() => false)) {
    await store.hygieneRuns.saveSnapshot(snapshot);
    deps.logger.info(
      { channel, due },
      'the digest had been posted before a stop; keeping its snapshot, not posting it twice',
    );
    return digest;
  }
  const posted = await client.chat.postMessage({
    channel,
    ...toSlack(presentDigest(digest)),
    metadata: { event_type: DIGEST_METADATA_TYPE, event_payload: { due: due.toISOString() } },
  });
  const thread = posted.ts;
  if (!thread) throw new Error('Slack returned no ts for the digest');
  await client.filesUploadV2({
    channel_id: channel,
    thread_ts: thread,
    filename: `iam-open-findings-${now.toISOString().slice(0, 10)}.png`,
    file: await openFindingsChart(digest.series),
    initial_comment: 'Open findings per weekly digest.',
  });
  if (result.findings.length)
    await client.filesUploadV2({
      channel_id: channel,
      thread_ts: thread,
      filename: `iam-findings-${now.toISOString().slice(0, 10)}.csv`,
      file: Buffer.from(findingsToCsv(result.findings)),
      initial_comment: `All ${result.findings.length} findings, worst first, as CSV.`,
    });
  await store.hygieneRuns.saveSnapshot(snapshot);
  deps.logger.info(
    { channel, open: result.findings.length, failed: snapshot.failed.length },
    'hygiene digest posted',
  );
  return digest;
}

/**
 * The weekly digest on its schedule (croner, in the configured time zone, never two at once). A run the
 * bot missed while it was down — the last scheduled time is newer than the newest snapshot — runs once
 * at start.
 */
export function startDigestSchedule(
  deps: CommandDeps,
  opts: {
    cron: string;
    timezone: string;
    channel: string;
    /** The app's Slack client (Bolt's), or a test's. */
    client: DigestClient;
  },
): { cron: Cron; missed: Promise<void>; stop: () => void } {
  const client = opts.client;
  const log = deps.logger.child({ component: 'digest' });
  // A run is for the schedule time it answers: the latest one at or before now.
  const run = (due: Date = lastScheduled(cron, deps.now()) ?? deps.now()) =>
    runDigest(deps, client, opts.channel, due).then(
      () => undefined,
      (err: unknown) =>
        log.error({ err }, 'hygiene digest failed; it runs again at the next start or schedule'),
    );
  // A scheduled run is for the time croner fired it at (not "the last one before now", which at that
  // very millisecond can be last week's).
  const cron: Cron = new Cron(
    opts.cron,
    { timezone: opts.timezone, protect: true, name: 'hygiene-digest' },
    // currentRun() is when the timer fired (it can be late); the slot it fired for is the last scheduled
    // time at or before it — the same `due` a restart would compute.
    (self: Cron) => run(lastScheduled(self, new Date((self.currentRun() ?? deps.now()).getTime() + 1))),
  );
  const due = lastScheduled(cron, deps.now());
  const missed = (async () => {
    const newest = (await deps.store().hygieneRuns.snapshots(1))[0];
    const isMissed = due !== undefined && (!newest || newest.takenAt.getTime() < due.getTime());
    if (!isMissed) return;
    log.info({ due }, 'running the digest the bot missed');
    await run(due);
  })().catch((err: unknown) =>
    log.error({ err }, 'could not read the last digest; it runs at the next schedule'),
  );
  log.info({ next: cron.nextRun(), timezone: opts.timezone }, 'hygiene digest scheduled');
  return { cron, missed, stop: () => cron.stop() };
}
