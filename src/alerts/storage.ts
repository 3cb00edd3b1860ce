import type { GeoBaselines } from '../geo/baseline.js';
import type { RunClaims } from '../schedule/claims.js';
import type { ActorAsks } from './asks.js';
import type { MessageInbox } from './inbox.js';
import type { OutboxQueue } from './outbox-queue.js';
import type { AlertRepository } from './repository.js';

/**
 * What the alert pipeline is handed: its three ports, and a unit of work. `atomically` runs `fn`'s
 * writes as one transaction where the store has them (SQLite: one commit, a nested call a savepoint);
 * callers keep each step safe to repeat, so a store without transactions can run them one by one.
 */
export interface AlertStorage {
  inbox: MessageInbox;
  alerts: AlertRepository;
  outbox: OutboxQueue;
  /** "Was this you?" asks of alerts' actors. */
  asks: ActorAsks;
  /** Where principals act from, for new-place alerts. */
  geo: GeoBaselines;
  /** Timed work done once across replicas (an escalation reminder). */
  claims: RunClaims;
  atomically<T>(fn: () => Promise<T>): Promise<T>;
}
