import type { App } from '@slack/bolt';
import type { CommandDeps } from '../src/deps.js';
import { NotAuthorizedError, UsageError } from '../src/errors.js';
import { readShareValue } from '../src/slack/buttons.js';
import { ACTION_IDS } from '../src/slack/ids.js';
import { onButton } from './buttons.js';

/**
 * "Share in channel" on a private answer: the kept answer is posted for everyone in the channel (through
 * the click's response_url) and the private copy removed. Only the person it was given to may share it;
 * the click, like the question before it, is in the audit trail.
 */
export function registerShare(app: Pick<App, 'action'>, deps: CommandDeps): void {
  onButton(app, deps, ACTION_IDS.shareAnswer, 'investigate', async ({ actor, value, respond }) => {
    const id = readShareValue(value);
    const kept = await deps.store().answers.kept(id, deps.now());
    if (!kept) throw new UsageError('That answer is no longer kept (a day at most): ask again to share it.');
    if (kept.owner !== actor.userId)
      throw new NotAuthorizedError('investigate', 'Only the person who asked can share this answer.');
    await respond({ response_type: 'in_channel', replace_original: false, ...JSON.parse(kept.body) });
    await respond({ delete_original: true }).catch((err: unknown) =>
      deps.logger.info({ err }, 'the private copy of a shared answer could not be removed'),
    );
    return `shared "${kept.words}"`;
  });
}
