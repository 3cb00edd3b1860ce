import type { WebClient } from '@slack/web-api';
import type { Logger } from '../src/log.js';
import type { groupDirectory } from '../src/wiring.js';

/**
 * Keep the members of the user groups named in the roles fresh (usergroups.users.list, scope
 * usergroups:read): at start and every `everyMs`. A group Slack cannot list keeps its last members, and
 * the log says so; until a group is first read, its members hold no role from it.
 */
export function startRoleRefresh(
  client: Pick<WebClient, 'usergroups'>,
  groups: string[],
  directory: ReturnType<typeof groupDirectory>,
  logger: Logger,
  everyMs = 10 * 60_000,
): { ready: Promise<void>; stop: () => void } {
  const log = logger.child({ component: 'roles' });
  const refresh = async () => {
    for (const usergroup of groups) {
      try {
        const r = await client.usergroups.users.list({ usergroup });
        directory.set(usergroup, r.users ?? []);
      } catch (err) {
        log.warn({ err, usergroup }, 'could not read a user group’s members; keeping the last ones');
      }
    }
  };
  const ready = groups.length ? refresh() : Promise.resolve();
  const timer = groups.length ? setInterval(() => void refresh(), everyMs) : undefined;
  timer?.unref();
  return { ready, stop: () => timer && clearInterval(timer) };
}
