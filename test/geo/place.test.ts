import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import ipaddr from 'ipaddr.js';
import { Reader } from 'maxmind';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { openGeo } from '../../src/geo/open.js';
import { classifySource, placeWords } from '../../src/geo/place.js';
import { INVICTUS_DIR, rawRecords, SNITCH_DIR, STRATUS_DIR } from '../helpers/data.js';

const require = createRequire(import.meta.url);
const locator = openGeo(loadConfig({}), new Date('2026-12-03T00:00:00Z'));
// The shipped country database, read directly: what the locator answers is asserted against it.
const countryDb = new Reader<{ country_code?: string } & import('maxmind').Response>(
  readFileSync(require.resolve('@ip-location-db/geo-whois-asn-country-mmdb/geo-whois-asn-country.mmdb')),
);

// The shipped ASN data read independently of the compiled table: the text-form CSV (the table is compiled
// from the numeric one), searched row by row.
const asnRows = (file: string) =>
  readFileSync(require.resolve(`@ip-location-db/asn/${file}`), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [start, end, asn] = line.split(',');
      return { start: ipaddr.parse(start as string), end: ipaddr.parse(end as string), asn: Number(asn) };
    });
const V4 = asnRows('asn-ipv4.csv');
const V6 = asnRows('asn-ipv6.csv');
const bytes = (a: ipaddr.IPv4 | ipaddr.IPv6) => Buffer.from(a.toByteArray());
function asnOf(ip: string): number | undefined {
  const a = ipaddr.parse(ip);
  const rows = a.kind() === 'ipv4' ? V4 : V6;
  const x = bytes(a);
  return rows.find((r) => Buffer.compare(bytes(r.start), x) <= 0 && Buffer.compare(x, bytes(r.end)) <= 0)
    ?.asn;
}

describe('what a source address is', () => {
  it('labels what is not a public address, never looking it up', () => {
    expect(classifySource('AWS Internal')).toEqual({ kind: 'internal' });
    expect(classifySource('s3.amazonaws.com')).toEqual({ kind: 'service', name: 's3.amazonaws.com' });
    const ranges: [string, string][] = [
      ['10.8.8.10', 'private network (RFC 1918)'],
      ['192.168.10.20', 'private network (RFC 1918)'],
      ['100.100.100.100', 'carrier-grade NAT (RFC 6598)'],
      ['169.254.169.254', 'link-local'],
      ['127.0.0.1', 'loopback'],
      ['fd12:3456::1', 'unique local (ULA)'],
      ['fe80::1', 'link-local'],
      ['198.51.100.7', 'reserved range (documentation, benchmarking or future use)'],
      ['253.252.51.07', 'reserved range (documentation, benchmarking or future use)'],
    ];
    for (const [ip, range] of ranges)
      expect(classifySource(ip), ip).toMatchObject({ kind: 'private', range });
    for (const bad of ['1.2.3', '256.1.1.1', 'not-an-ip', '::gg', ''])
      expect(classifySource(bad).kind, bad).toBe('unknown');
  });

  it('reads IPv4-mapped IPv6 and anonymised leading zeros as the IPv4 address they are', () => {
    expect(classifySource('::ffff:18.236.253.47')).toEqual({ kind: 'public', ip: '18.236.253.47' });
    expect(classifySource('035.249.253.232')).toEqual({ kind: 'public', ip: '35.249.253.232' });
  });

  it('gives every public address in the real fixtures the country the shipped database says, with its network', () => {
    const ips = new Set(
      [INVICTUS_DIR, STRATUS_DIR, SNITCH_DIR]
        .flatMap((d) => rawRecords(d) as { sourceIPAddress?: string }[])
        .map((r) => r.sourceIPAddress)
        .filter((v): v is string => !!v),
    );
    let publics = 0;
    for (const ip of ips) {
      const p = locator?.locate(ip);
      const c = classifySource(ip);
      expect(p?.kind, ip).toBe(c.kind);
      if (p?.kind !== 'public' || c.kind !== 'public') continue;
      publics++;
      expect(p.country, ip).toBe(countryDb.get(c.ip)?.country_code);
      expect(p.asn, ip).toBe(asnOf(c.ip));
    }
    expect(publics).toBeGreaterThanOrEqual(10);
    // An AWS address: its network is Amazon's, from the ASN data.
    const aws = locator?.locate('18.236.253.47');
    expect(aws).toMatchObject({ kind: 'public', country: countryDb.get('18.236.253.47')?.country_code });
    expect(aws?.kind === 'public' && aws.org).toMatch(/Amazon/);
    expect(placeWords(aws as never)).toMatch(/^[A-Z]{2} · AS\d+ Amazon/);
  });

  it('looks up IPv6 addresses in both databases', () => {
    const p = locator?.locate('2a00:1450:4001:80b::200e');
    expect(p).toMatchObject({
      kind: 'public',
      country: countryDb.get('2a00:1450:4001:80b::200e')?.country_code,
    });
    expect(p?.kind === 'public' && p.asn).toBe(asnOf('2a00:1450:4001:80b::200e'));
  });

  it('says which databases and dates were used', () => {
    expect(locator?.about()).toMatch(
      /geo-whois-asn-country\.mmdb .*built 20\d\d-\d\d-\d\d.*ip-location-db asn/,
    );
  });
});
