import { describe, expect, it } from 'vitest';
import { baseEventName, parseRecord, RecordParseError } from '../../src/trail/event.js';
import { INVICTUS_DIR, rawRecords, SNITCH_DIR, STRATUS_DIR } from '../helpers/data.js';

describe.each([
  ['invictus (Records files)', INVICTUS_DIR, 2900],
  ['stratus red team (bare arrays)', STRATUS_DIR, 310],
  ['cloud-snitch (gzipped S3 layout)', SNITCH_DIR, 21],
])('every real record of %s', (_name, dir, count) => {
  const raws = rawRecords(dir);

  it('parses, keeping the fields as recorded', () => {
    expect(raws).toHaveLength(count);
    raws.forEach((raw, i) => {
      const e = parseRecord(raw, `record ${i}`);
      expect(e.id).toBe(raw.eventID);
      expect(e.name).toBe(raw.eventName);
      expect(e.source).toBe(raw.eventSource);
      expect(e.time.getTime()).toBe(Date.parse(raw.eventTime as string));
      expect(e.region).toBe(raw.awsRegion);
      expect(e.errorCode).toBe(raw.errorCode ?? undefined);
      expect(e.sourceIp).toBe(raw.sourceIPAddress ?? undefined);
      const ui = (raw.userIdentity ?? {}) as Record<string, string>;
      expect(e.principal.arn).toBe(ui.arn ?? undefined);
      expect(e.principal.accessKeyId).toBe(ui.accessKeyId || undefined);
    });
  });
});

describe('session tokens', () => {
  it('keeps none: the credentials a response issued lose their token, everything else as recorded', () => {
    const issued = rawRecords(INVICTUS_DIR).filter(
      (r) =>
        typeof (r.responseElements as { credentials?: { sessionToken?: unknown } } | null)?.credentials
          ?.sessionToken === 'string',
    );
    expect(issued.length).toBeGreaterThan(20);
    for (const raw of issued) {
      const e = parseRecord(raw);
      const { sessionToken: _, ...rest } = (raw.responseElements as { credentials: Record<string, unknown> })
        .credentials;
      expect(e.responseElements).toEqual({ ...(raw.responseElements as object), credentials: rest });
      expect(JSON.stringify(e)).not.toContain('IQoJ');
    }
    // A response without credentials, or with a field of another shape, is kept as it is.
    const other = { credentials: 'none', sessionToken: 'x' };
    expect(parseRecord({ ...issued[0], responseElements: other }).responseElements).toEqual(other);
  });
});

describe('principals', () => {
  const all = [...rawRecords(INVICTUS_DIR), ...rawRecords(STRATUS_DIR)];
  const first = (pred: (r: Record<string, unknown>) => boolean) => {
    const raw = all.find(pred);
    if (!raw) throw new Error('fixture record not found');
    return parseRecord(raw);
  };
  const typeIs = (t: string | undefined) => (r: Record<string, unknown>) =>
    (r.userIdentity as { type?: string } | undefined)?.type === t;

  it('reads an IAM user by name', () => {
    const e = first(
      (r) => typeIs('IAMUser')(r) && (r.userIdentity as { userName: string }).userName === 'bert-jan',
    );
    expect(e.principal).toMatchObject({ type: 'IAMUser', userName: 'bert-jan', display: 'bert-jan' });
    expect(e.principal.arn).toBe('arn:aws:iam::123837392027:user/bert-jan');
  });

  it('reads an assumed role as role/session with the role ARN from the session issuer', () => {
    const e = first(typeIs('AssumedRole'));
    const raw = all.find(typeIs('AssumedRole')) as {
      userIdentity: { arn: string; sessionContext: { sessionIssuer: { arn: string; userName: string } } };
    };
    const session = raw.userIdentity.arn.split('/').slice(2).join('/');
    expect(e.principal.roleArn).toBe(raw.userIdentity.sessionContext.sessionIssuer.arn);
    expect(e.principal.sessionName).toBe(session);
    expect(e.principal.display).toBe(`${raw.userIdentity.sessionContext.sessionIssuer.userName}/${session}`);
  });

  it('reads a federated user and AWS services acting on their own', () => {
    expect(first(typeIs('FederatedUser')).principal.display).toBe('stratus_red_team');
    expect(first(typeIs('AWSService')).principal.display).toMatch(/\.amazonaws\.com$/);
    // Service events with no identity type name the service that acted.
    expect(first(typeIs(undefined)).principal.display).toMatch(/\.amazonaws\.com$/);
  });

  it('reads root', () => {
    const e = parseRecord({
      eventTime: '2026-11-20T10:00:00Z',
      eventSource: 'signin.amazonaws.com',
      eventName: 'ConsoleLogin',
      userIdentity: { type: 'Root', arn: 'arn:aws:iam::111122223333:root', accountId: '111122223333' },
    });
    expect(e.principal).toMatchObject({ type: 'Root', display: 'root' });
    expect(e.account).toBe('111122223333');
  });
});

describe('bad records', () => {
  it('names where a record failed', () => {
    expect(() => parseRecord({ eventTime: 5, eventName: 'X', eventSource: 's' }, 'Records[3]')).toThrow(
      /Records\[3\]\.eventTime/,
    );
    expect(() => parseRecord('{not json', 'LookupEvents[0]')).toThrow(RecordParseError);
    expect(() => parseRecord({ eventTime: 'yesterday', eventName: 'X', eventSource: 's' })).toThrow(
      /not a time/,
    );
  });
});

describe('baseEventName', () => {
  it('drops API versions some services append', () => {
    expect(baseEventName('DeleteFunction20150331')).toBe('DeleteFunction');
    expect(baseEventName('UpdateFunctionCode20150331v2')).toBe('UpdateFunctionCode');
    expect(baseEventName('DeleteDistribution2020_05_31')).toBe('DeleteDistribution');
    expect(baseEventName('DeleteBucket')).toBe('DeleteBucket');
    expect(baseEventName('Describe2Things')).toBe('Describe2Things');
  });
});
