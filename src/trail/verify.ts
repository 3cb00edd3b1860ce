import { createHash, createPublicKey, createVerify, type KeyObject } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { promisify } from 'node:util';
import { gunzip as gunzipCb } from 'node:zlib';
import pLimit from 'p-limit';
import { z } from 'zod';

const gunzip = promisify(gunzipCb);

/** A CloudTrail digest file, as CloudTrail writes it (the fields validation reads). */
export const digestSchema = z.looseObject({
  awsAccountId: z.string(),
  digestStartTime: z.string(),
  digestEndTime: z.string(),
  digestS3Bucket: z.string(),
  digestS3Object: z.string(),
  digestPublicKeyFingerprint: z.string().optional(),
  digestSignatureAlgorithm: z.string().optional(),
  previousDigestS3Bucket: z.string().nullable().optional(),
  previousDigestS3Object: z.string().nullable().optional(),
  previousDigestHashValue: z.string().nullable().optional(),
  previousDigestHashAlgorithm: z.string().nullable().optional(),
  previousDigestSignature: z.string().nullable().optional(),
  logFiles: z.array(
    z.looseObject({
      s3Bucket: z.string(),
      s3Object: z.string(),
      hashValue: z.string(),
      hashAlgorithm: z.string().optional(),
    }),
  ),
});

/** A digest file's contents. */
export type DigestFile = z.infer<typeof digestSchema>;

/** Where the files are: a synced directory or the S3 archive. Keys are paths from `AWSLogs/` on. */
export interface ArchiveReader {
  describe(): string;
  /** Every object's key, from `AWSLogs/` on. */
  list(): Promise<string[]>;
  /** The object as stored (gzipped or not). */
  read(key: string): Promise<Buffer>;
  /** A digest's signature (hex), when the reader can know it: S3 metadata, or a `.sig` file beside it. */
  signature(key: string): Promise<string | undefined>;
}

/** Public keys by fingerprint, or why there are none. */
export type SigningKeys = { keys: Map<string, KeyObject> } | { unavailable: string };

/** What verification found. */
export interface VerifyResult {
  where: string;
  digests: number;
  logFilesChecked: number;
  /** Listed in a digest, not in the archive. */
  missing: string[];
  /** In the archive, hash differs from the digest's. */
  altered: string[];
  /** Log files in the digests' span that no digest lists. */
  extra: string[];
  /** Breaks in a digest chain: a predecessor missing, or its hash not matching. */
  chain: string[];
  /** Digest files not where their own content says they were delivered, or unreadable. */
  misplaced: string[];
  signatures: { checked: number; invalid: string[]; unsigned: string[] } | { notChecked: string };
  /** True only when nothing above is wrong and every signature checked out. */
  intact: boolean;
}

const DIGEST_NAME = /\/CloudTrail-Digest\/.*_CloudTrail-Digest_.*\.json(\.gz)?$/;
const LOG_NAME =
  /\/CloudTrail\/([a-z0-9-]+)\/\d{4}\/\d{2}\/\d{2}\/(\d{12})_CloudTrail_[a-z0-9-]+_(\d{8}T\d{4})Z_[A-Za-z0-9]+\.json(\.gz)?$/;

/** From `AWSLogs/` on: the part of an S3 key or a local path both sides share. */
export function archiveKey(path: string): string | undefined {
  const at = path.indexOf('AWSLogs/');
  return at < 0 ? undefined : path.slice(at);
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function uncompressed(key: string, raw: Buffer): Promise<Buffer> {
  return key.endsWith('.gz') ? gunzip(raw) : raw;
}

/** The string CloudTrail signs: end time, the digest's S3 path, its SHA-256, the previous signature. */
export function signingString(d: DigestFile, digestSha256: string): string {
  return `${d.digestEndTime}\n${d.digestS3Bucket}/${d.digestS3Object}\n${digestSha256}\n${d.previousDigestSignature ?? 'null'}`;
}

/** A log file's delivery time from its name (yyyyMMddTHHmm), and its account and region. */
function logFileOf(key: string): { account: string; region: string; at: number } | undefined {
  const m = LOG_NAME.exec(`/${key}`);
  if (!m) return undefined;
  const t = m[3] as string;
  const at = Date.UTC(+t.slice(0, 4), +t.slice(4, 6) - 1, +t.slice(6, 8), +t.slice(9, 11), +t.slice(11, 13));
  return { region: m[1] as string, account: m[2] as string, at };
}

/**
 * Validate CloudTrail's digest files: every log file a digest lists exists and its SHA-256 (of the
 * uncompressed content) matches; each digest chains to its predecessor (same object, same hash) with no
 * gap; log files in the digests' span that no digest lists are named as extra. Signatures (SHA256withRSA
 * over `signingString`) are checked where both the signature and CloudTrail's public key are at hand;
 * where they are not, the result says so rather than claim validity.
 */
export async function verifyArchive(
  reader: ArchiveReader,
  keys: SigningKeys,
  opts: { concurrency?: number; window?: { start: Date; end: Date } | undefined } = {},
): Promise<VerifyResult> {
  const concurrency = opts.concurrency ?? 8;
  const w = opts.window;
  const all = await reader.list();
  const digestKeys = all.filter((k) => DIGEST_NAME.test(`/${k}`));
  const logKeys = new Set(all.filter((k) => LOG_NAME.test(`/${k}`)));
  const limit = pLimit(concurrency);
  const misplaced: string[] = [];
  const digests = (
    await Promise.all(
      digestKeys.map((key) =>
        limit(async () => {
          try {
            const raw = await uncompressed(key, await reader.read(key));
            const doc = digestSchema.parse(JSON.parse(raw.toString('utf8')));
            if (archiveKey(doc.digestS3Object) !== key) {
              misplaced.push(`${key} (it says it was delivered as ${doc.digestS3Object})`);
              return undefined;
            }
            return { key, doc, sha: sha256(raw) };
          } catch (err) {
            misplaced.push(`${key} (not a readable digest: ${(err as Error).message.split('\n')[0]})`);
            return undefined;
          }
        }),
      ),
    )
  ).filter((d): d is NonNullable<typeof d> => d !== undefined);

  // With a window (the S3 archive read for some days, plus a day either side so the first digest's
  // predecessor and the files of the digest ending at midnight are there), only the digests overlapping
  // it are judged; the rest only serve as predecessors and listings.
  const judged = w
    ? digests.filter(
        (d) =>
          Date.parse(d.doc.digestEndTime) > w.start.getTime() &&
          Date.parse(d.doc.digestStartTime) < w.end.getTime(),
      )
    : digests;
  // Chains: each digest's predecessor must be here and hash to what it says. With a window, the first
  // digest after it is checked too, so the window's last digest cannot vanish unnoticed.
  const byKey = new Map(digests.map((d) => [d.key, d]));
  const chain: string[] = [];
  const linked = [...judged];
  if (w) {
    const next = new Map<string, (typeof digests)[number]>();
    for (const d of digests) {
      if (Date.parse(d.doc.digestStartTime) < w.end.getTime()) continue;
      const id = `${d.doc.awsAccountId}:${/CloudTrail-Digest\/([a-z0-9-]+)\//.exec(d.key)?.[1]}`;
      const cur = next.get(id);
      if (!cur || Date.parse(d.doc.digestStartTime) < Date.parse(cur.doc.digestStartTime)) next.set(id, d);
    }
    linked.push(...next.values());
  }
  for (const d of linked) {
    const prev = d.doc.previousDigestS3Object;
    if (!prev) continue;
    const p = byKey.get(archiveKey(prev) ?? prev);
    if (!p) chain.push(`${d.key}: its predecessor ${prev} is missing`);
    else if (d.doc.previousDigestHashValue && p.sha !== d.doc.previousDigestHashValue)
      chain.push(`${d.key}: its predecessor ${p.key} does not match the hash it recorded (altered)`);
  }

  // Log files: listed ones exist and match.
  const listed = new Map<string, string>();
  const everListed = new Set<string>();
  for (const d of digests)
    for (const f of d.doc.logFiles) everListed.add(archiveKey(f.s3Object) ?? f.s3Object);
  for (const d of judged)
    for (const f of d.doc.logFiles) {
      const k = archiveKey(f.s3Object);
      if (k) listed.set(k, f.hashValue);
    }
  const missing: string[] = [];
  const altered: string[] = [];
  await Promise.all(
    [...listed].map(([key, hash]) =>
      limit(async () => {
        if (!logKeys.has(key)) {
          missing.push(key);
          return;
        }
        const body = await uncompressed(key, await reader.read(key));
        if (sha256(body) !== hash) altered.push(key);
      }),
    ),
  );

  // Extra: log files of an account and region whose digests cover their delivery time, listed by none.
  const spans = new Map<string, { start: number; end: number }>();
  for (const d of digests) {
    const region = /CloudTrail-Digest\/([a-z0-9-]+)\//.exec(d.key)?.[1];
    const id = `${d.doc.awsAccountId}:${region}`;
    const s = spans.get(id) ?? { start: Number.POSITIVE_INFINITY, end: 0 };
    s.start = Math.min(s.start, Date.parse(d.doc.digestStartTime));
    s.end = Math.max(s.end, Date.parse(d.doc.digestEndTime));
    spans.set(id, s);
  }
  const extra: string[] = [];
  for (const key of logKeys) {
    if (everListed.has(key)) continue;
    const f = logFileOf(key);
    const s = f && spans.get(`${f.account}:${f.region}`);
    const inWindow = !w || (f && f.at >= w.start.getTime() && f.at < w.end.getTime());
    if (f && s && inWindow && f.at >= s.start && f.at < s.end) extra.push(key);
  }

  // Signatures, where they can be checked.
  let signatures: VerifyResult['signatures'];
  if ('unavailable' in keys) signatures = { notChecked: keys.unavailable };
  else {
    const invalid: string[] = [];
    const unsigned: string[] = [];
    let checked = 0;
    for (const d of judged) {
      const sig = await reader.signature(d.key);
      const key = d.doc.digestPublicKeyFingerprint
        ? keys.keys.get(d.doc.digestPublicKeyFingerprint)
        : undefined;
      if (!sig || !key) {
        unsigned.push(
          `${d.key} (${!sig ? 'no signature at hand' : `no public key with fingerprint ${d.doc.digestPublicKeyFingerprint}`})`,
        );
        continue;
      }
      checked++;
      const ok = createVerify('RSA-SHA256')
        .update(signingString(d.doc, d.sha))
        .verify(key, Buffer.from(sig, 'hex'));
      if (!ok) invalid.push(d.key);
    }
    signatures = { checked, invalid, unsigned };
  }
  const sigOk =
    'checked' in signatures && signatures.invalid.length === 0 && signatures.unsigned.length === 0;
  const sorted = (xs: string[]) => xs.sort();
  return {
    where: reader.describe(),
    digests: judged.length,
    logFilesChecked: listed.size - missing.length,
    missing: sorted(missing),
    altered: sorted(altered),
    extra: sorted(extra),
    chain: sorted(chain),
    misplaced: sorted(misplaced),
    signatures,
    intact:
      sigOk &&
      !missing.length &&
      !altered.length &&
      !extra.length &&
      !chain.length &&
      !misplaced.length &&
      judged.length > 0,
  };
}

/** A synced copy of the archive on disk; a digest's signature may sit beside it as `<digest>.sig` (hex). */
export function localArchive(dir: string): ArchiveReader {
  const paths = new Map<string, string>();
  return {
    describe: () => `log files in ${dir}`,
    async list() {
      const entries = await readdir(dir, { recursive: true, withFileTypes: true });
      for (const e of entries) {
        if (!e.isFile()) continue;
        const full = join(e.parentPath, e.name);
        const key = archiveKey(relative(dir, full).split(sep).join('/'));
        if (key) paths.set(key, full);
      }
      return [...paths.keys()];
    },
    read: (key) => readFile(paths.get(key) ?? join(dir, key)),
    async signature(key) {
      const path = paths.get(`${key}.sig`);
      return path ? (await readFile(path, 'utf8')).trim() : undefined;
    },
  };
}

/** Public keys from a file: a JSON list of {fingerprint, value} with value the base64 DER CloudTrail gives. */
export function keysFromJson(text: string): Map<string, KeyObject> {
  const list = z.array(z.object({ fingerprint: z.string(), value: z.string() })).parse(JSON.parse(text));
  return new Map(list.map((k) => [k.fingerprint, publicKeyFromDer(Buffer.from(k.value, 'base64'))]));
}

/** A key as ListPublicKeys returns it (DER, PKCS#1 RSAPublicKey); SPKI DER is read too. */
export function publicKeyFromDer(der: Uint8Array): KeyObject {
  try {
    return createPublicKey({ key: Buffer.from(der), format: 'der', type: 'pkcs1' });
  } catch {
    return createPublicKey({ key: Buffer.from(der), format: 'der', type: 'spki' });
  }
}
