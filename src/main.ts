import { loadConfig } from './config.js';
import { ConfigError } from './errors.js';
import { startServer } from './server.js';

/** Start the Slack bot: read config, start everything it turns on, and stop cleanly on SIGTERM/SIGINT. */
async function main(): Promise<void> {
  let server: Awaited<ReturnType<typeof startServer>>;
  try {
    server = await startServer(loadConfig(process.env, { slack: true }));
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const stop = async () => {
    await server.stop();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());
}

await main();
