import { readFileSync } from 'node:fs';
import { readlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';

/**
 * An index of a local CloudTrail archive: Parquet files partitioned by account, region and day (of the
 * event), the record's fields as the local source reads them (the nested ones kept as JSON), each row
 * naming the log file it came from; and a manifest of the log files indexed. Versions live side by side
 * under the index folder; `current` points at the one questions read, and moves only once a new version
 * is whole — a build that dies leaves the previous one in use.
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

export interface IndexManifest {
  format: 1;
  /** The archive folder indexed (absolute). */
  logs: string;
  builtAt: string;
  files: IndexedFile[];
}

/** An index version, ready to read. */
export interface OpenIndex {
  /** The version folder. */
  dir: string;
  manifest: IndexManifest;
  /** Indexed files by relative path. */
  byPath: Map<string, IndexedFile>;
}

export const MANIFEST = 'manifest.json';
export const CURRENT = 'current';

/** Read the index under `into` (its current version), if there is one. */
export async function openIndex(into: string): Promise<OpenIndex | undefined> {
  let target: string;
  try {
    target = await readlink(join(into, CURRENT));
  } catch {
    return undefined;
  }
  const dir = resolve(into, target);
  try {
    const manifest = JSON.parse(readFileSync(join(dir, MANIFEST), 'utf8')) as IndexManifest;
    if (manifest.format !== 1) return undefined;
    return { dir, manifest, byPath: new Map(manifest.files.map((f) => [f.path, f])) };
  } catch {
    return undefined;
  }
}
