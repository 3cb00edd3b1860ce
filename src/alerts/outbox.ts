import type { Logger } from '../log.js';
import { presentAlertMessage } from '../present/alert.js';
import type { Doc } from '../present/doc.js';
import type { OutboxItem } from './outbox-queue.js';
import { StaleWriteError, type StoredAlert } from './repository.js';
import type { AlertStorage } from './storage.js';

/** Why a send failed, as the outbox needs to know it. */
export class SendError extends Error {
  constructor(
    message: string,
    /** rate_limited: wait Retry-After; transient: try again later; permanent: retrying cannot help. */
    readonly kind: 'rate_limited' | 'transient' | 'permanent',
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'SendError';
  }
}

/** The Slack side of the outbox; the implementation (handlers/outbox.ts) is the only one that talks to Slack. */
export interface Sender {
  /** Post a group's message, tagged with its id so a restart can find it; returns its ts. */
  post(channel: string, doc: Doc, groupId: string): Promise<string>;
  update(channel: string, ts: string, doc: Doc): Promise<void>;
  /** Message a person directly (the app's messages with them). */
  direct(user: string, doc: Doc, itemId: number): Promise<void>;
  /** Reply in a thread, tagged with the outbox item's id so a retry can find it. */
  reply(channel: string, threadTs: string, doc: Doc, itemId: number): Promise<void>;
  /** Is the reply for this outbox item already in the thread? */
  findReply(channel: string, threadTs: string, itemId: number): Promise<boolean>;
  /** The ts of a message posted for this group since `since`, if one is there. */
  findPosted(channel: string, groupId: string, since: Date): Promise<string | undefined>;
}

/** What the outbox is built from. */
export interface OutboxOptions {
  store: AlertStorage;
  sender: Sender;
  now: () => Date;
  logger: Logger;
  /** Least time between two sends to one channel. Slack allows about one message per second. */
  intervalMs?: number;
  /** After how long a send in flight counts as left by a replica that died. */
  abandonedAfterMs?: number;
  /** Tries before a transient failure is given up (and logged as an error). */
  maxAttempts?: number;
}

/** A send in flight longer than this was left by a replica that died (Slack calls time out far sooner). */
const ABANDONED_AFTER_MS = 120_000;
/** How often a replica looks for sends left in flight by others. */
const RECOVERY_EVERY_MS = 5_000;

/** How a retry reason starts when the try is known not to have reached Slack (a 429 refuses it). */
const NOT_SENT = 'not sent: ';

/** Slack's per-channel pace, with a margin so no one-second window ever holds two sends. */
export const CHANNEL_INTERVAL_MS = 1050;

function repeatNote(alerts: StoredAlert[]): Doc | undefined {
  const told = alerts.filter((a) => a.count > a.notedCount);
  if (!told.length) return undefined;
  const lines = told.map((a) => ({
    type: 'context' as const,
    parts: [
      `🔁 Seen ${a.count - a.notedCount} more time${a.count - a.notedCount === 1 ? '' : 's'} (${a.count} in all, last `,
      { time: a.lastSeen },
      '): ',
      { lit: a.alert.title },
    ],
  }));
  return {
    summary: ['Seen again: ', { lit: told.map((a) => a.alert.title).join(', ') }],
    blocks: [{ type: 'items', items: lines.map((l) => [l]), noun: 'alerts' }],
  };
}

/**
 * The per-channel outbox: sends what the store holds, at most one message per `intervalMs` per channel
 * (each send takes the channel's slot in the store at send time, on the real clock; `now` stamps the store),
 * honouring Slack's Retry-After, in order within a channel. Every send is marked in flight first, so a
 * restart finds a post that may have gone out and looks for it before sending it again.
 */
export class Outbox {
  readonly #o: Required<OutboxOptions>;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #stopped = true;

  constructor(opts: OutboxOptions) {
    this.#o = {
      intervalMs: CHANNEL_INTERVAL_MS,
      maxAttempts: 8,
      abandonedAfterMs: ABANDONED_AFTER_MS,
      ...opts,
    };
  }

  /** After a restart: settle what was in flight when the process stopped. */
  async recover(): Promise<void> {
    // What was in flight may have reached Slack: it waits again, and its next try looks for it first.
    for (const item of await this.#o.store.outbox.inflightItems())
      await this.#o.store.outbox.retryLater(item.id, this.#o.now(), 'left in flight by a stopped process');
  }

  #lastRecovery = 0;

  /**
   * What another replica left in flight when it died: a send in flight far longer than any send takes
   * waits again, and its next try looks for it in Slack first (so nothing is posted twice). Looked at
   * every few seconds, not on every turn.
   */
  async #recoverAbandoned(): Promise<void> {
    if (Date.now() - this.#lastRecovery < RECOVERY_EVERY_MS) return;
    this.#lastRecovery = Date.now();
    const now = this.#o.now();
    for (const item of await this.#o.store.outbox.inflightItems())
      if (item.inflightSince && now.getTime() - item.inflightSince.getTime() > this.#o.abandonedAfterMs)
        await this.#o.store.outbox.retryLater(item.id, now, 'left in flight by a replica that stopped');
  }

  /** Send every item due now, one per channel whose turn it is; returns how many were tried. */
  async runOnce(): Promise<number> {
    const now = this.#o.now().getTime();
    await this.#recoverAbandoned();
    const due = await this.#o.store.outbox.dueItems(new Date(now));
    await Promise.all(due.map((i) => this.#send(i)));
    return due.length;
  }

  async #send(item: OutboxItem): Promise<void> {
    const { store, sender, logger } = this.#o;
    const group = await store.alerts.group(item.groupId);
    if (!group) {
      await store.outbox.markFailed(item.id, 'its alert group is gone');
      return;
    }
    // A second post of a group already out (queued while the first was in flight): an update instead.
    if (item.kind === 'post' && group.ts) {
      await store.atomically(async () => {
        await store.outbox.markSent(item.id, this.#o.now());
        await store.outbox.enqueue(
          {
            channel: item.channel,
            groupId: group.id,
            kind: 'update',
            priority: item.priority,
            notBefore: this.#o.now(),
          },
          true,
        );
      });
      return;
    }
    const alerts = await store.alerts.alertsOfGroup(item.groupId);
    let doc: Doc | undefined;
    if (item.kind === 'post' || item.kind === 'update') doc = presentAlertMessage(group.id, alerts);
    else if (item.kind === 'repeat') doc = repeatNote(alerts);
    else doc = item.doc;
    if (!doc) {
      await store.outbox.markSent(item.id, this.#o.now());
      return;
    }
    if (item.kind !== 'post' && item.kind !== 'direct' && !group.ts) {
      await store.outbox.markFailed(item.id, 'the message it belongs to was never posted');
      logger.error(
        { groupId: group.id, kind: item.kind },
        'outbox item dropped: its message was never posted',
      );
      return;
    }
    // A send tried before may have reached Slack with only its answer lost (a timeout, a reset, a stop):
    // look for it before sending again, so nothing is posted twice.
    // A 429 proves nothing went out: look only after a try whose answer was lost.
    const maybeSent = item.attempts > 0 && !item.lastError?.startsWith(NOT_SENT);
    if (maybeSent && (await this.#alreadySent(item, group))) return;
    // The channel's slot is taken now, the moment before the HTTP call, on the real clock and in the
    // store — so sends are spaced however long the work before took, and across processes on one store.
    // Not free: the item stays waiting and goes on a later turn.
    if (!(await store.outbox.takeSendSlot(item.channel, new Date(), this.#o.intervalMs))) return;
    // Another replica that saw it due may have taken it first: then it is theirs to send.
    if (!(await store.outbox.markInflight(item.id, this.#o.now()))) return;
    try {
      if (item.kind === 'post') {
        const ts = await sender.post(item.channel, doc, group.id);
        await store.atomically(async () => {
          await store.alerts.setGroupTs(group.id, ts);
          // The post showed the counts as they were: the thread need not hear of those repeats again.
          await this.#noted(group.id, alerts);
          await store.outbox.markSent(item.id, this.#o.now());
        });
      } else if (item.kind === 'direct') {
        // A direct message cannot be looked for afterwards (the bot does not read people's messages): a
        // try whose answer was lost is sent again.
        await sender.direct(item.channel, doc, item.id);
        await store.outbox.markSent(item.id, this.#o.now());
      } else if (item.kind === 'update') {
        await sender.update(item.channel, group.ts as string, doc);
        await store.outbox.markSent(item.id, this.#o.now());
      } else {
        await sender.reply(item.channel, group.ts as string, doc, item.id);
        await store.atomically(async () => {
          if (item.kind === 'repeat') await this.#noted(group.id, alerts);
          await store.outbox.markSent(item.id, this.#o.now());
        });
      }
    } catch (err) {
      const e = err instanceof SendError ? err : new SendError((err as Error).message, 'transient');
      const now = this.#o.now().getTime();
      if (e.kind === 'rate_limited') {
        const wait = e.retryAfterMs ?? 1000;
        await store.outbox.holdSendSlot(item.channel, new Date(Date.now() + wait));
        await store.outbox.retryLater(item.id, new Date(now + wait), `${NOT_SENT}${e.message}`);
        logger.warn(
          { channel: item.channel, retryAfterMs: wait },
          'Slack is rate limiting this channel; waiting',
        );
      } else if (e.kind === 'transient' && item.attempts + 1 < this.#o.maxAttempts) {
        const backoff = Math.min(60_000, 1000 * 2 ** item.attempts);
        await store.outbox.retryLater(item.id, new Date(now + backoff), e.message);
        logger.warn(
          { err: e, channel: item.channel, kind: item.kind, backoff },
          'Slack send failed; will retry',
        );
      } else {
        await store.outbox.markFailed(item.id, e.message);
        logger.error(
          { err: e, channel: item.channel, kind: item.kind, groupId: group.id },
          'Slack send failed for good; the alert stays in the store',
        );
      }
    }
  }

  /** Did an earlier try of this item reach Slack? Marks it sent when it did. */
  async #alreadySent(
    item: OutboxItem,
    group: { id: string; ts?: string | undefined; createdAt: Date },
  ): Promise<boolean> {
    const { store, sender, logger } = this.#o;
    try {
      if (item.kind === 'post') {
        const ts = await sender.findPosted(item.channel, group.id, group.createdAt);
        if (!ts) return false;
        await store.atomically(async () => {
          await store.alerts.setGroupTs(group.id, ts);
          await store.outbox.markSent(item.id, this.#o.now());
          // What reached Slack was the message as it was then: bring it up to date.
          await store.outbox.enqueue(
            {
              channel: item.channel,
              groupId: group.id,
              kind: 'update',
              priority: item.priority,
              notBefore: this.#o.now(),
            },
            true,
          );
        });
      } else if ((item.kind === 'note' || item.kind === 'repeat') && group.ts) {
        if (!(await sender.findReply(item.channel, group.ts, item.id))) return false;
        await store.atomically(async () => {
          // The note that went out told of the repeats up to then; count them as told (the message's own
          // count stays exact), rather than telling the thread of them twice.
          if (item.kind === 'repeat') await this.#noted(group.id, await store.alerts.alertsOfGroup(group.id));
          await store.outbox.markSent(item.id, this.#o.now());
        });
      } else return false;
      logger.info(
        { groupId: group.id, kind: item.kind },
        'an earlier try had gone out; not sending it twice',
      );
      return true;
    } catch (err) {
      logger.warn({ err, channel: item.channel }, 'could not look for an earlier try; sending again');
      return false;
    }
  }

  /** The thread has been told the counts of `shown` (as rendered; later repeats are still to tell). */
  async #noted(groupId: string, shown: StoredAlert[]): Promise<void> {
    const counts = new Map(shown.map((a) => [a.id, a.count]));
    for (const a of await this.#o.store.alerts.alertsOfGroup(groupId)) {
      const c = counts.get(a.id);
      if (c !== undefined && c > a.notedCount)
        await this.#o.store.alerts.saveAlert({ ...a, notedCount: c }).catch((err: unknown) => {
          // Changed since it was read (a repeat counted meanwhile): the next note tells of it.
          if (!(err instanceof StaleWriteError)) throw err;
        });
    }
  }

  /** Run until stopped: check for due items often, and at once when kicked. */
  start(pollMs = 100): void {
    this.#stopped = false;
    const loop = async () => {
      this.#timer = undefined;
      if (this.#stopped) return;
      this.#running = this.runOnce()
        .then(() => undefined)
        .catch((err: unknown) => this.#o.logger.error({ err }, 'outbox run failed'));
      await this.#running;
      this.#running = undefined;
      if (!this.#stopped) this.#timer = setTimeout(loop, pollMs);
    };
    void loop();
  }

  /** Stop after the sends in progress; with `drainMs`, first keep sending until empty or out of time. */
  async stop(drainMs = 0): Promise<void> {
    const until = Date.now() + drainMs;
    while (drainMs > 0 && Date.now() < until && (await this.#o.store.outbox.outboxBacklog()) > 0) {
      await new Promise((r) => setTimeout(r, 50));
    }
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    await this.#running;
  }
}
