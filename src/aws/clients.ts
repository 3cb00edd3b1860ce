import { AthenaClient } from '@aws-sdk/client-athena';
import { CloudTrailClient, type CloudTrailClientConfig } from '@aws-sdk/client-cloudtrail';
import { IAMClient, type IAMClientConfig } from '@aws-sdk/client-iam';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import { ENDPOINT } from '../aws-errors.js';
import type { LimiterRegistry } from '../trail/limiter.js';

/** A client whose failed calls say where they went (ENDPOINT on the error), for awsError's messages. */
export function withEndpointOnErrors<C extends { middlewareStack: { add: (...a: never[]) => unknown } }>(
  client: C,
): C {
  const add = client.middlewareStack.add as unknown as (
    mw: (
      next: (a: { request: unknown }) => Promise<unknown>,
    ) => (a: { request: unknown }) => Promise<unknown>,
    o: { step: 'finalizeRequest'; priority: 'high'; name: string },
  ) => void;
  add.call(
    client.middlewareStack,
    (next) => async (args) => {
      try {
        return await next(args);
      } catch (err) {
        const r = args.request as
          | { protocol?: string; hostname?: string; port?: number; path?: string }
          | undefined;
        if (err && typeof err === 'object' && r?.hostname)
          (err as Record<symbol, string>)[ENDPOINT] =
            `${r.protocol ?? 'https:'}//${r.hostname}${r.port ? `:${r.port}` : ''}${r.path ?? ''}`;
        throw err;
      }
    },
    { step: 'finalizeRequest', priority: 'high', name: 'trailbotEndpointOnErrors' },
  );
  return client;
}

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
      c = withEndpointOnErrors(
        new CloudTrailClient({
          region,
          retryMode: 'adaptive',
          maxAttempts: AWS_MAX_ATTEMPTS,
          ...config,
          ...(credentials ? { credentials } : {}),
        }),
      );
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
  /**
   * Who the work is for (slack-U0123ABCD, terminal-alice, trailbot-digest): the session name and the
   * SourceIdentity of every role assumed, so the target account's CloudTrail names who asked.
   */
  identity?: string | undefined;
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
      RoleSessionName: o.assume?.identity ?? 'trailbot',
      ...(o.assume?.identity ? { SourceIdentity: o.assume.identity } : {}),
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
    return withEndpointOnErrors(
      new IAMClient({
        region: 'us-east-1',
        retryMode: 'adaptive',
        maxAttempts: AWS_MAX_ATTEMPTS,
        ...config,
        ...(credentials ? { credentials } : {}),
      }),
    );
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

/** S3 clients per account, in the first configured region; buckets elsewhere answer with a redirect it follows. */
export function s3Clients(opts: {
  region: string;
  assume?: AssumeOptions | undefined;
}): (account?: string) => S3Client {
  return perAccount((account) => {
    const credentials = credentialsFor({ region: opts.region, assume: opts.assume }, account);
    return withEndpointOnErrors(
      new S3Client({
        region: opts.region,
        retryMode: 'adaptive',
        maxAttempts: AWS_MAX_ATTEMPTS,
        followRegionRedirects: true,
        ...(credentials ? { credentials } : {}),
      }),
    );
  });
}

/**
 * Clients of one service per region and account (the account's role assumed), built on first use and
 * reused: CloudWatch Logs, CloudWatch and SNS for the posture's monitoring reads.
 */
export function regionalClients<C extends { middlewareStack: { add: (...a: never[]) => unknown } }>(
  make: (config: {
    region: string;
    retryMode: 'adaptive';
    maxAttempts: number;
    credentials?: CloudTrailClientConfig['credentials'];
  }) => C,
  assume?: AssumeOptions | undefined,
): (region: string, account?: string) => C {
  const clients = new Map<string, C>();
  return (region, account) => {
    const key = `${account ?? 'default'}:${region}`;
    let c = clients.get(key);
    if (!c) {
      const credentials = credentialsFor({ region, assume }, account);
      c = withEndpointOnErrors(
        make({
          region,
          retryMode: 'adaptive',
          maxAttempts: AWS_MAX_ATTEMPTS,
          ...(credentials ? { credentials } : {}),
        }),
      );
      clients.set(key, c);
    }
    return c;
  };
}

/** A client built on first use and reused (Organizations and Athena: one each). */
export function once<C>(make: () => C): () => C {
  let c: C | undefined;
  return () => {
    c ??= make();
    return c;
  };
}

/** The Organizations client (its API lives in us-east-1). */
export const organizationsClient = () =>
  withEndpointOnErrors(
    new OrganizationsClient({ region: 'us-east-1', retryMode: 'adaptive', maxAttempts: AWS_MAX_ATTEMPTS }),
  );

/** The Athena client for a region. */
export const athenaClient = (region: string | undefined) =>
  withEndpointOnErrors(new AthenaClient({ region, retryMode: 'adaptive', maxAttempts: AWS_MAX_ATTEMPTS }));

/**
 * The SQS client for the alert queue's region. An endpoint from the SDK's standard settings
 * (AWS_ENDPOINT_URL_SQS, AWS_ENDPOINT_URL) is passed in explicitly: without it the SQS client sends each
 * call to the host of the queue URL, whatever the settings say.
 */
export const sqsClient = (region: string, endpoint?: string) =>
  new SQSClient({
    region,
    retryMode: 'adaptive',
    maxAttempts: AWS_MAX_ATTEMPTS,
    ...(endpoint ? { endpoint } : {}),
  });

/**
 * The account the bot's own credentials belong to (STS GetCallerIdentity, which needs no permission),
 * asked once; undefined when it cannot be had. Used where no event names the account, instead of a label.
 */
export function callerAccount(region: string): () => Promise<string | undefined> {
  let asked: Promise<string | undefined> | undefined;
  return () => {
    asked ??= withEndpointOnErrors(new STSClient({ region, maxAttempts: 2 }))
      .send(new GetCallerIdentityCommand({}))
      .then(
        (r) => r.Account,
        () => undefined,
      );
    return asked;
  };
}
