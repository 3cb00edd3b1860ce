import type { App } from '@slack/bolt';
import type { CommandDeps } from '../src/deps.js';
import { presentCancel } from '../src/present/progress.js';
import { toSlack } from '../src/slack/blocks.js';
import { readCancelValue } from '../src/slack/buttons.js';
import { ACTION_IDS } from '../src/slack/ids.js';
import { onButton } from './buttons.js';

/** The Cancel button of a running Athena query: only the asker may stop it. */
export function registerCancel(app: Pick<App, 'action'>, deps: CommandDeps): void {
  onButton(app, deps, ACTION_IDS.cancelQuery, 'investigate', async ({ actor, value, respond, ephemeral }) => {
    const b = readCancelValue(value);
    if (b.userId !== actor.userId) {
      await ephemeral(presentCancel('not-yours'));
      return `not the asker of ${b.queryId}`;
    }
    await deps.stopQuery(b.queryId);
    deps.logger.info({ user: actor.userId, queryId: b.queryId }, 'Athena query cancelled');
    await respond({
      response_type: 'ephemeral',
      replace_original: true,
      ...toSlack(presentCancel('cancelling')),
    }).catch((err: unknown) => deps.logger.error({ err }, 'could not answer a Cancel click'));
    return `cancelled ${b.queryId}`;
  });
}
