import { randomUUID } from 'node:crypto';
import { v5 as uuidv5 } from 'uuid';
import type { Config } from '../config.js';
import type { GeoRules } from '../geo/baseline.js';
import { detectPlaces } from '../geo/detect.js';
import type { GeoLocator } from '../geo/locator.js';
import type { Logger } from '../log.js';
import type { Doc, Inline } from '../present/doc.js';
import { DAY_MS, HOUR_MS } from '../time.js';
import { type Alert, normalizeMessage } from './alert.js';
import { type AskPolicy, queueAsk } from './ask-actor.js';
import type { AcceptedMessage } from './inbox.js';
import { StaleWriteError, type StoredAlert } from './repository.js';
import { type Route, routeAlert } from './routing.js';
import type { AlertStorage } from './storage.js';
import { PRIORITY, retryStale } from './work.js';

/** What decides where alerts go and how they group, read from config. */
export interface AlertPolicy {
  routes: readonly Route[];
  defaultChannel: string;
  /** Alert fields whose values make the group key; empty means every alert its own message. */
  groupBy: readonly GroupField[];
  /** How long a new group waits for company before its message goes out. */
  groupWaitMs: number;
  /** How long after a group opens new alerts may still join it. */
  groupWindowMs: number;
  /** Remind the thread (mentioning the on-call group) after this long without an acknowledgement. */
  escalateAfterMs?: number | undefined;
  oncallGroup?: string | undefined;
  /** Which alerts ask their actor "was this you?"; unset: none do. */
  ask?: AskPolicy | undefined;
  /** Where addresses are, and new-place detection; unset: places off. */
  geo?: GeoPolicy | undefined;
}

/** Places on alerts, and the rules of new-place detection (TRAIL_GEO_*). */
export interface GeoPolicy {
  locator: () => GeoLocator | undefined;
  /** Unset: alerts show places, nothing is detected. */
  rules?: GeoRules | undefined;
}

/** The fields a group key may be made of. */
export type GroupField = 'source' | 'account' | 'region' | 'severity' | 'eventName' | 'fingerprint';

/** The new-place rules from config. */
export function geoRules(config: Config): GeoRules {
  return {
    baselineMs: config.TRAIL_GEO_BASELINE_DAYS * DAY_MS,
    newNetwork: config.TRAIL_GEO_NEW_NETWORK,
    impossibleTravel: config.TRAIL_GEO_IMPOSSIBLE_TRAVEL,
    maxPlaces: config.TRAIL_GEO_MAX_PLACES,
    learnMs: config.TRAIL_GEO_LEARN_DAYS * DAY_MS,
  };
}

/**
 * The policy from config; the default channel is required once alerts are configured. With a locator,
 * alerts show where their addresses are, and (TRAIL_GEO_ALERTS) new places raise alerts.
 */
export function alertPolicy(config: Config, locator?: () => GeoLocator | undefined): AlertPolicy {
  if (!config.TRAIL_ALERT_DEFAULT_CHANNEL)
    throw new Error('TRAIL_ALERT_DEFAULT_CHANNEL is required for alerts');
  return {
    routes: config.TRAIL_ALERT_ROUTES,
    defaultChannel: config.TRAIL_ALERT_DEFAULT_CHANNEL,
    groupBy: config.TRAIL_ALERT_GROUP_BY,
    groupWaitMs: config.TRAIL_ALERT_GROUP_WAIT,
    groupWindowMs: config.TRAIL_ALERT_GROUP_WINDOW,
    escalateAfterMs: config.TRAIL_ALERT_ESCALATE_AFTER,
    oncallGroup: config.TRAIL_ONCALL_GROUP,
    ask: config.TRAIL_ASK_ACTOR.length
      ? {
          rules: config.TRAIL_ASK_ACTOR,
          timeoutMs: config.TRAIL_ASK_ACTOR_TIMEOUT,
          oncallGroup: config.TRAIL_ONCALL_GROUP,
        }
      : undefined,
    geo: locator
      ? { locator, rules: config.TRAIL_GEOIP && config.TRAIL_GEO_ALERTS ? geoRules(config) : undefined }
      : undefined,
  };
}

/** This process, as the holder of the claims it takes on messages to process. */
const PROCESS_OWNER = randomUUID();
/** How long a message being turned into alerts is this process's alone. */
const PROCESS_LEASE_MS = 15_000;

const note = (parts: Inline[]): Doc => ({ summary: parts, blocks: [{ type: 'text', parts }] });

/** The alerts in a stored message: an SNS envelope's Message and Subject, or a raw SQS body. */
export function alertsOf(m: AcceptedMessage): Alert[] {
  if (m.type === 'Notification') {
    const env = JSON.parse(m.body) as { Message: string; Subject?: string | null };
    return normalizeMessage(env.Message, { subject: env.Subject ?? undefined, receivedAt: m.receivedAt });
  }
  return normalizeMessage(m.body, { receivedAt: m.receivedAt });
}

function groupKey(a: Alert, fields: readonly GroupField[]): string {
  if (!fields.length) return `alert:${a.fingerprint}`;
  return fields.map((f) => `${f}=${a[f] ?? '-'}`).join('|');
}

/**
 * One alert into the store, with where its address is; then, for a CloudTrail call by a principal from a
 * public address, what it teaches the principal's baseline — a new country or network, or impossible
 * travel, each raised as an alert of its own (once: the baseline learns it).
 */
export async function applyAlert(
  store: AlertStorage,
  policy: AlertPolicy,
  alert: Alert,
  now: Date,
  log: Logger,
  origin?: string,
): Promise<void> {
  // The databases are opened only for an alert with an address (an alarm never needs them).
  const place = alert.sourceIp && !alert.place ? policy.geo?.locator()?.locate(alert.sourceIp) : alert.place;
  const a: Alert = place ? { ...alert, place } : alert;
  await applyOne(store, policy, a, now, log, origin);
  const rules = policy.geo?.rules;
  if (!rules || a.rule || a.source !== 'cloudtrail' || !a.actor || a.place?.kind !== 'public' || !a.sourceIp)
    return;
  const raised = await detectPlaces(store.geo, rules, {
    principal: a.actor,
    display: a.person?.name ?? a.actor,
    person: a.person,
    account: a.account,
    region: a.region,
    eventName: a.eventName ?? a.title,
    sourceIp: a.sourceIp,
    place: a.place,
    time: a.time,
    login: a.eventName === 'ConsoleLogin' && !a.failed,
    link: a.link,
    raw: a.raw,
  });
  for (const [i, r] of raised.entries())
    await applyOne(store, policy, r, now, log, origin && `${origin}#raised-${i}`);
}

/**
 * A group not yet posted has its post queued, unless one is waiting. On a store without transactions
 * (DynamoDB) a replica can stop between saving a new alert and queueing its post; the message, done
 * again, then finds the alert and comes here as a repeat — and the post is queued now instead of never.
 * A post that finds its group already posted (one was in flight) becomes an update (outbox.ts).
 */
async function ensurePosted(
  store: AlertStorage,
  groupId: string,
  item: { channel: string; groupId: string; priority: number },
  now: Date,
): Promise<void> {
  const group = await store.alerts.group(groupId);
  if (group && !group.ts) await store.outbox.enqueue({ ...item, kind: 'post', notBefore: now }, true);
}

/**
 * The id of what an alert from `origin` creates (its alert, its group): derived from it when there is
 * one, so a message done again after a replica stopped half way through it (DynamoDB has no
 * transaction) finds and writes the same alert and group, not a second alert of the same event.
 */
const idFrom = (origin: string | undefined, what: 'alert' | 'group') =>
  origin ? uuidv5(`${origin}#${what}`, ORIGIN_NAMESPACE) : randomUUID();
/** The mark a repeat from `origin` leaves on its alert: 64 bits of an id derived from it. */
const repeatMark = (origin: string) =>
  uuidv5(`${origin}#repeat`, ORIGIN_NAMESPACE).replaceAll('-', '').slice(0, 16);
/**
 * Repeats an alert remembers the marks of. A message is done again only after its claim has run out
 * (15 s): what could push its mark out is 64 other messages of the same alert counted in between.
 */
export const REPEAT_MARKS = 64;
/** The namespace of those ids (a UUID of this project's own). */
const ORIGIN_NAMESPACE = 'a3c5e0d2-6f1b-4c8e-9d7a-2b4f6e8c0a1d';

/**
 * One alert into the store as it is (no place looked up, nothing detected): an alarm back to OK resolves its open alert; a repeat of an open alert's
 * fingerprint counts on the original message; anything else opens a new alert, joining an open group
 * with its key or starting one whose message waits `groupWaitMs` for company. `origin` names where the
 * alert came from (a stored message and the alert's place in it): done again, it is not a repeat.
 */
export async function applyOne(
  store: AlertStorage,
  policy: AlertPolicy,
  a: Alert,
  now: Date,
  log: Logger,
  origin?: string,
): Promise<void> {
  const existing = await store.alerts.openAlertByFingerprint(a.fingerprint);
  const alertId = idFrom(origin, 'alert');
  if (existing && origin && existing.id === alertId) {
    // This message made this alert before stopping half way: what may be missing is its message's post
    // or update (queued once: a queued one takes it), not a repeat.
    const item = { channel: existing.channel, groupId: existing.groupId, priority: PRIORITY.background };
    await ensurePosted(store, existing.groupId, item, now);
    await store.outbox.enqueue({ ...item, kind: 'update', notBefore: now }, true);
    return;
  }
  if (a.closes) {
    if (!existing) {
      log.info({ fingerprint: a.fingerprint }, 'back to normal with no open alert: nothing to resolve');
      return;
    }
    const item = { channel: existing.channel, groupId: existing.groupId, priority: PRIORITY.background };
    // The message's update is queued before the alert is resolved: it shows the alert as it is when it
    // goes out, and a replica stopping after the resolve (DynamoDB has no transaction) would leave a
    // message done again with no open alert to find — and the channel showing it open.
    await store.outbox.enqueue({ ...item, kind: 'update', notBefore: now }, true);
    await store.alerts.saveAlert({
      ...existing,
      alert: { ...existing.alert, state: a.state },
      status: 'resolved',
      by: 'aws',
      at: now,
      snoozedUntil: undefined,
    });
    await store.alerts.recordAction({
      groupId: existing.groupId,
      kind: 'auto-resolve',
      userId: 'aws',
      at: now,
    });
    await store.outbox.enqueue({
      ...item,
      kind: 'note',
      notBefore: now,
      doc: note([
        a.source === 'insight' ? '✅ The Insight has ended: ' : '✅ The alarm is back to OK: ',
        { lit: existing.alert.resource ?? existing.alert.title },
        ' resolved automatically.',
      ]),
    });
    return;
  }
  if (existing) {
    const mark = origin && repeatMark(origin);
    const item = { channel: existing.channel, groupId: existing.groupId, priority: PRIORITY.background };
    if (mark && existing.countedFrom?.includes(mark)) {
      // This message counted this repeat before its replica stopped: what may be missing is what follows.
      await ensurePosted(store, existing.groupId, item, now);
      await store.outbox.enqueue({ ...item, kind: 'update', notBefore: now }, true);
      if (existing.status !== 'snoozed')
        await store.outbox.enqueue({ ...item, kind: 'repeat', notBefore: now }, true);
      return;
    }
    const later = a.time.getTime() > existing.lastSeen.getTime();
    await store.alerts.saveAlert({
      ...existing,
      alert: later
        ? { ...existing.alert, title: a.title, state: a.state ?? existing.alert.state }
        : existing.alert,
      count: existing.count + 1,
      lastSeen: later ? a.time : existing.lastSeen,
      countedFrom: mark ? [...(existing.countedFrom ?? []), mark].slice(-REPEAT_MARKS) : existing.countedFrom,
    });
    await ensurePosted(store, existing.groupId, item, now);
    await store.outbox.enqueue({ ...item, kind: 'update', notBefore: now }, true);
    // A snoozed alert counts its repeats quietly.
    if (existing.status !== 'snoozed')
      await store.outbox.enqueue({ ...item, kind: 'repeat', notBefore: now }, true);
    return;
  }
  const channel = routeAlert(a, policy.routes, policy.defaultChannel) ?? policy.defaultChannel;
  const key = groupKey(a, policy.groupBy);
  const joined = policy.groupBy.length
    ? await store.alerts.openGroup(channel, key, new Date(now.getTime() - policy.groupWindowMs))
    : undefined;
  const groupId = joined?.id ?? idFrom(origin, 'group');
  if (!joined) await store.alerts.insertGroup({ id: groupId, channel, groupKey: key, createdAt: now });
  const stored: StoredAlert = {
    id: alertId,
    groupId,
    fingerprint: a.fingerprint,
    channel,
    alert: a,
    status: 'open',
    count: 1,
    notedCount: 1,
    firstSeen: a.time,
    lastSeen: a.time,
  };
  await store.alerts.saveAlert(stored);
  await queueAsk(store, policy.ask, stored, now);
  if (!joined) {
    await store.outbox.enqueue({
      channel,
      groupId,
      kind: 'post',
      priority: PRIORITY.background,
      notBefore: new Date(now.getTime() + policy.groupWaitMs),
    });
    return;
  }
  const item = { channel, groupId, priority: PRIORITY.background, notBefore: now };
  await ensurePosted(store, groupId, item, now);
  await store.outbox.enqueue({ ...item, kind: 'update' }, true);
  // Once the message is out, the thread hears of each newcomer (before, the post lists it anyway).
  if (joined.ts)
    await store.outbox.enqueue({
      ...item,
      kind: 'note',
      doc: note([`Another alert joined: ${a.severity.toUpperCase()} `, { lit: a.title }]),
    });
}

/**
 * Turn stored messages into alerts. A batch commits at once, each message with its alerts and outbox
 * items, so a crash leaves a message either untouched (done again) or done — never half done or done
 * twice; one that fails is rolled back to its savepoint and kept as a dead letter. Returns how many
 * messages this call turned into alerts (or dead letters): not those another replica holds the claim
 * of, so a caller looping while there is work stops when what is left is another's.
 */
export async function processPending(
  store: AlertStorage,
  policy: AlertPolicy,
  now: Date,
  log: Logger,
  limit = 500,
): Promise<number> {
  const pending = await store.inbox.pendingMessages(limit);
  // Several replicas see the same pending messages: each is claimed for 15 s by one of them, long
  // enough to turn it into alerts (a replica that dies holding it leaves it to another after that).
  const until = new Date(now.getTime() + PROCESS_LEASE_MS);
  let done = 0;
  // One commit (one fsync) for the batch; each message in its own savepoint inside it.
  await store.atomically(async () => {
    for (const m of pending) {
      if (!(await store.claims.claim(`process:${m.messageId}`, PROCESS_OWNER, now, until))) continue;
      done++;
      try {
        await retryStale(() =>
          store.atomically(async () => {
            for (const [i, a] of alertsOf(m).entries())
              await applyAlert(store, policy, a, now, log, `${m.messageId}#${i}`);
            await store.inbox.markProcessed(m.messageId, now);
          }),
        );
      } catch (err) {
        // Stored bodies were verified or read on intake; one that still cannot be turned into alerts
        // is kept aside whole, with the reason, so it neither blocks the rest nor disappears.
        log.error(
          { err, messageId: m.messageId },
          'stored message could not be processed; moved to dead letters',
        );
        await store.inbox.deadLetter(`message ${m.messageId}`, m.body, (err as Error).message, now);
        await store.inbox.markProcessed(m.messageId, now);
      }
    }
  });
  return done;
}

/** What a click asks for. */
export type ClickKind = 'ack' | 'resolve' | 'snooze';

/** The result of a click: how many alerts it moved (0: nothing left to move). */
export interface ClickResult {
  changed: number;
  channel?: string | undefined;
  ts?: string | undefined;
}

/**
 * A responder's click on a message: ack, resolve or snooze every alert in it not yet resolved, record
 * it, and queue the message's update and a thread note ahead of background work.
 */
export async function act(
  store: AlertStorage,
  groupId: string,
  kind: ClickKind,
  userId: string,
  now: Date,
  hours?: number,
): Promise<ClickResult> {
  // Two clicks at once (on two replicas): one wins, the other reads again and finds nothing left to move.
  return retryStale(() =>
    store.atomically(async (): Promise<ClickResult> => {
      const group = await store.alerts.group(groupId);
      if (!group) return { changed: 0 };
      const live = (await store.alerts.alertsOfGroup(groupId)).filter((a) => a.status !== 'resolved');
      const moving = kind === 'ack' ? live.filter((a) => a.status !== 'acknowledged') : live;
      const until = kind === 'snooze' && hours ? new Date(now.getTime() + hours * HOUR_MS) : undefined;
      for (const a of moving) {
        await store.alerts.saveAlert({
          ...a,
          status: kind === 'ack' ? 'acknowledged' : kind === 'resolve' ? 'resolved' : 'snoozed',
          by: userId,
          at: now,
          snoozedUntil: until,
        });
      }
      if (!moving.length) return { changed: 0, channel: group.channel, ts: group.ts };
      const detail =
        kind === 'snooze' ? (until ? `until ${until.toISOString()}` : 'until resolved') : undefined;
      await store.alerts.recordAction({ groupId, kind, userId, at: now, detail });
      const words: Inline[] =
        kind === 'ack'
          ? ['Acknowledged']
          : kind === 'resolve'
            ? ['Resolved']
            : until
              ? ['Snoozed until ', { time: until }]
              : ['Snoozed until resolved'];
      const item = { channel: group.channel, groupId, priority: PRIORITY.click, notBefore: now };
      await store.outbox.enqueue({ ...item, kind: 'update' }, true);
      await store.outbox.enqueue({
        ...item,
        kind: 'note',
        doc: note([...words, ' by ', { mention: { user: userId } }, '.']),
      });
      return { changed: moving.length, channel: group.channel, ts: group.ts };
    }),
  );
}

/** Record an investigation asked from a message, for the audit trail. */
export async function recordInvestigation(
  store: AlertStorage,
  groupId: string,
  userId: string,
  now: Date,
): Promise<void> {
  await store.alerts.recordAction({ groupId, kind: 'investigate', userId, at: now });
}

/** The hour this process last tried to prune baselines in: one try (one claim) an hour, not every tick. */
let prunedHour = -1;

/**
 * Timed changes: snoozes that ran out reopen their alerts, and messages left unacknowledged past
 * `escalateAfterMs` get one reminder in their thread mentioning the on-call group.
 */
export async function tick(store: AlertStorage, policy: AlertPolicy, now: Date): Promise<void> {
  await store.atomically(async () => {
    for (const a of await store.alerts.snoozesEndedBy(now)) {
      try {
        await store.alerts.saveAlert({
          ...a,
          status: 'open',
          by: undefined,
          at: undefined,
          snoozedUntil: undefined,
        });
      } catch (err) {
        // Changed since (a click, or another replica's tick reopened it): nothing to do here.
        if (err instanceof StaleWriteError) continue;
        throw err;
      }
      await store.alerts.recordAction({
        groupId: a.groupId,
        kind: 'snooze-ended',
        userId: 'trailbot',
        at: now,
      });
      const item = { channel: a.channel, groupId: a.groupId, priority: PRIORITY.background, notBefore: now };
      await store.outbox.enqueue({ ...item, kind: 'update' }, true);
      await store.outbox.enqueue({
        ...item,
        kind: 'note',
        doc: note(['⏰ The snooze is over: ', { lit: a.alert.title }, ' is open again.']),
      });
    }
    // Baselines of principals not seen for the whole baseline go, once an hour (claimed across replicas).
    const rules = policy.geo?.rules;
    const hour = Math.floor(now.getTime() / HOUR_MS);
    if (rules && hour !== prunedHour) {
      prunedHour = hour;
      if (await store.claims.claim(`geo-prune:${hour}`, randomUUID(), now, new Date(now.getTime() + HOUR_MS)))
        await store.geo.pruneBaselines(new Date(now.getTime() - rules.baselineMs));
    }
    if (policy.escalateAfterMs === undefined) return;
    for (const g of await store.alerts.groupsToRemind(new Date(now.getTime() - policy.escalateAfterMs))) {
      // Every replica ticks: the reminder is claimed (by this tick alone), so the thread hears it once.
      const far = new Date(now.getTime() + 365 * DAY_MS);
      if (!(await store.claims.claim(`remind:${g.id}`, randomUUID(), now, far))) continue;
      const minutes = Math.round(policy.escalateAfterMs / 60_000);
      const open = (await store.alerts.alertsOfGroup(g.id)).filter((a) => a.status === 'open').length;
      await store.alerts.setGroupReminded(g.id, now);
      await store.alerts.recordAction({ groupId: g.id, kind: 'escalate', userId: 'trailbot', at: now });
      await store.outbox.enqueue({
        channel: g.channel,
        groupId: g.id,
        kind: 'note',
        priority: PRIORITY.background,
        notBefore: now,
        doc: note([
          '🔔 ',
          ...(policy.oncallGroup ? [{ mention: { group: policy.oncallGroup } }, ' '] : []),
          `${open === 1 ? 'This alert has' : `${open} alerts here have`} not been acknowledged for ${minutes} min.`,
        ]),
      });
    }
  });
}
