import type { App, BlockButtonAction, RespondFn } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { type Actor, authorize, type Permission } from '../src/auth.js';
import type { CommandDeps } from '../src/deps.js';
import { explainError } from '../src/errors.js';
import type { Doc } from '../src/present/doc.js';
import { presentError } from '../src/present/error.js';
import { toSlack } from '../src/slack/blocks.js';

/** What a button's work gets: who clicked where, its value, and how to answer them. */
export interface ButtonContext {
  actor: Actor;
  value: string | undefined;
  /** The message the button was clicked on: its channel and ts, as Slack's payload says. */
  message: {
    channel?: string | undefined;
    ts?: string | undefined;
    /** The thread the message is in, when it is a reply. */
    threadTs?: string | undefined;
    ephemeral: boolean;
  };
  /** The surface clicked on when it is a view (`home`: the Home tab), not a message. */
  view?: string | undefined;
  client: WebClient;
  respond: RespondFn;
  /** Slack's response_url for this click, for work that answers after this invocation (Lambda). */
  responseUrl: string;
  /** Opens a modal for this click (within 3 s of it). */
  triggerId: string;
  /** Answer the clicker alone. */
  ephemeral: (doc: Doc) => Promise<unknown>;
}

/**
 * Every button goes through here: ack at once (Slack allows 3 s), check the permission the button
 * declares (an ephemeral refusal naming it otherwise), run, and record the click — or its refusal or
 * failure — in the audit trail. `run` returns what the click did, for the record. A `bound` button
 * belongs to one person whatever their role (an actor's answer): `run` checks it is theirs.
 */
export function onButton(
  app: Pick<App, 'action'>,
  deps: CommandDeps,
  actionId: string,
  permission: Permission | 'bound',
  run: (ctx: ButtonContext) => Promise<string>,
): void {
  app.action<BlockButtonAction>(actionId, async ({ ack, body, action, respond, client }) => {
    await ack();
    const actor: Actor = { userId: body.user.id, channelId: body.channel?.id, front: 'slack' };
    const ephemeral = (doc: Doc) =>
      respond({ response_type: 'ephemeral', replace_original: false, ...toSlack(doc) }).catch(
        (err: unknown) => deps.logger.error({ err, actionId }, 'could not answer a button click'),
      );
    const record = (kind: 'button' | 'refusal', result: string, detail?: Record<string, unknown>) =>
      deps.audit({
        at: deps.now(),
        user: actor.userId,
        channel: actor.channelId,
        front: 'slack',
        kind,
        what: actionId,
        result,
        detail,
      });
    try {
      if (permission !== 'bound') authorize(permission, actor, deps.access);
      const message = {
        channel: body.channel?.id,
        ts: body.message?.ts ?? body.container?.message_ts,
        threadTs: (body.message as { thread_ts?: string } | undefined)?.thread_ts,
        ephemeral: body.container?.is_ephemeral === true,
      };
      const responseUrl = body.response_url;
      const view = (body as { view?: { type?: string } }).view?.type;
      const result = await run({
        actor,
        value: action.value,
        message,
        client,
        respond,
        responseUrl,
        triggerId: body.trigger_id,
        ephemeral,
        view,
      });
      record('button', result, { value: action.value });
    } catch (err) {
      const e = explainError(err);
      if (e.ref) deps.logger.error({ err, ref: e.ref, actionId, user: actor.userId }, 'button click failed');
      else
        deps.logger.info(
          { actionId, user: actor.userId, code: e.code, message: e.message },
          'button click refused',
        );
      record(
        e.code === 'not_authorized' ? 'refusal' : 'button',
        e.code === 'not_authorized' ? 'refused' : `failed: ${e.message}`,
        {
          value: action.value,
        },
      );
      await ephemeral(presentError(e, '/trail'));
    }
  });
}
