import { StopQueryExecutionCommand } from '@aws-sdk/client-athena';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { SNSClient } from '@aws-sdk/client-sns';
import { externalIdFor, fanOutAccounts, roleArnFor } from '../accounts.js';
import type { Config } from '../config.js';
import type { AwsDeps } from '../deps.js';
import type { GeoLocator } from '../geo/locator.js';
import { lookupLimiters } from '../trail/limiter.js';
import { createSourceProvider } from '../trail/sources/index.js';
import {
  athenaClient,
  callerAccount,
  cloudTrailClients,
  iamClients,
  once,
  organizationsClient,
  regionalClients,
  s3Clients,
} from './clients.js';

/**
 * The AWS side of the dependencies: one client factory per service, roles assumed per account — as the
 * bot (`trailbot`), or, through forIdentity, as the person or job the work is for.
 */
export function buildAwsDeps(config: Config, now: () => Date, geo: () => GeoLocator | undefined): AwsDeps {
  const limiters = lookupLimiters();
  const caller = callerAccount(config.TRAIL_REGIONS[0] as string);
  const as = new Map<string, Omit<AwsDeps, 'forIdentity'>>();
  const forIdentity = (identity: string) => {
    let d = as.get(identity);
    if (!d) {
      d = awsDepsAs(config, now, { identity, limiters, caller, geo });
      as.set(identity, d);
    }
    return d;
  };
  return { ...awsDepsAs(config, now, { limiters, caller, geo }), forIdentity };
}

function awsDepsAs(
  config: Config,
  now: () => Date,
  o: {
    identity?: string;
    limiters: ReturnType<typeof lookupLimiters>;
    caller: () => Promise<string | undefined>;
    geo: () => GeoLocator | undefined;
  },
): Omit<AwsDeps, 'forIdentity'> {
  const assume = {
    roleArnFor: roleArnFor(config),
    externalIdFor: externalIdFor(config),
    identity: o.identity,
  };
  const cloudTrailFor = cloudTrailClients({
    limiters: o.limiters,
    accountId: config.TRAIL_ACCOUNT_ID,
    assume,
  });
  // One Athena client, built on first use, shared by the source and the Cancel button.
  const athena = once(() => athenaClient(config.TRAIL_ATHENA_REGION ?? config.TRAIL_REGIONS[0]));
  return {
    sources: createSourceProvider({
      config,
      cloudTrailFor,
      athena,
      fanOutAccounts: fanOutAccounts(config),
      now,
      locator: o.geo,
    }),
    stopQuery: async (queryId) => {
      await athena().send(new StopQueryExecutionCommand({ QueryExecutionId: queryId }));
    },
    posture: {
      cloudTrailFor,
      s3For: s3Clients({ region: config.TRAIL_REGIONS[0] as string, assume }),
      logsFor: regionalClients((c) => new CloudWatchLogsClient(c), assume),
      cloudWatchFor: regionalClients((c) => new CloudWatchClient(c), assume),
      snsFor: regionalClients((c) => new SNSClient(c), assume),
    },
    hygiene: { iamFor: iamClients({ assume }), organizations: once(organizationsClient) },
    callerAccount: o.caller,
  };
}
