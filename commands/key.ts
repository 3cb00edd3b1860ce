import { UsageError } from '../src/errors.js';
import { BY } from '../src/trail/investigate.js';
import { investigationCommand } from './investigation.js';

/** Usage: key <access key id> [common flags] */
export const keyCommand = investigationCommand({
  name: 'key',
  args: '<access key id>',
  summary: 'where and how an access key was used: IPs, user agents, regions, events, first and last use',
  positional: 'one',
  positionalName: 'access key id (AKIA… or ASIA…)',
  build(word) {
    const accessKeyId = (word as string).trim();
    if (!/^(AKIA|ASIA)[A-Z0-9]{16}$/.test(accessKeyId)) {
      throw new UsageError(
        `"${accessKeyId}" is not an access key id: AKIA or ASIA and 16 letters or digits.`,
      );
    }
    return {
      subject: `use of access key ${accessKeyId}`,
      query: { principal: { kind: 'key', accessKeyId } },
      groupings: [BY.sourceIp, BY.userAgent, BY.region, BY.eventName, BY.principal],
    };
  },
});
