import { AthenaClient, StopQueryExecutionCommand } from '@aws-sdk/client-athena';
import { CloudTrailClient, type CloudTrailClientConfig } from '@aws-sdk/client-cloudtrail';
import { IAMClient, type IAMClientConfig } from '@aws-sdk/client-iam';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { S3Client } from '@aws-sdk/client-s3';
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import type { CommandDeps } from '../commands/spec.js';
import { auditor } from './audit.js';
import type { AccessPolicy } from './auth.js';
import type { Config } from './config.js';
import { createLogger, type Logger } from './log.js';
import { questionQueue } from './queue.js';
import { SqliteStore } from './store/sqlite.js';
import type { Store } from './store/store.js';
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
    /** How to act in another account: the role to assume there (credentials cached until they expire). */
    assume?: AssumeOptions | undefined;
  },
): (region: string, account?: string) => CloudTrailClient {
  const { limiters, accountId, assume, ...config } = opts;
  const clients = new Map<string, CloudTrailClient>();
  return (region, account) => {
    const key = `${account ?? accountId ?? 'default'}:${region}`;
    let c = clients.get(key);
    if (!c) {
      const credentials = credentialsFor({ region, ...config, assume }, account);
      c = new CloudTrailClient({
        region,
        retryMode: 'adaptive',
        maxAttempts: AWS_MAX_ATTEMPTS,
        ...config,
        ...(credentials ? { credentials } : {}),
      });
      const limit = limiters.for(key);
      c.middlewareStack.add((next) => (args) => limit(() => next(args)), {
        step: 'finalizeRequest',
        priority: 'low',
        name: 'trailbotRateLimit',
      });
      clients.set(key, c);
    }
    return c;
  };
}

/** How to act in another account: the role to assume there, and its external id. */
export interface AssumeOptions {
  roleArnFor: (account: string) => string | undefined;
  externalIdFor?: (account: string) => string | undefined;
}

/**
 * Credentials for an account: the role to assume there (fromTemporaryCredentials, cached until they
 * expire; the STS client follows the same endpoint and base credentials, a local stand-in in tests),
 * or the base credentials when the account has no role.
 */
export function credentialsFor(
  o: { region: string; endpoint?: unknown; credentials?: unknown; assume?: AssumeOptions | undefined },
  account?: string,
): CloudTrailClientConfig['credentials'] {
  const roleArn = account ? o.assume?.roleArnFor(account) : undefined;
  if (!roleArn || !account) return o.credentials as CloudTrailClientConfig['credentials'];
  const externalId = o.assume?.externalIdFor?.(account);
  return fromTemporaryCredentials({
    params: {
      RoleArn: roleArn,
      RoleSessionName: 'trailbot',
      ...(externalId ? { ExternalId: externalId } : {}),
    },
    clientConfig: { region: o.region, ...(o.endpoint ? { endpoint: o.endpoint as string } : {}) },
    ...(o.credentials ? { masterCredentials: o.credentials as never } : {}),
  });
}

/** IAM clients per account (IAM is global: us-east-1), each assuming the account's role; reused. */
export function iamClients(
  opts: Pick<IAMClientConfig, 'endpoint' | 'credentials' | 'maxAttempts'> & {
    assume?: AssumeOptions | undefined;
  },
): (account?: string) => IAMClient {
  const { assume, ...config } = opts;
  return perAccount((account) => {
    const credentials = credentialsFor({ region: 'us-east-1', ...config, assume }, account);
    return new IAMClient({
      region: 'us-east-1',
      retryMode: 'adaptive',
      maxAttempts: AWS_MAX_ATTEMPTS,
      ...config,
      ...(credentials ? { credentials } : {}),
    });
  });
}

/** One client per account (undefined: the bot's own), built on first use and reused. */
export function perAccount<C>(make: (account?: string) => C): (account?: string) => C {
  const clients = new Map<string, C>();
  return (account) => {
    const key = account ?? 'default';
    let c = clients.get(key);
    if (!c) {
      c = make(account);
      clients.set(key, c);
    }
    return c;
  };
}

/**
 * The role to assume in an account: one named in TRAIL_ASSUME_ROLE_ARNS for it, else TRAIL_ASSUME_ROLE_NAME
 * in that account, else none (the bot's own credentials).
 */
export function roleArnFor(config: Config): (account: string) => string | undefined {
  const explicit = new Map(
    (config.TRAIL_ASSUME_ROLE_ARNS ?? []).map((arn) => [arn.split(':')[4] as string, arn]),
  );
  return (account) =>
    explicit.get(account) ??
    (config.TRAIL_ASSUME_ROLE_NAME
      ? `arn:aws:iam::${account}:role/${config.TRAIL_ASSUME_ROLE_NAME}`
      : undefined);
}

/** The external id an account's role requires: its own from TRAIL_ASSUME_EXTERNAL_IDS, else the common one. */
export function externalIdFor(config: Config): (account: string) => string | undefined {
  const own = new Map(
    (config.TRAIL_ASSUME_EXTERNAL_IDS?.reveal().split(',') ?? []).map((pair) => {
      const at = pair.indexOf('=');
      return [pair.slice(0, at), pair.slice(at + 1)] as const;
    }),
  );
  return (account) => own.get(account) ?? config.TRAIL_ASSUME_EXTERNAL_ID?.reveal();
}

/** The accounts LookupEvents asks at once: those with a role to assume, when there are any. */
export function fanOutAccounts(config: Config): string[] | undefined {
  const named = config.TRAIL_ASSUME_ROLE_NAME ? (config.TRAIL_ACCOUNTS ?? []) : [];
  const explicit = (config.TRAIL_ASSUME_ROLE_ARNS ?? []).map((arn) => arn.split(':')[4] as string);
  const all = [...new Set([...named, ...explicit])];
  return all.length ? all : undefined;
}

/** The SQLite store at `path`, opened on first use; `close` closes it if it was opened. */
export function lazyStore(path: string): { get: () => Store; close: () => void } {
  let store: SqliteStore | undefined;
  return {
    get: () => {
      store ??= new SqliteStore(path);
      return store;
    },
    close: () => store?.close(),
  };
}

/** The real dependencies of the commands, built from config; tests build their own. */
/** The members of Slack user groups, as last read; the roles job keeps it fresh (handlers/roles.ts). */
export function groupDirectory(): {
  members: (group: string) => ReadonlySet<string> | undefined;
  set: (group: string, users: string[]) => void;
} {
  const groups = new Map<string, ReadonlySet<string>>();
  return { members: (g) => groups.get(g), set: (g, users) => void groups.set(g, new Set(users)) };
}

/** The access policy from config, with group membership from `directory`. */
export function accessPolicy(config: Config, directory: ReturnType<typeof groupDirectory>): AccessPolicy {
  return {
    roles: config.TRAIL_ROLES,
    investigateChannels: config.TRAIL_INVESTIGATE_CHANNELS,
    groupMembers: directory.members,
  };
}

export function buildDeps(
  config: Config,
  opts: {
    logger?: Logger;
    now?: () => Date;
    store?: () => Store;
    directory?: ReturnType<typeof groupDirectory>;
  } = {},
): CommandDeps {
  const logger = opts.logger ?? createLogger(config.LOG_LEVEL);
  const store = opts.store ?? lazyStore(config.TRAIL_STORE_PATH).get;
  const now = opts.now ?? (() => new Date());
  let organizations: OrganizationsClient | undefined;
  const assume = { roleArnFor: roleArnFor(config), externalIdFor: externalIdFor(config) };
  const cloudTrailFor = cloudTrailClients({
    limiters: lookupLimiters(),
    accountId: config.TRAIL_ACCOUNT_ID,
    assume,
  });
  // One Athena client, built on first use, shared by the source and the Cancel button.
  let athenaClient: AthenaClient | undefined;
  const athena = () => {
    athenaClient ??= new AthenaClient({
      region: config.TRAIL_ATHENA_REGION ?? config.TRAIL_REGIONS[0],
      retryMode: 'adaptive',
      maxAttempts: AWS_MAX_ATTEMPTS,
    });
    return athenaClient;
  };
  return {
    config,
    now,
    logger,
    questions: questionQueue(config.TRAIL_MAX_CONCURRENT_QUESTIONS, config.TRAIL_MAX_QUEUED_QUESTIONS),
    sources: createSourceProvider({
      config,
      cloudTrailFor,
      athena,
      fanOutAccounts: fanOutAccounts(config),
      now,
    }),
    stopQuery: async (queryId) => {
      await athena().send(new StopQueryExecutionCommand({ QueryExecutionId: queryId }));
    },
    store,
    access: accessPolicy(config, opts.directory ?? groupDirectory()),
    audit: auditor(store, logger),
    posture: {
      cloudTrailFor,
      s3For: perAccount((account) => {
        const region = config.TRAIL_REGIONS[0] as string;
        const credentials = credentialsFor({ region, assume }, account);
        return new S3Client({
          region,
          retryMode: 'adaptive',
          maxAttempts: AWS_MAX_ATTEMPTS,
          // Buckets in other regions answer with a redirect the client follows.
          followRegionRedirects: true,
          ...(credentials ? { credentials } : {}),
        });
      }),
    },
    hygiene: {
      iamFor: iamClients({ assume }),
      organizations: () => {
        organizations ??= new OrganizationsClient({
          region: 'us-east-1',
          retryMode: 'adaptive',
          maxAttempts: AWS_MAX_ATTEMPTS,
        });
        return organizations;
      },
    },
  };
}
