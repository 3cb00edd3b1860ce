import type { Alert } from './alert.js';

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
  /**
   * Marks of the messages its latest repeats came from (at most REPEAT_MARKS, newest last), saved with
   * the count: a message done again after its replica stopped between counting it and queueing what
   * follows (DynamoDB has no transaction) is not counted twice.
   */
  countedFrom?: string[] | undefined;
  /**
   * The version read (every save adds one). Saving a copy whose version is no longer the stored one
   * fails with StaleWriteError: of two replicas changing one alert from the same read, one wins and the
   * other reads again. Undefined: written without that check (a new alert).
   */
  version?: number | undefined;
}

/** A save lost to a change made since the alert was read: read it again and decide again. */
export class StaleWriteError extends Error {
  constructor(what: string) {
    super(`${what} changed since it was read`);
    this.name = 'StaleWriteError';
  }
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

/** A button click or an automatic change, kept for the record. */
export interface AlertAction {
  groupId: string;
  kind: string;
  userId: string;
  at: Date;
  detail?: string | undefined;
}

/** Alerts, the channel messages (groups) that show them, and what was done to them. */
export interface AlertRepository {
  /** The unresolved alert with this fingerprint, if any. */
  openAlertByFingerprint(fingerprint: string): Promise<StoredAlert | undefined>;
  /** Keep an alert, new or changed; a changed one only if it is still at the version read (StaleWriteError). */
  saveAlert(a: StoredAlert): Promise<void>;
  alertsOfGroup(groupId: string): Promise<StoredAlert[]>;
  /** Unresolved alerts (open, acknowledged, snoozed), the newest first, at most `limit`. */
  unresolvedAlerts(limit: number): Promise<StoredAlert[]>;
  /** Snoozed alerts whose time is up. */
  snoozesEndedBy(now: Date): Promise<StoredAlert[]>;

  /** The newest group for a channel and key created at or after `since` that still has an unresolved alert. */
  openGroup(channel: string, groupKey: string, since: Date): Promise<AlertGroup | undefined>;
  /** A group whose id is there already is left as it is (a message done again after a stop half way). */
  insertGroup(g: AlertGroup): Promise<void>;
  group(id: string): Promise<AlertGroup | undefined>;
  setGroupTs(id: string, ts: string): Promise<void>;
  setGroupReminded(id: string, at: Date): Promise<void>;
  /** Posted groups created before `before`, not yet reminded, with an open alert. */
  groupsToRemind(before: Date): Promise<AlertGroup[]>;

  recordAction(a: AlertAction): Promise<void>;
  actionsOf(groupId: string): Promise<AlertAction[]>;
}
