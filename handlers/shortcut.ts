import type { App, MessageShortcut } from '@slack/bolt';
import { type Actor, authorize } from '../src/auth.js';
import type { CommandDeps } from '../src/deps.js';
import { explainError } from '../src/errors.js';
import { presentError } from '../src/present/error.js';
import { presentIndicators } from '../src/present/indicators.js';
import { toSlack } from '../src/slack/blocks.js';
import { SHORTCUT_IDS } from '../src/slack/ids.js';
import { findIndicators } from '../src/trail/indicators.js';

/**
 * The message shortcut "Investigate with Trailbot": acked at once; the message's ARNs, access key ids,
 * addresses and bucket names are found and offered as questions (buttons) in the message's thread — or,
 * where the bot cannot post, to the clicker alone. Checked like a question (investigate) and audited.
 */
export function registerShortcut(app: Pick<App, 'shortcut'>, deps: CommandDeps): void {
  app.shortcut<MessageShortcut>(
    { callback_id: SHORTCUT_IDS.investigateMessage, type: 'message_action' },
    async ({ shortcut, ack, client, respond }) => {
      await ack();
      const actor: Actor = { userId: shortcut.user.id, channelId: shortcut.channel.id, front: 'slack' };
      const record = (kind: 'button' | 'refusal', result: string) =>
        deps.audit({
          at: deps.now(),
          user: actor.userId,
          channel: actor.channelId,
          front: 'slack',
          kind,
          what: SHORTCUT_IDS.investigateMessage,
          result,
          detail: { message: shortcut.message.ts },
        });
      try {
        authorize('investigate', actor, deps.access);
      } catch (err) {
        record('refusal', 'refused');
        await respond({ response_type: 'ephemeral', ...toSlack(presentError(explainError(err), '/trail')) });
        return;
      }
      const found = findIndicators(shortcut.message.text ?? '');
      const message = toSlack(presentIndicators(found));
      const count = Object.values(found).reduce((n, xs) => n + xs.length, 0);
      if (count > 0) {
        try {
          await client.chat.postMessage({
            channel: shortcut.channel.id,
            thread_ts: shortcut.message.thread_ts ?? shortcut.message.ts,
            ...message,
          });
          record('button', `offered ${count} in the thread`);
          return;
        } catch (err) {
          // Not in the channel (or it cannot be posted to): the clicker gets the offer.
          deps.logger.info(
            { err, channel: shortcut.channel.id },
            'could not reply in the thread; answering the clicker',
          );
        }
      }
      await respond({ response_type: 'ephemeral', ...message });
      record('button', count ? `offered ${count} to the clicker` : 'nothing found');
    },
  );
}
