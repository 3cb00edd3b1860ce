import type { Logger } from '../log.js';
import type { AuditEntry, AuditLog } from './log.js';

/**
 * The audit trail: every entry goes to the store (for `/trail audit`) and to the structured log. A store
 * that cannot take it does not stop the work; the log line says so.
 */
export function auditor(trail: () => AuditLog, logger: Logger): (e: AuditEntry) => void {
  const log = logger.child({ component: 'audit' });
  return (e) => {
    log.info({ audit: { ...e, at: e.at.toISOString() } }, `audit: ${e.kind} ${e.result}`);
    const failed = (err: unknown) =>
      log.error({ err, audit: e }, 'the audit entry could not be stored; it is in this log line');
    try {
      trail().addAudit(e).catch(failed);
    } catch (err) {
      failed(err);
    }
  };
}
