import { StopQueryExecutionCommand } from '@aws-sdk/client-athena';
import { externalIdFor, fanOutAccounts, roleArnFor } from '../accounts.js';
import type { Config } from '../config.js';
import type { AwsDeps } from '../deps.js';
import { lookupLimiters } from '../trail/limiter.js';
import { createSourceProvider } from '../trail/sources/index.js';
import {
  athenaClient,
  callerAccount,
  cloudTrailClients,
  iamClients,
  once,
  organizationsClient,
  s3Clients,
} from './clients.js';

/** The AWS side of the dependencies: one client factory per service, roles assumed per account. */
export function buildAwsDeps(config: Config, now: () => Date): AwsDeps {
  const assume = { roleArnFor: roleArnFor(config), externalIdFor: externalIdFor(config) };
  const cloudTrailFor = cloudTrailClients({
    limiters: lookupLimiters(),
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
    }),
    stopQuery: async (queryId) => {
      await athena().send(new StopQueryExecutionCommand({ QueryExecutionId: queryId }));
    },
    posture: { cloudTrailFor, s3For: s3Clients({ region: config.TRAIL_REGIONS[0] as string, assume }) },
    hygiene: { iamFor: iamClients({ assume }), organizations: once(organizationsClient) },
    callerAccount: callerAccount(config.TRAIL_REGIONS[0] as string),
  };
}
