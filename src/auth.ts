import { NotAuthorizedError } from './errors.js';

/**
 * What an action needs. `investigate`: ask questions; `respond`: act on alerts; `admin`: mutes, audit,
 * expensive queries. The role model that maps people to these comes with the hardening issue; until
 * then everyone may investigate and respond, and admin actions are refused.
 */
export type Permission = 'investigate' | 'respond' | 'admin';

/** Who is asking, and where. */
export interface Actor {
  userId: string;
  channelId?: string | undefined;
  /** The terminal is the operator's own shell: it holds every permission. */
  front: 'slack' | 'terminal';
}

/** Decide whether `actor` may do something that needs `permission`; throws a clear refusal if not. */
export function authorize(permission: Permission, actor: Actor): void {
  if (actor.front === 'terminal') return;
  if (permission === 'admin') {
    throw new NotAuthorizedError(
      permission,
      'This needs the admin permission, and no admin is configured yet. Ask the person who runs Trailbot.',
    );
  }
}
