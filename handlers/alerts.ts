import type { App } from '@slack/bolt';
import { type AskLater, answerHere } from '../commands/answer.js';
import { prepare } from '../commands/dispatch.js';
import { runAsks } from '../src/alerts/ask-actor.js';
import { act, processPending, recordInvestigation, tick } from '../src/alerts/lifecycle.js';
import type { CommandDeps } from '../src/deps.js';
import { NotAuthorizedError, UsageError } from '../src/errors.js';
import type { Doc } from '../src/present/doc.js';
import { readAlertAction } from '../src/slack/buttons.js';
import { ACTION_IDS } from '../src/slack/ids.js';
import type { AlertRuntime } from './alert-runtime.js';
import { type ButtonContext, onButton } from './buttons.js';
import { channelsOf, publishHome } from './home.js';

export type { AlertRuntime } from './alert-runtime.js';

const ALERT_BUTTONS = [
  ACTION_IDS.alertAck,
  ACTION_IDS.alertResolve,
  ACTION_IDS.alertSnooze1h,
  ACTION_IDS.alertSnooze4h,
  ACTION_IDS.alertSnooze24h,
  ACTION_IDS.alertSnoozeUntilResolved,
  ACTION_IDS.alertInvestigate,
] as const;

const say = (text: string): Doc => ({ summary: [text], blocks: [{ type: 'text', parts: [text] }] });

/** An hour either side of the alert: the window Investigate asks about. */
const AROUND_MS = 3_600_000;

/**
 * The alert buttons. Each click is acked at once; the value is read through its schema (a forged one is
 * refused), the clicker's permission checked (an ephemeral refusal otherwise), and the change written
 * with the message update and a thread note queued ahead of background sends. Investigate runs the
 * `activity` question for the alert's actor around its time and posts the answer in the thread.
 */
export function registerAlertActions(
  app: Pick<App, 'action'>,
  deps: CommandDeps,
  alerts?: AlertRuntime,
  later: AskLater = answerHere(deps),
): void {
  for (const id of ALERT_BUTTONS) {
    onButton(app, deps, id, 'respond', async (ctx) => {
      const { actor, value, message, ephemeral } = ctx;
      if (!alerts) throw new UsageError('Alerts are not configured on this Trailbot.');
      const a = readAlertAction(value);
      // A click acts only on the alert of the message it was clicked on: a value naming another alert (of
      // another channel, say) is refused, and the refusal is audited.
      let group = await alerts.store.alerts.group(a.alertId);
      // A click can come before the store has the post's ts (the post is written there just after Slack
      // answers; over the network that takes a moment): wait for it briefly rather than refuse.
      for (let i = 0; group && !group.ts && i < 20; i++) {
        await new Promise((r) => setTimeout(r, 100));
        group = await alerts.store.alerts.group(a.alertId);
      }
      // From the Home tab there is no message: the clicker must be in the alert's channel, as the
      // Home tab only shows them alerts of their channels.
      const fromHome = ctx.view === 'home';
      if (group && fromHome && !(await channelsOf(ctx.client, actor.userId)).has(group.channel))
        throw new NotAuthorizedError(
          'respond',
          'That alert is in a channel you are not in; nothing was changed.',
        );
      if (group && !fromHome && (group.channel !== message.channel || group.ts !== message.ts))
        throw new NotAuthorizedError(
          'respond',
          'This button does not belong to the message it was clicked on; nothing was changed.',
        );
      if (a.kind === 'investigate') {
        return `investigate ${a.alertId}: ${await investigate(deps, alerts, a.alertId, ctx, later)}`;
      }
      const r = await act(alerts.store, a.alertId, a.kind, actor.userId, deps.now(), a.hours);
      if (r.changed > 0) await alerts.changed?.();
      // The clicker's Home tab shows the change: at once when clicked there; after a click on the
      // channel message in the background (not on Lambda, whose invocation ends with Slack's answer).
      const refresh = () =>
        publishHome(deps, alerts, ctx.client, actor.userId).catch((err: unknown) =>
          deps.logger.error({ err }, 'could not refresh the Home tab'),
        );
      if (fromHome) await refresh();
      else if (r.changed > 0 && alerts.refreshHomeAfterClicks !== false) void refresh();
      if (r.changed === 0) {
        await ephemeral(
          say(
            r.channel
              ? 'Nothing to change: these alerts are already in that state or resolved.'
              : 'That alert is not known here.',
          ),
        );
      }
      return `${a.kind}${a.hours !== undefined ? ` ${a.hours} h` : ''} on ${a.alertId}: ${r.changed} alert${r.changed === 1 ? '' : 's'} changed`;
    });
  }
}

async function investigate(
  deps: CommandDeps,
  alerts: AlertRuntime,
  groupId: string,
  { actor, client, respond, responseUrl, ephemeral }: ButtonContext,
  later: AskLater,
): Promise<string> {
  const group = await alerts.store.alerts.group(groupId);
  const subject = (await alerts.store.alerts.alertsOfGroup(groupId)).find((a) => a.alert.actor);
  if (!group?.ts || !subject?.alert.actor) {
    await ephemeral(say('There is no actor on this alert to investigate.'));
    return 'no actor';
  }
  const t = subject.alert.time.getTime();
  const words = [
    'activity',
    subject.alert.actor,
    '--since',
    new Date(t - AROUND_MS).toISOString(),
    '--until',
    new Date(t + AROUND_MS).toISOString(),
  ];
  await recordInvestigation(alerts.store, groupId, actor.userId, deps.now());
  const prepared = prepare(words, deps, actor);
  if (prepared.kind === 'done') {
    // A refusal or a usage error is for the clicker alone, never the alert's thread.
    await ephemeral(prepared.outcome.doc);
    return prepared.outcome.status;
  }
  await ephemeral(say('Investigating; the answer will be in the alert’s thread.'));
  return later(
    { words, actor, responseUrl, thread: { channel: group.channel, ts: group.ts } },
    { respond, client },
  );
}

/**
 * The alert jobs: turn stored messages into alerts, run timed changes (snoozes ending, escalations), and
 * keep the outbox sending. Returns a stop that drains the outbox for up to `drainMs`.
 */
export function startAlertJobs(
  deps: Pick<CommandDeps, 'now' | 'logger' | 'audit'>,
  alerts: AlertRuntime,
  opts: { pollMs?: number; tickMs?: number } = {},
): { stop: (drainMs?: number) => Promise<void> } {
  const log = deps.logger.child({ component: 'alerts' });
  let stopped = false;
  let lastTick = 0;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  const run = async () => {
    timer = undefined;
    if (stopped) return;
    try {
      while (!stopped && (await processPending(alerts.store, alerts.policy, deps.now(), log)) > 0) {}
      if (!stopped && Date.now() - lastTick >= (opts.tickMs ?? 5000)) {
        lastTick = Date.now();
        await tick(alerts.store, alerts.policy, deps.now());
        if (alerts.policy.ask && alerts.resolvePerson)
          await runAsks(alerts.store, alerts.policy.ask, alerts.resolvePerson, deps.now(), log, deps.audit);
      }
    } catch (err) {
      log.error({ err }, 'alert processing failed; will try again');
    }
    if (!stopped)
      timer = setTimeout(() => {
        running = run();
      }, opts.pollMs ?? 100);
  };
  const ready = alerts.outbox.recover().then(() => {
    alerts.outbox.start(opts.pollMs);
    running = run();
  });
  return {
    stop: async (drainMs = 0) => {
      await ready;
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
      await alerts.outbox.stop(drainMs);
    },
  };
}
