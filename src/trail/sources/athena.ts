import {
  type AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  type GetQueryResultsCommandOutput,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import { awsError } from '../../aws-errors.js';
import { TrailbotError, UpstreamError } from '../../errors.js';
import { type AthenaTable, buildAthenaSql, isExactInAthena, MAX_ATHENA_ROWS } from '../athena/sql.js';
import { parseRecord, type TrailEvent } from '../event.js';
import { matchesQuery, newestFirst, type TrailQuery } from '../query.js';
import type { EventSource, SearchProgress, SearchResult } from './types.js';

/** Athena bills $5 per TB scanned, with a 10 MB minimum per query. */
export const ATHENA_DOLLARS_PER_TB = 5;
export const ATHENA_MINIMUM_BYTES = 10 * 1_000_000;

/** The price of scanning `bytes`, in dollars. */
export function athenaCost(bytes: number): number {
  return (Math.max(bytes, ATHENA_MINIMUM_BYTES) / 1e12) * ATHENA_DOLLARS_PER_TB;
}

/** A query stopped because it scanned more than the configured cap. */
export class CostCapError extends TrailbotError {
  constructor(scanned: number, cap: number) {
    super(
      'source_cannot_answer',
      `The Athena query was stopped after scanning ${mb(scanned)} (cap ${mb(cap)}, about $${athenaCost(cap).toFixed(4)}). ` +
        'Narrow the range with --since/--until, or name --region/--account.',
    );
  }
}

const mb = (bytes: number) => `${(bytes / 1_000_000).toFixed(1)} MB`;

/** What the Athena source is built from; the client, clock and sleep are passed in. */
export interface AthenaSourceOptions {
  client: AthenaClient;
  table: AthenaTable;
  workgroup: string;
  /** s3://… for results, unless the workgroup sets one. */
  outputLocation?: string | undefined;
  /** Stop a query that scans more than this many bytes. */
  costCapBytes: number;
  /** What the table covers, for answers that name no --region/--account. */
  regions?: string[] | undefined;
  accounts?: string[] | undefined;
  now: () => Date;
  sleep?: (ms: number) => Promise<void>;
}

/** Poll intervals: quick at first, then backing off to every 2 seconds. */
function* pollDelays(): Generator<number> {
  let d = 250;
  for (;;) {
    yield d;
    d = Math.min(2000, Math.round(d * 1.5));
  }
}

function mapAwsError(err: unknown, action: string): Error {
  return awsError(err, { service: 'Athena', action });
}

/** A row of GetQueryResults as a raw CloudTrail record. */
function recordOf(columns: string[], values: (string | undefined)[]): Record<string, unknown> {
  const v = (c: string) => values[columns.indexOf(c)];
  const json = (c: string) => {
    const s = v(c);
    if (s === undefined || s === '') return undefined;
    try {
      return JSON.parse(s);
    } catch {
      return undefined;
    }
  };
  return {
    eventID: v('eventid'),
    eventTime: v('eventtime'),
    eventName: v('eventname'),
    eventSource: v('eventsource'),
    awsRegion: v('awsregion'),
    recipientAccountId: v('recipientaccountid'),
    sourceIPAddress: v('sourceipaddress'),
    userAgent: v('useragent'),
    errorCode: v('errorcode'),
    errorMessage: v('errormessage'),
    readOnly: v('readonly'),
    eventType: v('eventtype'),
    requestParameters: json('requestparameters'),
    responseElements: json('responseelements'),
    additionalEventData: json('additionaleventdata'),
    userIdentity: lowerKeysToCloudTrail(json('useridentity')),
    resources: (json('resources') as { arn?: string; type?: string }[] | undefined)?.map((r) => ({
      ARN: r.arn,
      type: r.type,
    })),
  };
}

/** Athena's lower-case struct fields back to CloudTrail's names. */
function lowerKeysToCloudTrail(ui: unknown): unknown {
  if (!ui || typeof ui !== 'object') return ui;
  const u = ui as Record<string, unknown>;
  const issuer = (u.sessioncontext as { sessionissuer?: Record<string, unknown> } | undefined)?.sessionissuer;
  return {
    type: u.type,
    principalId: u.principalid,
    arn: u.arn,
    accountId: u.accountid,
    invokedBy: u.invokedby,
    accessKeyId: u.accesskeyid,
    userName: u.username,
    onBehalfOf: u.onbehalfof ? { userId: (u.onbehalfof as Record<string, unknown>).userid } : undefined,
    sessionContext: issuer
      ? {
          sessionIssuer: {
            type: issuer.type,
            principalId: issuer.principalid,
            arn: issuer.arn,
            accountId: issuer.accountid,
            userName: issuer.username,
          },
        }
      : undefined,
  };
}

/**
 * CloudTrail's S3 archive through Athena: anything older than 90 days, data events, filters LookupEvents
 * cannot express. Polls with backoff, reports state, elapsed time and data scanned, stops above the cost
 * cap, and pages the results.
 */
export class AthenaSource implements EventSource {
  readonly name = 'athena' as const;
  constructor(private readonly opts: AthenaSourceOptions) {}

  describe(): string {
    return `Athena table ${this.opts.table.database}.${this.opts.table.table} (workgroup ${this.opts.workgroup})`;
  }

  async search(q: TrailQuery, o?: { onProgress?: (p: SearchProgress) => void }): Promise<SearchResult> {
    const { client } = this.opts;
    const sleep = this.opts.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)));
    const { sql, parameters } = buildAthenaSql(q, this.opts.table);
    const started = this.opts.now().getTime();
    let id: string | undefined;
    try {
      const start = await client.send(
        new StartQueryExecutionCommand({
          QueryString: sql,
          ExecutionParameters: parameters,
          QueryExecutionContext: { Database: this.opts.table.database },
          WorkGroup: this.opts.workgroup,
          ...(this.opts.outputLocation
            ? { ResultConfiguration: { OutputLocation: this.opts.outputLocation } }
            : {}),
        }),
      );
      id = start.QueryExecutionId;
    } catch (err) {
      throw mapAwsError(err, 'athena:StartQueryExecution');
    }
    if (!id) throw new UpstreamError('Athena started no query.');
    let scanned = 0;
    for (const delay of pollDelays()) {
      await sleep(delay);
      let state: string | undefined;
      let reason: string | undefined;
      try {
        const ex = await client.send(new GetQueryExecutionCommand({ QueryExecutionId: id }));
        state = ex.QueryExecution?.Status?.State;
        reason = ex.QueryExecution?.Status?.StateChangeReason;
        scanned = ex.QueryExecution?.Statistics?.DataScannedInBytes ?? scanned;
      } catch (err) {
        throw mapAwsError(err, 'athena:GetQueryExecution');
      }
      const elapsed = Math.round((this.opts.now().getTime() - started) / 1000);
      o?.onProgress?.({
        examined: 0,
        note: `Athena ${state ?? 'UNKNOWN'}, ${elapsed} s, ${mb(scanned)} scanned`,
        // While it runs, the query can be stopped (the Cancel button).
        queryId: state === 'QUEUED' || state === 'RUNNING' ? id : undefined,
      });
      if (scanned > this.opts.costCapBytes && (state === 'QUEUED' || state === 'RUNNING')) {
        await client.send(new StopQueryExecutionCommand({ QueryExecutionId: id })).catch(() => undefined);
        throw new CostCapError(scanned, this.opts.costCapBytes);
      }
      if (state === 'SUCCEEDED') break;
      if (state === 'FAILED')
        throw new UpstreamError(`The Athena query failed: ${reason ?? 'no reason given'}.`);
      if (state === 'CANCELLED')
        throw new UpstreamError(`The Athena query was cancelled${reason ? `: ${reason}` : ''}.`);
    }
    const events: TrailEvent[] = [];
    let read = 0;
    let unreadable = 0;
    let columns: string[] | undefined;
    let token: string | undefined;
    do {
      let page: GetQueryResultsCommandOutput;
      try {
        page = await client.send(
          new GetQueryResultsCommand({ QueryExecutionId: id, NextToken: token, MaxResults: 1000 }),
        );
      } catch (err) {
        throw mapAwsError(err, 'athena:GetQueryResults');
      }
      columns ??= page.ResultSet?.ResultSetMetadata?.ColumnInfo?.map((c) => c.Name ?? '') ?? [];
      const rows = page.ResultSet?.Rows ?? [];
      // The first row of the first page repeats the column names.
      for (const [i, row] of rows.entries()) {
        if (token === undefined && i === 0) continue;
        read++;
        let ev: TrailEvent;
        try {
          ev = parseRecord(
            recordOf(
              columns,
              (row.Data ?? []).map((d) => d.VarCharValue),
            ),
            `athena[${read}]`,
          );
        } catch {
          // A record without its time or name cannot answer anything; count it, do not fail the answer.
          unreadable++;
          continue;
        }
        if (matchesQuery(ev, q)) events.push(ev);
      }
      token = page.NextToken;
    } while (token);
    events.sort(newestFirst);
    const kept = events.slice(0, q.limit);
    const warnings: string[] = [];
    if (read >= MAX_ATHENA_ROWS) {
      warnings.push(
        isExactInAthena(q)
          ? `Over ${MAX_ATHENA_ROWS} events match; the newest were read.`
          : `Athena returned its cap of ${MAX_ATHENA_ROWS} close matches; older matches may be missing. Narrow the range.`,
      );
    }
    if (events.length > kept.length)
      warnings.push(`${events.length} events match; the newest ${kept.length} are shown.`);
    if (unreadable) warnings.push(`${unreadable} rows had no event time or name and were skipped.`);
    return {
      events: kept,
      matched: events.length,
      examined: read,
      scope: {
        source: 'athena',
        regions: q.regions ?? this.opts.regions ?? [],
        accounts: q.accounts ?? this.opts.accounts ?? [],
        detail: `${this.describe()}: ${mb(scanned)} scanned, $${athenaCost(scanned).toFixed(4)}`,
      },
      warnings,
      cost: { bytesScanned: scanned, dollars: athenaCost(scanned) },
      request: `${sql}\n-- parameters: ${JSON.stringify(parameters ?? [])}`,
    };
  }
}
