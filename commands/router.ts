import type { App } from '@slack/bolt';
import type { Actor } from '../src/auth.js';
import type { CommandDeps } from '../src/deps.js';
import { BusyError } from '../src/question-queue.js';
import { toSlack } from '../src/slack/blocks.js';
import { SLASH_COMMAND } from '../src/slack/ids.js';
import { type AskLater, answerHere } from './answer.js';
import { execute, failure, prepare, splitWords } from './dispatch.js';

/** The part of Bolt's App the router uses, so a test can record what gets registered. */
export type CommandRegistrar = Pick<App, 'command'>;

/**
 * The `/trail` router, the only file in commands/ that touches Bolt. Ack first — Slack allows 3 s — with
 * the usage error, help or a "working" note; then the question is answered after the ack (`later`: in
 * this process, or in a second Lambda invocation), through response_url.
 */
export function registerCommands(
  app: CommandRegistrar,
  deps: CommandDeps,
  later: AskLater = answerHere(deps),
): void {
  app.command(SLASH_COMMAND, async ({ command, ack, respond, client }) => {
    const actor: Actor = { userId: command.user_id, channelId: command.channel_id, front: 'slack' };
    // --private (or a channel private by default): the answer goes to the asker alone, with Share.
    const given = splitWords(command.text ?? '');
    const words = given.filter((w) => w !== '--private');
    const privately =
      words.length < given.length ||
      deps.config.TRAIL_PRIVATE_CHANNELS.some((c) => c === '*' || c === command.channel_id);
    const prepared = prepare(words, deps, actor);
    if (prepared.kind === 'done') {
      await ack({ response_type: 'ephemeral', ...toSlack(prepared.outcome.doc) });
      return;
    }
    if (prepared.command.immediate) {
      const outcome = await execute(prepared, deps, actor);
      await ack({ response_type: 'ephemeral', ...toSlack(outcome.doc) });
      return;
    }
    if (deps.questions.full()) {
      const busy = failure(new BusyError(deps.questions.waiting()), deps, actor, prepared.command.name);
      await ack({ response_type: 'ephemeral', ...toSlack(busy.doc) });
      return;
    }
    const ahead = deps.questions.waiting();
    const note =
      ahead > 0
        ? [...prepared.working, ` (${ahead} question${ahead === 1 ? '' : 's'} ahead)`]
        : prepared.working;
    await ack({
      response_type: 'ephemeral',
      ...toSlack({ summary: note, blocks: [{ type: 'context', parts: note }] }),
    });
    await later(
      { words: prepared.words, actor, responseUrl: command.response_url, private: privately },
      { respond, client },
    );
  });
}
