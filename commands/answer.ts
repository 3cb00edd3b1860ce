import type { WebClient } from '@slack/web-api';
import type { CommandDeps } from '../src/deps.js';
import type { SlackMessage } from '../src/slack/blocks.js';
import type { TrailEvent } from '../src/trail/event.js';
import { eventsToCsv } from '../src/trail/export.js';

// How an answer goes into a channel with its file: shared by the /trail router and the Investigate
// button (handlers/alerts.ts), the two edges that post answers.

/** Answers with more events than a message shows get the full list as a CSV file in the thread. */
export const FILE_ABOVE = 25;

/** An answer's events as the CSV file that goes into its thread. */
export function eventsFile(rows: TrailEvent[]) {
  return {
    filename: `trail-${new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-')}.csv`,
    content: eventsToCsv(rows),
    comment: `The ${rows.length} events of this answer, newest first, as CSV.`,
  };
}

/**
 * Post an answer to a channel (or a thread) with its file (every event, or every finding) in the thread. Needs the bot
 * in the channel; when it is not, returns false, adding a note on how to fix that to the message.
 */
export async function postAnswer(
  client: WebClient,
  deps: CommandDeps,
  where: { channel: string; threadTs?: string | undefined },
  message: SlackMessage,
  file: { filename: string; content: string | Buffer; comment: string } | undefined,
): Promise<boolean> {
  try {
    const posted = await client.chat.postMessage({
      channel: where.channel,
      ...(where.threadTs ? { thread_ts: where.threadTs } : {}),
      ...message,
    });
    if (!posted.ts) return false;
    if (file) {
      // The answer is in the channel now: a file that fails to upload is said in the thread, and the
      // answer is not sent a second time through response_url.
      await client
        .filesUploadV2({
          channel_id: where.channel,
          thread_ts: where.threadTs ?? posted.ts,
          filename: file.filename,
          file: Buffer.from(file.content),
          initial_comment: file.comment,
        })
        .catch(async (err: unknown) => {
          deps.logger.warn({ err, channel: where.channel }, 'the answer went out but its file did not');
          await client.chat
            .postMessage({
              channel: where.channel,
              thread_ts: where.threadTs ?? (posted.ts as string),
              text: 'The CSV file of this answer could not be uploaded; ask again in the terminal with --csv.',
            })
            .catch(() => undefined);
        });
    }
    return true;
  } catch (err) {
    const code = (err as { data?: { error?: string } }).data?.error;
    deps.logger.warn({ err, code, channel: where.channel }, 'could not post the answer with its file');
    if (code === 'not_in_channel' || code === 'channel_not_found') {
      message.blocks.push({
        type: 'context',
        elements: [
          {
            type: 'mrkdwn',
            text: 'Invite the bot to this channel (/invite @trailbot) to get every event as a CSV file here.',
          },
        ],
      });
    }
    return false;
  }
}
