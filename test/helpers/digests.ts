import { createHash, createSign, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { type DigestFile, signingString } from '../../src/trail/verify.js';

/** A key pair standing in for CloudTrail's regional signing key. */
export function digestKeyPair() {
  const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const der = pair.publicKey.export({ type: 'pkcs1', format: 'der' });
  const fingerprint = createHash('md5').update(der).digest('hex');
  return { ...pair, fingerprint, keysJson: JSON.stringify([{ fingerprint, value: der.toString('base64') }]) };
}

const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

/**
 * Lay out log files as CloudTrail delivers them (gzipped, S3 layout) under `root`, and write a chain of
 * digest files (hourly, as CloudTrail does, unless `periodMinutes` says otherwise) over them, each signed with `key` and its signature beside it as `.sig` (where a
 * synced copy would have lost the S3 metadata). Returns the archive keys written.
 */
export function buildDigestChain(
  root: string,
  files: { name: string; content: string }[],
  signer: { privateKey: KeyObject; fingerprint: string },
  opts: { account?: string; region?: string; bucket?: string; trail?: string; periodMinutes?: number } = {},
): { logs: string[]; digests: string[] } {
  const account = opts.account ?? '218007301253';
  const region = opts.region ?? 'us-east-1';
  const bucket = opts.bucket ?? 'acme-cloudtrail';
  const trail = opts.trail ?? 'org-trail';
  const write = (key: string, body: Buffer | string) => {
    mkdirSync(dirname(join(root, key)), { recursive: true });
    writeFileSync(join(root, key), body);
  };
  const period = opts.periodMinutes ?? 60;
  const byHour = new Map<number, { key: string; content: string }[]>();
  const logs: string[] = [];
  for (const f of files) {
    const t = /_(\d{8}T\d{4})Z_/.exec(f.name)?.[1] as string;
    const day = `${t.slice(0, 4)}/${t.slice(4, 6)}/${t.slice(6, 8)}`;
    const key = `AWSLogs/${account}/CloudTrail/${region}/${day}/${f.name.replace(/\.json$/, '')}.json.gz`;
    write(key, gzipSync(f.content));
    logs.push(key);
    const at = Date.UTC(
      +t.slice(0, 4),
      +t.slice(4, 6) - 1,
      +t.slice(6, 8),
      +t.slice(9, 11),
      +t.slice(11, 13),
    );
    const slot = Math.floor(at / (period * 60_000)) * period * 60_000;
    byHour.set(slot, [...(byHour.get(slot) ?? []), { key, content: f.content }]);
  }
  const digests: string[] = [];
  let previous: { key: string; sha: string; signature: string } | undefined;
  for (const hour of [...byHour.keys()].sort((a, b) => a - b)) {
    const start = new Date(hour);
    const end = new Date(hour + period * 60_000);
    const endStamp = end.toISOString().replace(/[-:]/g, '').slice(0, 15);
    const key = `AWSLogs/${account}/CloudTrail-Digest/${region}/${end.toISOString().slice(0, 10).replace(/-/g, '/')}/${account}_CloudTrail-Digest_${region}_${trail}_${region}_${endStamp}Z.json.gz`;
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
      logFiles: (byHour.get(hour) ?? []).map((l) => ({
        s3Bucket: bucket,
        s3Object: l.key,
        hashValue: sha256(l.content),
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
  return { logs, digests };
}
