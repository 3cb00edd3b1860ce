import type { WebClient } from '@slack/web-api';

/** Where to look: a channel's history since a time, or one thread's replies. */
export type TaggedPlace = { channel: string; since: Date } | { channel: string; threadTs: string };

/** Pages read at most (200 messages each) before giving up the search. */
const MAX_PAGES = 10;

/**
 * The ts of a message the bot tagged with metadata of `eventType` whose payload has `key` equal to
 * `value`, if it is there. The one way the bot checks whether something it may have sent before (an
 * alert post, a thread note, a digest) already reached Slack, so it is never sent twice.
 */
export async function findTagged(
  client: Pick<WebClient, 'conversations'>,
  place: TaggedPlace,
  eventType: string,
  key: string,
  value: unknown,
): Promise<string | undefined> {
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const common = {
      channel: place.channel,
      include_all_metadata: true,
      limit: 200,
      ...(cursor ? { cursor } : {}),
    };
    const r =
      'threadTs' in place
        ? await client.conversations.replies({ ...common, ts: place.threadTs })
        : await client.conversations.history({
            ...common,
            oldest: String(Math.floor(place.since.getTime() / 1000) - 1),
          });
    const hit = r.messages?.find(
      (m) =>
        m.metadata?.event_type === eventType &&
        (m.metadata.event_payload as Record<string, unknown> | undefined)?.[key] === value,
    );
    if (hit?.ts) return hit.ts;
    cursor = r.response_metadata?.next_cursor || undefined;
    if (!cursor) return undefined;
  }
  return undefined;
}
