import { DENIED_CODES } from '../src/trail/catalog.js';
import { BY, type Grouping } from '../src/trail/investigate.js';
import { investigationCommand } from './investigation.js';

/** Bursts: one row per principal and hour. */
const BY_PRINCIPAL_AND_HOUR: Grouping = {
  title: 'By principal and hour',
  key: (e) => `${e.principal.arn ?? e.principal.display} at ${e.time.toISOString().slice(0, 13)}:00Z`,
};

/** Usage: denied [common flags] — AccessDenied and UnauthorizedOperation bursts (see DENIED_CODES). */
export const deniedCommand = investigationCommand({
  name: 'denied',
  args: '',
  summary: 'AccessDenied and UnauthorizedOperation bursts by principal and hour: a stolen credential probing',
  positional: 'none',
  build() {
    return {
      subject: 'refused calls (AccessDenied, UnauthorizedOperation)',
      query: { errorCodes: DENIED_CODES },
      groupings: [BY_PRINCIPAL_AND_HOUR, BY.eventName, BY.sourceIp],
    };
  },
});
