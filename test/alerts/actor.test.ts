import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type Person, personOf, slackUserOf } from '../../src/alerts/actor.js';
import { normalizeMessage } from '../../src/alerts/alert.js';
import { asksActor, DEFAULT_ASK_RULES } from '../../src/alerts/ask-rules.js';
import { parseRecord } from '../../src/trail/event.js';

const FIXTURE = new URL('../fixtures/sns/eventbridge-cloudtrail-api-call.json', import.meta.url);
const rootCall = JSON.parse(readFileSync(FIXTURE, 'utf8')) as { detail: Record<string, unknown> };
const env = { receivedAt: new Date('2026-12-01T10:00:00Z') };

/** The fixture's call, made by `identity` as `eventName`. */
function call(eventName: string, identity: Record<string, unknown>) {
  const m = { ...rootCall, detail: { ...rootCall.detail, eventName, userIdentity: identity } };
  return normalizeMessage(JSON.stringify(m), env)[0];
}
const iamUser = {
  type: 'IAMUser',
  arn: 'arn:aws:iam::123456789012:user/alice',
  userName: 'alice',
  accountId: '123456789012',
};
const ssoSession = {
  type: 'AssumedRole',
  arn: 'arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Admin_0123456789abcdef/bob@example.com',
  accountId: '123456789012',
  sessionContext: { sessionIssuer: { userName: 'AWSReservedSSO_Admin_0123456789abcdef' } },
};

describe('the person behind a call', () => {
  it('is the IAM user, the root user, the Identity Center user, or the session’s SourceIdentity', () => {
    expect(call('CreateBucket', iamUser)?.person).toEqual({
      kind: 'iam-user',
      name: 'alice',
      account: '123456789012',
      arn: iamUser.arn,
    });
    expect(normalizeMessage(JSON.stringify(rootCall), env)[0]?.person).toMatchObject({
      kind: 'root',
      name: 'root',
    });
    expect(call('CreateUser', ssoSession)?.person).toMatchObject({ kind: 'sso', name: 'bob@example.com' });
    const sourced = parseRecord({
      eventTime: '2026-12-01T10:00:00Z',
      eventSource: 'iam.amazonaws.com',
      eventName: 'CreateUser',
      userIdentity: {
        type: 'AssumedRole',
        arn: 'arn:aws:sts::123456789012:assumed-role/Deployer/ci-run-42',
        sessionContext: { sessionIssuer: { userName: 'Deployer' }, sourceIdentity: 'carol@example.com' },
      },
    });
    expect(personOf(sourced.principal)).toMatchObject({ kind: 'session', name: 'carol@example.com' });
  });

  it('is nobody for a service acting on someone’s behalf or an AWS service', () => {
    expect(
      call('CreateUser', { ...iamUser, invokedBy: 'cloudformation.amazonaws.com' })?.person,
    ).toBeUndefined();
    expect(
      call('CreateUser', { type: 'AWSService', invokedBy: 'ec2.amazonaws.com' })?.person,
    ).toBeUndefined();
  });
});

describe('which alerts ask their actor', () => {
  it('by default: root use and IAM changes, not an ordinary call, never a back-to-normal', () => {
    expect(asksActor(normalizeMessage(JSON.stringify(rootCall), env)[0] as never, DEFAULT_ASK_RULES)).toBe(
      true,
    );
    expect(asksActor(call('CreateAccessKey', iamUser) as never, DEFAULT_ASK_RULES)).toBe(true);
    expect(asksActor(call('CreateBucket', iamUser) as never, DEFAULT_ASK_RULES)).toBe(false);
    expect(asksActor(call('CreateBucket', iamUser) as never, ['all'])).toBe(true);
    const closing = { ...(call('CreateAccessKey', iamUser) as object), closes: true };
    expect(asksActor(closing as never, ['all'])).toBe(false);
  });

  it('asks for Trailbot’s own new-place logins under unusual-login, and nothing without a person', () => {
    const login = call('ConsoleLogin', iamUser);
    expect(asksActor(login as never, ['unusual-login'])).toBe(false);
    expect(asksActor({ ...(login as object), rule: 'new-place' } as never, ['unusual-login'])).toBe(true);
    expect(asksActor({ ...(login as object), person: undefined } as never, ['all'])).toBe(false);
  });
});

describe('finding the person in Slack', () => {
  const alice: Person = { kind: 'iam-user', name: 'alice', account: '123456789012', arn: iamUser.arn };
  const emails: Record<string, string> = { 'alice@example.com': 'U0ALICE', 'bob@example.com': 'U0BOB' };
  const byEmail = async (e: string) => emails[e];

  it('takes the config map first: by ARN, then account:name, then name; a value may be an email', async () => {
    expect(await slackUserOf(alice, { map: { [iamUser.arn]: 'U0ARN' }, byEmail })).toEqual({
      user: 'U0ARN',
      via: 'TRAIL_ASK_ACTOR_MAP',
    });
    expect(
      await slackUserOf(alice, { map: { '123456789012:alice': 'U0ACCT', alice: 'U0NAME' }, byEmail }),
    ).toMatchObject({
      user: 'U0ACCT',
    });
    expect(await slackUserOf(alice, { map: { alice: 'alice@example.com' }, byEmail })).toEqual({
      user: 'U0ALICE',
      via: 'TRAIL_ASK_ACTOR_MAP, email',
    });
  });

  it('then the IAM user’s slack or email tag, then a session name that is an email', async () => {
    const tags = (t: Record<string, string>) => async () => t;
    expect(await slackUserOf(alice, { map: {}, userTags: tags({ slack: 'U0TAG' }), byEmail })).toEqual({
      user: 'U0TAG',
      via: 'its IAM tag slack',
    });
    expect(
      await slackUserOf(alice, { map: {}, userTags: tags({ email: 'alice@example.com' }), byEmail }),
    ).toMatchObject({ user: 'U0ALICE' });
    const sso: Person = { kind: 'sso', name: 'bob@example.com', account: '123456789012' };
    expect(await slackUserOf(sso, { map: {}, byEmail })).toEqual({
      user: 'U0BOB',
      via: 'the session name, email',
    });
  });

  it('says why when nobody is found, never guessing', async () => {
    const failing = async () => {
      throw Object.assign(new Error('denied'), { name: 'AccessDenied' });
    };
    const r = await slackUserOf(alice, { map: {}, userTags: failing, byEmail });
    expect(r).toEqual({
      unmapped: 'not in TRAIL_ASK_ACTOR_MAP; its IAM tags could not be read (AccessDenied)',
    });
    const stranger: Person = { kind: 'sso', name: 'eve@example.com' };
    expect(await slackUserOf(stranger, { map: {}, byEmail })).toEqual({
      unmapped: 'not in TRAIL_ASK_ACTOR_MAP; Slack knows no user with the email from the session name',
    });
    const machine: Person = { kind: 'session', name: 'i-0123456789abcdef0' };
    expect(await slackUserOf(machine, { map: {}, byEmail })).toEqual({
      unmapped: 'not in TRAIL_ASK_ACTOR_MAP; the session name is not an email',
    });
    expect(await slackUserOf(alice, { map: {}, userTags: tags0, byEmail })).toEqual({
      unmapped: 'not in TRAIL_ASK_ACTOR_MAP; no slack or email tag on the IAM user',
    });
  });
});
const tags0 = async () => ({});
