import type { TrailEvent } from '../event.js';
import type { TrailQuery } from '../query.js';

/** The sources Trailbot can read; `auto` picks one of the others per question. */
export type SourceName = 'lookup' | 'local' | 'athena' | 'auto';

/** What a user can ask for: a named source, or the local source on a directory. */
export interface SourceChoice {
  source?: SourceName | undefined;
  logs?: string | undefined;
  /** The index of the local folder; TRAIL_INDEX_DIR when unset. */
  index?: string | undefined;
  /** Athena's cost cap for this question, MB (the configured one when unset). */
  maxScanMb?: number | undefined;
}

/** Gives the source for a question; clients are built once and shared. */
export interface SourceProvider {
  get(choice: SourceChoice): EventSource;
}

/** What a source read to answer, so an empty answer can say what was searched. */
export interface SearchResult {
  /** Matching events, newest first, at most `query.limit`. */
  events: TrailEvent[];
  /** All matches, when known; more than `events.length` when the limit cut the list. */
  matched: number;
  /** Events read and checked against the query. */
  examined: number;
  /** Where the source looked. */
  scope: { source: SourceName; regions: string[]; accounts: string[]; detail: string };
  /** Why the answer may be incomplete (a page cap, unreadable files); empty when it is not. */
  warnings: string[];
  /** What a paid source spent: Athena's data scanned and its price. */
  cost?: { bytesScanned: number; dollars: number } | undefined;
  /** The local index the answer read (the rest of the files raw), and when it was built. */
  index?: { builtAt: Date; files: number; raw: number } | undefined;
  /** The IP databases the events' places come from, and their dates, when places are on. */
  geo?: { about: string; builtAt?: Date | undefined } | undefined;
  /** What was asked of the source, for the audit: the SQL and its parameters, or the lookup parameters. */
  request?: string | undefined;
  /**
   * What part of the question the data read covers (log files: known exactly). Empty lists mean all of
   * it was read; anything listed was not, so "not found" says nothing about it.
   */
  coverage?: Coverage | undefined;
}

/** The asked range, regions and accounts against what the files held. */
export interface Coverage {
  /** Files read. */
  files: number;
  /** Asked days (UTC) with no event in the files, as ranges: ["2026-11-06 – 2026-11-08"]. */
  missingDays: string[];
  /** Asked regions and accounts the files held no event of. */
  missingRegions: string[];
  missingAccounts: string[];
  /** Files that could not be read, each with why; the rest was answered. */
  unreadable: string[];
}

/** Progress of a slow search, for a message that updates while it runs. */
export interface SearchProgress {
  examined: number;
  note: string;
  /** A running query that can be stopped (Athena's QueryExecutionId). */
  queryId?: string | undefined;
}

/** One way of reading CloudTrail: every source answers the same query with the same event model. */
export interface EventSource {
  readonly name: SourceName;
  /** A line for people: "CloudTrail LookupEvents in us-east-1, eu-west-1". */
  describe(): string;
  search(query: TrailQuery, opts?: { onProgress?: (p: SearchProgress) => void }): Promise<SearchResult>;
}
