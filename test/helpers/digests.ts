import { createHash, createSign, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { type DigestFile, signingString } from '../../src/trail/verify.js';

/** A key pair standing in for CloudTrail's regional signing key. */
export function digestKeyPair() {
  const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const der = pair.publicKey.export({ type: 'pkcs1', format: 'der' });
  const fingerprint = createHash('md5').update(der).digest('hex');
  return { ...pair, fingerprint, keysJson: JSON.stringify([{ fingerprint, value: der.toString('base64') }]) };
}

const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

/** Signs digests as CloudTrail does. */
export interface DigestSigner {
  privateKey: KeyObject;
  fingerprint: string;
}

/**
 * Write a chain of digest files over log files already in the archive at `root` (S3 layout, keys from
 * AWSLogs/ on), one per `periodMinutes` of delivery time per account and region — hourly, as CloudTrail
 * does, unless told otherwise — each signed, with its signature beside it as `.sig` (where a synced copy
 * would have lost the S3 metadata). Returns the digest keys written.
 */
export function digestArchive(
  root: string,
  logKeys: string[],
  signer: DigestSigner,
  opts: { bucket?: string; trail?: string; periodMinutes?: number } = {},
): string[] {
  const bucket = opts.bucket ?? 'acme-cloudtrail';
  const trail = opts.trail ?? 'org-trail';
  const period = (opts.periodMinutes ?? 60) * 60_000;
  const write = (key: string, body: Buffer | string) => {
    mkdirSync(dirname(join(root, key)), { recursive: true });
    writeFileSync(join(root, key), body);
  };
  const chains = new Map<string, Map<number, string[]>>();
  for (const key of logKeys) {
    const m = /AWSLogs\/(?:o-[a-z0-9]+\/)?(\d{12})\/CloudTrail\/([a-z0-9-]+)\/.*_(\d{8}T\d{4})Z_/.exec(key);
    if (!m) continue;
    const t = m[3] as string;
    const at = Date.UTC(
      +t.slice(0, 4),
      +t.slice(4, 6) - 1,
      +t.slice(6, 8),
      +t.slice(9, 11),
      +t.slice(11, 13),
    );
    const chain = chains.get(`${m[1]}:${m[2]}`) ?? new Map<number, string[]>();
    const slot = Math.floor(at / period) * period;
    chain.set(slot, [...(chain.get(slot) ?? []), key]);
    chains.set(`${m[1]}:${m[2]}`, chain);
  }
  const digests: string[] = [];
  for (const [id, slots] of chains) {
    const [account, region] = id.split(':') as [string, string];
    let previous: { key: string; sha: string; signature: string } | undefined;
    for (const slot of [...slots.keys()].sort((a, b) => a - b)) {
      const start = new Date(slot);
      const end = new Date(slot + period);
      const stamp = end.toISOString().replace(/[-:]/g, '').slice(0, 15);
      const key = `AWSLogs/${account}/CloudTrail-Digest/${region}/${end.toISOString().slice(0, 10).replace(/-/g, '/')}/${account}_CloudTrail-Digest_${region}_${trail}_${region}_${stamp}Z.json.gz`;
      const doc: DigestFile = {
        awsAccountId: account,
        digestStartTime: start.toISOString().replace('.000', ''),
        digestEndTime: end.toISOString().replace('.000', ''),
        digestS3Bucket: bucket,
        digestS3Object: key,
        digestPublicKeyFingerprint: signer.fingerprint,
        digestSignatureAlgorithm: 'SHA256withRSA',
        previousDigestS3Bucket: previous ? bucket : null,
        previousDigestS3Object: previous?.key ?? null,
        previousDigestHashValue: previous?.sha ?? null,
        previousDigestHashAlgorithm: previous ? 'SHA-256' : null,
        previousDigestSignature: previous?.signature ?? null,
        logFiles: (slots.get(slot) ?? []).map((l) => ({
          s3Bucket: bucket,
          s3Object: l,
          hashValue: sha256(gunzipSync(readFileSync(join(root, l)))),
          hashAlgorithm: 'SHA-256',
        })),
      };
      const text = JSON.stringify(doc);
      const sha = sha256(text);
      const signature = createSign('RSA-SHA256')
        .update(signingString(doc, sha))
        .sign(signer.privateKey)
        .toString('hex');
      write(key, gzipSync(text));
      write(`${key}.sig`, signature);
      digests.push(key);
      previous = { key, sha, signature };
    }
  }
  return digests;
}

/**
 * Lay out log files as CloudTrail delivers them (gzipped, S3 layout) under `root` and digest them with
 * `digestArchive`. Returns the archive keys written.
 */
export function buildDigestChain(
  root: string,
  files: { name: string; content: string }[],
  signer: DigestSigner,
  opts: { account?: string; region?: string; bucket?: string; trail?: string; periodMinutes?: number } = {},
): { logs: string[]; digests: string[] } {
  const account = opts.account ?? '218007301253';
  const region = opts.region ?? 'us-east-1';
  const logs: string[] = [];
  for (const f of files) {
    const t = /_(\d{8}T\d{4})Z_/.exec(f.name)?.[1] as string;
    const key = `AWSLogs/${account}/CloudTrail/${region}/${t.slice(0, 4)}/${t.slice(4, 6)}/${t.slice(6, 8)}/${f.name.replace(/\.json$/, '')}.json.gz`;
    mkdirSync(dirname(join(root, key)), { recursive: true });
    writeFileSync(join(root, key), gzipSync(f.content));
    logs.push(key);
  }
  return { logs, digests: digestArchive(root, logs, signer, opts) };
}
