import type { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import type { IAMClient } from '@aws-sdk/client-iam';
import type { OrganizationsClient } from '@aws-sdk/client-organizations';
import type { S3Client } from '@aws-sdk/client-s3';
import type { AuditEntry } from '../src/audit.js';
import type { AccessPolicy, Actor, Permission } from '../src/auth.js';
import type { Config } from '../src/config.js';
import type { Logger } from '../src/log.js';
import type { Doc, Inline } from '../src/present/doc.js';
import type { QuestionQueue } from '../src/queue.js';
import type { Store } from '../src/store/store.js';
import type { TrailEvent } from '../src/trail/event.js';
import type { SourceProvider } from '../src/trail/sources/index.js';
import type { SearchProgress } from '../src/trail/sources/types.js';

/** Everything a subcommand may use; every outside client is in here, passed in. */
export interface CommandDeps {
  config: Config;
  now: () => Date;
  logger: Logger;
  sources: SourceProvider;
  /** Where slow questions from Slack wait their turn. */
  questions: QuestionQueue;
  /** Stop a running Athena query (the Cancel button). */
  stopQuery: (queryId: string) => Promise<void>;
  /** The store (alerts, mutes, digests, audit), opened on first use. */
  store: () => Store;
  /** Who may do what: roles, channel limits, user group membership. */
  access: AccessPolicy;
  /** Record an action in the audit trail (store and log). */
  audit: (e: AuditEntry) => void;
  /** IAM hygiene's clients: IAM per account (its role assumed), and Organizations to list accounts. */
  hygiene: {
    iamFor: (account?: string) => IAMClient;
    organizations: () => OrganizationsClient;
  };
  /** Trail posture's clients: CloudTrail per region and account, S3 per account (roles assumed). */
  posture: {
    cloudTrailFor: (region: string, account?: string) => CloudTrailClient;
    s3For: (account?: string) => S3Client;
  };
}

/** Where a subcommand runs: the front and the person. */
export interface RunContext {
  actor: Actor;
  /** Report progress of slow work (and a query that can be stopped); the front decides how to show it. */
  progress: (p: SearchProgress) => void;
}

/**
 * One `/trail` subcommand: parse its words, run against the services in src/, present the result. The
 * same spec serves Slack and the terminal.
 */
export interface CommandSpec<Args = unknown, Result = unknown> {
  name: string;
  /** "who-deleted <name or ARN> [--since 7d] …", without the "/trail" or "trail" prefix. */
  usage: string;
  summary: string;
  permission: Permission;
  /** When some uses of the subcommand need more (muting a finding), the permission those args need. */
  permissionFor?(args: Args, config: Config): Permission;
  /** The answer's full list as a file: --csv prints it; Slack attaches it when `needed` (the message cannot hold it all). */
  file?(
    result: Result,
  ): { filename: string; content: string | Buffer; comment: string; needed: boolean } | undefined;
  /**
   * Words after the subcommand name → arguments, or a UsageError. `front` lets Slack refuse local-only
   * flags; `now` and `config` resolve time words and defaults, so bad input is caught before any work.
   */
  parse(words: string[], front: Actor['front'], now: Date, config: Config): Args;
  /** Runs in microseconds with no I/O (help): answered in the acknowledgement itself. */
  immediate?: boolean;
  /** Say what is about to happen, for the immediate acknowledgement. */
  working?(args: Args): Inline[];
  run(args: Args, deps: CommandDeps, ctx: RunContext): Promise<Result>;
  /** The events of a result, for --csv and file exports. */
  rows?(result: Result): TrailEvent[];
  present(result: Result, deps: CommandDeps): Doc;
}

/** A spec with its types erased, for the command table. */
// biome-ignore lint/suspicious/noExplicitAny: the table holds specs of different argument types.
export type AnyCommand = CommandSpec<any, any>;

/** How a subcommand is typed on each front. */
export function commandPrefix(front: Actor['front']): string {
  return front === 'slack' ? '/trail' : 'trail';
}
