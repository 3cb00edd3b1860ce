import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { beforeEach, describe, expect, it } from 'vitest';
import { keysFromJson, localArchive, verifyArchive } from '../../src/trail/verify.js';
import { INVICTUS_DIR } from '../helpers/data.js';
import { buildDigestChain, digestKeyPair } from '../helpers/digests.js';

const KEY = digestKeyPair();
const OTHER = digestKeyPair();
/** Real log files delivered from 11:45 to 12:30, with a digest every 15 minutes: four digests. */
const REAL = readdirSync(join(INVICTUS_DIR, 'CloudTrail'))
  .filter((n) => /_20230710T(1145|1150|1200|1205|1215|1220|1230)Z_/.test(n))
  .sort()
  .map((name) => ({ name, content: readFileSync(join(INVICTUS_DIR, 'CloudTrail', name), 'utf8') }));

let root = '';
let built: { logs: string[]; digests: string[] };
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'trailbot-verify-'));
  built = buildDigestChain(root, REAL, KEY, { periodMinutes: 15 });
});
const keys = () => ({ keys: keysFromJson(KEY.keysJson) });
const verify = () => verifyArchive(localArchive(root), keys());

describe('verifyArchive on real log files with a built digest chain', () => {
  it('finds an intact archive intact: every file, every link, every signature', async () => {
    const r = await verify();
    expect(built.digests).toHaveLength(4);
    expect(r).toMatchObject({
      digests: built.digests.length,
      logFilesChecked: REAL.length,
      missing: [],
      altered: [],
      extra: [],
      chain: [],
      misplaced: [],
      signatures: { checked: built.digests.length, invalid: [], unsigned: [] },
      intact: true,
    });
  });

  it('names an altered log file (one event changed inside the gzip)', async () => {
    const key = built.logs[3] as string;
    const text = gunzipSync(readFileSync(join(root, key)))
      .toString('utf8')
      .replace('"us-east-1"', '"eu-west-1"');
    writeFileSync(join(root, key), gzipSync(text));
    const r = await verify();
    expect(r.altered).toEqual([key]);
    expect(r.intact).toBe(false);
  });

  it('names a removed log file, and one added that no digest lists', async () => {
    const gone = built.logs[5] as string;
    rmSync(join(root, gone));
    const added = (built.logs[0] as string).replace(/_[A-Za-z0-9]+\.json\.gz$/, '_ZZZZforgedZZZZ.json.gz');
    cpSync(join(root, built.logs[0] as string), join(root, added));
    const r = await verify();
    expect(r.missing).toEqual([gone]);
    expect(r.extra).toEqual([added]);
  });

  it('names a gap in the chain (a digest removed) and an altered digest (its successor’s hash no longer matches)', async () => {
    const [first, second, third] = built.digests as [string, string, string];
    rmSync(join(root, second));
    let r = await verify();
    expect(r.chain).toEqual([`${third}: its predecessor ${second} is missing`]);
    // Put it back, then change the first digest: its signature and its successor's link both break.
    built = buildDigestChain(root, REAL, KEY, { periodMinutes: 15 });
    const doc = JSON.parse(gunzipSync(readFileSync(join(root, first))).toString('utf8'));
    doc.logFiles.pop();
    writeFileSync(join(root, first), gzipSync(JSON.stringify(doc)));
    r = await verify();
    expect(r.chain).toEqual([
      `${second}: its predecessor ${first} does not match the hash it recorded (altered)`,
    ]);
    expect('checked' in r.signatures && r.signatures.invalid).toEqual([first]);
  });

  it('refuses signatures from another key, and says plainly when it cannot check them', async () => {
    const wrong = await verifyArchive(localArchive(root), { keys: keysFromJson(OTHER.keysJson) });
    expect('checked' in wrong.signatures && wrong.signatures.unsigned.length).toBe(built.digests.length);
    expect(wrong.intact).toBe(false);
    const offline = await verifyArchive(localArchive(root), {
      unavailable: 'offline: no CloudTrail public keys (give --keys)',
    });
    expect(offline.signatures).toEqual({ notChecked: 'offline: no CloudTrail public keys (give --keys)' });
    expect(offline.intact).toBe(false);
    expect(offline.missing).toEqual([]);
  });

  it('names a digest that is not where it was delivered', async () => {
    const [first] = built.digests as [string];
    const moved = first.replace('/2023/07/10/', '/2023/07/11/');
    cpSync(join(root, first), join(root, moved));
    const r = await verify();
    expect(r.misplaced).toEqual([`${moved} (it says it was delivered as ${first})`]);
  });

  it('judges only the digests of a window, using the days around it for predecessors and listings', async () => {
    const across = mkdtempSync(join(tmpdir(), 'trailbot-verify-midnight-'));
    const content = REAL[0]?.content ?? '{}';
    const names = [
      '20230709T2340Z_a',
      '20230709T2350Z_b',
      '20230710T0005Z_c',
      '20230710T0020Z_d',
      '20230710T0035Z_e',
    ];
    buildDigestChain(
      across,
      names.map((n) => ({
        name: `218007301253_CloudTrail_us-east-1_${n}xxxxxxxxxxxx.json`,
        content,
      })),
      KEY,
      { periodMinutes: 15 },
    );
    const day10 = { start: new Date('2023-07-10T00:00:00Z'), end: new Date('2023-07-11T00:00:00Z') };
    const r = await verifyArchive(localArchive(across), keys(), { window: day10 });
    expect(r).toMatchObject({
      digests: 3,
      logFilesChecked: 3,
      chain: [],
      missing: [],
      extra: [],
      intact: true,
    });
    // The window's last digest removed: its successor, just outside, names the gap.
    const early = { start: new Date('2023-07-10T00:00:00Z'), end: new Date('2023-07-10T00:30:00Z') };
    const dir = join(across, 'AWSLogs/218007301253/CloudTrail-Digest/us-east-1/2023/07/10');
    const last = readdirSync(dir).find((n) => n.endsWith('T003000Z.json.gz'));
    if (!last) throw new Error('no digest ending 00:30');
    expect((await verifyArchive(localArchive(across), keys(), { window: early })).chain).toEqual([]);
    rmSync(join(dir, last));
    const gap = await verifyArchive(localArchive(across), keys(), { window: early });
    expect(gap.chain).toHaveLength(1);
    expect(gap.chain[0]).toContain(
      `its predecessor AWSLogs/218007301253/CloudTrail-Digest/us-east-1/2023/07/10/${last} is missing`,
    );
  });
});
