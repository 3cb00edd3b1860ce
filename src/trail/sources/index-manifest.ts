import { readFile, readlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';

/**
 * An index of a local CloudTrail archive: Parquet files partitioned by account, region and day (of the
 * event), the record's fields as the local source reads them (the nested ones kept as JSON, the
 * principal's fields typed beside them), each row naming the log file it came from; and a manifest of the
 * log files indexed. Versions live side by side under the index folder; `current` points at the one
 * questions read, and moves only once a new version is whole — a build that dies leaves the previous one
 * in use.
 */
export interface IndexedFile {
  /** Relative to the archive folder, with forward slashes. */
  path: string;
  size: number;
  mtimeMs: number;
  events: number;
  /** The partition folders (relative to the version) holding its rows. */
  parts: string[];
}

/** One log file in the manifest: name, size, modification time, events, partition positions. */
type Entry = [name: string, size: number, mtimeMs: number, events: number, parts: number[]];

/**
 * The manifest as stored: log files grouped by folder (a question compares a folder's names with the
 * listing, without a path per file), partition folders named once. A million-event archive's manifest is
 * read in a few milliseconds.
 */
export interface IndexManifest {
  format: typeof FORMAT;
  /** The archive folder indexed (absolute). */
  logs: string;
  builtAt: string;
  parts: string[];
  /** Rows in each partition folder: what a question over the index examines, known without reading it. */
  partRows: Record<string, number>;
  /** Folder (relative to the archive, forward slashes, '' for its top) → its indexed files. */
  dirs: Record<string, Entry[]>;
}

/**
 * What a question needs of an index version, written beside the manifest (`names.json`): the archive,
 * the rows per partition, and each folder's indexed names as one string. A question over a year's
 * archive of 200,000 files reads it in ~15 ms, where the whole manifest took ~0.2 s.
 */
export interface IndexNamesFile {
  format: typeof FORMAT;
  logs: string;
  builtAt: string;
  partRows: Record<string, number>;
  /** Folder → the names of the log files indexed in it, joined by slashes (which no file name holds). */
  names: Record<string, string>;
}

/** The names of the indexed log files, folder by folder; a folder's set made when first asked for. */
export class IndexedNames {
  readonly #joined: Map<string, string>;
  readonly #sets = new Map<string, Set<string>>();
  constructor(joined: Record<string, string>) {
    this.#joined = new Map(Object.entries(joined));
  }
  /** The names indexed in a folder (relative, forward slashes; '' for the top). */
  get(dir: string): Set<string> | undefined {
    const known = this.#sets.get(dir);
    if (known) return known;
    const joined = this.#joined.get(dir);
    if (joined === undefined) return undefined;
    const set = new Set(joined ? joined.split('/') : []);
    this.#sets.set(dir, set);
    return set;
  }
  /** Every folder with indexed files. */
  dirs(): IterableIterator<string> {
    return this.#joined.keys();
  }
}

/** An index version, as a question reads it. */
export interface IndexView {
  /** The version folder. */
  dir: string;
  /** The archive folder indexed (absolute). */
  logs: string;
  builtAt: string;
  partRows: Record<string, number>;
  names: IndexedNames;
}

/** An index version, as the builder reads it: the whole manifest. */
export interface OpenIndex extends IndexView {
  manifest: IndexManifest;
  /** Every indexed file, by relative path (built on first use). */
  files: () => Map<string, IndexedFile>;
}

/**
 * Format 4: typed principal columns, UUID event ids, files grouped by folder, rows per partition (3), and
 * no session token in any response (4: an index written before holds them, and is made afresh). An index
 * of another format is not read; the next build makes it afresh.
 */
export const FORMAT = 4;
export const MANIFEST = 'manifest.json';
export const NAMES = 'names.json';
export const CURRENT = 'current';

const parent = (path: string) => {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? ['', path] : [path.slice(0, slash), path.slice(slash + 1)];
};

/** The manifest of these files, written by a build. */
export function manifestOf(
  logs: string,
  files: IndexedFile[],
  partRows: Record<string, number> = {},
): IndexManifest {
  const parts: string[] = [];
  const partAt = new Map<string, number>();
  const dirs = new Map<string, Entry[]>();
  for (const f of [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    const [dir, name] = parent(f.path) as [string, string];
    const at = f.parts.map((p) => {
      const known = partAt.get(p);
      if (known !== undefined) return known;
      parts.push(p);
      partAt.set(p, parts.length - 1);
      return parts.length - 1;
    });
    const entries = dirs.get(dir) ?? [];
    entries.push([name, f.size, f.mtimeMs, f.events, at]);
    dirs.set(dir, entries);
  }
  // fromEntries defines each folder as the object's own key, whatever its name.
  return {
    format: FORMAT,
    logs,
    builtAt: new Date().toISOString(),
    parts,
    partRows,
    dirs: Object.fromEntries(dirs),
  };
}

/** What questions read of a manifest (NAMES). */
export function namesFileOf(m: IndexManifest): IndexNamesFile {
  return {
    format: m.format,
    logs: m.logs,
    builtAt: m.builtAt,
    partRows: m.partRows,
    names: Object.fromEntries(Object.entries(m.dirs).map(([d, es]) => [d, es.map((e) => e[0]).join('/')])),
  };
}

/** The events an index holds. */
export function indexedEvents(m: IndexManifest): number {
  let n = 0;
  for (const entries of Object.values(m.dirs)) for (const e of entries) n += e[3];
  return n;
}

/**
 * Why the index under `into` is not read, when it is there but of another format (an older Trailbot's):
 * a sentence for the answer's warnings. Undefined when there is no index, or it can be read.
 */
export async function unreadableIndex(into: string): Promise<string | undefined> {
  try {
    const dir = resolve(into, await readlink(join(into, CURRENT)));
    const { format } = JSON.parse(await readFile(join(dir, MANIFEST), 'utf8')) as { format?: unknown };
    if (format === FORMAT) return undefined;
    return `The index in ${into} was written by another version of Trailbot (format ${String(format)}); the raw files were read. \`trail index\` rebuilds it.`;
  } catch {
    return undefined;
  }
}

/** The current version's folder under `into`, if there is one. */
async function currentVersion(into: string): Promise<string | undefined> {
  try {
    return resolve(into, await readlink(join(into, CURRENT)));
  } catch {
    return undefined;
  }
}

/**
 * What a question reads of the index under `into` (its current version), if there is one of this
 * format: its names file, or the whole manifest for a version written before there were names files.
 */
export async function openIndexView(into: string): Promise<IndexView | undefined> {
  const dir = await currentVersion(into);
  if (!dir) return undefined;
  let file: IndexNamesFile;
  try {
    file = JSON.parse(await readFile(join(dir, NAMES), 'utf8')) as IndexNamesFile;
  } catch {
    return openIndex(into);
  }
  if (file.format !== FORMAT) return undefined;
  return {
    dir,
    logs: file.logs,
    builtAt: file.builtAt,
    partRows: file.partRows,
    names: new IndexedNames(file.names),
  };
}

/** Read the index under `into` (its current version) whole, if there is one of this format. */
export async function openIndex(into: string): Promise<OpenIndex | undefined> {
  const dir = await currentVersion(into);
  if (!dir) return undefined;
  let manifest: IndexManifest;
  try {
    manifest = JSON.parse(await readFile(join(dir, MANIFEST), 'utf8')) as IndexManifest;
  } catch {
    return undefined;
  }
  if (manifest.format !== FORMAT) return undefined;
  let files: Map<string, IndexedFile> | undefined;
  return {
    dir,
    logs: manifest.logs,
    builtAt: manifest.builtAt,
    partRows: manifest.partRows,
    names: new IndexedNames(namesFileOf(manifest).names),
    manifest,
    files: () => {
      files ??= new Map(
        Object.entries(manifest.dirs).flatMap(([d, es]) =>
          es.map(([name, size, mtimeMs, events, at]): [string, IndexedFile] => {
            const path = d ? `${d}/${name}` : name;
            return [path, { path, size, mtimeMs, events, parts: at.map((i) => manifest.parts[i] as string) }];
          }),
        ),
      );
      return files;
    },
  };
}
