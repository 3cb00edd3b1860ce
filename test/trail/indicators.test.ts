import { describe, expect, it } from 'vitest';
import { findIndicators } from '../../src/trail/indicators.js';

describe('findIndicators', () => {
  it('finds principals, keys, addresses, buckets and other resources in a pasted alert', () => {
    const text = [
      'GuardDuty: UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS',
      'Principal arn:aws:sts::123456789012:assumed-role/Deployer/i-0abc, key ASIAQWERTYUIOPASDFGH,',
      'from <http://198.51.100.7|198.51.100.7> and 2001:db8::7; read s3://acme-payments-archive/2026/',
      'and acme-logs.s3.eu-west-1.amazonaws.com; deleted arn:aws:dynamodb:eu-west-1:123456789012:table/Orders.',
      'Also arn:aws:iam::123456789012:user/alice and arn:aws:s3:::acme-payments-archive (again).',
    ].join('\n');
    expect(findIndicators(text)).toEqual({
      principals: [
        'arn:aws:sts::123456789012:assumed-role/Deployer/i-0abc',
        'arn:aws:iam::123456789012:user/alice',
      ],
      keys: ['ASIAQWERTYUIOPASDFGH'],
      ips: ['198.51.100.7', '2001:db8::7'],
      buckets: ['acme-payments-archive', 'acme-logs'],
      resources: ['arn:aws:dynamodb:eu-west-1:123456789012:table/Orders'],
    });
  });

  it('takes nothing from look-alikes: versions, times, partial keys, bad addresses', () => {
    const found = findIndicators(
      'v1.2.3.4.5 at 12:30:45, AKIA123 short, 999.1.1.1, ::: , arn:aws:iam::12:user/x, s3://A_B',
    );
    expect(found).toEqual({ principals: [], keys: [], ips: [], buckets: [], resources: [] });
  });

  it('reads Slack’s entities and links as text', () => {
    expect(
      findIndicators('&lt;arn:aws:iam::123456789012:role/Admin&gt; &amp; <mailto:x@y.z|x>').principals,
    ).toEqual(['arn:aws:iam::123456789012:role/Admin']);
  });
});
