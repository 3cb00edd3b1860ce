import { isIP } from 'node:net';
import { UsageError } from '../src/errors.js';
import { BY } from '../src/trail/investigate.js';
import { investigationCommand } from './investigation.js';

/** Usage: ip <address> [common flags] */
export const ipCommand = investigationCommand({
  name: 'ip',
  args: '<address>',
  summary: 'who acted from an address, and what they did',
  positional: 'one',
  positionalName: 'IP address',
  build(word) {
    const ip = (word as string).trim();
    // sourceIPAddress can also be a service name (s3.amazonaws.com): allow those too.
    if (!isIP(ip) && !/^[a-z0-9-]+(\.[a-z0-9-]+)*\.amazonaws\.com$/.test(ip)) {
      throw new UsageError(`"${ip}" is not an IPv4 or IPv6 address (or an AWS service name).`);
    }
    return {
      subject: `activity from ${ip}`,
      query: { sourceIp: ip },
      groupings: [BY.principal, BY.eventName, BY.userAgent],
    };
  },
});
