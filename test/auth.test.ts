import { describe, expect, it } from 'vitest';
import { type AccessPolicy, type Actor, authorize, rolesOf, rolesSchema } from '../src/auth.js';

const slack = (userId: string, channelId = 'C0GENERAL1'): Actor => ({ userId, channelId, front: 'slack' });
const refusal = (f: () => void) => {
  try {
    f();
  } catch (err) {
    return (err as Error).message;
  }
  return undefined;
};

describe('authorize with no roles configured', () => {
  const open: AccessPolicy = { groupMembers: () => undefined };
  it('lets everyone ask questions and act on alerts', () => {
    expect(refusal(() => authorize('investigate', slack('U0ANYONE'), open))).toBeUndefined();
    expect(refusal(() => authorize('respond', slack('U0ANYONE'), open))).toBeUndefined();
  });
  it('refuses admin actions until an admin is named, and says how', () => {
    expect(refusal(() => authorize('admin', slack('U0ANYONE'), open))).toBe(
      'This needs the admin permission, and no admin is configured yet (TRAIL_ROLES). Ask the person who runs Trailbot.',
    );
  });
  it('lets the terminal do anything: it is the operator’s own shell', () => {
    expect(refusal(() => authorize('admin', { userId: 'alice', front: 'terminal' }, open))).toBeUndefined();
  });
});

describe('authorize with roles', () => {
  const roles = rolesSchema.parse({
    admin: { users: ['U0ADMIN'] },
    responder: { groups: ['S0ONCALL'] },
    viewer: { channels: ['C0SECOPS1'] },
  });
  const members = new Map([['S0ONCALL', new Set(['U0CAROL'])]]);
  const p: AccessPolicy = { roles, groupMembers: (g) => members.get(g) };

  it('grants by user id, by user group, and by channel, each role holding the ones below', () => {
    expect(rolesOf(slack('U0ADMIN'), p)).toEqual(['admin']);
    expect(rolesOf(slack('U0CAROL'), p)).toEqual(['responder']);
    expect(rolesOf(slack('U0DAVE', 'C0SECOPS1'), p)).toEqual(['viewer']);
    expect(refusal(() => authorize('respond', slack('U0ADMIN'), p))).toBeUndefined();
    expect(refusal(() => authorize('investigate', slack('U0CAROL'), p))).toBeUndefined();
    expect(refusal(() => authorize('investigate', slack('U0DAVE', 'C0SECOPS1'), p))).toBeUndefined();
  });

  it('refuses, naming the permission, its role and who grants it', () => {
    expect(refusal(() => authorize('respond', slack('U0DAVE', 'C0SECOPS1'), p))).toBe(
      'This needs the respond permission (the responder role), which you do not have here. Ask an admin (U0ADMIN) to grant it.',
    );
    expect(refusal(() => authorize('investigate', slack('U0DAVE'), p))).toContain(
      'investigate permission (the viewer role)',
    );
    expect(refusal(() => authorize('admin', slack('U0CAROL'), p))).toContain('admin permission');
  });

  it('knows nobody in a group before its members are read', () => {
    expect(
      refusal(() => authorize('respond', slack('U0CAROL'), { roles, groupMembers: () => undefined })),
    ).toContain('respond permission');
  });

  it('answers questions only in the channels set for them', () => {
    const limited: AccessPolicy = { groupMembers: () => undefined, investigateChannels: ['C0SECOPS1'] };
    expect(refusal(() => authorize('investigate', slack('U0ANY', 'C0RANDOM1'), limited))).toBe(
      'Questions are answered only in the channels set for them (C0SECOPS1); ask there.',
    );
    expect(refusal(() => authorize('investigate', slack('U0ANY', 'C0SECOPS1'), limited))).toBeUndefined();
    expect(refusal(() => authorize('respond', slack('U0ANY', 'C0RANDOM1'), limited))).toBeUndefined();
  });

  it('refuses roles that are not ids', () => {
    expect(rolesSchema.safeParse({ admin: { users: ['<!channel>'] } }).success).toBe(false);
    expect(rolesSchema.safeParse({ owner: { users: ['U1'] } }).success).toBe(false);
  });
});
