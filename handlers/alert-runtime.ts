import type { Person, Resolution } from '../src/alerts/actor.js';
import type { AlertPolicy } from '../src/alerts/lifecycle.js';
import type { Outbox } from '../src/alerts/outbox.js';
import type { AlertStorage } from '../src/alerts/storage.js';

/** What the alert buttons and jobs work on, when alerts are configured. */
export interface AlertRuntime {
  store: AlertStorage;
  policy: AlertPolicy;
  outbox: Outbox;
  /**
   * Called after a click changed alerts, whose message updates now wait in the outbox: unset on the
   * container (its outbox runs all the time); on Lambda, a second invocation sends them.
   */
  changed?: (() => Promise<void>) | undefined;
  /** Publish the clicker's Home tab after a click on a channel message (default on; off on Lambda). */
  refreshHomeAfterClicks?: boolean | undefined;
  /** Who an alert's actor is in Slack (set once the Slack client exists), for asking "was this you?". */
  resolvePerson?: ((p: Person) => Promise<Resolution>) | undefined;
}
