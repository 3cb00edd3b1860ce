import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  type QueryExecutionState,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import { type AwsClientStub, mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { UpstreamError, UpstreamThrottledError } from '../../../src/errors.js';
import { DELETION_EVENT_NAMES } from '../../../src/trail/deletions.js';
import type { TrailQuery } from '../../../src/trail/query.js';
import { AthenaSource, athenaCost, CostCapError } from '../../../src/trail/sources/athena.js';

const NOW = new Date('2026-11-25T12:00:00Z');
const q: TrailQuery = {
  range: { start: new Date('2025-01-01T00:00:00Z'), end: NOW, defaulted: false },
  eventNames: DELETION_EVENT_NAMES,
  resource: 'bucket-x',
  limit: 100,
};
const COLUMNS = [
  'eventid',
  'eventtime',
  'eventname',
  'eventsource',
  'awsregion',
  'recipientaccountid',
  'sourceipaddress',
  'useragent',
  'errorcode',
  'errormessage',
  'readonly',
  'eventtype',
  'requestparameters',
  'responseelements',
  'additionaleventdata',
  'useridentity',
  'resources',
];
const row = (id: string, time: string, bucket: string, error?: string) => ({
  Data: [
    id,
    time,
    'DeleteBucket',
    's3.amazonaws.com',
    'us-east-1',
    '111122223333',
    '203.0.113.9',
    'aws-cli/2',
    error,
    undefined,
    'false',
    'AwsApiCall',
    JSON.stringify({ bucketName: bucket }),
    undefined,
    undefined,
    JSON.stringify({
      type: 'AssumedRole',
      arn: 'arn:aws:sts::111122223333:assumed-role/Admin/carol',
      accountid: '111122223333',
      sessioncontext: { sessionissuer: { arn: 'arn:aws:iam::111122223333:role/Admin', username: 'Admin' } },
    }),
    '[]',
  ].map((v) => (v === undefined ? {} : { VarCharValue: v })),
});
const header = { Data: COLUMNS.map((c) => ({ VarCharValue: c })) };
const metadata = { ColumnInfo: COLUMNS.map((Name) => ({ Name, Type: 'varchar' })) };
const status = (State: QueryExecutionState, DataScannedInBytes = 0, StateChangeReason?: string) => ({
  QueryExecution: { Status: { State, StateChangeReason }, Statistics: { DataScannedInBytes } },
});

let athena: AwsClientStub<AthenaClient>;
beforeAll(() => {
  athena = mockClient(AthenaClient);
});
beforeEach(() => athena.reset());
afterAll(() => athena.restore());

function source(costCapMb = 1000) {
  const notes: string[] = [];
  const ids: (string | undefined)[] = [];
  let clock = NOW.getTime();
  const s = new AthenaSource({
    client: new AthenaClient({ region: 'us-east-1' }),
    table: { database: 'security', table: 'cloudtrail_logs', partitions: { region: true, account: true } },
    workgroup: 'trailbot',
    outputLocation: 's3://results/trailbot/',
    costCapBytes: costCapMb * 1_000_000,
    now: () => new Date(clock),
    sleep: async (ms) => {
      clock += ms;
    },
  });
  const onProgress = (p: { note: string; queryId?: string | undefined }) => {
    notes.push(p.note);
    ids.push(p.queryId);
  };
  return { s, notes, ids, search: (query = q) => s.search(query, { onProgress }) };
}

describe('the Athena source', () => {
  it('runs queued → running → succeeded, reports progress, and pages the results', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'qe-1' });
    athena
      .on(GetQueryExecutionCommand)
      .resolvesOnce(status('QUEUED'))
      .resolvesOnce(status('RUNNING', 40_000_000))
      .resolvesOnce(status('SUCCEEDED', 52_000_000));
    athena
      .on(GetQueryResultsCommand)
      .resolvesOnce({
        ResultSet: {
          ResultSetMetadata: metadata,
          Rows: [header, row('e3', '2026-03-01T10:00:00Z', 'bucket-x')],
        },
        NextToken: 'p2',
      })
      .resolvesOnce({
        ResultSet: {
          ResultSetMetadata: metadata,
          Rows: [
            row('e2', '2026-02-01T10:00:00Z', 'bucket-x-logs'),
            row('e1', '2026-01-01T10:00:00Z', 'bucket-x', 'BucketNotEmpty'),
          ],
        },
      });
    const { search, notes, ids } = source();
    const r = await search();
    const start = athena.commandCalls(StartQueryExecutionCommand)[0]?.args[0].input;
    expect(start?.WorkGroup).toBe('trailbot');
    expect(start?.QueryExecutionContext?.Database).toBe('security');
    expect(start?.ResultConfiguration?.OutputLocation).toBe('s3://results/trailbot/');
    expect(start?.QueryString).not.toContain('bucket-x');
    expect(start?.ExecutionParameters).toContain("'bucket-x'");
    expect(notes).toEqual([
      'Athena QUEUED, 0 s, 0.0 MB scanned',
      'Athena RUNNING, 1 s, 40.0 MB scanned',
      'Athena SUCCEEDED, 1 s, 52.0 MB scanned',
    ]);
    // While it runs, progress carries the query id for the Cancel button; once done, it does not.
    expect(ids).toEqual(['qe-1', 'qe-1', undefined]);
    expect(athena.commandCalls(GetQueryResultsCommand).map((c) => c.args[0].input.NextToken)).toEqual([
      undefined,
      'p2',
    ]);
    // bucket-x-logs came back from the substring filter; the exact match leaves it out.
    expect(r.events.map((e) => [e.id, e.errorCode, e.principal.roleArn])).toEqual([
      ['e3', undefined, 'arn:aws:iam::111122223333:role/Admin'],
      ['e1', 'BucketNotEmpty', 'arn:aws:iam::111122223333:role/Admin'],
    ]);
    expect(r.examined).toBe(3);
    expect(r.cost).toEqual({ bytesScanned: 52_000_000, dollars: athenaCost(52_000_000) });
    expect(r.scope.detail).toContain('52.0 MB scanned, $0.0003');
  });

  it('skips a row without event time or name, and says so', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'qe-5' });
    athena.on(GetQueryExecutionCommand).resolves(status('SUCCEEDED', 1));
    const broken = row('e9', '2026-03-01T10:00:00Z', 'bucket-x');
    broken.Data[1] = {};
    athena.on(GetQueryResultsCommand).resolves({
      ResultSet: {
        ResultSetMetadata: metadata,
        Rows: [header, broken, row('e8', '2026-02-01T10:00:00Z', 'bucket-x')],
      },
    });
    const r = await source().search();
    expect(r.events.map((e) => e.id)).toEqual(['e8']);
    expect(r.warnings).toEqual(['1 rows had no event time or name and were skipped.']);
  });

  it('prices at $5 per TB with a 10 MB minimum', () => {
    expect(athenaCost(0)).toBe(0.00005);
    expect(athenaCost(1e12)).toBe(5);
  });

  it('says why a query failed', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'qe-2' });
    athena
      .on(GetQueryExecutionCommand)
      .resolves(status('FAILED', 0, "TABLE_NOT_FOUND: Table 'security.cloudtrail_logs' does not exist"));
    const err = await source()
      .search()
      .catch((e) => e);
    expect(err).toBeInstanceOf(UpstreamError);
    expect(err.message).toBe(
      "The Athena query failed: TABLE_NOT_FOUND: Table 'security.cloudtrail_logs' does not exist.",
    );
  });

  it('says when a query was cancelled', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'qe-3' });
    athena.on(GetQueryExecutionCommand).resolves(status('CANCELLED', 0, 'Cancelled by user'));
    await expect(source().search()).rejects.toThrow('The Athena query was cancelled: Cancelled by user.');
  });

  it('stops a query that scans past the cost cap', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'qe-4' });
    athena
      .on(GetQueryExecutionCommand)
      .resolvesOnce(status('RUNNING', 5_000_000))
      .resolves(status('RUNNING', 150_000_000));
    athena.on(StopQueryExecutionCommand).resolves({});
    const err = await source(100)
      .search()
      .catch((e) => e);
    expect(err).toBeInstanceOf(CostCapError);
    expect(err.message).toMatch(/stopped after scanning 150.0 MB \(cap 100.0 MB/);
    expect(athena.commandCalls(StopQueryExecutionCommand)[0]?.args[0].input.QueryExecutionId).toBe('qe-4');
  });

  it('turns throttling into a clear message', async () => {
    athena
      .on(StartQueryExecutionCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'TooManyRequestsException' }));
    const err = await source()
      .search()
      .catch((e) => e);
    expect(err).toBeInstanceOf(UpstreamThrottledError);
    expect(err.message).toBe('Athena is throttling this account; try again in a minute.');
  });
});
