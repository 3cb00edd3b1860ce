import { type CloudTrailClient, ListPublicKeysCommand } from '@aws-sdk/client-cloudtrail';
import {
  GetObjectCommand,
  HeadObjectCommand,
  paginateListObjectsV2,
  type S3Client,
} from '@aws-sdk/client-s3';
import { awsError } from '../aws-errors.js';
import { type ArchiveReader, archiveKey, publicKeyFromDer, type SigningKeys } from './verify.js';

/** Where the archive is in S3, and which part of it to verify. */
export interface S3ArchiveOptions {
  bucket: string;
  /** Key prefix before AWSLogs/, without slashes at either end. */
  prefix: string;
  orgId?: string | undefined;
  accounts: string[];
  regions: string[];
  /** UTC days (yyyy/MM/dd) to verify. */
  days: string[];
}

/**
 * The S3 archive, read for verification: only the days asked (per account, region and day, log files and
 * digests), each digest's signature from its object metadata (x-amz-meta-signature).
 */
export function s3Archive(s3: S3Client, o: S3ArchiveOptions): ArchiveReader {
  const base = `${o.prefix ? `${o.prefix}/` : ''}AWSLogs/${o.orgId ? `${o.orgId}/` : ''}`;
  const full = new Map<string, string>();
  /** An S3 read whose failure is said like every other AWS failure (the action it needs, NoSuchBucket, KMS). */
  const s3Call = async <T>(action: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (err) {
      throw awsError(err, { service: 'S3', action, where: `bucket ${o.bucket}` });
    }
  };
  return {
    describe: () => `s3://${o.bucket}/${base} (${o.days.length} day${o.days.length === 1 ? '' : 's'})`,
    async list() {
      for (const account of o.accounts)
        for (const region of o.regions)
          for (const day of o.days)
            for (const kind of ['CloudTrail', 'CloudTrail-Digest']) {
              const Prefix = `${base}${account}/${kind}/${region}/${day}/`;
              try {
                for await (const page of paginateListObjectsV2(
                  { client: s3 },
                  { Bucket: o.bucket, Prefix },
                )) {
                  for (const c of page.Contents ?? []) {
                    const key = c.Key ? archiveKey(c.Key) : undefined;
                    if (key && c.Key) full.set(key, c.Key);
                  }
                }
              } catch (err) {
                throw awsError(err, { service: 'S3', action: 's3:ListBucket', where: `bucket ${o.bucket}` });
              }
            }
      return [...full.keys()];
    },
    async read(key) {
      const r = await s3Call('s3:GetObject', () =>
        s3.send(new GetObjectCommand({ Bucket: o.bucket, Key: full.get(key) ?? key })),
      );
      return Buffer.from(
        await (r.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray(),
      );
    },
    async signature(key) {
      const r = await s3Call('s3:GetObject', () =>
        s3.send(new HeadObjectCommand({ Bucket: o.bucket, Key: full.get(key) ?? key })),
      );
      return r.Metadata?.signature;
    },
  };
}

/**
 * CloudTrail's public keys for the span in every region given (ListPublicKeys, every page), by
 * fingerprint. A region that cannot be read (opt-in, an SCP) costs only its own digests their check:
 * they come out as having no public key; all regions failing means no signature can be checked.
 */
export async function cloudTrailKeys(
  clients: CloudTrailClient[],
  start: Date,
  end: Date,
): Promise<SigningKeys> {
  const keys = new Map();
  const failures: string[] = [];
  for (const ct of clients) {
    try {
      let token: string | undefined;
      do {
        const r = await ct.send(
          new ListPublicKeysCommand({ StartTime: start, EndTime: end, NextToken: token }),
        );
        for (const k of r.PublicKeyList ?? [])
          if (k.Fingerprint && k.Value) keys.set(k.Fingerprint, publicKeyFromDer(k.Value));
        token = r.NextToken;
      } while (token);
    } catch (err) {
      failures.push(awsError(err, { service: 'CloudTrail', action: 'cloudtrail:ListPublicKeys' }).message);
    }
  }
  if (failures.length === clients.length && clients.length)
    return { unavailable: `CloudTrail's public keys could not be read: ${failures[0]}` };
  return { keys };
}
