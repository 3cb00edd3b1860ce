import { randomUUID } from 'node:crypto';
import {
  existsSync,
  linkSync,
  mkdirSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import lockfile from 'proper-lockfile';
import { SourceUnavailableError, TrailbotError } from '../../errors.js';
import {
  CURRENT,
  type IndexedFile,
  indexedEvents,
  MANIFEST,
  manifestOf,
  NAMES,
  namesFileOf,
  openIndex,
} from './index-manifest.js';
import {
  DEFAULT_MAX_FILE_BYTES,
  duckdbApi,
  findLogFiles,
  HIVE_OPTIONS,
  LARGE_FILE_FACTOR,
  type LogFile,
  memoryLimitOf,
  outOfMemory,
  PRINCIPAL_COLUMNS,
  RECORD_FIELDS,
  withReadThreads,
} from './local.js';

/** What a build did. */
export interface IndexBuildResult {
  unchanged: boolean;
  added: number;
  changed: number;
  removed: number;
  kept: number;
  /** Partitions whose small files were merged into one (a partition given a file at every refresh). */
  merged: number;
  events: number;
  /** The new version's Parquet bytes, and the archive's log-file bytes. */
  bytes: number;
  sourceBytes: number;
  ms: number;
}

/** Progress of a build. */
export interface IndexProgress {
  done: number;
  total: number;
  note: string;
}

/** Log files read per COPY, about: a progress step each. */
const BATCH = 2000;
/**
 * The files of a build split into batches of about BATCH, as even as they come: a day's 2,304 new files
 * one COPY, not one of 2,000 and another of 304 (each COPY costs its own start and its own file in every
 * partition it writes).
 */
export function batchesOf<T>(files: readonly T[]): T[][] {
  const n = Math.max(1, Math.round(files.length / BATCH));
  const size = Math.ceil(files.length / n);
  return Array.from({ length: n }, (_, k) => files.slice(k * size, (k + 1) * size)).filter((b) => b.length);
}
const posix = (p: string) => p.split(sep).join('/');

/** Every Parquet file under a folder, relative to it. */
function parquetFiles(dir: string, rel = ''): string[] {
  if (!existsSync(join(dir, rel))) return [];
  return readdirSync(join(dir, rel), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? parquetFiles(dir, join(rel, e.name))
      : e.name.endsWith('.parquet')
        ? [join(rel, e.name)]
        : [],
  );
}

/**
 * The response as recorded but for a session token (`withoutSessionToken`): the index keeps no live
 * credential, and is the smaller for it (on the benchmark archive the tokens were a third of its bytes).
 */
const RESPONSE_WITHOUT_TOKEN =
  `CASE WHEN contains("responseElements"::VARCHAR, '"sessionToken"') ` +
  `AND json_exists("responseElements", '$.credentials.sessionToken') ` +
  `THEN json_merge_patch("responseElements", '{"credentials":{"sessionToken":null}}') ` +
  'ELSE "responseElements" END AS "responseElements"';

/** How every Parquet file of the index is written (the new files and the partitions rewritten alike). */
const PARQUET_OPTIONS =
  'FORMAT parquet, PARTITION_BY (p_account, p_region, p_day), OVERWRITE_OR_IGNORE, COMPRESSION zstd';

/** The SELECT of every record field (typed as the local source reads them) from log files, for COPY. */
function recordsSql(shapes: { records: boolean; array: boolean }): string {
  const struct = `STRUCT(${RECORD_FIELDS.map(([n, t]) => `"${n}" ${t}`).join(', ')})`;
  const reads: string[] = [];
  if (shapes.records)
    reads.push(
      `SELECT filename, unnest(Records, recursive := true) FROM read_json($records, format = 'unstructured', ` +
        `filename = true, columns = {Records: '${struct}[]'}, maximum_object_size = $maxObject)`,
    );
  if (shapes.array)
    reads.push(
      `SELECT filename, unnest(r) FROM read_json($arrays, format = 'array', records = false, filename = true, ` +
        `columns = {r: '${struct}'})`,
    );
  const cols = RECORD_FIELDS.filter(([n]) => n !== 'eventID').map(([n]) =>
    n === 'responseElements' ? RESPONSE_WITHOUT_TOKEN : `"${n}"`,
  );
  // An event id that is a UUID (CloudTrail's are) is kept as one: 16 bytes instead of 36 characters.
  const canonical = 'uuid::VARCHAR = "eventID"';
  // The principal's fields, typed: the userIdentity JSON parsed once for all of them.
  const paths = Object.values(PRINCIPAL_COLUMNS).map((p) => `'${p}'`);
  const principal = Object.keys(PRINCIPAL_COLUMNS).map((c, i) => `ui[${i + 1}] AS ${c}`);
  return (
    `SELECT ${cols.join(', ')}, CASE WHEN ${canonical} THEN NULL ELSE "eventID" END AS "eventID", ` +
    `CASE WHEN ${canonical} THEN uuid END AS event_uuid, ${principal.join(', ')}, ` +
    'substr(filename, $prefixLength + 1) AS source_file, ' +
    "coalesce(recipientAccountId, 'unknown') AS p_account, coalesce(awsRegion, 'unknown') AS p_region, " +
    "coalesce(left(eventTime, 10), 'unknown') AS p_day " +
    `FROM (SELECT *, try_cast("eventID" AS UUID) AS uuid, json_extract_string(userIdentity, [${paths.join(', ')}]) AS ui ` +
    `FROM (${reads.join(' UNION ALL BY NAME ')}))`
  );
}

/**
 * Build or refresh the index of `logs` under `into`. Only log files new or changed since the current
 * version (path, size, modification time) are read; a removed or changed file's rows are dropped by
 * rewriting the partitions that held them; every other partition is carried over by hard links. The new
 * version is written aside and made current at the end, in one rename.
 */
export async function buildIndex(o: BuildOptions): Promise<IndexBuildResult> {
  try {
    mkdirSync(o.into, { recursive: true });
  } catch (err) {
    throw new SourceUnavailableError(
      `The index folder ${o.into} cannot be made: ${(err as Error).message}.`,
      { cause: err },
    );
  }
  // One build of an index at a time, whoever runs it (the bot's replicas, a scheduled `trail index`): a
  // lock folder beside the versions, kept fresh while the build runs and taken over once stale (a build
  // killed outright). A lock lost mid-build (its folder gone) stops this build before it swaps.
  let lost: Error | undefined;
  const release = await lockfile
    .lock(o.into, {
      lockfilePath: join(o.into, LOCK),
      realpath: false,
      stale: 30_000,
      update: 10_000,
      onCompromised: (err) => {
        lost = err;
      },
    })
    .catch((err: NodeJS.ErrnoException) => {
      throw err.code === 'ELOCKED' ? new IndexBusyError(o.into) : err;
    });
  // Rows reach their partitions in any order (questions sort them): DuckDB then writes on every core
  // with less memory held (measured: a fifth faster, ~100 MiB less on a million events).
  await o.conn.run('SET preserve_insertion_order = false');
  try {
    return await build(o, () => {
      if (lost) throw new IndexBusyError(o.into, lost);
    });
  } catch (err) {
    const limit = await memoryLimitOf(o.conn);
    throw outOfMemory(err, `Indexing ${o.logs}`, `${limit} as DuckDB counts it`) ?? err;
  } finally {
    await o.conn.run('RESET preserve_insertion_order');
    await release().catch(() => {});
  }
}

const LOCK = '.build.lock';

/** Another build of the same index holds it: this one did nothing. */
export class IndexBusyError extends TrailbotError {
  constructor(into: string, cause?: unknown) {
    super(
      'busy',
      `Another build of the index in ${into} is running (another replica, or a scheduled run): this one did nothing. When that one ends, its version is current.`,
      { cause },
    );
  }
}

interface BuildOptions {
  logs: string;
  into: string;
  conn: DuckDBConnection;
  onProgress?: ((p: IndexProgress) => void) | undefined;
}

async function build(o: BuildOptions, stillHeld: () => void): Promise<IndexBuildResult> {
  const started = performance.now();
  const logs = resolve(o.logs);
  const { files, total } = await findLogFiles(logs);
  if (total === 0)
    throw new SourceUnavailableError(
      `The CloudTrail log directory ${logs} holds no log files (.json or .json.gz): nothing to index.`,
    );
  // Sizes and times, read synchronously (a promise per file costs more than the stat), a slice at a time
  // so a bot refreshing its index keeps answering; a file gone since the listing is left out.
  const onDisk = new Map<string, { file: LogFile; size: number; mtimeMs: number }>();
  for (const [i, f] of files.entries()) {
    if (i % 2000 === 1999) await new Promise((r) => setImmediate(r));
    const st = statSync(f.path, { throwIfNoEntry: false });
    if (st)
      onDisk.set(f.rel ?? posix(relative(logs, f.path)), {
        file: f,
        size: st.size,
        mtimeMs: Math.trunc(st.mtimeMs),
      });
  }
  const old = await openIndex(o.into);
  const sameArchive = old && old.manifest.logs === logs;
  const previous = sameArchive ? old.files() : new Map<string, IndexedFile>();
  const fresh: { rel: string; file: LogFile }[] = [];
  let changed = 0;
  for (const [rel, d] of onDisk) {
    const p = previous.get(rel);
    if (p && p.size === d.size && p.mtimeMs === d.mtimeMs) continue;
    if (p) changed++;
    fresh.push({ rel, file: d.file });
  }
  const dropped = [...previous.keys()].filter((rel) => {
    const d = onDisk.get(rel);
    const p = previous.get(rel) as IndexedFile;
    return !d || d.size !== p.size || d.mtimeMs !== p.mtimeMs;
  });
  const removed = dropped.length - changed;
  const sourceBytes = [...onDisk.values()].reduce((n, d) => n + d.size, 0);
  if (old && sameArchive && fresh.length === 0 && dropped.length === 0) {
    // A version written before names files gets one (written aside, then renamed in: whole or absent).
    if (!existsSync(join(old.dir, NAMES))) {
      writeFileSync(join(old.dir, `.${NAMES}`), JSON.stringify(namesFileOf(old.manifest)));
      renameSync(join(old.dir, `.${NAMES}`), join(old.dir, NAMES));
    }
    return {
      unchanged: true,
      added: 0,
      changed: 0,
      removed: 0,
      kept: previous.size,
      merged: 0,
      events: indexedEvents(old.manifest),
      bytes: parquetBytes(old.dir),
      sourceBytes,
      ms: performance.now() - started,
    };
  }
  // A build left half done by a stop is only clutter: the current version never pointed at it (and with
  // the lock held, no other build is writing one).
  for (const e of readdirSync(o.into))
    if (e.startsWith('.building-')) rmSync(join(o.into, e), { recursive: true, force: true });
  const id = `v-${Date.now()}-${randomUUID().slice(0, 8)}`;
  const building = join(o.into, `.building-${id}`);
  mkdirSync(building, { recursive: true });
  const progress = (done: number, note: string) => o.onProgress?.({ done, total: fresh.length, note });

  // Partitions holding rows of dropped files are rewritten without them; the rest are linked as they are.
  const droppedSet = new Set(dropped);
  const touched = new Set(dropped.flatMap((rel) => previous.get(rel)?.parts ?? []));
  if (old && sameArchive) {
    for (const rel of parquetFiles(old.dir)) {
      const part = posix(dirname(rel));
      if (touched.has(part)) continue;
      mkdirSync(join(building, dirname(rel)), { recursive: true });
      linkSync(join(old.dir, rel), join(building, rel));
    }
    for (const part of touched) {
      const inPart = parquetFiles(join(old.dir, part)).map((f) => join(old.dir, part, f));
      if (!inPart.length) continue;
      await run(
        o.conn,
        `COPY (SELECT * FROM read_parquet($files, ${HIVE_OPTIONS}) WHERE NOT list_contains($dropped, source_file)) ` +
          `TO '${sqlPath(building)}' (${PARQUET_OPTIONS}, FILENAME_PATTERN 'kept-{uuid}')`,
        { files: inPart, dropped: [...droppedSet] },
      );
    }
  }
  const carried = new Set(parquetFiles(building));
  // New and changed log files, a batch at a time. A file DuckDB cannot read is left out of the index
  // (questions read it raw, and say it is unreadable); a delivery file too big for the first buffer gets
  // a second try with a larger one.
  const unreadable = new Set<string>();
  let done = 0;
  for (const [i, part] of batchesOf(fresh).entries()) {
    for (let maxObject = DEFAULT_MAX_FILE_BYTES; ; ) {
      const batch = part.map((f) => f.file).filter((f) => !unreadable.has(f.path));
      if (!batch.length) break;
      const records = batch.filter((f) => f.shape === 'records').map((f) => f.path);
      const arrays = batch.filter((f) => f.shape === 'array').map((f) => f.path);
      const copy = () =>
        run(
          o.conn,
          `COPY (${recordsSql({ records: records.length > 0, array: arrays.length > 0 })}) TO '${sqlPath(building)}' ` +
            `(${PARQUET_OPTIONS}, FILENAME_PATTERN 'b${i}-{uuid}')`,
          {
            ...(records.length ? { records } : {}),
            ...(arrays.length ? { arrays } : {}),
            prefixLength: logs.length + 1,
            ...(records.length ? { maxObject } : {}),
          },
        );
      try {
        await (maxObject === DEFAULT_MAX_FILE_BYTES ? copy() : withReadThreads(o.conn, maxObject, copy));
        break;
      } catch (err) {
        const message = (err as Error).message;
        if (/maximum_object_size/.test(message) && maxObject === DEFAULT_MAX_FILE_BYTES) {
          maxObject *= LARGE_FILE_FACTOR;
          continue;
        }
        const bad = /in file "([^"]+)"/.exec(message)?.[1];
        if (!bad || unreadable.has(bad) || unreadable.size >= 100) throw err;
        unreadable.add(bad);
      }
    }
    done += part.length;
    progress(done, `indexed ${done} of ${fresh.length} files`);
  }
  // Where each new file's rows went, and how many: read back from what was written.
  // (Only this run's files: the ones carried over hold files already in the manifest.)
  const listed = parquetFiles(building);
  const written = listed.filter((f) => !carried.has(f));
  const placed = new Map<string, { events: number; parts: string[] }>();
  // A partition's folder, relative to the version: a hundred or so of them for tens of thousands of files.
  const partOf = new Map<string, string>();
  const partFolder = (dir: string) => {
    const known = partOf.get(dir);
    if (known !== undefined) return known;
    const p = posix(relative(building, dir));
    partOf.set(dir, p);
    return p;
  };
  if (written.length) {
    const rows = await runRead(
      o.conn,
      `SELECT source_file, count(*) AS events, list(DISTINCT parse_dirpath(filename)) AS dirs FROM read_parquet($files, filename = true) GROUP BY source_file`,
      { files: written.map((f) => join(building, f)) },
    );
    for (const r of rows)
      placed.set(String(r.source_file), {
        events: Number(r.events),
        parts: (r.dirs as string[]).map(partFolder),
      });
  }
  const merged = await mergeSmallFiles(o.conn, building, listed, (n) =>
    progress(fresh.length, `merging the small files of ${n} partition${n === 1 ? '' : 's'}`),
  );
  const all = merged ? parquetFiles(building) : listed;
  const freshPaths = new Set(fresh.map((f) => f.rel));
  // Rows per partition: carried over for a partition linked as it was; counted (from the Parquet
  // footers) for one rewritten or given new rows.
  const oldRows = old && sameArchive ? old.manifest.partRows : {};
  const recount = new Set([...touched, ...written.map((f) => posix(dirname(f)))]);
  const partRows: Record<string, number> = {};
  const toCount: string[] = [];
  for (const f of all) {
    const part = posix(dirname(f));
    const known = Object.hasOwn(oldRows, part) ? oldRows[part] : undefined;
    if (recount.has(part) || known === undefined) toCount.push(join(building, f));
    else partRows[part] = known;
  }
  if (toCount.length)
    for (const r of await runRead(
      o.conn,
      'SELECT parse_dirpath(filename) AS dir, count(*) AS n FROM read_parquet($files, filename = true) GROUP BY dir',
      { files: toCount },
    ))
      partRows[partFolder(String(r.dir))] = Number(r.n);
  const manifest = manifestOf(
    logs,
    [...onDisk.entries()]
      .filter(([, d]) => !unreadable.has(d.file.path))
      .map(([rel, d]) => {
        const kept = freshPaths.has(rel) ? undefined : previous.get(rel);
        const p = placed.get(rel);
        return {
          path: rel,
          size: d.size,
          mtimeMs: d.mtimeMs,
          events: kept?.events ?? p?.events ?? 0,
          parts: kept?.parts ?? p?.parts ?? [],
        };
      }),
    partRows,
  );
  writeFileSync(join(building, MANIFEST), JSON.stringify(manifest));
  writeFileSync(join(building, NAMES), JSON.stringify(namesFileOf(manifest)));
  stillHeld();
  // Made current in one rename: a reader sees the old version or the new, never half of one.
  const final = join(o.into, id);
  renameSync(building, final);
  const link = join(o.into, `.current-${id}`);
  symlinkSync(id, link);
  renameSync(link, join(o.into, CURRENT));
  // The version replaced stays until the next build, so a question that opened it finishes on it (its
  // unchanged partitions are the same files, hard-linked); every older one goes, and one of another
  // format, which no question reads.
  const replaced = old ? basename(old.dir) : undefined;
  for (const e of readdirSync(o.into))
    if (e.startsWith('v-') && e !== id && e !== replaced)
      rmSync(join(o.into, e), { recursive: true, force: true });
  return {
    unchanged: false,
    added: fresh.length - changed,
    changed,
    removed,
    kept: previous.size - dropped.length,
    merged,
    events: indexedEvents(manifest),
    bytes: parquetBytes(final),
    sourceBytes,
    ms: performance.now() - started,
  };
}

/**
 * Every build adds a file to each partition it writes to: the bot refreshing every 15 minutes gives
 * each day's partitions about a hundred, and every question opens every file (the benchmark archive with
 * a hundred files a partition: questions 5–7 times slower, the index 3 times larger). A partition that
 * holds more than MERGE_OVER files under SMALL_FILE bytes after a build's writes has those merged into
 * one; larger files are left as they are, so no build rewrites more than that of a partition. Every
 * partition is looked at, not only those written to: an index crowded by an earlier version is mended
 * by its next refresh.
 */
const MERGE_OVER = 8;
const SMALL_FILE = 16 * 1024 * 1024;
/** Partitions merged per COPY: DuckDB keeps 100 files open in a partitioned write, then starts new ones. */
const MERGE_GROUP = 64;

/** How many partitions were merged (`onMerging` told first). */
async function mergeSmallFiles(
  conn: DuckDBConnection,
  building: string,
  files: string[],
  onMerging: (partitions: number) => void,
): Promise<number> {
  const byPart = new Map<string, string[]>();
  for (const f of files) {
    const inPart = byPart.get(dirname(f)) ?? [];
    inPart.push(join(building, f));
    byPart.set(dirname(f), inPart);
  }
  const crowded = [...byPart.values()]
    .filter((inPart) => inPart.length > MERGE_OVER)
    .map((inPart) => inPart.filter((f) => statSync(f).size < SMALL_FILE))
    .filter((small) => small.length > MERGE_OVER);
  if (crowded.length) onMerging(crowded.length);
  for (let i = 0; i < crowded.length; i += MERGE_GROUP) {
    const group = crowded.slice(i, i + MERGE_GROUP).flat();
    await run(
      conn,
      `COPY (SELECT * FROM read_parquet($files, ${HIVE_OPTIONS})) ` +
        `TO '${sqlPath(building)}' (${PARQUET_OPTIONS}, FILENAME_PATTERN 'm-{uuid}')`,
      { files: group },
    );
    // Hard links of the version replaced, or this build's own files: the version replaced keeps its own.
    for (const f of group) rmSync(f);
  }
  return crowded.length;
}

function parquetBytes(dir: string): number {
  return parquetFiles(dir).reduce((n, f) => n + statSync(join(dir, f)).size, 0);
}

/** A folder path inside SQL text (COPY … TO takes no parameter): single quotes doubled. */
function sqlPath(p: string): string {
  return p.replace(/'/g, "''");
}

async function bind(params: Record<string, unknown>) {
  const { listValue } = await duckdbApi();
  return Object.fromEntries(Object.entries(params).map(([k, v]) => [k, Array.isArray(v) ? listValue(v) : v]));
}

async function run(conn: DuckDBConnection, sql: string, params: Record<string, unknown>): Promise<void> {
  await conn.run(sql, (await bind(params)) as never);
}

async function runRead(
  conn: DuckDBConnection,
  sql: string,
  params: Record<string, unknown>,
): Promise<Record<string, unknown>[]> {
  return (await conn.runAndReadAll(sql, (await bind(params)) as never)).getRowObjectsJS() as Record<
    string,
    unknown
  >[];
}
