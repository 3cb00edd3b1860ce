import { buildApp } from '../handlers/app.js';
import { httpsCertFetcher, SnsVerifier } from './alerts/sns.js';
import { loadConfig, requireSlack } from './config.js';
import { ConfigError } from './errors.js';
import { SqliteStore } from './store/sqlite.js';
import { buildDeps } from './wiring.js';

/** Start the Slack bot: read config, wire real clients, listen, and stop cleanly on SIGTERM/SIGINT. */
async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  let slack: ReturnType<typeof requireSlack>;
  try {
    config = loadConfig(process.env, { slack: true });
    slack = requireSlack(config);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const deps = buildDeps(config);
  // The SNS intake on POST /sns, when topics are configured: verified, stored before the 200.
  const topics = config.TRAIL_SNS_TOPICS;
  const store = topics ? new SqliteStore(config.TRAIL_STORE_PATH) : undefined;
  const intake =
    store && topics
      ? {
          verifier: new SnsVerifier({ allowedTopics: topics, fetchCert: httpsCertFetcher }),
          store,
          confirm: async (url: string) => {
            const r = await fetch(url, { redirect: 'error', signal: AbortSignal.timeout(5000) });
            if (!r.ok) throw new Error(`SNS answered ${r.status} to the confirmation`);
          },
          logger: deps.logger,
          now: deps.now,
        }
      : undefined;
  const trail = buildApp(deps, {
    ...slack,
    slackApiUrl: config.SLACK_API_URL,
    port: config.PORT,
    host: config.HOST,
    intake,
  });
  const { port } = await trail.start();
  deps.logger.info(
    { mode: trail.mode, port, source: config.TRAIL_SOURCE, regions: config.TRAIL_REGIONS },
    trail.mode === 'socket'
      ? 'Trailbot connected over Socket Mode'
      : `Trailbot listening on ${config.HOST}:${port}`,
  );
  deps.logger.warn(
    'No roles are configured: everyone in the workspace may ask questions; admin actions are refused.',
  );
  const stop = async (signal: string) => {
    deps.logger.info({ signal }, 'stopping');
    await trail.stop();
    store?.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

await main();
