import { BY } from '../src/trail/investigate.js';
import { investigationCommand } from './investigation.js';

/**
 * Usage: root [common flags] — any use of the root user. Follows SigmaHQ's aws_root_account_usage:
 * userIdentity.type Root, leaving out events AWS services record on their own (eventType
 * AwsServiceEvent, or an invokedBy service).
 */
export const rootCommand = investigationCommand({
  name: 'root',
  args: '',
  summary: 'any use of the root user',
  positional: 'none',
  build() {
    return {
      subject: 'use of the root user',
      query: {
        identityTypes: ['Root'],
        where: (e) => e.eventType !== 'AwsServiceEvent' && e.principal.invokedBy === undefined,
      },
      groupings: [BY.eventName, BY.sourceIp, BY.userAgent],
    };
  },
});
