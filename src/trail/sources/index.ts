import type { AthenaClient } from '@aws-sdk/client-athena';
import type { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import type { Config } from '../../config.js';
import type { GeoLocator } from '../../geo/locator.js';
import { AthenaSource } from './athena.js';
import { AutoSource } from './auto.js';
import { FanOutSource } from './fan-out.js';
import { localSources, sourceNameOf } from './local-provider.js';
import { LookupSource } from './lookup.js';
import type { EventSource, SourceChoice, SourceProvider } from './types.js';

export type { SourceChoice, SourceProvider } from './types.js';

/** The parts a provider is built from; the CloudTrail client factory is passed in. */
export interface SourceProviderDeps {
  config: Config;
  /** A CloudTrail client for a region; with an account, one acting in that account (an assumed role). */
  cloudTrailFor: (region: string, account?: string) => CloudTrailClient;
  /** The Athena client, built on first use. */
  athena: () => AthenaClient;
  /** Accounts LookupEvents asks at once, through roles assumed in each; undefined for the bot's own. */
  fanOutAccounts?: string[] | undefined;
  now: () => Date;
  /** Where addresses are: every answer's events get their places when it gives a locator. */
  locator?: (() => GeoLocator | undefined) | undefined;
}

/** The default provider: config picks the source unless the question names one. */
export function createSourceProvider(deps: SourceProviderDeps): SourceProvider {
  const { local, withPlaces } = localSources(deps.config, deps.locator);
  let lookup: EventSource | undefined;
  let athena: AthenaSource | undefined;
  const lookupIn = (account: string | undefined) =>
    new LookupSource({
      clientFor: (region) => deps.cloudTrailFor(region, account),
      regions: deps.config.TRAIL_REGIONS,
      accountId: account ?? deps.config.TRAIL_ACCOUNT_ID,
      maxPages: deps.config.TRAIL_LOOKUP_MAX_PAGES,
      now: deps.now,
    });
  // With a role to assume in each configured account, LookupEvents is asked in every account at once.
  const fanOut = deps.fanOutAccounts;
  const lookupSource = () => {
    lookup ??= fanOut
      ? new FanOutSource(
          fanOut.map((account) => ({ account, source: lookupIn(account) })),
          deps.config.TRAIL_MAX_CONCURRENT_ACCOUNTS,
        )
      : lookupIn(undefined);
    return lookup;
  };
  const athenaWith = (capMb: number) =>
    new AthenaSource({
      client: deps.athena(),
      table: {
        database: deps.config.TRAIL_ATHENA_DATABASE,
        table: deps.config.TRAIL_ATHENA_TABLE,
        partitions: { region: true, account: true },
      },
      workgroup: deps.config.TRAIL_ATHENA_WORKGROUP,
      outputLocation: deps.config.TRAIL_ATHENA_OUTPUT,
      costCapBytes: capMb * 1_000_000,
      regions: deps.config.TRAIL_REGIONS,
      accounts:
        deps.config.TRAIL_ACCOUNTS ??
        (deps.config.TRAIL_ACCOUNT_ID ? [deps.config.TRAIL_ACCOUNT_ID] : undefined),
      now: deps.now,
    });
  const athenaSource = () => {
    athena ??= athenaWith(deps.config.TRAIL_ATHENA_COST_CAP_MB);
    return athena;
  };
  return {
    get: (choice) => withPlaces(pick(choice)),
  };
  function pick(choice: SourceChoice): EventSource {
    switch (sourceNameOf(choice, deps.config)) {
      case 'local':
        return local(choice.logs ?? deps.config.TRAIL_LOGS_DIR, choice.index ?? deps.config.TRAIL_INDEX_DIR);
      case 'lookup':
        return lookupSource();
      case 'athena':
        return choice.maxScanMb ? athenaWith(choice.maxScanMb) : athenaSource();
      case 'auto':
        return new AutoSource({
          local: { dir: deps.config.TRAIL_LOGS_DIR, source: () => local(deps.config.TRAIL_LOGS_DIR) },
          lookup: lookupSource,
          lookupForGaps: deps.config.TRAIL_ACCOUNT_ID !== undefined,
          athena: deps.config.TRAIL_ARCHIVE_BUCKET
            ? choice.maxScanMb
              ? () => athenaWith(choice.maxScanMb as number)
              : athenaSource
            : undefined,
          now: deps.now,
        });
    }
  }
}
