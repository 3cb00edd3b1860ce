import { describe, expect, it } from 'vitest';
import { parseSourceIp, sourceIpMatches } from '../../src/trail/source-ip.js';

describe('source IPs as CloudTrail records them', () => {
  it('accepts addresses, ranges, AWS Internal and service principals, and nothing else', () => {
    expect(parseSourceIp('203.0.113.7')).toEqual({ kind: 'exact', value: '203.0.113.7' });
    expect(parseSourceIp('035.249.253.232')).toEqual({ kind: 'exact', value: '035.249.253.232' });
    expect(parseSourceIp('AWS Internal')).toEqual({ kind: 'exact', value: 'AWS Internal' });
    expect(parseSourceIp('aws internal')).toEqual({ kind: 'exact', value: 'AWS Internal' });
    expect(parseSourceIp('s3.amazonaws.com')).toEqual({ kind: 'exact', value: 's3.amazonaws.com' });
    expect(parseSourceIp('203.0.113.0/24')).toEqual({
      kind: 'range',
      cidr: '203.0.113.0/24',
      version: 'ipv4',
    });
    expect(parseSourceIp('2001:DB8::/32')).toEqual({ kind: 'range', cidr: '2001:db8::/32', version: 'ipv6' });
    expect(parseSourceIp('2001:0db8:0:0::1')).toEqual({
      kind: 'range',
      cidr: '2001:db8::1/128',
      version: 'ipv6',
    });
    for (const bad of ['300.1.1.1', '10.0.0.0/33', 'evil.example.com', '1.2.3', '', 'AWS', '::g'])
      expect(parseSourceIp(bad), bad).toBeUndefined();
  });

  it('matches ranges by address, IPv6 in any of its written forms, and never a name against a range', () => {
    const v4 = parseSourceIp('192.168.10.0/24');
    const v6 = parseSourceIp('2001:db8:1234::1');
    if (!v4 || !v6) throw new Error('parse');
    expect(sourceIpMatches('192.168.10.20', v4)).toBe(true);
    expect(sourceIpMatches('192.168.11.20', v4)).toBe(false);
    expect(sourceIpMatches('AWS Internal', v4)).toBe(false);
    expect(sourceIpMatches('2001:0db8:1234:0000:0000:0000:0000:0001', v6)).toBe(true);
    expect(sourceIpMatches('2001:db8:1234::2', v6)).toBe(false);
    expect(sourceIpMatches('192.168.10.20', parseSourceIp('2001:db8::/32') as never)).toBe(false);
  });
});
