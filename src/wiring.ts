import { AthenaClient } from '@aws-sdk/client-athena';
import { CloudTrailClient, type CloudTrailClientConfig } from '@aws-sdk/client-cloudtrail';
import type { CommandDeps } from '../commands/spec.js';
import type { Config } from './config.js';
import { createLogger, type Logger } from './log.js';
import { questionQueue } from './queue.js';
import { type LimiterRegistry, lookupLimiters } from './trail/limiter.js';
import { createSourceProvider } from './trail/sources/index.js';

/** Attempts per AWS call; the SDK's adaptive mode also slows itself when AWS throttles. */
export const AWS_MAX_ATTEMPTS = 6;

/**
 * A CloudTrail client for a region with the SDK's adaptive retries; one per region, reused. Every
 * attempt — retries included — waits for the account-region rate limiter, which sits inside the SDK's
 * retry loop as a middleware. The options point the client elsewhere (a server on 127.0.0.1 in tests);
 * credentials come from the SDK's chain.
 */
export function cloudTrailClients(
  opts: Pick<CloudTrailClientConfig, 'endpoint' | 'credentials' | 'maxAttempts'> & {
    limiters: LimiterRegistry;
    accountId?: string | undefined;
  },
): (region: string) => CloudTrailClient {
  const { limiters, accountId, ...config } = opts;
  const clients = new Map<string, CloudTrailClient>();
  return (region) => {
    let c = clients.get(region);
    if (!c) {
      c = new CloudTrailClient({ region, retryMode: 'adaptive', maxAttempts: AWS_MAX_ATTEMPTS, ...config });
      const limit = limiters.for(`${accountId ?? 'default'}:${region}`);
      c.middlewareStack.add((next) => (args) => limit(() => next(args)), {
        step: 'finalizeRequest',
        priority: 'low',
        name: 'trailbotRateLimit',
      });
      clients.set(region, c);
    }
    return c;
  };
}

/** The real dependencies of the commands, built from config; tests build their own. */
export function buildDeps(config: Config, opts: { logger?: Logger; now?: () => Date } = {}): CommandDeps {
  const now = opts.now ?? (() => new Date());
  return {
    config,
    now,
    logger: opts.logger ?? createLogger(config.LOG_LEVEL),
    questions: questionQueue(config.TRAIL_MAX_CONCURRENT_QUESTIONS, config.TRAIL_MAX_QUEUED_QUESTIONS),
    sources: createSourceProvider({
      config,
      cloudTrailFor: cloudTrailClients({ limiters: lookupLimiters(), accountId: config.TRAIL_ACCOUNT_ID }),
      athena: () =>
        new AthenaClient({
          region: config.TRAIL_ATHENA_REGION ?? config.TRAIL_REGIONS[0],
          retryMode: 'adaptive',
          maxAttempts: AWS_MAX_ATTEMPTS,
        }),
      now,
    }),
  };
}
