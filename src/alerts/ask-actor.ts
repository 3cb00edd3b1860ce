import { randomUUID } from 'node:crypto';
import type { AuditEntry } from '../audit/log.js';
import { NotAuthorizedError, UsageError } from '../errors.js';
import type { Logger } from '../log.js';
import {
  askedNote,
  confirmedNote,
  escalationNote,
  presentAskDm,
  unmappedNote,
} from '../present/actor-ask.js';
import type { Doc } from '../present/doc.js';
import { SEVERITIES, type Severity } from '../severity.js';
import type { Person, Resolution } from './actor.js';
import { type AskRule, asksActor } from './ask-rules.js';
import type { ActorAsk } from './asks.js';
import type { StoredAlert } from './repository.js';
import type { AlertStorage } from './storage.js';
import { PRIORITY, retryStale } from './work.js';

/** Which alerts ask their actor, and how long an answer may take. */
export interface AskPolicy {
  rules: readonly AskRule[];
  timeoutMs: number;
  oncallGroup?: string | undefined;
}

/** The label of the alert field that says where asking its actor stands. */
export const ASK_FIELD = 'Asked the actor';

/** How long one replica holds an ask it is asking (the directory lookups take a moment). */
const ASK_LEASE_MS = 60_000;
const OWNER = randomUUID();

/** The next severity up: an actor's No or silence makes an alert more urgent. */
export function raised(s: Severity): Severity {
  return SEVERITIES[Math.max(0, SEVERITIES.indexOf(s) - 1)] ?? 'critical';
}

/** A new alert whose rules ask its actor gets a pending ask (in the alert's own unit of work). */
export async function queueAsk(
  store: AlertStorage,
  policy: AskPolicy | undefined,
  s: StoredAlert,
  now: Date,
): Promise<void> {
  if (!policy || !s.alert.person || !asksActor(s.alert, policy.rules)) return;
  await store.asks.addAsk({
    id: randomUUID(),
    groupId: s.groupId,
    alertId: s.id,
    person: s.alert.person,
    state: 'pending',
    createdAt: now,
  });
}

/** The alert an ask is about, as stored now. */
async function alertOf(store: AlertStorage, ask: ActorAsk): Promise<StoredAlert | undefined> {
  return (await store.alerts.alertsOfGroup(ask.groupId)).find((a) => a.id === ask.alertId);
}

/** Change the alert's "asked the actor" field (and its severity), and queue the message's update. */
async function markAlert(
  store: AlertStorage,
  ask: ActorAsk,
  value: string,
  now: Date,
  severity?: Severity,
): Promise<StoredAlert | undefined> {
  return retryStale(async () => {
    const s = await alertOf(store, ask);
    if (!s) return undefined;
    const details = [
      ...(s.alert.details ?? []).filter((d) => d.label !== ASK_FIELD),
      { label: ASK_FIELD, value },
    ];
    const next = { ...s, alert: { ...s.alert, details, severity: severity ?? s.alert.severity } };
    await store.alerts.saveAlert(next);
    await store.outbox.enqueue(
      { channel: s.channel, groupId: s.groupId, kind: 'update', priority: PRIORITY.click, notBefore: now },
      true,
    );
    return next;
  });
}

async function noteThread(store: AlertStorage, s: StoredAlert, doc: Doc, now: Date): Promise<void> {
  await store.outbox.enqueue({
    channel: s.channel,
    groupId: s.groupId,
    kind: 'note',
    priority: PRIORITY.click,
    notBefore: now,
    doc,
  });
}

/**
 * The asks with work now: a pending one, once its alert is posted, is looked up in the directory and
 * either asked (a direct message with Yes and No, a thread note, the alert's field) or said to be
 * unmapped; an asked one past its deadline escalates. Each is claimed first, so several replicas ask once.
 */
export async function runAsks(
  store: AlertStorage,
  policy: AskPolicy,
  resolve: (p: Person) => Promise<Resolution>,
  now: Date,
  log: Logger,
  audit: (e: AuditEntry) => void = () => {},
): Promise<void> {
  const record = (what: string, result: string, detail: Record<string, unknown>) =>
    audit({ at: now, user: 'trailbot', front: 'system', kind: 'ask', what, result, detail });
  for (const ask of await store.asks.dueAsks(now)) {
    try {
      const detail = { ask: ask.id, group: ask.groupId, actor: ask.person.name, account: ask.person.account };
      if (ask.state === 'asked') {
        await escalate(store, policy, ask, 'timed-out', now);
        record('actor timeout', `no answer from ${ask.user} in time: escalated`, detail);
      } else {
        const done = await askOne(store, policy, ask, resolve, now);
        if (done) record('ask actor', done, detail);
      }
    } catch (err) {
      log.error({ err, ask: ask.id }, 'asking an alert’s actor failed; will try again');
    }
  }
}

async function askOne(
  store: AlertStorage,
  policy: AskPolicy,
  ask: ActorAsk,
  resolve: (p: Person) => Promise<Resolution>,
  now: Date,
): Promise<string | undefined> {
  const group = await store.alerts.group(ask.groupId);
  const s = await alertOf(store, ask);
  // The thread must exist for the notes: wait for the alert's message.
  if (group && !group.ts && s && s.status !== 'resolved') return undefined;
  if (!(await store.claims.claim(`ask:${ask.id}`, OWNER, now, new Date(now.getTime() + ASK_LEASE_MS))))
    return undefined;
  if (!group || !s || s.status === 'resolved') {
    await store.asks.saveAsk({ ...ask, state: 'dropped', reason: 'resolved before it was asked' });
    return 'dropped: resolved before it was asked';
  }
  const found = await resolve(ask.person).catch(
    (err: unknown): Resolution => ({ unmapped: `the lookup failed: ${(err as Error).message}` }),
  );
  return store.atomically(async () => {
    if ('user' in found) {
      const asked: ActorAsk = {
        ...ask,
        state: 'asked',
        user: found.user,
        via: found.via,
        askedAt: now,
        deadline: new Date(now.getTime() + policy.timeoutMs),
      };
      await store.asks.saveAsk(asked);
      await store.outbox.enqueue({
        channel: found.user,
        groupId: ask.groupId,
        kind: 'direct',
        priority: PRIORITY.click,
        notBefore: now,
        doc: presentAskDm(asked, s.alert, policy.timeoutMs),
      });
      await noteThread(store, s, askedNote(asked, policy.timeoutMs), now);
      await markAlert(store, ask, 'asked, waiting for the answer', now);
      await store.alerts.recordAction({
        groupId: ask.groupId,
        kind: 'actor-asked',
        userId: 'trailbot',
        at: now,
        detail: `${ask.person.name} → ${found.user} (${found.via})`,
      });
      return `asked ${found.user} (${found.via})`;
    } else {
      const unmapped: ActorAsk = { ...ask, state: 'unmapped', reason: found.unmapped };
      await store.asks.saveAsk(unmapped);
      await noteThread(store, s, unmappedNote(unmapped), now);
      await markAlert(store, ask, 'not asked: no Slack user known', now);
      await store.alerts.recordAction({
        groupId: ask.groupId,
        kind: 'actor-unmapped',
        userId: 'trailbot',
        at: now,
        detail: `${ask.person.name}: ${found.unmapped}`,
      });
      return `not asked: ${found.unmapped}`;
    }
  });
}

/** A No, or no answer by the deadline: the channel and on-call group called, the severity raised. */
async function escalate(
  store: AlertStorage,
  policy: AskPolicy,
  ask: ActorAsk,
  outcome: 'denied' | 'timed-out',
  now: Date,
): Promise<void> {
  await store.atomically(async () => {
    await store.asks.saveAsk({
      ...ask,
      state: outcome,
      ...(outcome === 'denied' ? { answeredAt: now } : {}),
    });
    const s = await alertOf(store, ask);
    if (!s) return;
    // Escalated once: a No after a timeout says so, without raising the severity again.
    const severity = ask.state === 'timed-out' ? s.alert.severity : raised(s.alert.severity);
    const marked = await markAlert(
      store,
      ask,
      outcome === 'denied'
        ? 'denied by the actor'
        : `no answer within ${Math.round(policy.timeoutMs / 60_000)} min`,
      now,
      severity,
    );
    await noteThread(
      store,
      marked ?? s,
      escalationNote(ask, outcome, {
        timeoutMs: policy.timeoutMs,
        oncallGroup: policy.oncallGroup,
        severity,
      }),
      now,
    );
    await store.alerts.recordAction({
      groupId: ask.groupId,
      kind: outcome === 'denied' ? 'actor-denied' : 'actor-timeout',
      userId: outcome === 'denied' ? (ask.user ?? 'unknown') : 'trailbot',
      at: now,
      detail: `severity ${severity}`,
    });
  });
}

/** What the actor answered. */
export type ActorAnswer = { kind: 'yes'; reason: string } | { kind: 'no' };

/** A reason as kept: one line, at most 300 characters. */
export function oneLine(reason: string): string {
  return reason.replace(/\s+/g, ' ').trim().slice(0, 300);
}

/**
 * The actor's answer. Only the user asked may answer (anyone else is refused, and nothing changes); an
 * ask answered before is left as it is. Yes records the reason; No escalates. A late answer (after the
 * timeout escalated) is still recorded. Returns the ask as it now stands.
 */
export async function answerAsk(
  store: AlertStorage,
  policy: AskPolicy,
  askId: string,
  userId: string,
  answer: ActorAnswer,
  now: Date,
): Promise<{ ask: ActorAsk; changed: boolean }> {
  return retryStale(async () => {
    const ask = await store.asks.ask(askId);
    if (!ask) throw new UsageError('That question is not known here any more.');
    if (ask.user !== userId)
      throw new NotAuthorizedError(
        'answer',
        'This question was for someone else; your answer was not counted.',
      );
    if (ask.state !== 'asked' && ask.state !== 'timed-out') return { ask, changed: false };
    if (answer.kind === 'no') {
      await escalate(store, policy, ask, 'denied', now);
      return { ask: { ...ask, state: 'denied', answeredAt: now }, changed: true };
    }
    const reason = oneLine(answer.reason);
    if (!reason) throw new UsageError('Say in a few words why it was you.');
    const confirmed: ActorAsk = { ...ask, state: 'confirmed', reason, answeredAt: now };
    await store.atomically(async () => {
      await store.asks.saveAsk(confirmed);
      const s = await markAlert(store, ask, `confirmed by the actor: “${reason}”`, now);
      if (s) await noteThread(store, s, confirmedNote(confirmed), now);
      await store.alerts.recordAction({
        groupId: ask.groupId,
        kind: 'actor-confirmed',
        userId,
        at: now,
        detail: reason,
      });
    });
    return { ask: confirmed, changed: true };
  });
}
