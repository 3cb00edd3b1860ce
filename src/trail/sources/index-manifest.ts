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

/** An index version, ready to read. */
export interface OpenIndex {
  /** The version folder. */
  dir: string;
  manifest: IndexManifest;
  /** Folder → the names of the log files indexed in it. */
  names: Map<string, Set<string>>;
  /** Every indexed file, by relative path (built on first use: the builder needs it, questions do not). */
  files: () => Map<string, IndexedFile>;
}

/**
 * Format 4: typed principal columns, UUID event ids, files grouped by folder, rows per partition (3), and
 * no session token in any response (4: an index written before holds them, and is made afresh). An index
 * of another format is not read; the next build makes it afresh.
 */
export const FORMAT = 4;
export const MANIFEST = 'manifest.json';
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

/** Read the index under `into` (its current version), if there is one of this format. */
export async function openIndex(into: string): Promise<OpenIndex | undefined> {
  let target: string;
  try {
    target = await readlink(join(into, CURRENT));
  } catch {
    return undefined;
  }
  const dir = resolve(into, target);
  let manifest: IndexManifest;
  try {
    manifest = JSON.parse(await readFile(join(dir, MANIFEST), 'utf8')) as IndexManifest;
  } catch {
    return undefined;
  }
  if (manifest.format !== FORMAT) return undefined;
  const names = new Map(Object.entries(manifest.dirs).map(([d, es]) => [d, new Set(es.map((e) => e[0]))]));
  let files: Map<string, IndexedFile> | undefined;
  return {
    dir,
    manifest,
    names,
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
