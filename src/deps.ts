import type { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { IAMClient } from '@aws-sdk/client-iam';
import type { OrganizationsClient } from '@aws-sdk/client-organizations';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { AuditEntry } from './audit/log.js';
import type { AccessPolicy, Actor } from './auth.js';
import type { Config } from './config.js';
import type { GeoLocator } from './geo/locator.js';
import type { Logger } from './log.js';
import type { QuestionQueue } from './question-queue.js';
import type { Stores } from './store/stores.js';
import type { SourceProvider } from './trail/sources/index.js';
import type { SearchProgress } from './trail/sources/types.js';

/**
 * What every subcommand and handler may use without AWS: config, clock, log, store, permissions, audit.
 * The terminal builds only this for help, usage errors and the offline subcommands, so they start fast.
 */
export interface BaseDeps {
  config: Config;
  now: () => Date;
  logger: Logger;
  /** Where slow questions from Slack wait their turn. */
  questions: QuestionQueue;
  /** The store (alerts, mutes, digests, audit), opened on first use. */
  store: () => Stores;
  /** Who may do what: roles, channel limits, user group membership. */
  access: AccessPolicy;
  /** Record an action in the audit trail (store and log). */
  audit: (e: AuditEntry) => void;
  /** Where addresses are (opened on first use); undefined when TRAIL_GEOIP is off. */
  geo: () => GeoLocator | undefined;
}

/** The AWS side: event sources and the clients of hygiene and posture (the SDK loads with these). */
export interface AwsDeps {
  /**
   * The same AWS side acting as `identity` (sessionIdentity: slack-U…, terminal-…, trailbot-digest):
   * every role it assumes carries that SourceIdentity and session name. Shares rate limits.
   */
  forIdentity?: ((identity: string) => Omit<AwsDeps, 'forIdentity'>) | undefined;
  sources: SourceProvider;
  /** Stop a running Athena query (the Cancel button). */
  stopQuery: (queryId: string) => Promise<void>;
  /** IAM hygiene's clients: IAM per account (its role assumed), and Organizations to list accounts. */
  hygiene: {
    iamFor: (account?: string) => IAMClient;
    organizations: () => OrganizationsClient;
  };
  /** The account the bot's own credentials belong to (STS), when no event names it. */
  callerAccount: () => Promise<string | undefined>;
  /** Trail posture's clients: CloudTrail, CloudWatch Logs, CloudWatch, SNS per region and account, S3 per account (roles assumed). */
  posture: {
    cloudTrailFor: (region: string, account?: string) => CloudTrailClient;
    s3For: (account?: string) => S3Client;
    /** The CIS 4.x monitoring reads: the trail's log group, its alarms, their topics. */
    logsFor: (region: string, account?: string) => CloudWatchLogsClient;
    cloudWatchFor: (region: string, account?: string) => CloudWatchClient;
    snsFor: (region: string, account?: string) => SNSClient;
  };
}

/** Everything a subcommand may use; every outside client is in here, passed in. */
export type CommandDeps = BaseDeps & AwsDeps;

/** Where a subcommand runs: the front and the person. */
export interface RunContext {
  actor: Actor;
  /** Report progress of slow work (and a query that can be stopped); the front decides how to show it. */
  progress: (p: SearchProgress) => void;
}
