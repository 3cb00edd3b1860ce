import { z } from 'zod';
import { NotAuthorizedError } from './errors.js';

/**
 * What an action needs. `investigate`: ask questions (and look at hygiene and posture); `respond`: act on
 * alerts; `admin`: mutes, the audit log, Athena queries above the cost cap.
 */
export type Permission = 'investigate' | 'respond' | 'admin';

/** The roles, each holding the permissions of the one before it. */
export type Role = 'viewer' | 'responder' | 'admin';

const GRANTS: Record<Role, readonly Permission[]> = {
  viewer: ['investigate'],
  responder: ['investigate', 'respond'],
  admin: ['investigate', 'respond', 'admin'],
};

/** The role that first grants a permission. */
const FIRST_ROLE: Record<Permission, Role> = { investigate: 'viewer', respond: 'responder', admin: 'admin' };

const members = z.strictObject({
  users: z.array(z.string().regex(/^[UW][A-Z0-9]{2,20}$/, 'must be Slack user ids (U…)')).default([]),
  groups: z.array(z.string().regex(/^S[A-Z0-9]{2,20}$/, 'must be Slack user group ids (S…)')).default([]),
  /** Everyone in these channels holds the role there. */
  channels: z.array(z.string().regex(/^[CG][A-Z0-9]{6,20}$/, 'must be Slack channel ids (C…)')).default([]),
});

/** Who holds each role: Slack user ids, user groups, channels. */
export const rolesSchema = z.strictObject({
  viewer: members.optional(),
  responder: members.optional(),
  admin: members.optional(),
});

export type Roles = z.infer<typeof rolesSchema>;

/** Who is asking, and where. */
export interface Actor {
  userId: string;
  channelId?: string | undefined;
  /** The terminal is the operator's own shell: it holds every permission. */
  front: 'slack' | 'terminal';
}

/** What authorization reads: the roles from config, channel limits, and user group membership. */
export interface AccessPolicy {
  /** Undefined: no roles configured — everyone may investigate and respond; nobody is admin. */
  roles?: Roles | undefined;
  /** When set, questions are answered only in these channels. */
  investigateChannels?: readonly string[] | undefined;
  /** The members of a Slack user group, as last read (undefined: not known yet). */
  groupMembers: (group: string) => ReadonlySet<string> | undefined;
}

/** The roles an actor holds where they are. */
export function rolesOf(actor: Actor, p: AccessPolicy): Role[] {
  if (!p.roles) return ['responder'];
  return (Object.keys(GRANTS) as Role[]).filter((role) => {
    const m = p.roles?.[role];
    if (!m) return false;
    return (
      m.users.includes(actor.userId) ||
      (actor.channelId !== undefined && m.channels.includes(actor.channelId)) ||
      m.groups.some((g) => p.groupMembers(g)?.has(actor.userId))
    );
  });
}

/** Who to ask for a permission: the admins named in config. */
function grantors(p: AccessPolicy): string {
  const a = p.roles?.admin;
  const names = [...(a?.users ?? []), ...(a?.groups ?? []).map((g) => `user group ${g}`)];
  return names.length
    ? `an admin (${names.join(', ')})`
    : 'the person who runs Trailbot (no admin is configured)';
}

/**
 * The one check every subcommand and button goes through: may `actor` do something that needs
 * `permission`? Throws a refusal that names the permission missing and who grants it. The terminal is the
 * operator's own shell and holds every permission.
 */
export function authorize(permission: Permission, actor: Actor, p: AccessPolicy): void {
  if (actor.front === 'terminal') return;
  if (
    permission === 'investigate' &&
    p.investigateChannels?.length &&
    !(actor.channelId && p.investigateChannels.includes(actor.channelId))
  ) {
    throw new NotAuthorizedError(
      permission,
      `Questions are answered only in the channels set for them (${p.investigateChannels.join(', ')}); ask there.`,
    );
  }
  if (!p.roles) {
    if (permission === 'admin')
      throw new NotAuthorizedError(
        permission,
        'This needs the admin permission, and no admin is configured yet (TRAIL_ROLES). Ask the person who runs Trailbot.',
      );
    return;
  }
  if (rolesOf(actor, p).some((r) => GRANTS[r].includes(permission))) return;
  throw new NotAuthorizedError(
    permission,
    `This needs the ${permission} permission (the ${FIRST_ROLE[permission]} role), which you do not have here. Ask ${grantors(p)} to grant it.`,
  );
}
