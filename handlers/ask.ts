import type { App } from '@slack/bolt';
import { type AskLater, answerHere } from '../commands/answer.js';
import type { CommandDeps } from '../src/deps.js';
import { readAskValue } from '../src/slack/buttons.js';
import { ACTION_IDS, ASK_IDS } from '../src/slack/ids.js';
import { onButton } from './buttons.js';

/**
 * The ask buttons (help's common questions, an answer's follow-ups): the question is asked as the
 * clicker, checked like a typed one, and answered in the thread of the answer clicked — or, from a
 * message only the clicker sees, to the clicker alone. Export CSV asks an answer's question again with
 * its events as a file in the thread.
 */
export function registerAsk(
  app: Pick<App, 'action'>,
  deps: CommandDeps,
  later: AskLater = answerHere(deps),
): void {
  for (const id of [...ASK_IDS, ACTION_IDS.exportCsv]) {
    onButton(
      app,
      deps,
      id,
      'investigate',
      async ({ actor, value, message, respond, client, responseUrl }) => {
        const a = readAskValue(value);
        const thread =
          a.inThread && !message.ephemeral && message.channel && message.ts
            ? { channel: message.channel, ts: message.threadTs ?? message.ts }
            : undefined;
        const result = await later(
          {
            words: a.words,
            actor,
            responseUrl,
            thread,
            private: a.inThread && message.ephemeral,
            withFile: a.file,
          },
          { respond, client },
        );
        return `asked "${a.words.join(' ')}": ${result}`;
      },
    );
  }
}
