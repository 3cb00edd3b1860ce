import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';

/** The real data the tests read: copied into the repository with its licences (test/fixtures/README.md). */
export const FIXTURES = resolve(import.meta.dirname, '../fixtures');
export const CLOUDTRAIL_DATA = join(FIXTURES, 'cloudtrail');
export const IAM_DATA = join(FIXTURES, 'iam');
export const SNS_DATA = join(FIXTURES, 'sns');
export const INVICTUS_DIR = join(CLOUDTRAIL_DATA, 'invictus-aws_dataset');
export const STRATUS_DIR = join(CLOUDTRAIL_DATA, 'stratus-red-team-detonation-logs');
export const SNITCH_DIR = join(CLOUDTRAIL_DATA, 'cloud-snitch-s3-layout');

/** Every raw record of a dataset, read with plain JSON.parse (not the code under test). */
export function rawRecords(dir: string): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.json')) {
        const doc = JSON.parse(readFileSync(p, 'utf8'));
        out.push(...(Array.isArray(doc) ? doc : doc.Records));
      } else if (e.name.endsWith('.json.gz')) {
        out.push(...JSON.parse(gunzipSync(readFileSync(p)).toString('utf8')).Records);
      }
    }
  };
  walk(dir);
  return out;
}
