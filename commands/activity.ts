import { BY } from '../src/trail/investigate.js';
import { describePrincipal, parsePrincipal } from '../src/trail/principal.js';
import { investigationCommand } from './investigation.js';

/** Usage: activity <user name | ARN | role ARN | role/session | access key id> [common flags] */
export const activityCommand = investigationCommand({
  name: 'activity',
  args: '<user | ARN | role ARN | role/session | access key>',
  summary: 'everything a principal did: by event, by source IP, and the newest events',
  positional: 'one',
  positionalName: 'principal: an IAM user name or ARN, a role ARN, role/session, or an access key id',
  build(word) {
    const principal = parsePrincipal(word as string);
    return {
      subject: `activity of ${describePrincipal(principal)}`,
      query: { principal },
      groupings: [BY.eventName, BY.sourceIp, BY.region, BY.principal],
    };
  },
});
