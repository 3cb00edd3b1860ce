import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse } from 'csv-parse/sync';
import ipaddr from 'ipaddr.js';
import type { NetworkDb } from './locator.js';

/**
 * ip-location-db's ASN database as its npm package ships it (CSV ranges, no MaxMind file): compiled once
 * into sorted typed arrays — IPv4 ranges as 32-bit numbers, IPv6 as four 32-bit words — and kept in a
 * cache file, so later starts read a few megabytes instead of parsing 45 MB of CSV. Lookups are a binary
 * search.
 */
interface Table {
  v4: { start: Uint32Array; end: Uint32Array; asn: Uint32Array; org: Uint32Array };
  v6: { start: Uint32Array; end: Uint32Array; asn: Uint32Array; org: Uint32Array };
  orgs: string[];
}

/** The cache file's format version: a change to the layout makes old caches be compiled again. */
const FORMAT = 2;

const v6Words = (ip: string): number[] => {
  const p = ipaddr.IPv6.parse(ip).parts;
  return [0, 2, 4, 6].map((i) => (((p[i] as number) << 16) | (p[i + 1] as number)) >>> 0);
};

/** Compile the CSV files (IPv4 ranges as numbers, IPv6 as text) into the table. */
function compile(v4Csv: Buffer, v6Csv: Buffer): Table {
  const orgs: string[] = [];
  const orgIndex = new Map<string, number>();
  const org = (name: string) => {
    let i = orgIndex.get(name);
    if (i === undefined) {
      i = orgs.length;
      orgs.push(name);
      orgIndex.set(name, i);
    }
    return i;
  };
  const r4 = parse(v4Csv, { relax_quotes: true }) as string[][];
  const v4 = {
    start: new Uint32Array(r4.length),
    end: new Uint32Array(r4.length),
    asn: new Uint32Array(r4.length),
    org: new Uint32Array(r4.length),
  };
  r4.forEach((r, i) => {
    v4.start[i] = Number(r[0]);
    v4.end[i] = Number(r[1]);
    v4.asn[i] = Number(r[2]);
    v4.org[i] = org(r[3] ?? '');
  });
  const r6 = parse(v6Csv, { relax_quotes: true }) as string[][];
  const v6 = {
    start: new Uint32Array(r6.length * 4),
    end: new Uint32Array(r6.length * 4),
    asn: new Uint32Array(r6.length),
    org: new Uint32Array(r6.length),
  };
  r6.forEach((r, i) => {
    v6.start.set(v6Words(r[0] as string), i * 4);
    v6.end.set(v6Words(r[1] as string), i * 4);
    v6.asn[i] = Number(r[2]);
    v6.org[i] = org(r[3] ?? '');
  });
  return { v4, v6, orgs };
}

const ARRAYS = ['start', 'end', 'asn', 'org'] as const;

function save(path: string, t: Table): void {
  const header = Buffer.from(
    JSON.stringify({ format: FORMAT, v4: t.v4.asn.length, v6: t.v6.asn.length, orgs: t.orgs }),
  );
  const pad = (4 - ((4 + header.length) % 4)) % 4;
  const size = Buffer.alloc(4);
  size.writeUInt32LE(header.length + pad);
  const parts: Uint8Array[] = [size, header, Buffer.alloc(pad, 0x20)];
  for (const side of [t.v4, t.v6])
    for (const k of ARRAYS)
      parts.push(new Uint8Array(side[k].buffer, side[k].byteOffset, side[k].byteLength));
  mkdirSync(dirname(path), { recursive: true });
  // Written aside and renamed: a reader never sees half a file.
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, Buffer.concat(parts));
  renameSync(tmp, path);
}

/** The table in a cache file; undefined when there is none, or it is of another format or damaged. */
function load(path: string): Table | undefined {
  try {
    return read(readFileSync(path));
  } catch {
    return undefined;
  }
}

function read(buf: Buffer): Table | undefined {
  const len = buf.readUInt32LE(0);
  const h = JSON.parse(buf.subarray(4, 4 + len).toString('utf8')) as {
    format: number;
    v4: number;
    v6: number;
    orgs: string[];
  };
  if (h.format !== FORMAT) return undefined;
  // A copy aligned for the typed arrays (Buffer's own offset may not be).
  const body = new Uint8Array(buf.subarray(4 + len)).buffer;
  let at = 0;
  const take = (n: number) => {
    const a = new Uint32Array(body, at, n);
    at += n * 4;
    return a;
  };
  const v4 = { start: take(h.v4), end: take(h.v4), asn: take(h.v4), org: take(h.v4) };
  const v6 = { start: take(h.v6 * 4), end: take(h.v6 * 4), asn: take(h.v6), org: take(h.v6) };
  return { v4, v6, orgs: h.orgs };
}

/** Compare four words of an IPv6 address with the range bound at index i. */
function cmp6(x: number[], a: Uint32Array, i: number): number {
  for (let k = 0; k < 4; k++) {
    const d = (x[k] as number) - (a[i * 4 + k] as number);
    if (d !== 0) return d;
  }
  return 0;
}

function v4Number(ip: string): number {
  const [a, b, c, d] = ip.split('.').map(Number) as [number, number, number, number];
  return ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;
}

/**
 * The network database from ip-location-db's ASN CSV files, compiled into `cacheFile` on first use (or
 * kept in memory when the cache cannot be written).
 */
export function csvNetwork(o: {
  v4Csv: string;
  v6Csv: string;
  /** The data's version, which names the cache file. */
  version: string;
  cacheDir: string | undefined;
  about: string;
  builtAt?: Date | undefined;
  onCompile?: ((ms: number, cached: boolean) => void) | undefined;
}): NetworkDb {
  const cacheFile = o.cacheDir ? join(o.cacheDir, `asn-${o.version}-v${FORMAT}.bin`) : undefined;
  let table = cacheFile ? load(cacheFile) : undefined;
  if (!table) {
    const started = Date.now();
    table = compile(readFileSync(o.v4Csv), readFileSync(o.v6Csv));
    let cached = false;
    if (cacheFile) {
      try {
        save(cacheFile, table);
        cached = true;
      } catch {
        // A read-only file system: compiled again at the next start.
      }
    }
    o.onCompile?.(Date.now() - started, cached);
  }
  const t = table;
  return {
    about: o.about,
    builtAt: o.builtAt,
    network(ip) {
      if (ip.includes(':')) {
        const x = v6Words(ip);
        let lo = 0;
        let hi = t.v6.asn.length - 1;
        let found = -1;
        while (lo <= hi) {
          const mid = (lo + hi) >>> 1;
          if (cmp6(x, t.v6.start, mid) >= 0) {
            found = mid;
            lo = mid + 1;
          } else hi = mid - 1;
        }
        if (found < 0 || cmp6(x, t.v6.end, found) > 0) return undefined;
        return { asn: t.v6.asn[found] as number, org: t.orgs[t.v6.org[found] as number] || undefined };
      }
      const x = v4Number(ip);
      let lo = 0;
      let hi = t.v4.asn.length - 1;
      let found = -1;
      while (lo <= hi) {
        const mid = (lo + hi) >>> 1;
        if ((t.v4.start[mid] as number) <= x) {
          found = mid;
          lo = mid + 1;
        } else hi = mid - 1;
      }
      if (found < 0 || x > (t.v4.end[found] as number)) return undefined;
      return { asn: t.v4.asn[found] as number, org: t.orgs[t.v4.org[found] as number] || undefined };
    },
  };
}
