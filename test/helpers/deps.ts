import { Writable } from 'node:stream';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { IAMClient } from '@aws-sdk/client-iam';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { auditor } from '../../src/audit/auditor.js';
import { type Config, loadConfig } from '../../src/config.js';
import type { CommandDeps } from '../../src/deps.js';
import { lazyGeo } from '../../src/geo/open.js';
import { createLogger } from '../../src/log.js';
import { questionQueue } from '../../src/question-queue.js';
import type { Stores } from '../../src/store/stores.js';
import type { SourceProvider } from '../../src/trail/sources/index.js';
import { createSourceProvider } from '../../src/trail/sources/index.js';
import { tempStore } from './alerts.js';

/** Credentials that reach nothing: clients in tests are mocked or pointed at a local server. */
export const FAKE_CREDENTIALS = { accessKeyId: 'AKIDTEST', secretAccessKey: 'test' };

/** Log lines a test can read. */
export function captureLogger(level = 'info') {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      for (const l of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(l));
      cb();
    },
  });
  return { logger: createLogger(level, sink), lines };
}

/** Command dependencies for tests: config from `env`, a fixed clock, captured logs. */
export function testDeps(
  env: Record<string, string> = {},
  opts: {
    now?: Date;
    sources?: SourceProvider;
    store?: Stores;
    iamFor?: (account?: string) => IAMClient;
    cloudTrailFor?: (region: string, account?: string) => CloudTrailClient;
    s3For?: (account?: string) => S3Client;
    /** Slack user group members, for roles granted to groups. */
    groups?: Record<string, ReadonlySet<string>>;
    /** What STS says the bot's own account is (undefined: it cannot be asked). */
    callerAccount?: string;
  } = {},
): CommandDeps & { lines: Record<string, unknown>[]; stopped: string[] } {
  const config: Config = loadConfig(env);
  const now = () => opts.now ?? new Date();
  const { logger, lines } = captureLogger();
  const geo = lazyGeo(config, now);
  const sources =
    opts.sources ??
    createSourceProvider({
      config,
      cloudTrailFor: () => {
        throw new Error('no CloudTrail client in this test');
      },
      athena: () => {
        throw new Error('no Athena client in this test');
      },
      now,
      locator: geo,
    });
  const questions = questionQueue(config.TRAIL_MAX_CONCURRENT_QUESTIONS, config.TRAIL_MAX_QUEUED_QUESTIONS);
  const stopped: string[] = [];
  const stopQuery = async (id: string) => {
    stopped.push(id);
  };
  let store: Stores | undefined;
  const getStore = (): Stores => {
    store ??= opts.store ?? tempStore().store;
    return store;
  };
  return {
    config,
    now,
    logger,
    sources,
    questions,
    lines,
    stopQuery,
    stopped,
    store: getStore,
    access: {
      roles: config.TRAIL_ROLES,
      investigateChannels: config.TRAIL_INVESTIGATE_CHANNELS,
      groupMembers: (g: string) => opts.groups?.[g],
    },
    audit: auditor(() => getStore().audit, logger),
    geo,
    posture: {
      cloudTrailFor:
        opts.cloudTrailFor ??
        ((region: string) => new CloudTrailClient({ region, credentials: FAKE_CREDENTIALS })),
      s3For: opts.s3For ?? (() => new S3Client({ region: 'us-east-1', credentials: FAKE_CREDENTIALS })),
      logsFor: (region: string) => new CloudWatchLogsClient({ region, credentials: FAKE_CREDENTIALS }),
      cloudWatchFor: (region: string) => new CloudWatchClient({ region, credentials: FAKE_CREDENTIALS }),
      snsFor: (region: string) => new SNSClient({ region, credentials: FAKE_CREDENTIALS }),
    },
    callerAccount: async () => opts.callerAccount,
    hygiene: {
      iamFor: opts.iamFor ?? (() => new IAMClient({ region: 'us-east-1', credentials: FAKE_CREDENTIALS })),
      organizations: () => new OrganizationsClient({ region: 'us-east-1', credentials: FAKE_CREDENTIALS }),
    },
  };
}
