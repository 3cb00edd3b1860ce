import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendErrorOf, slackSender } from '../../handlers/outbox.js';
import { captureLogger } from '../helpers/deps.js';
import { FakeSlack } from '../helpers/fake-slack.js';

const doc = { summary: ['hello'], blocks: [{ type: 'text' as const, parts: ['hello'] }] };

describe('Slack faults, as the outbox sees them through a real WebClient', () => {
  const slack = new FakeSlack();
  let answer: { status?: number; headers?: Record<string, string>; body: unknown } = {
    body: { ok: true, ts: '1.2' },
  };
  beforeAll(async () => {
    await slack.start();
    slack.on('/api/chat.postMessage', () => answer);
  });
  afterAll(() => slack.stop());
  const post = async () => {
    const { logger } = captureLogger();
    const s = slackSender('xoxb-test', { slackApiUrl: `${slack.url}/api/`, logger });
    return s.post('C0ALERTS01', doc, 'g1').then(
      (ts) => ({ ts }),
      (e: { kind: string; message: string; retryAfterMs?: number }) => ({
        kind: e.kind,
        message: e.message,
        retryAfterMs: e.retryAfterMs,
      }),
    );
  };

  it('429 with Retry-After: wait that long', async () => {
    answer = { status: 429, headers: { 'retry-after': '7' }, body: { ok: false, error: 'ratelimited' } };
    expect(await post()).toEqual({ kind: 'rate_limited', message: 'Slack answered 429', retryAfterMs: 7000 });
  });

  it('5xx: try again later, with no retry hidden inside the call', async () => {
    answer = { status: 503, body: { ok: false, error: 'service_unavailable' } };
    const before = slack.callsTo('/api/chat.postMessage').length;
    expect(await post()).toMatchObject({ kind: 'transient' });
    expect(slack.callsTo('/api/chat.postMessage').length - before).toBe(1);
  });

  it('invalid_auth: the token is not valid any more', async () => {
    answer = { body: { ok: false, error: 'invalid_auth' } };
    expect(await post()).toEqual({
      kind: 'permanent',
      message: 'Slack refused: invalid_auth (SLACK_BOT_TOKEN is not valid any more)',
      retryAfterMs: undefined,
    });
  });

  it('channel_not_found and not_in_channel: say which channel to invite the bot to', async () => {
    for (const error of ['channel_not_found', 'not_in_channel']) {
      answer = { body: { ok: false, error } };
      expect((await post()) as { message: string }).toMatchObject({
        kind: 'permanent',
        message: `Slack refused: ${error} (invite the bot to channel C0ALERTS01 (/invite @trailbot) or fix the routing)`,
      });
    }
  });

  it('msg_too_long: given up, not retried forever', async () => {
    answer = { body: { ok: false, error: 'msg_too_long' } };
    expect(await post()).toMatchObject({
      kind: 'permanent',
      message: 'Slack refused: msg_too_long (msg_too_long)',
    });
  });

  it('a network failure is transient', () => {
    expect(
      sendErrorOf(
        Object.assign(new Error('connect ECONNREFUSED'), { code: 'slack_webapi_request_error' }),
        'C1',
      ),
    ).toMatchObject({
      kind: 'transient',
    });
  });
});
