import type { Server } from 'node:http';
import {
  App,
  AwsLambdaReceiver,
  type Logger as BoltLogger,
  HTTPReceiver,
  LogLevel,
  SocketModeReceiver,
} from '@slack/bolt';
import type { AskLater } from '../commands/answer.js';
import { registerCommands } from '../commands/router.js';
import type { Secret } from '../src/config.js';
import type { CommandDeps } from '../src/deps.js';
import type { Logger } from '../src/log.js';
import { EVENTS_PATH } from '../src/slack/ids.js';
import type { AlertRuntime } from './alerts.js';
import type { Readiness } from './health.js';
import { handlerRoutes, registerHandlers } from './index.js';
import type { SnsIntake } from './sns.js';

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
  /** The SNS intake on POST /sns, when alerts arrive over HTTPS. */
  intake?: SnsIntake | undefined;
  /** Alert state for the alert buttons, when alerts are configured. */
  alerts?: AlertRuntime | undefined;
  /** What GET /readyz reports. */
  readiness?: (() => Readiness | Promise<Readiness>) | undefined;
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
  // Errors go to pino as `err`, so their message and stack are kept (JSON.stringify gives "{}").
  const line = (level: 'debug' | 'info' | 'warn' | 'error', msg: unknown[]) => {
    const err = msg.find((m) => m instanceof Error);
    const text = msg
      .filter((m) => m !== err)
      .map((m) => (typeof m === 'string' ? m : JSON.stringify(m)))
      .join(' ');
    if (err) child[level]({ err }, text);
    else child[level](text);
  };
  return {
    debug: (...m) => line('debug', m),
    info: (...m) => line('info', m),
    warn: (...m) => line('warn', m),
    error: (...m) => line('error', m),
    setLevel: (l) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => {},
  };
}

/** How far a Slack request's timestamp may be from now, either way: Slack's own replay window. */
export const REQUEST_SKEW_S = 300;

/**
 * Refuse Slack requests stamped more than five minutes away from now in either direction. Bolt refuses
 * old ones itself but takes any from the future, so a captured request signed with a future timestamp
 * could be replayed until that time; this check runs before Bolt's, on every request carrying the header.
 */
function refuseSkewed(receiver: HTTPReceiver, log: Logger): void {
  const inner = receiver.requestListener;
  receiver.requestListener = (req, res) => {
    if (skewed(req.headers['x-slack-request-timestamp'], req.url, log)) {
      res.writeHead(401).end();
      return;
    }
    inner(req, res);
  };
}

/** True (and logged) when a Slack request's timestamp header is outside the window either way. */
function skewed(header: string | string[] | undefined, path: string | undefined, log: Logger): boolean {
  if (typeof header !== 'string') return false;
  const ts = Number(header);
  // The real clock, as Bolt's own check uses: a stand-in clock for the domain must not widen it.
  const skew = Number.isFinite(ts) ? ts - Date.now() / 1000 : Number.POSITIVE_INFINITY;
  if (Math.abs(skew) <= REQUEST_SKEW_S) return false;
  log.warn(
    { path, skewSeconds: Number.isFinite(skew) ? Math.round(skew) : header },
    'Slack request refused: its timestamp is outside the five-minute window',
  );
  return true;
}

/** What a Function URL or API Gateway (payload 1.0 or 2.0) hands the Slack function. */
export interface SlackHttpEvent {
  headers: Record<string, string | undefined>;
  body?: string | null;
  isBase64Encoded?: boolean;
  rawPath?: string;
  path?: string;
}

/** What the Slack function answers: the HTTP response Lambda's URL or API Gateway returns. */
export interface SlackHttpResult {
  statusCode: number;
  headers?: Record<string, string>;
  body: string;
}

/**
 * The Bolt app on Lambda, behind a Function URL or API Gateway: slash commands, buttons and events
 * through Bolt's AwsLambdaReceiver, which answers once the listener has acked and finished — so the
 * listeners ack at once and hand each question to `later` (a second invocation), never answering it
 * here. Before Bolt: a body Lambda sent base64-encoded is decoded as UTF-8 (Bolt decodes it as ASCII,
 * which breaks the signature of any text that is not), and a timestamp outside the five-minute window
 * either way is refused, as on the container.
 */
export function buildLambdaApp(
  deps: CommandDeps,
  opts: Pick<SlackOptions, 'botToken' | 'signingSecret' | 'slackApiUrl' | 'alerts'>,
  later: AskLater,
): (event: SlackHttpEvent) => Promise<SlackHttpResult> {
  const logger = boltLogger(deps.logger);
  const receiver = new AwsLambdaReceiver({ signingSecret: opts.signingSecret.reveal(), logger });
  const clientOptions = opts.slackApiUrl ? { slackApiUrl: opts.slackApiUrl } : {};
  const app = new App({ token: opts.botToken.reveal(), receiver, logger, clientOptions });
  registerCommands(app, deps, later);
  registerHandlers(app, deps, opts.alerts, later);
  app.error(async (err) => {
    deps.logger.error({ err }, 'unhandled error in a Slack listener');
  });
  const handler = receiver.toHandler();
  return async (event) => {
    const header = Object.entries(event.headers).find(
      ([k]) => k.toLowerCase() === 'x-slack-request-timestamp',
    );
    if (skewed(header?.[1], event.rawPath ?? event.path, deps.logger)) return { statusCode: 401, body: '' };
    const body =
      event.isBase64Encoded && event.body ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
    const result = (await handler({ ...event, body, isBase64Encoded: false } as never, {} as never)) as
      | SlackHttpResult
      | undefined;
    return result ?? { statusCode: 500, body: '' };
  };
}

/**
 * Build the Bolt app: Socket Mode when an app-level token is configured, otherwise the HTTP receiver
 * on /slack/events with room for more routes. Nothing starts on import or here; `start()` does.
 */
export function buildApp(deps: CommandDeps, opts: SlackOptions): TrailApp {
  const logger = boltLogger(deps.logger);
  const routes = handlerRoutes(deps, opts.intake, opts.readiness);
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
    refuseSkewed(receiver, deps.logger);
  }
  const app = new App({ token: opts.botToken.reveal(), receiver, logger, clientOptions });
  registerCommands(app, deps);
  registerHandlers(app, deps, opts.alerts);
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
