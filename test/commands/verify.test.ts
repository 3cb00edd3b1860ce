import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudTrailClient, ListPublicKeysCommand } from '@aws-sdk/client-cloudtrail';
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../commands/dispatch.js';
import { runCli } from '../../src/cli.js';
import { toSlack } from '../../src/slack/blocks.js';
import { tempStorePath } from '../helpers/alerts.js';
import { INVICTUS_DIR } from '../helpers/data.js';
import { testDeps } from '../helpers/deps.js';
import { buildDigestChain, digestKeyPair } from '../helpers/digests.js';
import { texts } from '../helpers/slack.js';

const KEY = digestKeyPair();
const REAL = readdirSync(join(INVICTUS_DIR, 'CloudTrail'))
  .filter((n) => /_20230710T(1145|1150|1200|1205)Z_/.test(n))
  .sort()
  .map((name) => ({ name, content: readFileSync(join(INVICTUS_DIR, 'CloudTrail', name), 'utf8') }));

let root = '';
let keysFile = '';
let built: { logs: string[]; digests: string[] };
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'trailbot-verify-cmd-'));
  built = buildDigestChain(root, REAL, KEY, { periodMinutes: 15 });
  keysFile = join(root, 'keys.json');
  writeFileSync(keysFile, KEY.keysJson);
});

const cli = async (argv: string[]) => {
  let out = '';
  let err = '';
  const code = await runCli(
    argv,
    { TRAIL_STORE_PATH: tempStorePath() },
    { out: (s) => (out += s), err: (s) => (err += s) },
  );
  return { code, out, err };
};

describe('trail verify in the terminal', () => {
  it('says the logs are intact when files, chain and signatures all check out', async () => {
    const r = await cli(['verify', '--logs', root, '--keys', keysFile]);
    expect(r.code).toBe(0);
    expect(r.out).toContain(
      `✅ The logs are intact: ${REAL.length} log files match ${built.digests.length} signed digests`,
    );
  });

  it('says plainly that signatures were not checked without keys, instead of claiming validity', async () => {
    const r = await cli(['verify', '--logs', root]);
    expect(r.out).toContain('Signatures were not checked');
    expect(r.out).not.toContain('✅');
  });

  it('refuses --logs from Slack', async () => {
    const o = await dispatch(['verify', '--logs', root], testDeps(), { userId: 'U1', front: 'slack' });
    expect(o.status).toBe('usage');
  });
});

describe('/trail verify over the S3 archive', () => {
  it('lists the days asked, reads digests with their signature metadata, checks them with ListPublicKeys', async () => {
    const s3 = mockClient(S3Client);
    const ct = mockClient(CloudTrailClient);
    try {
      const all = [...built.logs, ...built.digests];
      s3.on(ListObjectsV2Command).callsFake((input: { Prefix: string }) => ({
        Contents: all
          .filter((k) => k.startsWith(input.Prefix.replace('archive/', '')))
          .map((k) => ({ Key: `archive/${k}` })),
      }));
      s3.on(GetObjectCommand).callsFake((input: { Key: string }) => ({
        // The one method of the SDK's stream body the reader uses.
        Body: {
          transformToByteArray: async () =>
            new Uint8Array(readFileSync(join(root, input.Key.replace('archive/', '')))),
        } as never,
      }));
      s3.on(HeadObjectCommand).callsFake((input: { Key: string }) => ({
        Metadata: { signature: readFileSync(join(root, `${input.Key.replace('archive/', '')}.sig`), 'utf8') },
      }));
      const der = Buffer.from(JSON.parse(KEY.keysJson)[0].value, 'base64');
      ct.on(ListPublicKeysCommand).resolves({
        PublicKeyList: [{ Fingerprint: KEY.fingerprint, Value: der }],
      });
      const deps = testDeps(
        {
          TRAIL_ARCHIVE_BUCKET: 'acme-cloudtrail',
          TRAIL_ARCHIVE_PREFIX: 'archive',
          TRAIL_ACCOUNT_ID: '218007301253',
        },
        { now: new Date('2023-07-10T18:00:00Z') },
      );
      const o = await dispatch(['verify', '--since', '2023-07-10'], deps, { userId: 'U1', front: 'slack' });
      expect(o.status).toBe('answer');
      expect(texts(toSlack(o.doc).blocks).join('\n')).toContain('✅ The logs are intact');
      const prefixes = s3.commandCalls(ListObjectsV2Command).map((c) => c.args[0].input.Prefix);
      // The day asked and one either side (a digest's predecessor, the files of the midnight digest).
      expect(prefixes).toEqual(
        ['09', '10', '11'].flatMap((d) => [
          `archive/AWSLogs/218007301253/CloudTrail/us-east-1/2023/07/${d}/`,
          `archive/AWSLogs/218007301253/CloudTrail-Digest/us-east-1/2023/07/${d}/`,
        ]),
      );
    } finally {
      s3.restore();
      ct.restore();
    }
  });

  it('says what an S3 failure means: the bucket missing, the action refused — not the SDK’s raw text', async () => {
    const s3 = mockClient(S3Client);
    const ct = mockClient(CloudTrailClient);
    try {
      ct.on(ListPublicKeysCommand).resolves({ PublicKeyList: [] });
      const deps = testDeps(
        { TRAIL_ARCHIVE_BUCKET: 'acme-cloudtrail', TRAIL_ACCOUNT_ID: '218007301253' },
        { now: new Date('2023-07-10T18:00:00Z') },
      );
      const ask = () => dispatch(['verify', '--since', '2023-07-10'], deps, { userId: 'U1', front: 'slack' });
      s3.on(ListObjectsV2Command).rejects(
        Object.assign(new Error('The specified bucket does not exist'), { name: 'NoSuchBucket' }),
      );
      expect(texts(toSlack((await ask()).doc).blocks).join('\n')).toContain('does not exist (NoSuchBucket)');
      s3.on(ListObjectsV2Command).rejects(
        Object.assign(
          new Error(
            'User: arn:aws:sts::1:assumed-role/trailbot/x is not authorized to perform: s3:ListBucket',
          ),
          {
            name: 'AccessDenied',
          },
        ),
      );
      const denied = texts(toSlack((await ask()).doc).blocks).join('\n');
      expect(denied).toContain('s3:ListBucket');
      expect(denied).not.toContain('is not authorized to perform');
    } finally {
      s3.restore();
      ct.restore();
    }
  });
});
