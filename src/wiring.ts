import { CloudTrailClient, type CloudTrailClientConfig } from '@aws-sdk/client-cloudtrail';
import type { CommandDeps } from '../commands/spec.js';
import type { Config } from './config.js';
import { createLogger, type Logger } from './log.js';
import { questionQueue } from './queue.js';
import { lookupLimiters } from './trail/limiter.js';
import { createSourceProvider } from './trail/sources/index.js';

/** Attempts per AWS call; the SDK's adaptive mode also slows itself when AWS throttles. */
export const AWS_MAX_ATTEMPTS = 6;

/**
 * A CloudTrail client for a region with the SDK's adaptive retries; one per region, reused. The
 * options point it elsewhere (a server on 127.0.0.1 in tests); credentials come from the SDK's chain.
 */
export function cloudTrailClients(
  opts: Pick<CloudTrailClientConfig, 'endpoint' | 'credentials' | 'maxAttempts'> = {},
): (region: string) => CloudTrailClient {
  const clients = new Map<string, CloudTrailClient>();
  return (region) => {
    let c = clients.get(region);
    if (!c) {
      c = new CloudTrailClient({ region, retryMode: 'adaptive', maxAttempts: AWS_MAX_ATTEMPTS, ...opts });
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
      cloudTrailFor: cloudTrailClients(),
      limiters: lookupLimiters(),
      now,
    }),
  };
}
