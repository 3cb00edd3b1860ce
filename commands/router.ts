import type { App, RespondFn } from '@slack/bolt';
import type { Actor } from '../src/auth.js';
import type { CommandDeps } from '../src/deps.js';
import { presentProgress } from '../src/present/progress.js';
import { BusyError } from '../src/question-queue.js';
import { type SlackMessage, toSlack } from '../src/slack/blocks.js';
import { SLASH_COMMAND } from '../src/slack/ids.js';
import type { SearchProgress } from '../src/trail/sources/types.js';
import { eventsFile, FILE_ABOVE, postAnswer } from './answer.js';
import { execute, failure, type Outcome, prepare, splitWords } from './dispatch.js';

/** The part of Bolt's App the router uses, so a test can record what gets registered. */
export type CommandRegistrar = Pick<App, 'command'>;

/**
 * The `/trail` router, the only file in commands/ that touches Bolt. Ack first — Slack allows 3 s — with
 * the usage error, help or a "working" note; then run, render and respond through response_url.
 */
export function registerCommands(app: CommandRegistrar, deps: CommandDeps): void {
  app.command(SLASH_COMMAND, async ({ command, ack, respond, client }) => {
    const actor: Actor = { userId: command.user_id, channelId: command.channel_id, front: 'slack' };
    const prepared = prepare(splitWords(command.text ?? ''), deps, actor);
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
    // Progress replaces the note above: the first time a query can be cancelled, then every 10 s, at most
    // three times, since response_url takes five messages in all.
    let updates = 0;
    let last = Date.now();
    let shownQuery: string | undefined;
    const progress = (p: SearchProgress) => {
      const fresh = p.queryId !== undefined && p.queryId !== shownQuery;
      if (updates >= MAX_PROGRESS_UPDATES || (!fresh && Date.now() - last < PROGRESS_EVERY_MS)) return;
      updates++;
      last = Date.now();
      shownQuery = p.queryId ?? shownQuery;
      const doc = presentProgress(prepared.working, p.note, p.queryId, actor.userId);
      void send(respond, deps, 'ephemeral', toSlack(doc), true);
    };
    let outcome: Outcome;
    try {
      outcome = await deps.questions.run(() => execute(prepared, deps, actor, progress));
    } catch (err) {
      // Only the queue itself throws here (BusyError): execute turns every error into an outcome.
      outcome = failure(err, deps, actor, prepared.command.name);
    }
    const message = toSlack(outcome.doc);
    const rows = outcome.rows ?? [];
    const file = outcome.file?.needed
      ? outcome.file
      : rows.length > FILE_ABOVE
        ? eventsFile(rows)
        : undefined;
    if (
      outcome.status === 'answer' &&
      file &&
      (await postAnswer(client, deps, { channel: command.channel_id }, message, file))
    ) {
      return;
    }
    await send(respond, deps, outcome.status === 'answer' ? 'in_channel' : 'ephemeral', message);
  });
}

/** Progress updates a question may send, and how often. */
const MAX_PROGRESS_UPDATES = 3;
const PROGRESS_EVERY_MS = 10_000;

async function send(
  respond: RespondFn,
  deps: CommandDeps,
  type: 'in_channel' | 'ephemeral',
  msg: SlackMessage,
  replaceOriginal = false,
) {
  try {
    await respond({ response_type: type, ...msg, ...(replaceOriginal ? { replace_original: true } : {}) });
  } catch (err) {
    // response_url refused the answer (expired after 30 minutes, or Slack is down): nothing more can
    // reach the user through it, so the log must hold it.
    deps.logger.error({ err }, 'could not deliver the answer through response_url');
  }
}
