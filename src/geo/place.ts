import ipaddr from 'ipaddr.js';

/**
 * Where a call came from, as far as Trailbot can say offline. Only a public address is looked up;
 * everything else CloudTrail writes in sourceIPAddress is labelled for what it is.
 */
export type Place =
  /** A public address: its country (ISO 3166-1 alpha-2) and network, when the databases know them. */
  | {
      kind: 'public';
      ip: string;
      country?: string | undefined;
      asn?: number | undefined;
      org?: string | undefined;
    }
  /** An address that is not on the internet: private, CGNAT, link-local, loopback, ULA, reserved … */
  | { kind: 'private'; ip: string; range: string }
  /** AWS's own name for calls it makes on its side. */
  | { kind: 'internal' }
  /** A service principal acting (s3.amazonaws.com …). */
  | { kind: 'service'; name: string }
  /** Not an address at all (a malformed or anonymised value). */
  | { kind: 'unknown'; value: string };

/** What the address ranges that are not looked up are called. */
const RANGES: Record<string, string> = {
  private: 'private network (RFC 1918)',
  carrierGradeNat: 'carrier-grade NAT (RFC 6598)',
  linkLocal: 'link-local',
  loopback: 'loopback',
  uniqueLocal: 'unique local (ULA)',
  unspecified: 'unspecified',
  multicast: 'multicast',
  broadcast: 'broadcast',
  reserved: 'reserved range (documentation, benchmarking or future use)',
};

const SERVICE = /^[a-z0-9-]+(\.[a-z0-9-]+)*\.amazonaws\.com(\.cn)?$/;

/**
 * What a sourceIPAddress value is. A public address comes back as `public` with no facts yet (the
 * databases add them); IPv4-mapped IPv6 addresses are read as the IPv4 address they carry.
 */
export function classifySource(value: string): Place {
  const v = value.trim();
  if (/^aws internal$/i.test(v)) return { kind: 'internal' };
  if (SERVICE.test(v)) return { kind: 'service', name: v };
  let addr: ipaddr.IPv4 | ipaddr.IPv6;
  // Four decimal numbers; anonymised logs keep leading zeros (035.249.253.232), read as decimal.
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(v) && v.split('.').every((o) => Number(o) <= 255))
    addr = ipaddr.IPv4.parse(v.split('.').map(Number).join('.'));
  else if (ipaddr.IPv6.isValid(v)) {
    const six = ipaddr.IPv6.parse(v);
    addr = six.isIPv4MappedAddress() ? six.toIPv4Address() : six;
  } else return { kind: 'unknown', value: v };
  const range = addr.range();
  const ip = addr.toString();
  if (range === 'unicast') return { kind: 'public', ip };
  return { kind: 'private', ip, range: RANGES[range] ?? `reserved (${range})` };
}

/** "NL · AS1136 KPN", "private network (RFC 1918)", "AWS Internal" …: the place as words. */
export function placeWords(p: Place): string {
  switch (p.kind) {
    case 'public': {
      const net = p.asn !== undefined ? `AS${p.asn}${p.org ? ` ${p.org}` : ''}` : undefined;
      return [p.country ?? 'country unknown', net].filter(Boolean).join(' · ');
    }
    case 'private':
      return p.range;
    case 'internal':
      return 'AWS Internal';
    case 'service':
      return 'AWS service';
    case 'unknown':
      return 'not an address';
  }
}
