import { describe, expect, it } from 'vitest';
import { consoleLinker, consoleUrl, linked } from '../../src/present/console.js';
import { toSlack } from '../../src/slack/blocks.js';
import { toText } from '../../src/terminal/text.js';

const ID = '3c5d0d4a-8f0e-4a51-9d7b-0a1b2c3d4e5f';

describe('console links', () => {
  it('are built for the partition of the region', () => {
    expect(consoleUrl({ kind: 'event', id: ID, region: 'eu-west-1' }, 'eu-west-1')).toBe(
      `https://eu-west-1.console.aws.amazon.com/cloudtrailv2/home?region=eu-west-1#/events/${ID}`,
    );
    expect(consoleUrl({ kind: 'event', id: ID, region: 'cn-north-1' }, 'cn-north-1')).toBe(
      `https://cn-north-1.console.amazonaws.cn/cloudtrailv2/home?region=cn-north-1#/events/${ID}`,
    );
    expect(consoleUrl({ kind: 'role', name: 'Deployer' }, 'us-gov-west-1')).toBe(
      'https://us-gov-west-1.console.amazonaws-us-gov.com/iam/home#/roles/details/Deployer',
    );
    expect(consoleUrl({ kind: 'bucket', name: 'acme-logs', region: 'us-east-2' }, 'us-east-2')).toBe(
      'https://us-east-2.console.aws.amazon.com/s3/buckets/acme-logs?region=us-east-2',
    );
    expect(
      consoleUrl({ kind: 'security-group', id: 'sg-0123456789abcdef0', region: 'eu-central-1' }, 'x'),
    ).toBe(
      'https://eu-central-1.console.aws.amazon.com/ec2/home?region=eu-central-1#SecurityGroup:groupId=sg-0123456789abcdef0',
    );
    // A partition without a public console (ISO), or no region at all: no link.
    expect(consoleUrl({ kind: 'event', id: ID, region: 'us-iso-east-1' }, 'us-iso-east-1')).toBeUndefined();
  });

  it('are never built from outside text that is not in the form AWS gives it', () => {
    const bad = [
      consoleUrl({ kind: 'event', id: `${ID}#/x`, region: 'eu-west-1' }, 'eu-west-1'),
      consoleUrl({ kind: 'event', id: ID, region: 'eu-west-1.evil.example/' }, 'eu-west-1'),
      consoleUrl({ kind: 'bucket', name: 'a|b>c', region: 'us-east-1' }, 'us-east-1'),
      consoleUrl({ kind: 'user', name: 'alice bob' }, 'us-east-1'),
      consoleUrl({ kind: 'security-group', id: 'default', region: 'us-east-1' }, 'us-east-1'),
    ];
    expect(bad).toEqual([undefined, undefined, undefined, undefined, undefined]);
    // A label that could format or ping is shown as a literal, unlinked.
    const label = linked(
      consoleLinker(),
      '<!channel>',
      { kind: 'event', id: ID, region: 'eu-west-1' },
      {
        account: '111122223333',
        region: 'eu-west-1',
      },
    );
    expect(label).toEqual({ lit: '<!channel>' });
  });

  it('go through the Identity Center access portal into the account when it is configured', () => {
    const links = consoleLinker({
      startUrl: 'https://d-1234567890.awsapps.com/start/',
      roleName: 'SecurityAudit',
    });
    const url = links(
      { kind: 'event', id: ID, region: 'eu-west-1' },
      { account: '111122223333', region: 'eu-west-1' },
    );
    const u = new URL(url as string);
    expect(`${u.origin}${u.pathname}`).toBe('https://d-1234567890.awsapps.com/start/');
    const q = new URLSearchParams(u.hash.replace(/^#\/console\?/, ''));
    expect(Object.fromEntries(q)).toEqual({
      account_id: '111122223333',
      role_name: 'SecurityAudit',
      destination: `https://eu-west-1.console.aws.amazon.com/cloudtrailv2/home?region=eu-west-1#/events/${ID}`,
    });
    expect(
      links({ kind: 'user', name: 'alice' }, { account: 'unknown-account', region: 'us-east-1' }),
    ).toBeUndefined();
  });

  it('are a link in Slack and the name in the terminal when terse', () => {
    const where = { account: '111122223333', region: 'eu-west-1' };
    const part = linked(
      consoleLinker(),
      'DeleteBucket',
      { kind: 'event', id: ID, region: 'eu-west-1' },
      where,
      true,
    );
    const doc = { summary: ['x'], blocks: [{ type: 'context' as const, parts: [part] }] };
    expect(JSON.stringify(toSlack(doc).blocks)).toContain(
      `<https://eu-west-1.console.aws.amazon.com/cloudtrailv2/home?region=eu-west-1#/events/${ID}|DeleteBucket>`,
    );
    expect(toText(doc).trim()).toBe('DeleteBucket');
  });
});
