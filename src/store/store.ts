import type { Alert } from '../alerts/alert.js';
import type { AuditEntry } from '../audit.js';
import type { Mute, Snapshot } from '../hygiene/digest.js';
import type { Doc } from '../present/doc.js';

/** An SNS message as the intake accepts it: stored before the 200 goes back. */
export interface AcceptedMessage {
  messageId: string;
  topicArn: string;
  type: string;
  body: string;
  receivedAt: Date;
}

/** Where an alert stands. */
export type AlertStatus = 'open' | 'acknowledged' | 'snoozed' | 'resolved';

/** An alert as kept: the normalised alert and its lifecycle. */
export interface StoredAlert {
  id: string;
  /** The message (group) it is shown in. */
  groupId: string;
  fingerprint: string;
  channel: string;
  alert: Alert;
  status: AlertStatus;
  /** Who moved it last (a Slack user id, or "aws" for an alarm back to OK), and when. */
  by?: string | undefined;
  at?: Date | undefined;
  /** Snoozed until then; a snoozed alert without it is snoozed until resolved. */
  snoozedUntil?: Date | undefined;
  /** Times its fingerprint arrived while it was open, the first included. */
  count: number;
  /** The count the thread was last told about. */
  notedCount: number;
  firstSeen: Date;
  lastSeen: Date;
}

/** One channel message listing one or more alerts with the same group key. */
export interface AlertGroup {
  id: string;
  channel: string;
  groupKey: string;
  createdAt: Date;
  /** The message's timestamp once posted. */
  ts?: string | undefined;
  /** When the escalation reminder went to its thread. */
  remindedAt?: Date | undefined;
}

/**
 * What the outbox sends. `post` and `update` render the group as it is at sending time, and `repeat`
 * tells the thread about repeats since the last note, so neither goes stale while it waits; `note`
 * carries its own document.
 */
export type OutboxKind = 'post' | 'update' | 'note' | 'repeat';

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
  /** Why the last try did not go (a 429 proves nothing was sent). */
  lastError?: string | undefined;
}

/** A button click or an automatic change, kept for the record. */
export interface AlertAction {
  groupId: string;
  kind: string;
  userId: string;
  at: Date;
  detail?: string | undefined;
}

/**
 * Where alert state lives. SQLite now (src/store/sqlite.ts). Every method is one atomic step, and
 * `atomically` makes several one; a DynamoDB store for several replicas would implement the same
 * steps with conditional and transactional writes.
 */
export interface Store {
  /** Keep a message; "duplicate" when its MessageId was accepted before (SNS redelivers). */
  acceptMessage(m: AcceptedMessage): 'new' | 'duplicate';
  /** Keep several messages in one commit (group commit): durable together, answered together. */
  acceptMessages(ms: AcceptedMessage[]): ('new' | 'duplicate')[];
  /** Accepted messages not yet turned into alerts, oldest first. */
  pendingMessages(limit: number): AcceptedMessage[];
  /** A message is done: its alerts and outbox items are written. */
  markProcessed(messageId: string, at: Date): void;
  /** Run `fn` as one transaction: all of it lands, or none. Nested, it is a savepoint in the outer one. */
  atomically<T>(fn: () => T): T;

  /** The unresolved alert with this fingerprint, if any. */
  openAlertByFingerprint(fingerprint: string): StoredAlert | undefined;
  /** Keep an alert, new or changed. */
  saveAlert(a: StoredAlert): void;
  alertsOfGroup(groupId: string): StoredAlert[];
  /** Snoozed alerts whose time is up. */
  snoozesEndedBy(now: Date): StoredAlert[];

  /** The newest group for a channel and key created at or after `since` that still has an unresolved alert. */
  openGroup(channel: string, groupKey: string, since: Date): AlertGroup | undefined;
  insertGroup(g: AlertGroup): void;
  group(id: string): AlertGroup | undefined;
  setGroupTs(id: string, ts: string): void;
  setGroupReminded(id: string, at: Date): void;
  /** Posted groups created before `before`, not yet reminded, with an open alert. */
  groupsToRemind(before: Date): AlertGroup[];

  recordAction(a: AlertAction): void;
  actionsOf(groupId: string): AlertAction[];

  /** Queue a send; `coalesce` skips it when one of the same kind for the group is still waiting. */
  enqueue(item: Omit<OutboxItem, 'id' | 'attempts' | 'state'>, coalesce?: boolean): void;
  /** The next item per channel that may go at `now`, by priority then age. */
  dueItems(now: Date): OutboxItem[];
  /** Items left in flight by a stopped process. */
  inflightItems(): OutboxItem[];
  markInflight(id: number): void;
  markSent(id: number, at: Date): void;
  /** Back to waiting until `notBefore` (a 429, a Slack error worth retrying). */
  retryLater(id: number, notBefore: Date, error: string): void;
  markFailed(id: number, error: string): void;
  /** Items not yet sent or given up on. */
  outboxBacklog(): number;

  /** Keep a message no intake can read (SQS poison), with why. */
  deadLetter(source: string, body: string, reason: string, at: Date): void;
  deadLetters(): { source: string; body: string; reason: string; at: Date }[];

  /** Hygiene: suppressions, and the digests' snapshots (newest first) the next digest diffs against. */
  addMute(m: Mute): void;
  /** Mutes not yet expired at `now`: an expired one is simply no longer returned. */
  activeMutes(now: Date): Mute[];
  saveSnapshot(s: Snapshot): void;
  snapshots(limit: number): Snapshot[];

  /** The audit trail, newest first; entries older than the retention are pruned. */
  addAudit(e: AuditEntry): void;
  auditEntries(q: { user?: string | undefined; since?: Date | undefined; limit: number }): AuditEntry[];
  pruneAudit(before: Date): number;

  close(): void;
}
