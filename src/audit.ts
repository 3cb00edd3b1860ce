import type { Logger } from './log.js';
import type { Store } from './store/store.js';

/** One thing someone did or tried: who, where, when, what, and how it ended. */
export interface AuditEntry {
  at: Date;
  /** A Slack user id, or the operator's login in the terminal. */
  user: string;
  channel?: string | undefined;
  front: 'slack' | 'terminal' | 'system';
  kind: 'command' | 'query' | 'button' | 'mute' | 'refusal';
  /** The command's words, the button, the query's source. */
  what: string;
  /** answer, usage, refused, failed, or what a button changed. */
  result: string;
  /** The SQL or lookup parameters and the data scanned, for queries. */
  detail?: Record<string, unknown> | undefined;
}

/**
 * The audit trail: every entry goes to the store (for `/trail audit`) and to the structured log. A store
 * that cannot take it does not stop the work; the log line says so.
 */
export function auditor(store: () => Pick<Store, 'addAudit'>, logger: Logger): (e: AuditEntry) => void {
  const log = logger.child({ component: 'audit' });
  return (e) => {
    log.info({ audit: { ...e, at: e.at.toISOString() } }, `audit: ${e.kind} ${e.result}`);
    try {
      store().addAudit(e);
    } catch (err) {
      log.error({ err, audit: e }, 'the audit entry could not be stored; it is in this log line');
    }
  };
}
