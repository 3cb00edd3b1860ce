import { personResolver } from '../handlers/actor-ask.js';
import { type AlertRuntime, startAlertJobs } from '../handlers/alerts.js';
import { buildApp } from '../handlers/app.js';
import { startDigestSchedule } from '../handlers/digest.js';
import { startGeoScan } from '../handlers/geo-scan.js';
import { startIndexRefresh } from '../handlers/index-refresh.js';
import { slackSender } from '../handlers/outbox.js';
import { startRoleRefresh } from '../handlers/roles.js';
import { type SqsIntake, startSqsPoller } from '../handlers/sqs.js';
import { alertPolicy } from './alerts/lifecycle.js';
import { Outbox } from './alerts/outbox.js';
import { type CertFetcher, httpsCertFetcher, SnsVerifier } from './alerts/sns.js';
import { sqsClient } from './aws/clients.js';
import { REGION } from './aws/names.js';
import { type Config, requireSlack } from './config.js';
import { ConfigError } from './errors.js';
import type { Logger } from './log.js';
import { DAY_MS } from './time.js';
import { buildDeps, groupDirectory, storeHolder } from './wiring.js';

/** What a test may replace when it starts the whole bot. */
export interface ServerOverrides {
  fetchCert?: CertFetcher;
  logger?: Logger;
  /** How often the alert jobs look for work (ms). */
  pollMs?: number;
  /** Least time between sends to one channel (ms); Slack's pace by default. */
  channelIntervalMs?: number;
  /** After how long a send in flight counts as left by a replica that died (ms). */
  abandonedAfterMs?: number;
  /** How often timed work runs (snoozes ending, reminders, asking actors) (ms). */
  tickMs?: number;
  now?: () => Date;
}

/** A running bot. */
export interface RunningServer {
  mode: 'socket' | 'http';
  port?: number | undefined;
  /** Stop intake, drain the outbox for up to `drainMs`, close the store. */
  stop(drainMs?: number): Promise<void>;
}

/**
 * The region of an SQS queue URL: the label of its host that names one (sqs.<region>.amazonaws.com,
 * sqs-fips.<region>…, vpce-….sqs.<region>.vpce.amazonaws.com), else `fallback` (a local stand-in).
 */
export function sqsRegion(url: string, fallback: string): string {
  return new URL(url).hostname.split('.').find((label) => REGION.test(label)) ?? fallback;
}

/**
 * Start the Slack bot with everything config turns on: the questions, and — when SNS topics or an SQS
 * queue are configured — the alert intake, the jobs that turn messages into channel messages, and the
 * outbox that sends them.
 */
export async function startServer(config: Config, overrides: ServerOverrides = {}): Promise<RunningServer> {
  const slack = requireSlack(config);
  const holder = await storeHolder(config);
  if (config.TRAIL_STORE === 'dynamodb') {
    // The table is checked before anything is accepted into it: a wrong one is said exactly, at start.
    const { dynamoTableProblems } = await import('./store/dynamodb/open.js');
    const problems = await dynamoTableProblems(config);
    if (problems.length) throw new ConfigError(problems);
  }
  const directory = groupDirectory();
  const deps = await buildDeps(config, {
    directory,
    ...(overrides.logger ? { logger: overrides.logger } : {}),
    ...(overrides.now ? { now: overrides.now } : {}),
    store: holder.get,
  });
  const topics = config.TRAIL_SNS_TOPICS;
  const queueUrl = config.TRAIL_SQS_QUEUE_URL;
  const alertsOn = Boolean(topics || queueUrl);
  if (alertsOn && !config.TRAIL_ALERT_DEFAULT_CHANNEL)
    throw new ConfigError([
      'TRAIL_ALERT_DEFAULT_CHANNEL: required when TRAIL_SNS_TOPICS or TRAIL_SQS_QUEUE_URL is set',
    ]);
  if (queueUrl && !topics)
    deps.logger.info(
      'TRAIL_SNS_TOPICS is not set: SNS envelopes on the queue will be refused; raw-delivery bodies are accepted',
    );
  const store = alertsOn ? holder.get() : undefined;
  const verifier = new SnsVerifier({
    allowedTopics: topics ?? [],
    fetchCert: overrides.fetchCert ?? httpsCertFetcher,
  });
  let alerts: AlertRuntime | undefined;
  if (store) {
    const outbox = new Outbox({
      store,
      sender: slackSender(slack.botToken.reveal(), {
        slackApiUrl: config.SLACK_API_URL,
        logger: deps.logger,
      }),
      now: deps.now,
      logger: deps.logger.child({ component: 'outbox' }),
      ...(overrides.channelIntervalMs !== undefined ? { intervalMs: overrides.channelIntervalMs } : {}),
      ...(overrides.abandonedAfterMs !== undefined ? { abandonedAfterMs: overrides.abandonedAfterMs } : {}),
    });
    alerts = { store, policy: alertPolicy(config, deps.geo), outbox };
  }
  const intake =
    store && topics
      ? {
          verifier,
          store,
          confirm: async (url: string) => {
            const r = await fetch(url, { redirect: 'error', signal: AbortSignal.timeout(5000) });
            if (!r.ok) throw new Error(`SNS answered ${r.status} to the confirmation`);
          },
          logger: deps.logger,
          now: deps.now,
        }
      : undefined;
  let started = false;
  let stopping = false;
  const readiness = async () => {
    const checks: Record<string, string> = {
      started: started ? 'yes' : 'starting',
      stopping: stopping ? 'yes: draining' : 'no',
    };
    if (store) {
      try {
        checks.outbox = `${await store.outbox.outboxBacklog()} waiting`;
      } catch (err) {
        checks.store = `not answering: ${(err as Error).message}`;
      }
    }
    return { ready: started && !stopping && !checks.store, checks };
  };
  const trail = buildApp(deps, {
    readiness,
    ...slack,
    slackApiUrl: config.SLACK_API_URL,
    port: config.PORT,
    host: config.HOST,
    intake,
    alerts,
  });
  if (config.TRAIL_DIGEST_CRON && !config.TRAIL_DIGEST_CHANNEL)
    throw new ConfigError(['TRAIL_DIGEST_CHANNEL: required when TRAIL_DIGEST_CRON is set']);
  // Asking alerts' actors looks them up in Slack with the app's own client.
  if (alerts) alerts.resolvePerson = personResolver(deps, trail.app.client);
  const { port } = await trail.start();
  const digest =
    config.TRAIL_DIGEST_CRON && config.TRAIL_DIGEST_CHANNEL
      ? startDigestSchedule(deps, {
          cron: config.TRAIL_DIGEST_CRON,
          timezone: config.TRAIL_DIGEST_TZ,
          channel: config.TRAIL_DIGEST_CHANNEL,
          client: trail.app.client,
        })
      : undefined;
  const jobs = alerts
    ? startAlertJobs(deps, alerts, { pollMs: overrides.pollMs, tickMs: overrides.tickMs })
    : undefined;
  // The local index kept fresh (TRAIL_INDEX_DIR every TRAIL_INDEX_EVERY).
  const indexing =
    config.TRAIL_INDEX_DIR && config.TRAIL_INDEX_EVERY
      ? startIndexRefresh(deps, config.TRAIL_INDEX_DIR, config.TRAIL_INDEX_EVERY)
      : undefined;
  // The new-place scan, for teams without the EventBridge rule (TRAIL_GEO_SCAN_EVERY).
  const geoScan =
    alerts?.policy.geo?.rules && config.TRAIL_GEO_SCAN_EVERY
      ? startGeoScan(deps, alerts, config.TRAIL_GEO_SCAN_EVERY)
      : undefined;
  const sqs =
    store && queueUrl
      ? startSqsPoller({
          client: sqsClient(
            sqsRegion(queueUrl, config.TRAIL_REGIONS[0] as string),
            config.AWS_ENDPOINT_URL_SQS ?? config.AWS_ENDPOINT_URL,
          ),
          queueUrl,
          verifier,
          store,
          logger: deps.logger,
          now: deps.now,
          maxReceives: config.TRAIL_SQS_MAX_RECEIVES,
        } satisfies SqsIntake)
      : undefined;
  deps.logger.info(
    { mode: trail.mode, port, source: config.TRAIL_SOURCE, regions: config.TRAIL_REGIONS, alerts: alertsOn },
    trail.mode === 'socket'
      ? 'Trailbot connected over Socket Mode'
      : `Trailbot listening on ${config.HOST}:${port}`,
  );
  if (!config.TRAIL_ROLES)
    deps.logger.warn(
      'No roles are configured (TRAIL_ROLES): everyone in the workspace may ask questions and act on alerts; admin actions (mutes, audit, Athena above the cost cap) are refused until an admin is named.',
    );
  else if (!config.TRAIL_ROLES.viewer && !config.TRAIL_ROLES.responder)
    deps.logger.warn(
      'TRAIL_ROLES names no viewer or responder: only the people it names may ask questions or act on alerts.',
    );
  const roleGroups = [...new Set(Object.values(config.TRAIL_ROLES ?? {}).flatMap((m) => m?.groups ?? []))];
  const roles = startRoleRefresh(trail.app.client, roleGroups, directory, deps.logger);
  // The audit trail keeps TRAIL_AUDIT_RETENTION_DAYS: pruned at start and daily.
  const prune = async () => {
    try {
      const before = new Date(deps.now().getTime() - config.TRAIL_AUDIT_RETENTION_DAYS * DAY_MS);
      const n = await deps.store().audit.pruneAudit(before);
      if (n) deps.logger.info({ pruned: n, before }, 'old audit entries pruned');
    } catch (err) {
      deps.logger.error({ err }, 'could not prune the audit trail');
    }
  };
  void prune();
  const pruning = setInterval(prune, DAY_MS);
  pruning.unref();
  started = true;
  return {
    mode: trail.mode,
    port,
    async stop(drainMs = 5000) {
      stopping = true;
      digest?.stop();
      roles.stop();
      clearInterval(pruning);
      await sqs?.stop();
      await geoScan?.stop();
      await indexing?.stop();
      await trail.stop();
      await jobs?.stop(drainMs);
      holder.close();
    },
  };
}
