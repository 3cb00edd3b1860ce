import { UsageError } from '../src/errors.js';
import { BY } from '../src/trail/investigate.js';
import { describeSourceIp, parseSourceIp } from '../src/trail/source-ip.js';
import { investigationCommand } from './investigation.js';

/** Usage: ip <address> [common flags] */
export const ipCommand = investigationCommand({
  name: 'ip',
  args: '<address>',
  summary: 'who acted from an address, and what they did',
  positional: 'one',
  positionalName: 'IP address',
  build(word) {
    // sourceIPAddress holds more than addresses: "AWS Internal" and service principals (s3.amazonaws.com).
    const ip = parseSourceIp(word as string);
    if (!ip)
      throw new UsageError(
        `"${word}" is not an IPv4 or IPv6 address, a CIDR range (203.0.113.0/24, 2001:db8::/32), "AWS Internal" or an AWS service name (s3.amazonaws.com).`,
      );
    return {
      subject: `activity from ${describeSourceIp(ip)}`,
      query: { sourceIp: ip },
      groupings: [BY.principal, BY.eventName, BY.userAgent],
    };
  },
});
