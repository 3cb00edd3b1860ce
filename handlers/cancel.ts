import type { App, BlockButtonAction } from '@slack/bolt';
import type { CommandDeps } from '../commands/spec.js';
import { explainError } from '../src/errors.js';
import { presentError } from '../src/present/error.js';
import { presentCancel } from '../src/present/progress.js';
import { toSlack } from '../src/slack/blocks.js';
import { readCancelValue } from '../src/slack/buttons.js';
import { ACTION_IDS } from '../src/slack/ids.js';

/** The Cancel button of a running Athena query: ack at once, check the value and the clicker, stop it. */
export function registerCancel(app: Pick<App, 'action'>, deps: CommandDeps): void {
  app.action<BlockButtonAction>(ACTION_IDS.cancelQuery, async ({ ack, body, action, respond }) => {
    await ack();
    const reply = (doc: Parameters<typeof toSlack>[0], replace: boolean) =>
      respond({ response_type: 'ephemeral', replace_original: replace, ...toSlack(doc) }).catch(
        (err: unknown) => deps.logger.error({ err }, 'could not answer a Cancel click'),
      );
    try {
      const b = readCancelValue(action.value);
      if (b.userId !== body.user.id) {
        deps.logger.info({ user: body.user.id, queryId: b.queryId }, 'cancel refused: not the asker');
        await reply(presentCancel('not-yours'), false);
        return;
      }
      await deps.stopQuery(b.queryId);
      deps.logger.info({ user: body.user.id, queryId: b.queryId }, 'Athena query cancelled');
      await reply(presentCancel('cancelling'), true);
    } catch (err) {
      const e = explainError(err);
      if (e.ref) deps.logger.error({ err, ref: e.ref }, 'cancel failed');
      await reply(presentError(e, '/trail'), false);
    }
  });
}
