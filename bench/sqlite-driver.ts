// Which SQLite driver for the store: better-sqlite3 (a native addon, built from source on these machines)
// or Node's own node:sqlite (Node 22.13+, nothing to build). The store uses node:sqlite since this was
// measured; better-sqlite3 is not a dependency any more, so install it beside to compare:
//   npm install --no-save better-sqlite3@12 && npx tsx bench/sqlite-driver.ts
// Same file settings as the store (WAL, synchronous=FULL), Same file settings as the store (WAL, synchronous=FULL),
// same shapes of work: one durable commit per SNS message, group commits of 50, point reads.
// Method: each driver on a fresh file in the same temp folder, same process, alternated 3 times; the
// median of each figure is printed. Run: npx tsx bench/sqlite-driver.ts
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';

interface Db {
  exec(sql: string): void;
  prepare(sql: string): { run(...p: unknown[]): unknown; get(...p: unknown[]): unknown };
  close(): void;
}

const require = createRequire(import.meta.url);
const drivers: Record<string, (path: string) => Db> = {
  'node:sqlite': (path) => new DatabaseSync(path) as unknown as Db,
};
try {
  const Better = require('better-sqlite3');
  drivers['better-sqlite3'] = (path) => new Better(path) as Db;
} catch {
  console.log('better-sqlite3 is not installed: measuring node:sqlite alone (see the header to compare).');
}

const SINGLE = 2_000;
const BATCHES = 200;
const BATCH = 50;
const READS = 100_000;

function run(name: string, dir: string) {
  const db = drivers[name]?.(join(dir, `${name.replace(':', '-')}-${Math.random()}.db`));
  if (!db) throw new Error(name);
  db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;');
  db.exec('CREATE TABLE m (id TEXT PRIMARY KEY, body TEXT NOT NULL, at TEXT NOT NULL)');
  const ins = db.prepare('INSERT OR IGNORE INTO m (id, body, at) VALUES (?, ?, ?)');
  const body = 'x'.repeat(1_500);
  let t = performance.now();
  for (let i = 0; i < SINGLE; i++) {
    db.exec('BEGIN');
    ins.run(`s${i}`, body, new Date().toISOString());
    db.exec('COMMIT');
  }
  const singlePerS = SINGLE / ((performance.now() - t) / 1000);
  t = performance.now();
  for (let b = 0; b < BATCHES; b++) {
    db.exec('BEGIN');
    for (let i = 0; i < BATCH; i++) ins.run(`b${b}-${i}`, body, new Date().toISOString());
    db.exec('COMMIT');
  }
  const batchPerS = (BATCHES * BATCH) / ((performance.now() - t) / 1000);
  const get = db.prepare('SELECT id, at FROM m WHERE id = ?');
  t = performance.now();
  for (let i = 0; i < READS; i++) get.get(`b${i % BATCHES}-${i % BATCH}`);
  const readsPerS = READS / ((performance.now() - t) / 1000);
  db.close();
  return { singlePerS, batchPerS, readsPerS };
}

const dir = mkdtempSync(join(tmpdir(), 'sqlite-driver-'));
const results: Record<string, ReturnType<typeof run>[]> = {};
for (let round = 0; round < 3; round++) {
  for (const name of Object.keys(drivers)) {
    results[name] = [...(results[name] ?? []), run(name, dir)];
  }
}
rmSync(dir, { recursive: true, force: true });
const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
console.log(
  `Node ${process.version}; ${SINGLE} durable single commits, ${BATCHES}×${BATCH} group commits, ${READS} point reads`,
);
for (const [name, rs] of Object.entries(results)) {
  console.log(
    `${name.padEnd(15)} single commits ${median(rs.map((r) => r.singlePerS)).toFixed(0)}/s · group-committed rows ${median(rs.map((r) => r.batchPerS)).toFixed(0)}/s · reads ${median(rs.map((r) => r.readsPerS)).toFixed(0)}/s`,
  );
}
