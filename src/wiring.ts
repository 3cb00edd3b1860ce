import { auditor } from './audit/auditor.js';
import type { AccessPolicy } from './auth.js';
import type { Config } from './config.js';
import type { AwsDeps, BaseDeps, CommandDeps } from './deps.js';
import type { GeoLocator } from './geo/locator.js';
import { lazyGeo } from './geo/open.js';
import { createLogger, type Logger } from './log.js';
import { questionQueue } from './question-queue.js';
import { openSqliteStores } from './store/sqlite/index.js';
import type { Stores } from './store/stores.js';

/** A store opened on first use; `close` closes it if it was opened. */
export interface StoreHolder {
  get: () => Stores;
  close: () => void;
}

/** The SQLite store at `path`, opened on first use. */
export function lazyStore(path: string): StoreHolder {
  let store: Stores | undefined;
  return {
    get: () => {
      store ??= openSqliteStores(path);
      return store;
    },
    close: () => store?.close(),
  };
}

/**
 * The store config chooses (TRAIL_STORE): SQLite at TRAIL_STORE_PATH, or the DynamoDB table
 * TRAIL_DYNAMODB_TABLE — whose SDK loads only then. Opened on first use either way.
 */
export async function storeHolder(config: Config): Promise<StoreHolder> {
  if (config.TRAIL_STORE !== 'dynamodb') return lazyStore(config.TRAIL_STORE_PATH);
  const { dynamoStoresFor } = await import('./store/dynamodb/open.js');
  let store: Stores | undefined;
  return {
    get: () => {
      store ??= dynamoStoresFor(config);
      return store;
    },
    close: () => store?.close(),
  };
}

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

/** What building the dependencies may be handed instead of the real thing. */
export interface DepsOptions {
  logger?: Logger;
  now?: () => Date;
  store?: () => Stores;
  directory?: ReturnType<typeof groupDirectory>;
}

/** The dependencies that need no AWS client: enough for help, usage errors and the offline subcommands. */
export function baseDeps(config: Config, opts: DepsOptions = {}): BaseDeps {
  const logger = opts.logger ?? createLogger(config.LOG_LEVEL);
  const store =
    opts.store ??
    (config.TRAIL_STORE === 'dynamodb'
      ? () => {
          throw new Error('the DynamoDB store is opened with storeHolder(config), then handed in');
        }
      : lazyStore(config.TRAIL_STORE_PATH).get);
  const now = opts.now ?? (() => new Date());
  return {
    config,
    now,
    logger,
    questions: questionQueue(config.TRAIL_MAX_CONCURRENT_QUESTIONS, config.TRAIL_MAX_QUEUED_QUESTIONS),
    store,
    access: accessPolicy(config, opts.directory ?? groupDirectory()),
    audit: auditor(() => store().audit, logger),
    geo: lazyGeo(config, now, logger),
  };
}

/** The AWS side, from config; the SDK is loaded here, on first need, not when the program starts. */
export async function awsDeps(
  config: Config,
  now: () => Date,
  geo: () => GeoLocator | undefined,
): Promise<AwsDeps> {
  const { buildAwsDeps } = await import('./aws/deps.js');
  return buildAwsDeps(config, now, geo);
}

/**
 * Stand-ins for the AWS side of a subcommand that answers at once (help, audit, athena-ddl): those never
 * reach AWS, and if one ever did, this says so instead of loading the SDK behind the terminal's back.
 */
export function withoutAws(base: BaseDeps): CommandDeps {
  const refuse = (): never => {
    throw new Error('internal: a subcommand answered at once reached for an AWS client');
  };
  return {
    ...base,
    sources: { get: refuse },
    stopQuery: refuse,
    hygiene: { iamFor: refuse, organizations: refuse },
    callerAccount: refuse,
    posture: { cloudTrailFor: refuse, s3For: refuse, logsFor: refuse, cloudWatchFor: refuse, snsFor: refuse },
  };
}

/**
 * A question answered from log files on disk, in the terminal: the local source alone, and no AWS SDK
 * loaded (it costs ~150 ms of a command that takes ~0.5 s over an index). Any other AWS reach is refused.
 */
export async function localOnly(config: Config, base: BaseDeps): Promise<CommandDeps> {
  const { localSources } = await import('./trail/sources/local-provider.js');
  return { ...withoutAws(base), sources: localSources(config, base.geo) };
}

/** The real dependencies of the commands and handlers, built from config; tests build their own. */
export async function buildDeps(config: Config, opts: DepsOptions = {}): Promise<CommandDeps> {
  const base = baseDeps(config, opts);
  return { ...base, ...(await awsDeps(config, base.now, base.geo)) };
}
