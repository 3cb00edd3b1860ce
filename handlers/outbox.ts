import { ErrorCode, type WebAPICallError, WebClient } from '@slack/web-api';
import { SendError, type Sender } from '../src/alerts/outbox.js';
import type { Logger } from '../src/log.js';
import { toSlack } from '../src/slack/blocks.js';
import { findTagged } from './find-posted.js';

/** The event type the bot tags its alert posts with, so a restart can find a post left in flight. */
export const ALERT_METADATA_TYPE = 'trailbot_alert';
/** The event type of a thread note, carrying its outbox item id. */
export const ALERT_NOTE_METADATA_TYPE = 'trailbot_alert_note';

/** Slack errors that no retry can fix: the outbox gives up at once and logs what to do. */
const PERMANENT = new Set([
  'channel_not_found',
  'not_in_channel',
  'is_archived',
  'invalid_auth',
  'account_inactive',
  'token_revoked',
  'missing_scope',
  'no_permission',
  'msg_too_long',
  'invalid_blocks',
  'message_not_found',
  'cant_update_message',
  'restricted_action',
]);

/** What to tell the operator for a permanent Slack error. */
function hint(code: string, channel: string): string {
  if (code === 'not_in_channel' || code === 'channel_not_found')
    return `invite the bot to channel ${channel} (/invite @trailbot) or fix the routing`;
  if (code === 'invalid_auth' || code === 'token_revoked' || code === 'account_inactive')
    return 'SLACK_BOT_TOKEN is not valid any more';
  if (code === 'missing_scope') return 'reinstall the app from manifest.yml to grant its scopes';
  return code;
}

/** A WebClient error as the outbox needs it: wait, retry, or give up. */
export function sendErrorOf(err: unknown, channel: string): SendError {
  const e = err as WebAPICallError;
  if (e.code === ErrorCode.RateLimitedError) {
    return new SendError('Slack answered 429', 'rate_limited', e.retryAfter * 1000);
  }
  if (e.code === ErrorCode.PlatformError) {
    const code = e.data.error;
    if (code === 'ratelimited') return new SendError('Slack answered ratelimited', 'rate_limited', 1000);
    if (PERMANENT.has(code))
      return new SendError(`Slack refused: ${code} (${hint(code, channel)})`, 'permanent');
    return new SendError(`Slack refused: ${code}`, 'transient');
  }
  return new SendError(`Slack unreachable: ${(err as Error).message}`, 'transient');
}

/**
 * The outbox's Slack client: its own WebClient that hands 429s and failures back at once (the outbox
 * waits and retries, persisted), rather than retrying inside the call for up to half an hour.
 */
export function slackSender(
  token: string,
  opts: { slackApiUrl?: string | undefined; logger: Logger },
): Sender {
  const client = new WebClient(token, {
    ...(opts.slackApiUrl ? { slackApiUrl: opts.slackApiUrl } : {}),
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 0 },
    timeout: 15_000,
  });
  const call = async <T>(channel: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (err) {
      throw sendErrorOf(err, channel);
    }
  };
  return {
    post: (channel, doc, groupId) =>
      call(channel, async () => {
        const r = await client.chat.postMessage({
          channel,
          ...toSlack(doc),
          metadata: { event_type: ALERT_METADATA_TYPE, event_payload: { group: groupId } },
        });
        if (!r.ts) throw new SendError('Slack returned no message ts', 'transient');
        return r.ts;
      }),
    update: (channel, ts, doc) =>
      call(channel, async () => {
        await client.chat.update({ channel, ts, ...toSlack(doc) });
      }),
    direct: (user, doc, itemId) =>
      call(user, async () => {
        // A user id as the channel: the message goes to the app's Messages tab with that person.
        await client.chat.postMessage({
          channel: user,
          ...toSlack(doc),
          metadata: { event_type: ALERT_NOTE_METADATA_TYPE, event_payload: { item: itemId } },
        });
      }),
    reply: (channel, threadTs, doc, itemId) =>
      call(channel, async () => {
        await client.chat.postMessage({
          channel,
          thread_ts: threadTs,
          ...toSlack(doc),
          metadata: { event_type: ALERT_NOTE_METADATA_TYPE, event_payload: { item: itemId } },
        });
      }),
    findReply: (channel, threadTs, itemId) =>
      call(channel, async () =>
        Boolean(await findTagged(client, { channel, threadTs }, ALERT_NOTE_METADATA_TYPE, 'item', itemId)),
      ),
    findPosted: (channel, groupId, since) =>
      call(channel, () => findTagged(client, { channel, since }, ALERT_METADATA_TYPE, 'group', groupId)),
  };
}
