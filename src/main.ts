import { configSchema, loadConfig } from './config.js';
import { ConfigError } from './errors.js';
import { stopOnSignals } from './lifecycle.js';
import { withStoredSettings } from './secrets.js';
import { startServer } from './server.js';

/** Start the Slack bot: read config, start everything it turns on, and stop cleanly on SIGTERM/SIGINT. */
async function main(): Promise<void> {
  // Settings stored in Secrets Manager or SSM (TRAIL_SECRETS) are read first, then checked like the rest.
  const starting = withStoredSettings(process.env, (k) => k in configSchema.shape).then((env) =>
    startServer(loadConfig(env, { slack: true })),
  );
  // Signals are the bot's from the first moment: one that comes while it starts waits for the start.
  const stop = stopOnSignals({ stop: async (drainMs) => (await starting).stop(drainMs) }, (line) =>
    process.stderr.write(`${JSON.stringify(line)}\n`),
  );
  try {
    await starting;
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  // A promise nobody awaited must not take the bot down: log it, with its stack, and carry on.
  process.on('unhandledRejection', (err) => {
    process.stderr.write(
      `${JSON.stringify({ level: 50, msg: 'unhandled rejection', err: String((err as Error)?.stack ?? err) })}\n`,
    );
  });
  // A thrown error nobody caught leaves the state unknown: stop cleanly (drain, close the store), exit 1,
  // and let the supervisor start it again — what was accepted is in the store.
  process.once('uncaughtException', (err) => {
    process.stderr.write(
      `${JSON.stringify({ level: 60, msg: 'uncaught exception; stopping', err: String(err.stack ?? err) })}\n`,
    );
    void stop(1);
  });
}

await main();
