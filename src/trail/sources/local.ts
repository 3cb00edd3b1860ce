import { existsSync } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';
import { gunzipSync, constants as zc } from 'node:zlib';
import type { DuckDBConnection } from '@duckdb/node-api';
import { SourceUnavailableError } from '../../errors.js';
import { DAY_MS } from '../../time.js';
import { asksOnlyDeletions } from '../deletions.js';
import { EVENT_VERSION_SUFFIX, parseRecord, type TrailEvent } from '../event.js';
import { principalNeedle } from '../principal.js';
import { matchesQuery, newestFirst, type TrailQuery } from '../query.js';
import { resourceTail } from '../resources.js';
import { CURRENT, type IndexedNames, openIndexView, unreadableIndex } from './index-manifest.js';
import type { Coverage, EventSource, SearchProgress, SearchResult } from './types.js';

/**
 * The fields read from each record. Declaring them is much faster than DuckDB's auto-detection; the
 * nested objects stay JSON and are read by zod in `parseRecord`.
 */
export const RECORD_FIELDS = [
  ['eventVersion', 'VARCHAR'],
  ['eventTime', 'VARCHAR'],
  ['eventSource', 'VARCHAR'],
  ['eventName', 'VARCHAR'],
  ['awsRegion', 'VARCHAR'],
  ['eventID', 'VARCHAR'],
  ['eventType', 'VARCHAR'],
  ['recipientAccountId', 'VARCHAR'],
  ['userIdentity', 'JSON'],
  ['sourceIPAddress', 'VARCHAR'],
  ['userAgent', 'VARCHAR'],
  ['errorCode', 'VARCHAR'],
  ['errorMessage', 'VARCHAR'],
  ['readOnly', 'JSON'],
  ['requestParameters', 'JSON'],
  ['responseElements', 'JSON'],
  ['additionalEventData', 'JSON'],
  ['resources', 'JSON'],
] as const;
const ALL_FIELDS = RECORD_FIELDS.map(([n]) => n);

/**
 * The principal's fields the index keeps typed beside the userIdentity JSON (with their JSON paths): a
 * question about a user, role, ARN or key reads these small columns instead of decoding a million JSON
 * objects.
 */
export const PRINCIPAL_COLUMNS = {
  ui_type: '$.type',
  ui_user_name: '$.userName',
  ui_arn: '$.arn',
  ui_key: '$.accessKeyId',
  ui_issuer_arn: '$.sessionContext.sessionIssuer.arn',
} as const;
type PrincipalColumn = keyof typeof PRINCIPAL_COLUMNS;

/**
 * The record as JSON, from the raw read's fields or from the index's columns (where an event id that is a
 * UUID is kept as one, in `event_uuid`).
 */
export function recordJsonSql(indexed: boolean): string {
  const fields = RECORD_FIELDS.map(([n]) =>
    indexed && n === 'eventID' ? `'${n}': coalesce("eventID", event_uuid::VARCHAR)` : `'${n}': "${n}"`,
  );
  return `to_json({${fields.join(', ')}})`;
}

/** The index's partition columns (account, region, event day) are read back as text, whatever they look like. */
export const HIVE_OPTIONS =
  "hive_partitioning = true, hive_types = {'p_account': VARCHAR, 'p_region': VARCHAR, 'p_day': VARCHAR}";

/** A directory holding this file is demo data: every answer from it says so. */
export const DEMO_MARKER = 'DEMO-DATA.txt';

/** A log file found under the directory, with what its S3 key says about it. */
export interface LogFile {
  path: string;
  /** `{"Records":[…]}` as CloudTrail delivers, a bare array of records, or (one entry) the index's rows. */
  shape: 'records' | 'array' | 'indexed';
  account?: string | undefined;
  region?: string | undefined;
  /** The delivery day from the S3 layout (YYYY-MM-DD). */
  day?: string | undefined;
  /** Relative to the archive folder, with forward slashes. */
  rel?: string | undefined;
}

// AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/ and AWSLogs/o-<org>/<account>/CloudTrail/…
const S3_LAYOUT =
  /AWSLogs\/(?:o-[a-z0-9]+\/)?(\d{12})\/CloudTrail\/([a-z0-9-]+)\/(\d{4})\/(\d{2})\/(\d{2})\//;

/** A folder of that layout, down to its region, year, month or day (its path ending in a slash). */
const S3_FOLDER =
  /AWSLogs\/(?:o-[a-z0-9]+\/)?(\d{12})\/CloudTrail\/([a-z0-9-]+)\/(?:(\d{4})\/(?:(\d{2})\/(?:(\d{2})\/)?)?)?$/;

/** What the S3 key of a log file says: account, region and delivery day. */
export function layoutOf(relPath: string): Pick<LogFile, 'account' | 'region' | 'day'> {
  const m = S3_LAYOUT.exec(relPath.split(sep).join('/'));
  if (!m) return {};
  return { account: m[1], region: m[2], day: `${m[3]}-${m[4]}-${m[5]}` };
}

const RECORDS_WRAPPER = /^\{\s*"Records"\s*:/;

/** Read the first bytes of a (possibly gzipped) file to tell a Records wrapper from a bare array. */
async function sniffShape(path: string): Promise<LogFile['shape'] | undefined> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(4096);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    let head = buf.subarray(0, bytesRead);
    if (head[0] === 0x1f && head[1] === 0x8b) {
      // A partial gzip stream: Z_SYNC_FLUSH returns what it could inflate instead of failing.
      head = gunzipSync(head, { finishFlush: zc.Z_SYNC_FLUSH });
    }
    const text = head.toString('utf8').trimStart();
    // CloudTrail's object holds one key, Records; another object (LookupEvents output's {"Events": …}, a
    // tool's own file) holds no log records, and is said to be skipped rather than read as empty.
    if (RECORDS_WRAPPER.test(text)) return 'records';
    return text[0] === '[' ? 'array' : undefined;
  } catch {
    return undefined;
  } finally {
    await fh.close();
  }
}

/** Log files by name; Digest and Insights folders hold other kinds of file. */
const LOG_NAME = /\.json(\.gz)?$/i;
const OTHER_FILES_DIR = /CloudTrail-(Digest|Insight)$/;

/**
 * The log-file names under `root`, folder by folder (relative, forward slashes; '' for the top); folders
 * are read in parallel (a trail has thousands), and a folder's work is done once for all its files. A
 * folder `keep` refuses is not read (nor anything under it), and counted in `skipped`.
 */
async function listDirs(
  root: string,
  keep?: (rel: string) => boolean,
  rel = '',
  out = { dirs: new Map<string, string[]>(), skipped: 0 },
): Promise<{ dirs: Map<string, string[]>; skipped: number }> {
  const entries = await readdir(rel ? join(root, rel) : root, { withFileTypes: true });
  // A Trailbot index kept inside the archive (its `current` link beside its versions) is not part of it:
  // its manifest is no log file.
  if (rel && entries.some((e) => e.name === CURRENT && e.isSymbolicLink())) return out;
  const names = entries.filter((e) => e.isFile() && LOG_NAME.test(e.name)).map((e) => e.name);
  if (names.length) out.dirs.set(rel, names.sort());
  const below = entries
    .filter((e) => e.isDirectory() && !OTHER_FILES_DIR.test(e.name))
    .map((e) => (rel ? `${rel}/${e.name}` : e.name));
  const read = keep ? below.filter(keep) : below;
  out.skipped += below.length - read.length;
  await Promise.all(read.map((d) => listDirs(root, keep, d, out)));
  return out;
}

/**
 * Can a folder hold files of the query, by what its path says? An S3-layout folder of another account or
 * region, or of a year, month or day outside the query's days (widened by one on each side, as for
 * files), cannot; any other folder can.
 */
export function folderMayHold(rel: string, q: TrailQuery): boolean {
  const m = S3_FOLDER.exec(`${rel}/`);
  if (!m) return true;
  const [, account, region, ...date] = m as unknown as [string, string, string, ...(string | undefined)[]];
  if (q.accounts && !q.accounts.includes(account)) return false;
  if (q.regions && !q.regions.includes(region)) return false;
  const key = date.filter((x): x is string => x !== undefined).join('-');
  if (!key) return true;
  const from = day(new Date(q.range.start.getTime() - DAY_MS)).slice(0, key.length);
  const to = day(new Date(q.range.end.getTime() + DAY_MS)).slice(0, key.length);
  return key >= from && key <= to;
}

const day = (d: Date) => d.toISOString().slice(0, 10);

/**
 * Can a file hold events of the query, by what its S3 key says? Folders follow delivery time, not event
 * time, so the day filter is widened by one day on each side.
 */
export function mayHold(f: Pick<LogFile, 'day' | 'region' | 'account'>, q?: TrailQuery): boolean {
  if (!q) return true;
  const from = day(new Date(q.range.start.getTime() - DAY_MS));
  const to = day(new Date(q.range.end.getTime() + DAY_MS));
  if (f.day && (f.day < from || f.day > to)) return false;
  if (f.region && q.regions && !q.regions.includes(f.region)) return false;
  if (f.account && q.accounts && !q.accounts.includes(f.account)) return false;
  return true;
}

/** The log files a question reads raw, and what the index (when given) holds of it. */
export interface FoundFiles {
  files: LogFile[];
  /** Files that are not CloudTrail logs (relative paths). */
  unreadable: string[];
  /** Log files in the folders read (with a question, those that can hold its events). */
  total: number;
  /** Folders not read: by their path, of other accounts, regions or days than the question's. */
  skipped: number;
  /** Files of the question the index holds (not in `files`). */
  indexed: number;
  /** Files the index holds that are no longer on disk (relative paths): their rows are not answers. */
  stale: string[];
}

/**
 * Find the CloudTrail log files under `dir` that can hold events of the query: `.json` and `.json.gz`,
 * digest and Insights files left out, and S3-layout folders outside the query's accounts, regions and
 * days skipped. Folders follow delivery time, not event time, so the day filter is widened by one day
 * on each side. Given what an index holds (folder → names), its files are counted, not returned, and
 * the ones it holds that are gone are named.
 */
export async function findLogFiles(
  dir: string,
  q?: TrailQuery,
  index?: IndexedNames | Promise<IndexedNames | undefined>,
): Promise<FoundFiles> {
  try {
    if (!(await stat(dir)).isDirectory()) throw new Error('not a directory');
  } catch (err) {
    throw new SourceUnavailableError(
      `The CloudTrail log directory ${dir} cannot be read: ${(err as Error).message}.`,
      {
        cause: err,
      },
    );
  }
  // The folders are read while the index's manifest is (both mostly waiting on the disk); with a
  // question, only those that can hold its events: a week asked of a year's archive reads a week's folders.
  const keep = q ? (rel: string) => folderMayHold(rel, q) : undefined;
  const [{ dirs: listing, skipped }, indexed] = await Promise.all([listDirs(dir, keep), index]);
  const candidates: (LogFile & { rel: string })[] = [];
  const stale: string[] = [];
  let total = 0;
  let held = 0;
  for (const d of [...listing.keys()].sort()) {
    const names = listing.get(d) as string[];
    total += names.length;
    const layout = layoutOf(`${d}/`);
    const inIndex = indexed?.get(d);
    if (inIndex && inIndex.size > 0) {
      const present = new Set(names);
      for (const n of inIndex) if (!present.has(n)) stale.push(d ? `${d}/${n}` : n);
    }
    if (!mayHold(layout, q)) continue;
    // The folder's path joined once; each name (a plain file name) appended to it.
    const folder = join(dir, d);
    for (const n of names) {
      if (inIndex?.has(n)) held++;
      else
        candidates.push({
          path: `${folder}${sep}${n}`,
          rel: d ? `${d}/${n}` : n,
          shape: 'records',
          ...layout,
        });
    }
  }
  // An indexed folder not listed is gone, unless it was not read (of other days than the question's).
  if (indexed)
    for (const d of indexed.dirs())
      if (!listing.has(d) && (!keep || !d || keep(d)))
        for (const n of indexed.get(d) ?? []) stale.push(d ? `${d}/${n}` : n);
  const files: LogFile[] = [];
  const unreadable: string[] = [];
  // CloudTrail writes {"Records":[…]} into the S3 layout: only other files need a look inside.
  const others = candidates.filter((f) => !f.day);
  const BATCH = 64;
  const shapes = new Map<string, LogFile['shape'] | undefined>();
  for (let i = 0; i < others.length; i += BATCH) {
    const batch = others.slice(i, i + BATCH);
    const found = await Promise.all(batch.map((f) => sniffShape(f.path)));
    for (const [j, f] of batch.entries()) shapes.set(f.path, found[j]);
  }
  for (const f of candidates) {
    const shape = f.day ? 'records' : shapes.get(f.path);
    if (shape) files.push({ ...f, shape });
    else unreadable.push(f.rel);
  }
  return { files, unreadable, total, skipped, indexed: held, stale };
}

/**
 * A `{"Records":[…]}` file is one JSON object to DuckDB, and its reader sets aside a buffer of twice
 * this size per thread, and reads objects up to that: 16 MiB (DuckDB's least) reads delivery files up
 * to 32 MB at once, CloudTrail's are a few. A larger file is read again with objects 8 times as large.
 */
export const DEFAULT_MAX_FILE_BYTES = 16 * 1024 * 1024;
export const LARGE_FILE_FACTOR = 8;

const UNITS: Record<string, number> = { kb: 1e3, mb: 1e6, gb: 1e9, kib: 2 ** 10, mib: 2 ** 20, gib: 2 ** 30 };

/** A memory size as DuckDB reads it ("1GB", "953.6 MiB": KB is 1,000 bytes, KiB 1,024), in bytes. */
export function memoryBytes(size: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([KMG]i?B)$/i.exec(size.trim());
  if (!m) throw new Error(`not a memory size: ${size}`);
  return Number(m[1]) * (UNITS[(m[2] as string).toLowerCase()] as number);
}

/**
 * The threads DuckDB reads log files with: each sets aside twice `maxObject` for the file it reads, and
 * those buffers may take half the memory limit. (DuckDB's default, a thread per core, put 16 buffers of
 * 128 MiB under a 1 GB limit on a 16-core laptop: every question over raw files ran out of memory.)
 */
export function readThreads(
  memoryLimit: string,
  maxObject = DEFAULT_MAX_FILE_BYTES,
  cores = availableParallelism(),
): number {
  const fit = Math.floor(memoryBytes(memoryLimit) / (4 * maxObject));
  return Math.max(1, Math.min(cores, fit));
}

/** A connection's memory limit as DuckDB shows it ("953.6 MiB"). */
export async function memoryLimitOf(conn: DuckDBConnection): Promise<string> {
  return String((await conn.runAndReadAll("SELECT current_setting('memory_limit')")).getRows()[0]?.[0]);
}

/**
 * Run `read` with DuckDB's threads fitted to objects of `maxObject` bytes (a large delivery file's second
 * try), then back to the usual.
 */
export async function withReadThreads<T>(
  conn: DuckDBConnection,
  maxObject: number,
  read: () => Promise<T>,
): Promise<T> {
  const limit = await memoryLimitOf(conn);
  await conn.run(`SET threads = ${readThreads(limit, maxObject)}`);
  try {
    return await read();
  } finally {
    await conn.run(`SET threads = ${readThreads(limit)}`);
  }
}

/** DuckDB out of memory, said as what to change; undefined for any other error. */
export function outOfMemory(
  err: unknown,
  what: string,
  memoryLimit: string,
): SourceUnavailableError | undefined {
  if (!/Out of Memory Error/.test((err as Error | undefined)?.message ?? '')) return undefined;
  return new SourceUnavailableError(
    `${what} needed more memory than TRAIL_LOCAL_MEMORY_LIMIT allows (${memoryLimit}): raise it and ask again (1GB reads and indexes a million events).`,
    { cause: err },
  );
}

/** "2026-11-20T13:05:09Z": the form of eventTime, so the pre-filter compares strings. */
const isoSecond = (d: Date) => `${d.toISOString().slice(0, 19)}Z`;

/** Run SQL with bound parameters (lists as DuckDB lists), its rows as objects. */
async function runBound(
  conn: DuckDBConnection,
  sql: string,
  params: Record<string, unknown>,
): Promise<Record<string, unknown>[]> {
  const { listValue } = await duckdbApi();
  const bound = Object.fromEntries(
    Object.entries(params).map(([k, v]) => [k, Array.isArray(v) ? listValue(v) : v]),
  );
  return (await conn.runAndReadAll(sql, bound as never)).getRowObjectsJS() as Record<string, unknown>[];
}

/** A record STRUCT of the named fields, typed as in RECORD_FIELDS. */
function structOf(names: readonly string[]): string {
  const fields = RECORD_FIELDS.filter(([n]) => names.includes(n)).map(([n, t]) => `"${n}" ${t}`);
  return `STRUCT(${fields.join(', ')})`;
}

/** Which file groups a read has: CloudTrail's Records wrappers ($records) and bare arrays ($arrays). */
interface Shapes {
  records: boolean;
  array: boolean;
}

function readsOf(fields: readonly string[], shapes: Shapes, maxFileBytes: number): string {
  const struct = structOf(fields);
  const reads: string[] = [];
  if (shapes.records) {
    reads.push(
      `SELECT filename, unnest(Records, recursive := true) FROM read_json($records, format = 'unstructured', ` +
        `filename = true, columns = {Records: '${struct}[]'}, maximum_object_size = ${Math.trunc(maxFileBytes)})`,
    );
  }
  if (shapes.array) {
    reads.push(
      `SELECT filename, unnest(r) FROM read_json($arrays, format = 'array', records = false, filename = true, ` +
        `columns = {r: '${struct}'})`,
    );
  }
  return reads.join(' UNION ALL BY NAME ');
}

/** An event time rounded up to the whole second: CloudTrail records whole seconds. */
const ceilSecond = (d: Date) => isoSecond(new Date(Math.ceil(d.getTime() / 1000) * 1000));

/** Escape a literal for a regular expression. */
const reEscape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The query as SQL over the record's fields, with its bound parameters. Every value from the user travels
 * as a parameter; only the fixed shape of the query is text. `exact` says the SQL decides exactly what
 * `matchesQuery` would; where it cannot (a resource inside request parameters, a role session, a
 * condition only code can check) it is a cheap superset and `matchesQuery` decides.
 */
function conditionOf(
  q: TrailQuery,
  typed = false,
): { where: string; params: Record<string, unknown>; exact: boolean } {
  // The principal's fields: the index's typed columns, or read out of the record's JSON.
  const ui = (c: PrincipalColumn) =>
    typed ? c : `json_extract_string(userIdentity, '${PRINCIPAL_COLUMNS[c]}')`;
  const params: Record<string, unknown> = { start: ceilSecond(q.range.start), end: ceilSecond(q.range.end) };
  // Over the index, a row of a day strictly inside the range is in it: the time is tested in the first
  // and last days' partitions only, and after the pushed-down conditions (a string test of every row's
  // time was half of a question's count over a million events).
  const where = typed
    ? ['(p_day > left($start, 10) AND p_day < left($end, 10) OR eventTime >= $start AND eventTime < $end)']
    : ['eventTime >= $start', 'eventTime < $end'];
  let exact = q.where === undefined;
  if (q.regions) {
    params.regions = q.regions;
    where.push('list_contains($regions, awsRegion)');
  }
  if (q.accounts) {
    params.accounts = q.accounts;
    where.push('list_contains($accounts, recipientAccountId)');
  }
  if (q.eventNames) {
    params.names = [...q.eventNames];
    params.versionSuffix = EVENT_VERSION_SUFFIX;
    where.push("list_contains($names, regexp_replace(eventName, $versionSuffix, ''))");
  }
  if (q.resource !== undefined) {
    exact = false;
    params.resource = resourceTail(q.resource);
    // The cheap text test on the JSON; matchesQuery then decides exactly (resources.ts).
    where.push(
      asksOnlyDeletions(q)
        ? '(contains(requestParameters::VARCHAR, $resource) OR contains(resources::VARCHAR, $resource))'
        : '(contains(requestParameters::VARCHAR, $resource) OR contains(responseElements::VARCHAR, $resource) OR contains(resources::VARCHAR, $resource))',
    );
  }
  if (q.eventSources) {
    params.sources = [...q.eventSources];
    where.push('list_contains($sources, eventSource)');
  }
  if (q.identityTypes) {
    params.identityTypes = [...q.identityTypes];
    where.push(`list_contains($identityTypes, ${ui('ui_type')})`);
  }
  const p = q.principal;
  if (p) {
    params.principal = principalNeedle(p);
    // On the raw records, the cheap text test first; then the field itself, as matchesPrincipal reads it.
    if (!typed) where.push('contains(userIdentity::VARCHAR, $principal)');
    if (p.kind === 'user') {
      where.push(`${ui('ui_type')} = 'IAMUser'`, `${ui('ui_user_name')} = $principal`);
    } else if (p.kind === 'arn') {
      where.push(`${ui('ui_arn')} = $principal`);
    } else if (p.kind === 'role') {
      where.push(`${ui('ui_issuer_arn')} = $principal`);
    } else if (p.kind === 'key') {
      where.push(`${ui('ui_key')} = $principal`);
    } else {
      // A role session: its name is the last part of the session's ARN; matchesPrincipal decides.
      if (typed) where.push(`${ui('ui_type')} = 'AssumedRole'`, `contains(${ui('ui_arn')}, $principal)`);
      exact = false;
    }
  }
  if (q.sourceIp?.kind === 'exact') {
    params.sourceIp = q.sourceIp.value;
    where.push('sourceIPAddress = $sourceIp');
  } else if (q.sourceIp) {
    // A range (or an IPv6 address, written several ways): read the records with an address, decide after.
    where.push('sourceIPAddress IS NOT NULL');
    exact = false;
  }
  if (q.errorCodes) {
    params.errorCodes = `^(Client\\.)?(${q.errorCodes.map(reEscape).join('|')})`;
    where.push('regexp_matches(errorCode, $errorCodes)');
  }
  return { where: where.join(' AND '), params, exact };
}

/** SQL text and its bound parameters. */
export interface BoundSql {
  sql: string;
  params: Record<string, unknown>;
}

/**
 * Candidates read whole, at most: the pre-filter is broader than the exact match, so the limit of the
 * answer cannot be applied before `matchesQuery` has decided.
 */
export const MAX_CANDIDATE_ROWS = 100_000;

/**
 * The one pass over every file: each record read once, whole, counted (for the coverage statement) and
 * tested; of those that pass, the newest come back as JSON — `limit` of them when the SQL decides exactly,
 * otherwise every candidate (up to MAX_CANDIDATE_ROWS) for `matchesQuery`. Only the records that pass are
 * turned into JSON.
 */
export function buildSearchSql(
  q: TrailQuery,
  shapes: Shapes,
  maxFileBytes = DEFAULT_MAX_FILE_BYTES,
): BoundSql {
  const { where, params, exact } = conditionOf(q);
  params.limit = exact ? q.limit : MAX_CANDIDATE_ROWS;
  const sql =
    `WITH recs AS (${readsOf(ALL_FIELDS, shapes, maxFileBytes)}), ` +
    `scored AS (SELECT *, left(eventTime, 10) AS day, (${where}) AS hit FROM recs) ` +
    'SELECT count(*) AS examined, list(DISTINCT awsRegion) AS regions, list(DISTINCT day) AS days, ' +
    'list(DISTINCT recipientAccountId) AS accounts, count(*) FILTER (WHERE hit) AS candidates, ' +
    `max_by(${recordJsonSql(false)}, eventTime, $limit) FILTER (WHERE hit) AS rows FROM scored`;
  return { sql, params };
}

/** Whether the local SQL decides a query exactly (then the scan's count is the answer's count). */
export function isExactLocally(q: TrailQuery): boolean {
  return conditionOf(q).exact;
}

/** Unreadable files set aside in one answer before it gives up (a folder of garbage is not an archive). */
const MAX_SKIPPED_FILES = 100;

/** "2026-11-06 – 2026-11-08" for runs of consecutive days. */
function dayRuns(days: string[]): string[] {
  const out: string[] = [];
  let start: string | undefined;
  let prev: string | undefined;
  for (const d of days) {
    if (prev && Date.parse(d) - Date.parse(prev) === DAY_MS) {
      prev = d;
      continue;
    }
    if (start && prev) out.push(start === prev ? start : `${start} – ${prev}`);
    start = prev = d;
  }
  if (start && prev) out.push(start === prev ? start : `${start} – ${prev}`);
  return out;
}

/** The UTC days a range touches, oldest first. */
function daysOf(range: { start: Date; end: Date }): string[] {
  const out: string[] = [];
  for (let t = Date.parse(range.start.toISOString().slice(0, 10)); t < range.end.getTime(); t += DAY_MS)
    out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}

/** What the files read cover of the question. */
export function coverageOf(
  q: TrailQuery,
  read: { days: string[]; regions: string[]; accounts: string[]; files: number },
  skipped: Map<string, string>,
  dir: string,
): Coverage {
  const seen = new Set(read.days);
  return {
    files: read.files,
    missingDays: dayRuns(daysOf(q.range).filter((d) => !seen.has(d))),
    missingRegions: (q.regions ?? []).filter((r) => !read.regions.includes(r)),
    missingAccounts: (q.accounts ?? []).filter((a) => !read.accounts.includes(a)),
    unreadable: [...skipped].map(([path, why]) => `${relative(dir, path)}: ${why}`),
  };
}

/**
 * DuckDB's API, loaded on first use (its native library costs ~30 MB, which a bot asking AWS never
 * needs). Bundled into dist/ (one file read instead of ~180 modules); bundled CommonJS may arrive
 * behind `default`.
 */
export async function duckdbApi(): Promise<typeof import('@duckdb/node-api')> {
  const m = await import('@duckdb/node-api');
  return typeof m.DuckDBInstance === 'function'
    ? m
    : (m as unknown as { default: typeof import('@duckdb/node-api') }).default;
}

/** An in-memory DuckDB with a memory limit ("1GB"): the local source's and the index builder's. */
export async function connectDuckDb(memoryLimit: string): Promise<DuckDBConnection> {
  const { DuckDBInstance } = await duckdbApi();
  const db = await DuckDBInstance.create(':memory:', {
    memory_limit: memoryLimit,
    threads: String(readThreads(memoryLimit)),
  });
  return db.connect();
}

/** What the local source is built from. */
export interface LocalSourceOptions {
  dir: string;
  /** DuckDB's memory limit, e.g. "1GB": a million events must fit a laptop. */
  memoryLimit: string;
  /** The largest delivery file read on the first try (DEFAULT_MAX_FILE_BYTES). */
  maxFileBytes?: number | undefined;
  /** An index of this folder (`trail index`): files it holds are read from it, the rest raw. */
  index?: string | undefined;
}

/** The index a search reads, when one covers the folder: its Parquet files and what it left behind. */
interface IndexUse {
  glob: string;
  /** Indexed log files no longer on disk: their rows are not answers. */
  stale: string[];
  /** Rows per partition folder, from the manifest. */
  partRows: Record<string, number>;
}

const PARTITION = /^p_account=([^/]*)\/p_region=([^/]*)\/p_day=([^/]*)$/;

/**
 * What a question over the index examines — rows, regions, days, accounts — from the manifest's rows per
 * partition, picked as the SQL would pick them. Undefined when the manifest cannot say exactly (a value
 * written escaped): then the SQL counts.
 */
function partitionStats(
  partRows: Record<string, number>,
  q: TrailQuery,
): { examined: number; regions: string[]; days: string[]; accounts: string[] } | undefined {
  const from = day(q.range.start);
  const to = day(q.range.end);
  const out = {
    examined: 0,
    regions: new Set<string>(),
    days: new Set<string>(),
    accounts: new Set<string>(),
  };
  for (const [dir, rows] of Object.entries(partRows)) {
    const m = PARTITION.exec(dir);
    if (!m || dir.includes('%')) return undefined;
    const [, account, region, d] = m as unknown as [string, string, string, string];
    if (d < from || d > to) continue;
    if (q.regions && !q.regions.includes(region)) continue;
    if (q.accounts && !q.accounts.includes(account)) continue;
    out.examined += rows;
    if (region !== 'unknown') out.regions.add(region);
    if (d !== 'unknown') out.days.add(d);
    if (account !== 'unknown') out.accounts.add(account);
  }
  return {
    examined: out.examined,
    regions: [...out.regions],
    days: [...out.days],
    accounts: [...out.accounts],
  };
}

/**
 * CloudTrail log files on disk (the embedded default), read with DuckDB in one pass: every record read
 * once, counted and tested, the matches kept; from the index (`trail index`) for the files it holds.
 */
export class LocalSource implements EventSource {
  readonly name = 'local' as const;
  #conn: Promise<DuckDBConnection> | undefined;
  constructor(private readonly opts: LocalSourceOptions) {}

  describe(): string {
    return `CloudTrail log files in ${this.opts.dir}`;
  }

  #connect(): Promise<DuckDBConnection> {
    this.#conn ??= connectDuckDb(this.opts.memoryLimit);
    return this.#conn;
  }

  /**
   * Run one pass over `group`; a delivery file too big for the first buffer gets a second try. A file
   * DuckDB cannot read (truncated, corrupt) is named by its error: it is set aside in `skipped`, with
   * why, and the pass runs again without it, so one bad file does not sink the answer.
   */
  async #run(
    build: (q: TrailQuery, s: Shapes, max: number) => BoundSql,
    q: TrailQuery,
    group: LogFile[],
    skipped: Map<string, string>,
  ): Promise<Record<string, unknown>[]> {
    for (;;) {
      const left = group.filter((f) => !skipped.has(f.path));
      if (left.length === 0) return [];
      try {
        return await this.#pass(build, q, left);
      } catch (err) {
        const message = (((err as Error).cause as Error | undefined) ?? (err as Error)).message;
        const bad = /in file "([^"]+)"/.exec(message)?.[1];
        if (
          !bad ||
          skipped.has(bad) ||
          !left.some((f) => f.path === bad) ||
          skipped.size >= MAX_SKIPPED_FILES
        )
          throw err;
        skipped.set(bad, message.split('\n')[0]?.replace(/ in file "[^"]+"/, '') ?? 'unreadable');
      }
    }
  }

  async #pass(build: (q: TrailQuery, s: Shapes, max: number) => BoundSql, q: TrailQuery, group: LogFile[]) {
    const conn = await this.#connect();
    const records = group.filter((f) => f.shape === 'records').map((f) => f.path);
    const arrays = group.filter((f) => f.shape === 'array').map((f) => f.path);
    const read = async (maxFileBytes: number) => {
      const { sql, params } = build(
        q,
        { records: records.length > 0, array: arrays.length > 0 },
        maxFileBytes,
      );
      if (records.length) params.records = records;
      if (arrays.length) params.arrays = arrays;
      // Lists are bound as DuckDB list values; everything else as it is.
      const { listValue } = await duckdbApi();
      const bound = Object.fromEntries(
        Object.entries(params).map(([k, v]) => [k, Array.isArray(v) ? listValue(v) : v]),
      );
      return (await conn.runAndReadAll(sql, bound as never)).getRowObjectsJS() as Record<string, unknown>[];
    };
    const first = this.opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
    try {
      return await read(first).catch((err: Error) => {
        if (!/maximum_object_size/.test(err.message)) throw err;
        const larger = first * LARGE_FILE_FACTOR;
        return withReadThreads(conn, larger, () => read(larger));
      });
    } catch (err) {
      const memory = outOfMemory(
        err,
        `Reading the CloudTrail files in ${this.opts.dir}`,
        this.opts.memoryLimit,
      );
      if (memory) throw memory;
      throw new SourceUnavailableError(
        `The CloudTrail files in ${this.opts.dir} could not be read: ${(err as Error).message.split('\n')[0]}`,
        { cause: err },
      );
    }
  }

  /**
   * The index's part of a question: a count over the few columns the question tests (Parquet reads only
   * those), then the newest matches whole (DuckDB fetches the other columns for those rows alone).
   */
  async #fromIndex(q: TrailQuery, index: IndexUse): Promise<Record<string, unknown>> {
    const conn = await this.#connect();
    const { where, params, exact } = conditionOf(q, true);
    const partitions = [
      'p_day >= $indexFrom AND p_day <= $indexTo',
      ...(q.regions ? ['list_contains($regions, p_region)'] : []),
      ...(q.accounts ? ['list_contains($accounts, p_account)'] : []),
      // An anti-join on a hashed list: any number of removed files costs one lookup per row.
      ...(index.stale.length ? ['source_file NOT IN (SELECT unnest($stale))'] : []),
    ].join(' AND ');
    const from = `read_parquet($parquet, ${HIVE_OPTIONS})`;
    const bound = {
      ...params,
      parquet: index.glob,
      indexFrom: day(q.range.start),
      indexTo: day(q.range.end),
      ...(index.stale.length ? { stale: index.stale } : {}),
    };
    const limit = exact ? q.limit : MAX_CANDIDATE_ROWS;
    // What was read: from the manifest's rows per partition when no indexed file has gone since (and no
    // partition value was written escaped); else counted apart, from the partition and file columns alone
    // (in one query with the condition, the condition could not be pushed into the Parquet reader, and
    // every row's tested columns would be decoded: +0.15 s for a who-deleted on a million events).
    const countRead = () => {
      const sql =
        "SELECT count(*) AS examined, list(DISTINCT nullif(p_region, 'unknown')) AS regions, " +
        "list(DISTINCT nullif(p_day, 'unknown')) AS days, list(DISTINCT nullif(p_account, 'unknown')) AS accounts " +
        `FROM ${from} WHERE ${partitions}`;
      // Only the parameters this query names: DuckDB refuses one it has no place for.
      const named = Object.entries(bound).filter(([k]) => new RegExp(`\\$${k}\\b`).test(sql));
      return runBound(conn, sql, Object.fromEntries(named)).then((r) => r[0]);
    };
    const known =
      (index.stale.length === 0 ? partitionStats(index.partRows, q) : undefined) ?? (await countRead());
    // The count and the newest matches' times from the few columns the question tests, the condition
    // pushed into the Parquet reader.
    const [found] = await runBound(
      conn,
      `SELECT count(*) AS candidates, max(eventTime, $limit) AS newest FROM ${from} WHERE ${partitions} AND ${where}`,
      { ...bound, limit },
    );
    const stats: Record<string, unknown> = { ...found, ...known };
    if (Number(stats.candidates ?? 0) === 0) return { ...stats, rows: [] };
    // The matches are read whole only from the partitions at or after the oldest time kept: the
    // newest days' files, not the whole range's.
    const cutoff = ((stats.newest as (string | null)[] | null) ?? []).filter((t): t is string => !!t).at(-1);
    const since = cutoff === undefined ? '' : ' AND eventTime >= $cutoff AND p_day >= left($cutoff, 10)';
    const rows = await runBound(
      conn,
      `SELECT ${recordJsonSql(true)} AS json FROM ${from} WHERE ${partitions} AND ${where}${since} ORDER BY eventTime DESC LIMIT $limit`,
      { ...bound, limit, ...(cutoff === undefined ? {} : { cutoff }) },
    );
    return { ...stats, rows: rows.map((r) => String(r.json)) };
  }

  async search(q: TrailQuery, o?: { onProgress?: (p: SearchProgress) => void }): Promise<SearchResult> {
    // Open DuckDB while the files are listed.
    void this.#connect().catch(() => {});
    const here = resolve(this.opts.dir);
    const covering = (this.opts.index ? openIndexView(this.opts.index) : Promise.resolve(undefined)).then(
      (index) => (index && index.logs === here ? index : undefined),
    );
    const listed = await findLogFiles(
      this.opts.dir,
      q,
      covering.then((c) => c?.names),
    );
    const covers = await covering;
    const { unreadable, total, skipped: foldersSkipped } = listed;
    let files = listed.files;
    let indexUse: IndexUse | undefined;
    // Files the index holds are read from it; the rest (delivered since it was built) raw.
    const fromIndex = listed.indexed;
    if (covers) {
      indexUse = {
        glob: join(covers.dir, '**', '*.parquet'),
        stale: listed.stale,
        partRows: covers.partRows,
      };
      if (fromIndex) files = [...files, { path: covers.dir, shape: 'indexed' as const }];
    }
    // An empty folder is a mistake (a wrong path, a sync not run), not an answer of "nothing found".
    if (total === 0 && foldersSkipped === 0)
      throw new SourceUnavailableError(
        `The CloudTrail log directory ${this.opts.dir} holds no log files (.json or .json.gz): nothing to search.`,
      );
    const skipped = new Map<string, string>();
    const demo = existsSync(join(this.opts.dir, DEMO_MARKER))
      ? ['DEMO DATA: these are generated events, not from any AWS account (set TRAIL_LOGS_DIR or --source).']
      : [];
    const warnings = unreadable.length
      ? [
          `${unreadable.length} file(s) are not CloudTrail logs and were skipped: ${unreadable.slice(0, 3).join(', ')}`,
        ]
      : [];
    warnings.unshift(...demo);
    // An index asked for but of an older format is said, not silently passed over.
    const oldIndex = this.opts.index && !covers ? await unreadableIndex(this.opts.index) : undefined;
    if (oldIndex) warnings.push(oldIndex);
    const rawCount = files.filter((f) => f.shape !== 'indexed').length;
    const fileCount = rawCount + fromIndex;
    const scope = {
      source: 'local' as const,
      regions: q.regions ?? [],
      accounts: q.accounts ?? [],
      detail: `${this.describe()} (${fileCount} file${fileCount === 1 ? '' : 's'}${
        covers ? `: ${fromIndex} from the index, ${rawCount} read raw` : ''
      })`,
    };
    const covered = (read: { days: string[]; regions: string[]; accounts: string[] }) => {
      const coverage = coverageOf(q, { ...read, files: fileCount - skipped.size }, skipped, this.opts.dir);
      if (coverage.unreadable.length)
        warnings.push(
          `${coverage.unreadable.length} file${coverage.unreadable.length === 1 ? '' : 's'} unreadable, the rest answered: ${coverage.unreadable.slice(0, 3).join('; ')}${coverage.unreadable.length > 3 ? '; …' : ''}`,
        );
      return coverage;
    };
    if (files.length === 0)
      return {
        events: [],
        matched: 0,
        examined: 0,
        scope,
        warnings,
        coverage: covered({ days: [], regions: [], accounts: [] }),
      };
    o?.onProgress?.({ examined: 0, note: `reading ${fileCount} files` });
    // The raw files in one pass; the index's files from it (two columnar reads: one cheap).
    const raw = files.filter((f) => f.shape !== 'indexed');
    const parts: Record<string, unknown>[] = [];
    if (raw.length) {
      const [one] = await this.#run(buildSearchSql, q, raw, skipped);
      if (skipped.size === raw.length && !(indexUse && fromIndex)) {
        const [path, why] = [...skipped][0] as [string, string];
        throw new SourceUnavailableError(
          `The CloudTrail files in ${this.opts.dir} could not be read: none of the ${raw.length} was readable (${relative(this.opts.dir, path)}: ${why}).`,
        );
      }
      if (one) parts.push(one);
    }
    if (indexUse && fromIndex)
      parts.push(
        await this.#fromIndex(q, indexUse).catch((err: unknown) => {
          throw outOfMemory(err, `Reading the index in ${this.opts.index}`, this.opts.memoryLimit) ?? err;
        }),
      );
    const strings = (v: unknown) =>
      ((v as (string | null)[] | null) ?? []).filter((x): x is string => !!x).sort();
    const union = (k: string) => [...new Set(parts.flatMap((p) => strings(p[k])))].sort();
    const examined = parts.reduce((n, p) => n + Number(p.examined ?? 0), 0);
    const found = { regions: union('regions'), days: union('days'), accounts: union('accounts') };
    // Without --region/--account, report what the files held.
    scope.regions = q.regions ?? found.regions;
    scope.accounts = q.accounts ?? found.accounts;
    const candidates = parts.reduce((n, p) => n + Number(p.candidates ?? 0), 0);
    const coverage = covered(found);
    const rows = parts.flatMap((p) => (p.rows as string[] | null) ?? []);
    const exact: TrailEvent[] = [];
    rows.forEach((json, i) => {
      const ev = parseRecord(json, `local[${i}]`);
      if (matchesQuery(ev, q)) exact.push(ev);
    });
    exact.sort(newestFirst);
    const decided = isExactLocally(q);
    if (!decided && candidates > rows.length) {
      warnings.push(
        `Over ${MAX_CANDIDATE_ROWS} events came close to the question; only the newest were checked. Narrow it with --since/--until.`,
      );
    }
    const events = exact.slice(0, q.limit);
    const matched = decided ? candidates : exact.length;
    if (matched > events.length) {
      warnings.push(`${matched} events match; the newest ${events.length} are shown.`);
    }
    return {
      events,
      matched,
      examined,
      scope,
      warnings,
      coverage,
      ...(covers ? { index: { builtAt: new Date(covers.builtAt), files: fromIndex, raw: rawCount } } : {}),
    };
  }
}
