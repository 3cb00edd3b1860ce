import type { App } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { CommandDeps } from '../src/deps.js';
import { presentHome } from '../src/present/home.js';
import { toSlack } from '../src/slack/blocks.js';
import { readHomePageValue } from '../src/slack/buttons.js';
import { ACTION_IDS } from '../src/slack/ids.js';
import { SLACK_LIMITS } from '../src/slack/limits.js';
import type { AlertRuntime } from './alert-runtime.js';
import { onButton } from './buttons.js';

/** The channels a user is in (public and private ones the bot can see), up to a few thousand. */
export async function channelsOf(client: WebClient, user: string): Promise<Set<string>> {
  const out = new Set<string>();
  let cursor: string | undefined;
  for (let page = 0; page < 20; page++) {
    const r = await client.users.conversations({
      user,
      types: 'public_channel,private_channel',
      exclude_archived: true,
      limit: 200,
      ...(cursor ? { cursor } : {}),
    });
    for (const c of r.channels ?? []) if (c.id) out.add(c.id);
    cursor = r.response_metadata?.next_cursor || undefined;
    if (!cursor) break;
  }
  return out;
}

/** Build and publish one user's Home tab (page `page` of their open alerts). */
export async function publishHome(
  deps: CommandDeps,
  alerts: AlertRuntime | undefined,
  client: WebClient,
  user: string,
  page = 0,
): Promise<void> {
  const store = deps.store();
  const unresolved = alerts ? await alerts.store.alerts.unresolvedAlerts(500) : [];
  const mine = unresolved.filter((a) => a.status === 'acknowledged' && a.by === user);
  const channels = unresolved.length ? await channelsOf(client, user) : new Set<string>();
  const theirs = unresolved.filter(
    (a) => channels.has(a.channel) && !(a.status === 'acknowledged' && a.by === user),
  );
  const ts = new Map<string, string | undefined>();
  for (const a of [...theirs, ...mine])
    if (!ts.has(a.groupId)) ts.set(a.groupId, (await alerts?.store.alerts.group(a.groupId))?.ts);
  const asked = await store.audit.auditEntries({
    user,
    since: new Date(deps.now().getTime() - 30 * 86_400_000),
    limit: 100,
  });
  const questions = [
    ...new Set(asked.filter((e) => e.kind === 'command' && e.front === 'slack').map((e) => e.what)),
  ];
  const [snapshot] = await store.hygieneRuns.snapshots(1);
  const doc = presentHome(
    {
      alerts: theirs,
      mine,
      questions,
      digest: snapshot ? { snapshot, channel: deps.config.TRAIL_DIGEST_CHANNEL } : undefined,
      page,
      alertsConfigured: alerts !== undefined,
    },
    (g) => ts.get(g),
  );
  const { blocks } = toSlack(doc, SLACK_LIMITS.blocksPerView);
  await client.views.publish({ user_id: user, view: { type: 'home', blocks } });
}

/**
 * The Home tab: published when the user opens it, and again after their own clicks on it (an alert's
 * buttons there, paging). A failure is logged; the tab keeps what it showed.
 */
export function registerHome(
  app: Pick<App, 'event' | 'action'>,
  deps: CommandDeps,
  alerts?: AlertRuntime,
): void {
  app.event('app_home_opened', async ({ event, client }) => {
    if (event.tab !== 'home') return;
    await publishHome(deps, alerts, client, event.user).catch((err: unknown) =>
      deps.logger.error({ err, user: event.user }, 'could not publish the Home tab'),
    );
  });
  for (const id of [ACTION_IDS.homeNext, ACTION_IDS.homePrevious])
    onButton(app, deps, id, 'investigate', async ({ actor, value, client }) => {
      const page = readHomePageValue(value);
      await publishHome(deps, alerts, client, actor.userId, page);
      return `home page ${page}`;
    });
}
