import type { Doc } from '../present/doc.js';

/**
 * What the outbox sends. `post` and `update` render the group as it is at sending time, and `repeat`
 * tells the thread about repeats since the last note, so neither goes stale while it waits; `note`
 * carries its own document; `direct` is a message to one person (its channel is their user id), such as
 * asking an alert's actor whether it was them.
 */
export type OutboxKind = 'post' | 'update' | 'note' | 'repeat' | 'direct';

/** One message waiting for its channel's turn. */
export interface OutboxItem {
  id: number;
  channel: string;
  groupId: string;
  kind: OutboxKind;
  doc?: Doc | undefined;
  /** 0 goes before 1: a person's click before background work. */
  priority: number;
  notBefore: Date;
  attempts: number;
  state: 'pending' | 'inflight' | 'sent' | 'failed';
  /** Since when it has been in flight. */
  inflightSince?: Date | undefined;
  /** Why the last try did not go (a 429 proves nothing was sent). */
  lastError?: string | undefined;
}

/**
 * The per-channel queue of Slack sends. The lease contract: `takeSendSlot` gives a channel's next send
 * to one caller at a time — it succeeds only when the channel's slot is free at `now`, and then holds it
 * for `gapMs` (a store with conditional writes: an update on the channel's row that requires its
 * next-allowed time ≤ now).
 */
export interface OutboxQueue {
  /** Queue a send; `coalesce` skips it when one of the same kind for the group is still waiting. */
  enqueue(item: Omit<OutboxItem, 'id' | 'attempts' | 'state'>, coalesce?: boolean): Promise<void>;
  /** The next item per channel that may go at `now`, by priority then age. */
  dueItems(now: Date): Promise<OutboxItem[]>;
  /** Items left in flight by a stopped process. */
  inflightItems(): Promise<OutboxItem[]>;
  /**
   * Take a waiting item to send it, from `at`: true only for the one caller that moved it from waiting
   * to in flight (two replicas that both saw it due cannot both send it). A replica that dies sending
   * leaves it in flight: see Outbox's recovery.
   */
  markInflight(id: number, at?: Date): Promise<boolean>;
  markSent(id: number, at: Date): Promise<void>;
  /** Back to waiting until `notBefore` (a 429, a Slack error worth retrying). */
  retryLater(id: number, notBefore: Date, error: string): Promise<void>;
  markFailed(id: number, error: string): Promise<void>;
  /** Items not yet sent or given up on. */
  outboxBacklog(): Promise<number>;
  /** Take the channel's send slot at `now` for `gapMs`; false when another send holds it. */
  takeSendSlot(channel: string, now: Date, gapMs: number): Promise<boolean>;
  /** Keep the channel's slot held until at least `until` (Slack's Retry-After after a 429). */
  holdSendSlot(channel: string, until: Date): Promise<void>;
}
