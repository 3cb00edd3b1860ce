import type { App } from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import { z } from 'zod';
import { type Person, type Resolution, slackUserOf } from '../src/alerts/actor.js';
import { answerAsk, oneLine } from '../src/alerts/ask-actor.js';
import type { CommandDeps } from '../src/deps.js';
import { explainError, NotAuthorizedError, UsageError } from '../src/errors.js';
import { userTags } from '../src/hygiene/iam.js';
import { presentAskAnswered } from '../src/present/actor-ask.js';
import { toSlack } from '../src/slack/blocks.js';
import { readActorAnswerValue } from '../src/slack/buttons.js';
import { ACTION_IDS, VIEW_IDS } from '../src/slack/ids.js';
import type { AlertRuntime } from './alert-runtime.js';
import { onButton } from './buttons.js';

/** The longest reason kept (the modal's input says so too). */
const REASON_MAX = 300;

/**
 * Who an AWS identity is in Slack: TRAIL_ASK_ACTOR_MAP, the IAM user's `slack` or `email` tag (its
 * account's role assumed as for hygiene), an email looked up with users.lookupByEmail.
 */
export function personResolver(
  deps: CommandDeps,
  client: Pick<WebClient, 'users'>,
): (p: Person) => Promise<Resolution> {
  return (p) =>
    slackUserOf(p, {
      map: deps.config.TRAIL_ASK_ACTOR_MAP,
      userTags: (account, user) => userTags(deps.hygiene.iamFor(account), user),
      byEmail: (email) =>
        client.users.lookupByEmail({ email }).then(
          (r) => r.user?.id,
          (err: { data?: { error?: string } }) => {
            // Slack knows no such address: unmapped, said so. Anything else is worth trying again.
            if (err.data?.error === 'users_not_found') return undefined;
            throw err;
          },
        ),
    });
}

/** The same, with a Web API client of its own (Lambda's scheduled job, which has no Bolt app). */
export function personResolverFor(
  deps: CommandDeps,
  token: string,
  slackApiUrl: string | undefined,
): (p: Person) => Promise<Resolution> {
  return personResolver(deps, new WebClient(token, slackApiUrl ? { slackApiUrl } : {}));
}

/** What the reason modal carries back: the ask, and the direct message to update once answered. */
const reasonMeta = z.strictObject({
  a: z.string().regex(/^[0-9a-f-]{36}$/),
  c: z.string().regex(/^[CDG][A-Z0-9]{6,20}$/),
  t: z.string().regex(/^\d+\.\d+$/),
});

/**
 * The actor's answers in their direct message. The buttons are bound to the ask and the user asked:
 * anyone else's click is refused and audited, and changes nothing. No escalates at once; Yes opens a
 * modal for a one-line reason, and the submission records it. Either way the message's buttons are
 * replaced by what was recorded.
 */
export function registerActorAnswers(
  app: Pick<App, 'action' | 'view'>,
  deps: CommandDeps,
  alerts?: AlertRuntime,
): void {
  const runtime = () => {
    if (!alerts?.policy.ask) throw new UsageError('Asking actors is not configured on this Trailbot.');
    return { alerts, policy: alerts.policy.ask };
  };
  onButton(app, deps, ACTION_IDS.actorNo, 'bound', async ({ actor, value, respond }) => {
    const { alerts, policy } = runtime();
    const id = readActorAnswerValue(value);
    const r = await answerAsk(alerts.store, policy, id, actor.userId, { kind: 'no' }, deps.now());
    await alerts.changed?.();
    await respond({ replace_original: true, ...toSlack(presentAskAnswered(r.ask)) });
    return r.changed ? `denied ask ${id}` : `ask ${id} already ${r.ask.state}`;
  });
  onButton(app, deps, ACTION_IDS.actorYes, 'bound', async ({ actor, value, message, client, triggerId }) => {
    const { alerts } = runtime();
    const id = readActorAnswerValue(value);
    const ask = await alerts.store.asks.ask(id);
    if (!ask) throw new UsageError('That question is not known here any more.');
    if (ask.user !== actor.userId)
      throw new NotAuthorizedError(
        'answer',
        'This question was for someone else; your answer was not counted.',
      );
    const meta = reasonMeta.parse({ a: id, c: message.channel, t: message.ts });
    await client.views.open({
      trigger_id: triggerId,
      view: {
        type: 'modal',
        callback_id: VIEW_IDS.actorReason,
        private_metadata: JSON.stringify(meta),
        title: { type: 'plain_text', text: 'It was me' },
        submit: { type: 'plain_text', text: 'Send' },
        close: { type: 'plain_text', text: 'Cancel' },
        blocks: [
          {
            type: 'input',
            block_id: 'reason',
            label: { type: 'plain_text', text: 'Why? One line for the security team' },
            element: {
              type: 'plain_text_input',
              action_id: 'reason',
              max_length: REASON_MAX,
              placeholder: { type: 'plain_text', text: 'e.g. rotating the deploy key for ticket SEC-123' },
            },
          },
        ],
      },
    });
    return `asked for a reason on ask ${id}`;
  });
  app.view(VIEW_IDS.actorReason, async ({ ack, body, view, client }) => {
    const userId = body.user.id;
    const record = (result: string, detail?: Record<string, unknown>) =>
      deps.audit({
        at: deps.now(),
        user: userId,
        front: 'slack',
        kind: result === 'refused' ? 'refusal' : 'button',
        what: VIEW_IDS.actorReason,
        result,
        detail,
      });
    const reason = oneLine(view.state.values.reason?.reason?.value ?? '');
    if (!reason) {
      await ack({ response_action: 'errors', errors: { reason: 'Say in a few words why it was you.' } });
      return;
    }
    let meta: z.infer<typeof reasonMeta>;
    try {
      meta = reasonMeta.parse(JSON.parse(view.private_metadata));
    } catch {
      await ack({ response_action: 'errors', errors: { reason: 'This form is not one of Trailbot’s.' } });
      record('failed: unreadable form');
      return;
    }
    try {
      const { alerts, policy } = runtime();
      const r = await answerAsk(alerts.store, policy, meta.a, userId, { kind: 'yes', reason }, deps.now());
      await ack();
      await alerts.changed?.();
      await client.chat
        .update({ channel: meta.c, ts: meta.t, ...toSlack(presentAskAnswered(r.ask)) })
        .catch((err: unknown) => deps.logger.info({ err }, 'the answered question could not be updated'));
      record(r.changed ? `confirmed ask ${meta.a}` : `ask ${meta.a} already ${r.ask.state}`, { reason });
    } catch (err) {
      const e = explainError(err);
      await ack({ response_action: 'errors', errors: { reason: e.message } });
      record(e.code === 'not_authorized' ? 'refused' : `failed: ${e.message}`, { ask: meta.a });
    }
  });
}
