import type { ActorAsks } from '../alerts/asks.js';
import type { MessageInbox } from '../alerts/inbox.js';
import type { OutboxQueue } from '../alerts/outbox-queue.js';
import type { AlertRepository } from '../alerts/repository.js';
import type { KeptAnswers } from '../answers/kept.js';
import type { AuditLog } from '../audit/log.js';
import type { GeoBaselines } from '../geo/baseline.js';
import type { MuteList } from '../hygiene/mutes.js';
import type { HygieneRuns } from '../hygiene/runs.js';
import type { RunClaims } from '../schedule/claims.js';

/**
 * The ports a store implementation hands out, one per concern (each declared by its domain), opened
 * together on one backing store; `atomically` and `close` belong to the backing store itself. Not an
 * interface of its own: a record of the ports, so each domain is given only the ones it uses.
 */
export type Stores = {
  readonly inbox: MessageInbox;
  readonly alerts: AlertRepository;
  readonly outbox: OutboxQueue;
  readonly hygieneRuns: HygieneRuns;
  readonly mutes: MuteList;
  readonly audit: AuditLog;
  readonly claims: RunClaims;
  readonly answers: KeptAnswers;
  readonly asks: ActorAsks;
  readonly geo: GeoBaselines;
  /** Run `fn` as one transaction where the store has them (see AlertStorage). */
  atomically<T>(fn: () => Promise<T>): Promise<T>;
  close(): void;
};
