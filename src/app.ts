import type { Server } from 'node:http';
import { App, type Logger as BoltLogger, HTTPReceiver, LogLevel, SocketModeReceiver } from '@slack/bolt';
import { registerCommands } from '../commands/index.js';
import type { CommandDeps } from '../commands/spec.js';
import { handlerRoutes, registerHandlers } from '../handlers/index.js';
import type { Secret } from './config.js';
import type { Logger } from './log.js';
import { EVENTS_PATH } from './slack/ids.js';

/** What the Slack app needs beyond the command dependencies. */
export interface SlackOptions {
  botToken: Secret;
  signingSecret: Secret;
  /** With an app-level token the app uses Socket Mode; without, the HTTP receiver. */
  appToken?: Secret | undefined;
  /** Send Web API calls elsewhere than slack.com (a local fake in tests). */
  slackApiUrl?: string | undefined;
  port: number;
  host: string;
}

/** A built app, not yet started. */
export interface TrailApp {
  app: App;
  mode: 'socket' | 'http';
  /** Start listening; for HTTP, resolves with the bound port (0 picks a free one). */
  start(): Promise<{ port?: number }>;
  stop(): Promise<void>;
}

/** Bolt's logger interface over pino, so Bolt's own lines are structured too. */
function boltLogger(log: Logger): BoltLogger {
  const child = log.child({ component: 'bolt' });
  let level = LogLevel.INFO;
  const text = (msg: unknown[]) => msg.map((m) => (typeof m === 'string' ? m : JSON.stringify(m))).join(' ');
  return {
    debug: (...m) => child.debug(text(m)),
    info: (...m) => child.info(text(m)),
    warn: (...m) => child.warn(text(m)),
    error: (...m) => child.error(text(m)),
    setLevel: (l) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => {},
  };
}

/**
 * Build the Bolt app: Socket Mode when an app-level token is configured, otherwise the HTTP receiver
 * on /slack/events with room for more routes. Nothing starts on import or here; `start()` does.
 */
export function buildApp(deps: CommandDeps, opts: SlackOptions): TrailApp {
  const logger = boltLogger(deps.logger);
  const routes = handlerRoutes(deps);
  const clientOptions = opts.slackApiUrl ? { slackApiUrl: opts.slackApiUrl } : {};
  let receiver: HTTPReceiver | SocketModeReceiver;
  let mode: TrailApp['mode'];
  if (opts.appToken) {
    mode = 'socket';
    receiver = new SocketModeReceiver({
      appToken: opts.appToken.reveal(),
      logger,
      customRoutes: routes,
      installerOptions: { port: opts.port },
    });
  } else {
    mode = 'http';
    receiver = new HTTPReceiver({
      signingSecret: opts.signingSecret.reveal(),
      endpoints: EVENTS_PATH,
      customRoutes: routes,
      logger,
      // Ack goes out as soon as ack() is called; the slow work continues after.
      processBeforeResponse: false,
    });
  }
  const app = new App({ token: opts.botToken.reveal(), receiver, logger, clientOptions });
  registerCommands(app, deps);
  registerHandlers(app, deps);
  app.error(async (err) => {
    deps.logger.error({ err }, 'unhandled error in a Slack listener');
  });
  return {
    app,
    mode,
    async start() {
      if (receiver instanceof HTTPReceiver) {
        const server = (await receiver.start({ port: opts.port, host: opts.host })) as Server;
        const addr = server.address();
        return { port: typeof addr === 'object' && addr ? addr.port : opts.port };
      }
      await app.start();
      return {};
    },
    stop: () => app.stop().then(() => undefined),
  };
}
