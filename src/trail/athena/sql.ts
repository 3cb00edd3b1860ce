import { UsageError } from '../../errors.js';
import { DAY_MS } from '../../time.js';
import { asksOnlyDeletions } from '../deletions.js';
import { EVENT_VERSION_SUFFIX } from '../event.js';
import { principalNeedle } from '../principal.js';
import type { TrailQuery } from '../query.js';
import { resourceTail } from '../resources.js';

/** Where the CloudTrail table is and how its partitions are laid out. */
export interface AthenaTable {
  database: string;
  table: string;
  /** Partition columns the table has beside `timestamp` (yyyy/MM/dd): region, and account for org trails. */
  partitions: { region: boolean; account: boolean };
}

/** SQL text with `?` placeholders, and the values for ExecutionParameters in order. */
export interface AthenaSql {
  sql: string;
  /** Each a SQL literal, as Athena's ExecutionParameters take them: strings quoted. */
  parameters: string[];
}

/** Longest value a question may bind. */
const MAX_VALUE = 2048;

/**
 * The one place a value becomes a SQL literal for ExecutionParameters: checked (length, no control
 * characters), single quotes doubled, quoted. It never enters the SQL text.
 */
export function sqlLiteral(value: string): string {
  if (value.length > MAX_VALUE)
    throw new UsageError(`A value of ${value.length} characters is too long to search for.`);
  if (/\p{Cc}/u.test(value)) throw new UsageError('A value with control characters cannot be searched for.');
  return `'${value.replace(/'/g, "''")}'`;
}

const IDENT = /^[a-z_][a-z0-9_]*$/;
/** Database and table names come from config, but still only as plain identifiers. */
function ident(name: string): string {
  if (!IDENT.test(name)) throw new Error(`"${name}" is not a plain Athena identifier`);
  return `"${name}"`;
}

const day = (d: Date) => d.toISOString().slice(0, 10).replace(/-/g, '/');
const isoSecond = (d: Date) => `${d.toISOString().slice(0, 19)}Z`;

/** The most rows one question reads back. */
export const MAX_ATHENA_ROWS = 10_000;

/**
 * A question as Athena SQL over the CloudTrail table. Every query carries partition predicates: the
 * date range widened by a day on each side (log folders follow delivery time, not event time), and
 * region and account where the table has them — only these cut the data scanned. Values travel as
 * ExecutionParameters; the text holds only the fixed shape. The filter is a superset where SQL cannot
 * say exactly what `matchesQuery` decides.
 */
export function buildAthenaSql(q: TrailQuery, t: AthenaTable): AthenaSql {
  const where: string[] = [];
  const parameters: string[] = [];
  const bind = (v: string) => {
    parameters.push(sqlLiteral(v));
    return '?';
  };
  const list = (vs: readonly string[]) => vs.map(bind).join(', ');
  where.push(
    `"timestamp" BETWEEN ${bind(day(new Date(q.range.start.getTime() - DAY_MS)))} AND ${bind(day(new Date(q.range.end.getTime() + DAY_MS)))}`,
  );
  if (q.regions)
    where.push(t.partitions.region ? `region IN (${list(q.regions)})` : `awsregion IN (${list(q.regions)})`);
  if (q.accounts) {
    where.push(
      t.partitions.account
        ? `account IN (${list(q.accounts)})`
        : `recipientaccountid IN (${list(q.accounts)})`,
    );
  }
  where.push(
    `eventtime >= ${bind(isoSecond(q.range.start))}`,
    `eventtime <= ${bind(isoSecond(new Date(q.range.end.getTime() + 1000)))}`,
  );
  if (q.eventNames) {
    where.push(`regexp_replace(eventname, ${bind(EVENT_VERSION_SUFFIX)}, '') IN (${list(q.eventNames)})`);
  }
  if (q.eventSources) where.push(`eventsource IN (${list(q.eventSources)})`);
  if (q.identityTypes) where.push(`useridentity.type IN (${list(q.identityTypes)})`);
  const p = q.principal;
  if (p?.kind === 'user')
    where.push("useridentity.type = 'IAMUser'", `useridentity.username = ${bind(p.name)}`);
  else if (p?.kind === 'arn') where.push(`useridentity.arn = ${bind(p.arn)}`);
  else if (p?.kind === 'role')
    where.push(`useridentity.sessioncontext.sessionissuer.arn = ${bind(p.roleArn)}`);
  else if (p?.kind === 'key') where.push(`useridentity.accesskeyid = ${bind(p.accessKeyId)}`);
  else if (p) where.push(`strpos(json_format(CAST(useridentity AS JSON)), ${bind(principalNeedle(p))}) > 0`);
  if (q.sourceIp?.kind === 'exact') where.push(`sourceipaddress = ${bind(q.sourceIp.value)}`);
  // Athena (Trino) knows addresses and prefixes; a value that is not an address (AWS Internal) is no match.
  else if (q.sourceIp)
    where.push(
      `contains(CAST(${bind(q.sourceIp.cidr)} AS IPPREFIX), TRY_CAST(sourceipaddress AS IPADDRESS))`,
    );
  if (q.errorCodes) {
    const codes = q.errorCodes.map((c) => c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
    where.push(`regexp_like(errorcode, ${bind(`^(Client\\.)?(${codes})`)})`);
  }
  if (q.resource !== undefined) {
    const r = resourceTail(q.resource);
    where.push(
      asksOnlyDeletions(q)
        ? `(strpos(requestparameters, ${bind(r)}) > 0 OR strpos(json_format(CAST(resources AS JSON)), ${bind(r)}) > 0)`
        : `(strpos(requestparameters, ${bind(r)}) > 0 OR strpos(responseelements, ${bind(r)}) > 0 OR strpos(json_format(CAST(resources AS JSON)), ${bind(r)}) > 0)`,
    );
  }
  const sql = [
    'SELECT eventid, eventtime, eventname, eventsource, awsregion, recipientaccountid, sourceipaddress, useragent,',
    '  errorcode, errormessage, readonly, eventtype, requestparameters, responseelements, additionaleventdata,',
    '  json_format(CAST(useridentity AS JSON)) AS useridentity, json_format(CAST(resources AS JSON)) AS resources',
    `FROM ${ident(t.database)}.${ident(t.table)}`,
    `WHERE ${where.join('\n  AND ')}`,
    'ORDER BY eventtime DESC',
    `LIMIT ${MAX_ATHENA_ROWS}`,
  ].join('\n');
  return { sql, parameters };
}

/**
 * Whether the SQL decides a question exactly (then its LIMIT cannot drop a real match in favour of a
 * near one): not for resources inside request parameters, role sessions, or conditions only code checks.
 */
export function isExactInAthena(q: TrailQuery): boolean {
  return q.resource === undefined && q.where === undefined && q.principal?.kind !== 'session';
}

/** What the CREATE TABLE statement is made from. */
export interface TableSpec {
  database: string;
  table: string;
  bucket: string;
  /** A key prefix before AWSLogs/, without slashes at either end; empty for none. */
  prefix: string;
  /** An organization trail's id (o-…): logs under AWSLogs/<org id>/<account>/. */
  orgId?: string | undefined;
  accounts: string[];
  regions: string[];
  /** First day of the archive, yyyy/MM/dd. */
  since: string;
}

/**
 * CREATE TABLE for the CloudTrail archive with partition projection (no crawler, no ALTER TABLE ADD
 * PARTITION): the Hive JSON SerDe with the CloudTrail input format, as AWS's current documentation
 * has it, partitioned by account, region and day.
 */
export function athenaDdl(s: TableSpec): string {
  const base = `s3://${s.bucket}/${s.prefix ? `${s.prefix}/` : ''}AWSLogs/${s.orgId ? `${s.orgId}/` : ''}`;
  return `CREATE EXTERNAL TABLE IF NOT EXISTS ${ident(s.database)}.${ident(s.table)} (
  eventversion STRING,
  useridentity STRUCT<
    type: STRING, principalid: STRING, arn: STRING, accountid: STRING, invokedby: STRING,
    accesskeyid: STRING, username: STRING,
    onbehalfof: STRUCT<userid: STRING, identitystorearn: STRING>,
    sessioncontext: STRUCT<
      attributes: STRUCT<mfaauthenticated: STRING, creationdate: STRING>,
      sessionissuer: STRUCT<type: STRING, principalid: STRING, arn: STRING, accountid: STRING, username: STRING>,
      ec2roledelivery: STRING,
      webidfederationdata: STRUCT<federatedprovider: STRING, attributes: MAP<STRING, STRING>>>>,
  eventtime STRING,
  eventsource STRING,
  eventname STRING,
  awsregion STRING,
  sourceipaddress STRING,
  useragent STRING,
  errorcode STRING,
  errormessage STRING,
  requestparameters STRING,
  responseelements STRING,
  additionaleventdata STRING,
  requestid STRING,
  eventid STRING,
  readonly STRING,
  resources ARRAY<STRUCT<arn: STRING, accountid: STRING, type: STRING>>,
  eventtype STRING,
  apiversion STRING,
  recipientaccountid STRING,
  serviceeventdetails STRING,
  sharedeventid STRING,
  vpcendpointid STRING,
  eventcategory STRING,
  tlsdetails STRUCT<tlsversion: STRING, ciphersuite: STRING, clientprovidedhostheader: STRING>
)
PARTITIONED BY (account STRING, region STRING, \`timestamp\` STRING)
ROW FORMAT SERDE 'org.apache.hive.hcatalog.data.JsonSerDe'
STORED AS INPUTFORMAT 'com.amazon.emr.cloudtrail.CloudTrailInputFormat'
OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat'
LOCATION '${base}'
TBLPROPERTIES (
  'projection.enabled' = 'true',
  'projection.account.type' = 'enum',
  'projection.account.values' = '${s.accounts.join(',')}',
  'projection.region.type' = 'enum',
  'projection.region.values' = '${s.regions.join(',')}',
  'projection.timestamp.type' = 'date',
  'projection.timestamp.format' = 'yyyy/MM/dd',
  'projection.timestamp.range' = '${s.since},NOW',
  'projection.timestamp.interval' = '1',
  'projection.timestamp.interval.unit' = 'DAYS',
  'storage.location.template' = '${base}\${account}/CloudTrail/\${region}/\${timestamp}'
);
`;
}
