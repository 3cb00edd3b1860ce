import type { Person } from './actor.js';

/**
 * Where asking an alert's actor stands: `pending` (to be asked once the alert is posted), `asked`
 * (waiting for the answer until `deadline`), `confirmed` / `denied` (answered), `timed-out` (no answer in
 * time: escalated; a late answer is still taken), `unmapped` (no Slack user known: not asked), `dropped`
 * (resolved before it was asked).
 */
export type AskState = 'pending' | 'asked' | 'confirmed' | 'denied' | 'timed-out' | 'unmapped' | 'dropped';

/** One "was this you?" to the person behind one alert. */
export interface ActorAsk {
  id: string;
  groupId: string;
  alertId: string;
  person: Person;
  state: AskState;
  /** The Slack user asked: only their click counts. */
  user?: string | undefined;
  /** How the user was found (the config map, an IAM tag, an email). */
  via?: string | undefined;
  /** The actor's reason for a Yes; why a person is unmapped. */
  reason?: string | undefined;
  createdAt: Date;
  askedAt?: Date | undefined;
  /** No answer by then escalates. */
  deadline?: Date | undefined;
  answeredAt?: Date | undefined;
  /** The version read (as for alerts): a save at another version fails with StaleWriteError. */
  version?: number | undefined;
}

/** The asks, kept with the alerts (the SQLite file or the DynamoDB table). */
export interface ActorAsks {
  /** Keep a new ask. */
  addAsk(a: ActorAsk): Promise<void>;
  ask(id: string): Promise<ActorAsk | undefined>;
  /** Asks with work at `now`: pending ones, and asked ones whose deadline is at or before it; oldest first. */
  dueAsks(now: Date): Promise<ActorAsk[]>;
  /** Keep a changed ask, only if it is still at the version read (StaleWriteError otherwise). */
  saveAsk(a: ActorAsk): Promise<void>;
}
