import { randomUUID } from 'node:crypto';
import type { RespondFn } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { KEEP_ANSWER_MS } from '../src/answers/kept.js';
import type { Actor } from '../src/auth.js';
import type { CommandDeps } from '../src/deps.js';
import type { Doc, DocBlock } from '../src/present/doc.js';
import { presentProgress } from '../src/present/progress.js';
import { type SlackMessage, toSlack } from '../src/slack/blocks.js';
import { askValue, shareValue } from '../src/slack/buttons.js';
import { ACTION_IDS } from '../src/slack/ids.js';
import type { TrailEvent } from '../src/trail/event.js';
import { eventsToCsv } from '../src/trail/export.js';
import type { SearchProgress } from '../src/trail/sources/types.js';
import { execute, failure, type Outcome, prepare } from './dispatch.js';

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

/** A question to answer after the ack: its words, who asked where, and where the answer goes. */
export interface QuestionTask {
  words: string[];
  actor: Actor;
  /** Slack's response_url for the command or click: progress, refusals and private answers go there. */
  responseUrl: string;
  /** Post the answer in this thread (Investigate) instead of through response_url. */
  thread?: { channel: string; ts: string } | undefined;
  /** Answer the asker alone, with a "Share in channel" button (--private, TRAIL_PRIVATE_CHANNELS). */
  private?: boolean | undefined;
  /** Attach the events as a CSV file however few they are (the Export CSV button). */
  withFile?: boolean | undefined;
}

/** How an answer reaches Slack: response_url, and the Web API for posts and files. */
export interface QuestionIo {
  respond: RespondFn;
  client: WebClient;
}

/**
 * Where a question is answered once Slack has its ack: in this process (the container's bot), or, on
 * Lambda, in a second invocation — Lambda stops an invocation's work once it has answered Slack.
 */
export type AskLater = (task: QuestionTask, io: QuestionIo) => Promise<string>;

/** Answer in this process, a few at a time (deps.questions). */
export const answerHere =
  (deps: CommandDeps): AskLater =>
  (task, io) =>
    answerQuestion(deps, task, io);

/** Progress updates a question may send, and how often. */
const MAX_PROGRESS_UPDATES = 3;
const PROGRESS_EVERY_MS = 10_000;

/**
 * Run a question and deliver its answer: progress replaces the "working" note (the first time a query
 * can be cancelled, then every 10 s, at most three times: response_url takes five messages in all); an
 * answer goes to the channel (with its CSV file above 25 events) or to the thread asked for; refusals,
 * usage errors and failures go to the asker alone. Returns what happened, for the audit trail.
 */
export async function answerQuestion(deps: CommandDeps, task: QuestionTask, io: QuestionIo): Promise<string> {
  const { actor } = task;
  const send = (type: 'in_channel' | 'ephemeral', msg: SlackMessage, replaceOriginal = false) =>
    io
      .respond({
        response_type: type,
        ...msg,
        ...(replaceOriginal
          ? { replace_original: true }
          : type === 'ephemeral' && task.thread
            ? { replace_original: false }
            : {}),
      })
      .catch((err: unknown) => {
        // response_url refused (expired after 30 minutes, or Slack is down): nothing more can reach the
        // user through it, so the log must hold it.
        deps.logger.error({ err }, 'could not deliver the answer through response_url');
      });
  const prepared = prepare(task.words, deps, actor);
  if (prepared.kind === 'done') {
    // A refusal or a usage error is for the asker alone, never the channel or the alert's thread.
    await send('ephemeral', toSlack(prepared.outcome.doc));
    return prepared.outcome.status;
  }
  let updates = 0;
  let last = Date.now();
  let shownQuery: string | undefined;
  const progress = (p: SearchProgress) => {
    if (task.thread) return;
    const fresh = p.queryId !== undefined && p.queryId !== shownQuery;
    if (updates >= MAX_PROGRESS_UPDATES || (!fresh && Date.now() - last < PROGRESS_EVERY_MS)) return;
    updates++;
    last = Date.now();
    shownQuery = p.queryId ?? shownQuery;
    const doc = presentProgress(prepared.working, p.note, p.queryId, actor.userId);
    void send('ephemeral', toSlack(doc), true);
  };
  let outcome: Outcome;
  try {
    outcome = await deps.questions.run(() => execute(prepared, deps, actor, progress));
  } catch (err) {
    // Only the queue itself throws here (BusyError): execute turns every error into an outcome.
    outcome = failure(err, deps, actor, prepared.command.name);
  }
  if (outcome.status !== 'answer') {
    await send('ephemeral', toSlack(outcome.doc));
    return outcome.status;
  }
  if (task.private) return answerPrivately(deps, task, outcome.doc, send);
  const rows = outcome.rows ?? [];
  const file = outcome.file?.needed
    ? outcome.file
    : rows.length > FILE_ABOVE || (task.withFile && rows.length)
      ? eventsFile(rows)
      : undefined;
  const message = toSlack(file ? outcome.doc : withExport(outcome.doc, task.words, rows.length));
  if (task.thread) {
    const where = { channel: task.thread.channel, threadTs: task.thread.ts };
    if (await postAnswer(io.client, deps, where, message, file)) return 'answered in the thread';
    // The thread could not take it (the bot left the channel, the answer too long): the asker gets it.
    await send('ephemeral', toSlack(outcome.doc));
    return 'could not post in the thread; answered the asker';
  }
  if (
    file &&
    actor.channelId &&
    (await postAnswer(io.client, deps, { channel: actor.channelId }, message, file))
  )
    return 'answered in the channel with its file';
  await send('in_channel', message);
  return 'answered';
}

/**
 * An answer of a few events (a file goes with more) ends with Export CSV: the same question again, its
 * events as a file in the thread. Left out when the words do not fit a button.
 */
function withExport(doc: Doc, words: string[], events: number): Doc {
  const value = events > 0 ? askValue({ words, inThread: true, file: true }) : undefined;
  if (!value) return doc;
  const button: DocBlock = {
    type: 'buttons',
    buttons: [{ text: 'Export CSV', actionId: ACTION_IDS.exportCsv, value }],
  };
  return { ...doc, blocks: [...doc.blocks, button] };
}

/**
 * A private answer: kept (as shown) for a day under a new id, and given to the asker alone with a
 * "Share in channel" button carrying that id. Its CSV file is not attached: it would go to the channel.
 */
async function answerPrivately(
  deps: CommandDeps,
  task: QuestionTask,
  doc: Doc,
  send: (type: 'in_channel' | 'ephemeral', msg: SlackMessage) => Promise<unknown>,
): Promise<string> {
  const id = randomUUID();
  await deps.store().answers.keep({
    id,
    owner: task.actor.userId,
    channel: task.actor.channelId ?? '',
    words: task.words.join(' '),
    body: JSON.stringify(toSlack(doc)),
    expiresAt: new Date(deps.now().getTime() + KEEP_ANSWER_MS),
  });
  const share: DocBlock = {
    type: 'buttons',
    buttons: [{ text: 'Share in channel', actionId: ACTION_IDS.shareAnswer, value: shareValue(id) }],
  };
  await send('ephemeral', toSlack({ ...doc, blocks: [...doc.blocks, share] }));
  return 'answered privately';
}
