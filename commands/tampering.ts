import { TAMPERING } from '../src/trail/catalog.js';
import { BY } from '../src/trail/investigate.js';
import { investigationCommand } from './investigation.js';

/** Usage: tampering [common flags] — attempts to blind the defenders, failed ones too (see TAMPERING). */
export const tamperingCommand = investigationCommand({
  name: 'tampering',
  args: '',
  summary:
    'attempts to blind the defenders: trails stopped or changed, GuardDuty, Config, flow logs, leaving the org',
  positional: 'none',
  build() {
    const pairs = new Set(TAMPERING.map((t) => `${t.source} ${t.event}`));
    return {
      subject: 'attempts to blind the defenders',
      query: {
        eventNames: [...new Set(TAMPERING.map((t) => t.event))],
        eventSources: [...new Set(TAMPERING.map((t) => t.source))],
        // The pair decides: DeleteLogGroup counts only from CloudWatch Logs, not another service.
        where: (e) => pairs.has(`${e.source} ${e.name}`),
      },
      groupings: [BY.eventName, BY.principal, BY.errorCode],
    };
  },
});
