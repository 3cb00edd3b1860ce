import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CustomRoute } from '@slack/bolt';
import { groupCommit } from '../src/alerts/group-commit.js';
import type { MessageInbox } from '../src/alerts/inbox.js';
import { MAX_SNS_BODY, SnsRefusal, SnsUnavailable, type SnsVerifier } from '../src/alerts/sns.js';
import type { Logger } from '../src/log.js';

/** What the SNS intake is built from; every outside thing passed in. */
export interface SnsIntake {
  verifier: SnsVerifier;
  store: { inbox: MessageInbox };
  /** Visit a verified SubscriptionConfirmation's SubscribeURL. */
  confirm: (subscribeUrl: string) => Promise<void>;
  logger: Logger;
  now: () => Date;
}

/** SNS confirms a subscription at an https URL on its own host, nowhere else. */
const SUBSCRIBE_URL = /^https:\/\/sns\.[a-z0-9-]{3,}\.amazonaws\.com(\.cn)?\/\?Action=ConfirmSubscription&/;

function readBody(req: IncomingMessage, limit: number): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    // Past the limit the rest is read and dropped, so the 413 still reaches the sender.
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= limit) chunks.push(c);
    });
    req.on('end', () => resolve(size > limit ? undefined : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function answer(res: ServerResponse, status: number, text: string) {
  res.writeHead(status, { 'content-type': 'text/plain' });
  res.end(text);
}

/**
 * POST /sns: SNS over HTTPS. Every message is verified; a refusal is a 4xx (SNS counts it delivered and
 * does not retry a forgery). A notification is written to the store before the 200 goes back (messages
 * arriving together share one commit), and a
 * repeated MessageId is recognised. Subscriptions are confirmed only for allowed topics (the verifier
 * holds the allow-list); unsubscriptions are logged.
 */
export function snsRoute(intake: SnsIntake): CustomRoute {
  const log = intake.logger.child({ component: 'sns' });
  const accept = groupCommit(intake.store.inbox);
  return {
    path: '/sns',
    method: ['POST'],
    handler: async (req, res) => {
      try {
        const body = await readBody(req, MAX_SNS_BODY);
        if (body === undefined) {
          log.warn({ status: 413 }, 'SNS message refused: body too large');
          answer(res, 413, 'too large');
          return;
        }
        const m = await intake.verifier.verify(body);
        if (m.Type === 'Notification') {
          const r = await accept({
            messageId: m.MessageId,
            topicArn: m.TopicArn,
            type: m.Type,
            body,
            receivedAt: intake.now(),
          });
          log.info({ messageId: m.MessageId, topic: m.TopicArn, result: r }, 'SNS notification accepted');
          answer(res, 200, r);
          return;
        }
        if (m.Type === 'SubscriptionConfirmation') {
          if (!m.SubscribeURL || !SUBSCRIBE_URL.test(m.SubscribeURL))
            throw new SnsRefusal(400, 'SubscribeURL is not an SNS one');
          await intake.confirm(m.SubscribeURL);
          log.info({ topic: m.TopicArn }, 'SNS subscription confirmed');
          answer(res, 200, 'confirmed');
          return;
        }
        log.warn({ topic: m.TopicArn }, 'SNS says this endpoint was unsubscribed');
        answer(res, 200, 'noted');
      } catch (err) {
        if (err instanceof SnsUnavailable) {
          log.warn(
            { status: 503, reason: err.message },
            'SNS message not checked now; SNS will deliver it again',
          );
          answer(res, 503, 'try again');
          return;
        }
        if (err instanceof SnsRefusal) {
          log.warn({ status: err.status, reason: err.message }, 'SNS message refused');
          answer(res, err.status, 'refused');
          return;
        }
        // Anything else (the store failing): a 5xx, so SNS delivers it again.
        log.error({ err }, 'SNS message not accepted');
        answer(res, 500, 'try again');
      }
    },
  };
}
