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

/** Who holds which permission, from config (the full role model comes with the hardening issue). */
export interface Grants {
  /** Slack user ids who may act on alerts; unset means everyone. */
  responders?: readonly string[] | undefined;
}

/** Decide whether `actor` may do something that needs `permission`; throws a clear refusal if not. */
export function authorize(permission: Permission, actor: Actor, grants: Grants = {}): void {
  if (actor.front === 'terminal') return;
  if (permission === 'admin') {
    throw new NotAuthorizedError(
      permission,
      'This needs the admin permission, and no admin is configured yet. Ask the person who runs Trailbot.',
    );
  }
  if (permission === 'respond' && grants.responders && !grants.responders.includes(actor.userId)) {
    throw new NotAuthorizedError(
      permission,
      'Acting on alerts needs the respond permission, which you do not have. The people who run Trailbot grant it (TRAIL_RESPONDERS).',
    );
  }
}
