// The bot on AWS Lambda (with TRAIL_STORE=dynamodb): `slack` answers Slack behind a Function URL
// (dist/lambda.slack), `sqs` is the alert queue's event-source handler
// (dist/lambda.sqs), `schedule` the EventBridge Scheduler target (dist/lambda.schedule) for the
// minute's alert work and the weekly digest. Built once per container, on the first invocation.
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { Context, SQSEvent } from 'aws-lambda';
import { personResolverFor } from '../handlers/actor-ask.js';
import { buildLambdaApp, type SlackHttpEvent, type SlackHttpResult } from '../handlers/app.js';
import {
  digestJob,
  handOff,
  type LambdaAlerts,
  type ScheduledJob,
  type SlackJob,
  scheduledHandler,
  slackJob,
  sqsEventHandler,
} from '../handlers/lambda.js';
import { slackSender } from '../handlers/outbox.js';
import { alertPolicy } from './alerts/lifecycle.js';
import { Outbox } from './alerts/outbox.js';
import { type CertFetcher, httpsCertFetcher, SnsVerifier } from './alerts/sns.js';
import { configSchema, loadConfig, requireSlack } from './config.js';
import { ConfigError } from './errors.js';
import { withStoredSettings } from './secrets.js';
import { buildDeps, storeHolder } from './wiring.js';

/** The Lambda runtime from an environment: config (and TRAIL_SECRETS), the DynamoDB store, Slack. */
export async function lambdaRuntime(
  env: Record<string, string | undefined>,
  overrides: { fetchCert?: CertFetcher; invoke?: (job: SlackJob) => Promise<void> } = {},
): Promise<{
  rt: LambdaAlerts;
  digest: () => Promise<unknown>;
  slack: (event: SlackHttpEvent) => Promise<SlackHttpResult>;
  job: (job: SlackJob, context?: Pick<Context, 'getRemainingTimeInMillis'>) => Promise<string>;
}> {
  const config = loadConfig(await withStoredSettings(env, (k) => k in configSchema.shape), { slack: true });
  if (config.TRAIL_STORE !== 'dynamodb')
    throw new ConfigError(['TRAIL_STORE: Lambda mode needs dynamodb (invocations share no disk)']);
  if (!config.TRAIL_ALERT_DEFAULT_CHANNEL)
    throw new ConfigError(['TRAIL_ALERT_DEFAULT_CHANNEL: required for alerts']);
  const slack = requireSlack(config);
  const holder = await storeHolder(config);
  const deps = await buildDeps(config, { store: holder.get });
  const store = holder.get();
  const outbox = new Outbox({
    store,
    sender: slackSender(slack.botToken.reveal(), { slackApiUrl: config.SLACK_API_URL, logger: deps.logger }),
    now: deps.now,
    logger: deps.logger.child({ component: 'outbox' }),
  });
  const rt: LambdaAlerts = {
    intake: {
      queueUrl: config.TRAIL_SQS_QUEUE_URL ?? 'lambda',
      verifier: new SnsVerifier({
        allowedTopics: config.TRAIL_SNS_TOPICS ?? [],
        fetchCert: overrides.fetchCert ?? httpsCertFetcher,
      }),
      store,
      logger: deps.logger,
      now: deps.now,
      maxReceives: config.TRAIL_SQS_MAX_RECEIVES,
    },
    alerts: {
      store,
      policy: alertPolicy(config, deps.geo),
      outbox,
      resolvePerson: personResolverFor(deps, slack.botToken.reveal(), config.SLACK_API_URL),
      refreshHomeAfterClicks: false,
    },
    logger: deps.logger,
    now: deps.now,
    audit: deps.audit,
  };
  const digest = async () => {
    if (!config.TRAIL_DIGEST_CHANNEL)
      throw new ConfigError(['TRAIL_DIGEST_CHANNEL: required for the digest job']);
    return digestJob(deps, {
      token: slack.botToken.reveal(),
      slackApiUrl: config.SLACK_API_URL,
      channel: config.TRAIL_DIGEST_CHANNEL,
    });
  };
  const token = { token: slack.botToken.reveal(), slackApiUrl: config.SLACK_API_URL };
  const invoke = overrides.invoke ?? invokeSelf(env.AWS_LAMBDA_FUNCTION_NAME);
  // A click's message updates are sent by a second invocation (this one ends with Slack's answer).
  rt.alerts.changed = () => invoke({ drain: true });
  const http = buildLambdaApp(
    deps,
    {
      botToken: slack.botToken,
      signingSecret: slack.signingSecret,
      slackApiUrl: config.SLACK_API_URL,
      alerts: rt.alerts,
    },
    handOff(invoke),
  );
  return { rt, digest, slack: http, job: slackJob(deps, rt, token) };
}

/** Hand a question to an asynchronous invocation of this same function (Lambda queues and retries it). */
function invokeSelf(name: string | undefined): (job: SlackJob) => Promise<void> {
  const client = new LambdaClient({});
  return async (job) => {
    if (!name)
      throw new ConfigError(['AWS_LAMBDA_FUNCTION_NAME: not set; the Slack function runs on Lambda']);
    await client.send(
      new InvokeCommand({
        FunctionName: name,
        InvocationType: 'Event',
        Payload: Buffer.from(JSON.stringify(job)),
      }),
    );
  };
}

let runtime: ReturnType<typeof lambdaRuntime> | undefined;
const built = () => {
  runtime ??= lambdaRuntime(process.env);
  return runtime;
};

/** The alert queue's event-source handler (ReportBatchItemFailures). */
export const sqs = async (event: SQSEvent, context: Context) => {
  const { rt } = await built();
  return sqsEventHandler(rt)(event, context);
};

/**
 * The Slack function, behind a Function URL or API Gateway: Slack's requests (acked at once), and the
 * questions it hands itself to answer in a second invocation.
 */
export const slack = async (event: SlackHttpEvent | SlackJob, context: Context) => {
  const { slack: http, job } = await built();
  if ('question' in event || 'drain' in event) {
    await job(event, context);
    return { statusCode: 200, body: '' };
  }
  return http(event);
};

/** The scheduled jobs: `{"job": "alerts"}` every minute, `{"job": "digest"}` weekly. */
export const schedule = async (event: ScheduledJob, context: Context) => {
  const { rt, digest } = await built();
  return scheduledHandler(rt, digest)(event, context);
};
