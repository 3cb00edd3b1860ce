import type { RespondFn } from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { type AskLater, answerQuestion, type QuestionTask } from '../commands/answer.js';
import { runAsks } from '../src/alerts/ask-actor.js';
import { processPending, tick } from '../src/alerts/lifecycle.js';
import type { AuditEntry } from '../src/audit/log.js';
import type { CommandDeps } from '../src/deps.js';
import type { Logger } from '../src/log.js';
import type { AlertRuntime } from './alerts.js';
import { runDigest } from './digest.js';
import { handleSqsMessage, type SqsIntake } from './sqs.js';

/** What the Lambda handlers are built from: the SQS intake's parts and the alert runtime (DynamoDB). */
export interface LambdaAlerts {
  intake: Omit<SqsIntake, 'client' | 'waitSeconds'>;
  alerts: AlertRuntime;
  logger: Logger;
  now: () => Date;
  /** The audit trail (asking actors records each question and timeout). */
  audit?: ((e: AuditEntry) => void) | undefined;
}

/** Time kept in hand at the end of an invocation, so it returns before Lambda stops it. */
const MARGIN_MS = 3_000;

/**
 * Turn what is stored into alerts and send what may go, until nothing is left or the invocation is
 * nearly out of time. Sends keep each channel's pace (the slot is in the table, shared by every
 * invocation); what is left goes out in the next invocation (the next batch, or the minute's schedule).
 */
export async function drainAlerts(
  rt: LambdaAlerts,
  remainingMs: () => number,
): Promise<{ processed: number; sent: number; left: number }> {
  const { store, policy, outbox } = rt.alerts;
  const log = rt.logger.child({ component: 'lambda' });
  let processed = 0;
  let sent = 0;
  while (remainingMs() > MARGIN_MS) {
    const p = await processPending(store, policy, rt.now(), log);
    const s = await outbox.runOnce();
    processed += p;
    sent += s;
    if (p === 0 && s === 0) {
      if ((await store.outbox.outboxBacklog()) === 0) break;
      // Waiting for a channel's next slot.
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return { processed, sent, left: await store.outbox.outboxBacklog() };
}

/**
 * The SQS event-source handler: each record stored (verified like a delivery to /sns), then the work
 * drained. A record that cannot be stored now is reported as a batch item failure, so the queue
 * delivers that one again — and not the rest of the batch (ReportBatchItemFailures on the mapping).
 */
export function sqsEventHandler(
  rt: LambdaAlerts,
): (event: SQSEvent, context?: Pick<Context, 'getRemainingTimeInMillis'>) => Promise<SQSBatchResponse> {
  return async (event, context) => {
    const failures: SQSBatchResponse['batchItemFailures'] = [];
    for (const r of event.Records) {
      const outcome = await handleSqsMessage(rt.intake as SqsIntake, {
        MessageId: r.messageId,
        Body: r.body,
        Attributes: { ApproximateReceiveCount: r.attributes.ApproximateReceiveCount },
      });
      if (outcome === 'retry') failures.push({ itemIdentifier: r.messageId });
    }
    const done = await drainAlerts(rt, () => context?.getRemainingTimeInMillis() ?? 30_000);
    rt.logger.info({ records: event.Records.length, failed: failures.length, ...done }, 'SQS batch handled');
    return { batchItemFailures: failures };
  };
}

/** The weekly digest from a scheduled invocation, posted with the bot's token. */
export async function digestJob(
  deps: CommandDeps,
  o: { token: string; slackApiUrl?: string | undefined; channel: string },
): Promise<unknown> {
  const client = new WebClient(o.token, { ...(o.slackApiUrl ? { slackApiUrl: o.slackApiUrl } : {}) });
  return runDigest(deps, client, o.channel);
}

/** What a schedule (EventBridge Scheduler) sends: the timed alert work, or the weekly digest. */
export interface ScheduledJob {
  job: 'alerts' | 'digest';
}

/**
 * The scheduled handler: `alerts` (every minute) runs the timed changes — snoozes ending, escalation
 * reminders, each claimed so once across invocations — and drains what earlier invocations left;
 * `digest` runs the weekly digest (claimed per schedule time, posted once).
 */
export function scheduledHandler(
  rt: LambdaAlerts,
  digest: () => Promise<unknown>,
): (event: ScheduledJob, context?: Pick<Context, 'getRemainingTimeInMillis'>) => Promise<{ job: string }> {
  return async (event, context) => {
    if (event.job === 'digest') {
      await digest();
      return { job: 'digest' };
    }
    if (event.job !== 'alerts')
      throw new Error(`unknown scheduled job ${JSON.stringify(event.job)}: alerts or digest`);
    await tick(rt.alerts.store, rt.alerts.policy, rt.now());
    const { policy, resolvePerson, store } = rt.alerts;
    if (policy.ask && resolvePerson)
      await runAsks(store, policy.ask, resolvePerson, rt.now(), rt.logger, rt.audit);
    await drainAlerts(rt, () => context?.getRemainingTimeInMillis() ?? 30_000);
    return { job: 'alerts' };
  };
}

/** A response_url as Bolt's `respond`, for an invocation that has no Bolt request: POST the JSON. */
export function respondVia(responseUrl: string): RespondFn {
  return async (message) => {
    const res = await fetch(responseUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(typeof message === 'string' ? { text: message } : message),
      signal: AbortSignal.timeout(10_000),
    });
    if (!res.ok) throw new Error(`response_url answered HTTP ${res.status}`);
    return res;
  };
}

/**
 * The second invocation's payload: a question the Slack function acked and handed on, or the message
 * updates a click queued (sent by draining the outbox).
 */
export type SlackJob = { question: QuestionTask } | { drain: true };

/**
 * On Lambda, a question is answered in a second, asynchronous invocation of the Slack function (`invoke`
 * sends it; Lambda queues and retries it): the first answers Slack within its 3 s and ends.
 */
export function handOff(invoke: (job: SlackJob) => Promise<void>): AskLater {
  return async (task) => {
    await invoke({ question: task });
    return 'handed to a second invocation';
  };
}

/**
 * The second invocation: answer the question (through its response_url and the bot's token), or send
 * the message updates waiting in the outbox, keeping each channel's pace.
 */
export function slackJob(
  deps: CommandDeps,
  rt: LambdaAlerts,
  o: { token: string; slackApiUrl?: string | undefined },
): (job: SlackJob, context?: Pick<Context, 'getRemainingTimeInMillis'>) => Promise<string> {
  const client = new WebClient(o.token, { ...(o.slackApiUrl ? { slackApiUrl: o.slackApiUrl } : {}) });
  return async (job, context) => {
    if ('question' in job)
      return answerQuestion(deps, job.question, { respond: respondVia(job.question.responseUrl), client });
    const done = await drainAlerts(rt, () => context?.getRemainingTimeInMillis() ?? 30_000);
    return `drained: ${done.sent} sent, ${done.left} left`;
  };
}
