import ipaddr from 'ipaddr.js';

/**
 * What `ip` asks for: a value matched as CloudTrail records it (an IPv4 address, `AWS Internal`, a
 * service principal such as `s3.amazonaws.com`), or a range of addresses (a CIDR, or one IPv6 address,
 * which CloudTrail may write in another of its equivalent forms).
 */
export type SourceIpFilter =
  | { kind: 'exact'; value: string }
  | { kind: 'range'; cidr: string; version: 'ipv4' | 'ipv6' };

/** A service principal or AWS's own name for calls it makes: what sourceIPAddress holds besides addresses. */
const SERVICE = /^[a-z0-9-]+(\.[a-z0-9-]+)*\.amazonaws\.com(\.cn)?$/;

/** The filter for what a user typed, or undefined when it is none of the values CloudTrail records. */
export function parseSourceIp(input: string): SourceIpFilter | undefined {
  const v = input.trim();
  if (/^aws internal$/i.test(v)) return { kind: 'exact', value: 'AWS Internal' };
  if (SERVICE.test(v)) return { kind: 'exact', value: v };
  if (v.includes('/')) {
    if (!ipaddr.isValidCIDR(v)) return undefined;
    const [addr, bits] = ipaddr.parseCIDR(v);
    return { kind: 'range', cidr: `${addr.toString()}/${bits}`, version: addr.kind() };
  }
  // Four dotted numbers as written, leading zeros included (some anonymised logs keep them).
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(v) && v.split('.').every((o) => Number(o) <= 255))
    return { kind: 'exact', value: v };
  if (ipaddr.IPv6.isValid(v))
    return { kind: 'range', cidr: `${ipaddr.IPv6.parse(v).toString()}/128`, version: 'ipv6' };
  return undefined;
}

/** Does a recorded sourceIPAddress fall under the filter? */
export function sourceIpMatches(recorded: string | undefined, f: SourceIpFilter): boolean {
  if (recorded === undefined) return false;
  if (f.kind === 'exact') return recorded === f.value;
  if (!ipaddr.isValid(recorded)) return false;
  const addr = ipaddr.process(recorded);
  const [net, bits] = ipaddr.parseCIDR(f.cidr);
  return addr.kind() === net.kind() && addr.match(net, bits);
}

/** The filter as the user reads it. */
export function describeSourceIp(f: SourceIpFilter): string {
  return f.kind === 'exact' ? f.value : f.cidr.endsWith('/128') ? f.cidr.slice(0, -4) : f.cidr;
}
