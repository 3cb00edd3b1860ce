import { createHmac } from 'node:crypto';

/** Slack's request signature: v0=HMAC-SHA256(secret, "v0:<timestamp>:<body>"). */
export function slackSignature(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

/** The form body of a slash command as Slack posts it. */
export function slashCommandBody(fields: {
  text: string;
  responseUrl: string;
  userId?: string;
  channelId?: string;
}): string {
  return new URLSearchParams({
    token: 'legacy-verification-token',
    team_id: 'T0001',
    team_domain: 'acme',
    channel_id: fields.channelId ?? 'C0SECURITY',
    channel_name: 'security',
    user_id: fields.userId ?? 'U0ALICE',
    user_name: 'alice',
    command: '/trail',
    text: fields.text,
    api_app_id: 'A0TRAILBOT',
    is_enterprise_install: 'false',
    response_url: fields.responseUrl,
    trigger_id: '1.2.3',
  }).toString();
}

/** POST a signed (or deliberately mis-signed) request to the app, timing the response. */
export async function postSigned(
  url: string,
  body: string,
  opts: { secret: string; timestamp?: number; signature?: string; contentType?: string },
): Promise<{ status: number; ms: number; text: string }> {
  const ts = opts.timestamp ?? Math.floor(Date.now() / 1000);
  const started = performance.now();
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': opts.contentType ?? 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': String(ts),
      'x-slack-signature': opts.signature ?? slackSignature(opts.secret, ts, body),
    },
    body,
  });
  const text = await res.text();
  return { status: res.status, ms: performance.now() - started, text };
}

/** The form body of a button click (block_actions) as Slack posts it. */
export function buttonClickBody(fields: {
  actionId: string;
  value: string | undefined;
  userId: string;
  responseUrl: string;
  /** The message the button sits on (an ephemeral one in C0SECURITY unless said). */
  on?: { channel: string; ts: string } | undefined;
}): string {
  const channel = fields.on?.channel ?? 'C0SECURITY';
  const ts = fields.on?.ts ?? '1700000000.000200';
  const payload = {
    type: 'block_actions',
    user: { id: fields.userId, username: 'someone', team_id: 'T0001' },
    api_app_id: 'A0TRAILBOT',
    token: 'legacy-verification-token',
    team: { id: 'T0001', domain: 'acme' },
    channel: { id: channel, name: 'security' },
    container: { type: 'message', message_ts: ts, channel_id: channel, is_ephemeral: !fields.on },
    ...(fields.on ? { message: { type: 'message', ts, text: 'alert' } } : {}),
    trigger_id: '1.2.3',
    response_url: fields.responseUrl,
    actions: [
      {
        type: 'button',
        action_id: fields.actionId,
        block_id: 'b1',
        value: fields.value,
        text: { type: 'plain_text', text: 'Cancel' },
        action_ts: '1700000001.000000',
      },
    ],
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}
