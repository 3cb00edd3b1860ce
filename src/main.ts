import { buildApp } from '../handlers/app.js';
import { loadConfig, requireSlack } from './config.js';
import { ConfigError } from './errors.js';
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
  const trail = buildApp(deps, {
    ...slack,
    slackApiUrl: config.SLACK_API_URL,
    port: config.PORT,
    host: config.HOST,
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
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

await main();
