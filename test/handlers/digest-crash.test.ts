import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempStore } from '../helpers/alerts.js';
import { startBot } from '../helpers/bot-process.js';
import { IAM_DATA } from '../helpers/data.js';
import { FakeAws } from '../helpers/fake-aws.js';
import { FakeSlack, fakeChannels } from '../helpers/fake-slack.js';

const snapshots = (path: string) => {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM hygiene_snapshots').get() as { n: number }).n;
  } catch {
    return 0;
  } finally {
    db.close();
  }
};

let killAt: 'post' | 'upload' | undefined;
let onKill: () => void = () => {};

describe('crash safety of the weekly digest: kill -9 at points of a run', () => {
  const slack = new FakeSlack();
  let ch: ReturnType<typeof fakeChannels>;
  const aws = new FakeAws(readFileSync(join(IAM_DATA, 'credential-report.csv'), 'utf8'));
  let child: ChildProcess | undefined;
  beforeAll(async () => {
    await slack.start();
    await aws.start();
    ch = fakeChannels(slack);
    // Kill the bot from inside Slack's answer: the post is taken, the bot never hears back.
    const take = slack.replyFor('/api/chat.postMessage');
    if (!take) throw new Error('no chat.postMessage on the fake');
    slack.on('/api/chat.postMessage', (b) => {
      const r = take(b);
      if (
        killAt === 'post' &&
        (b.metadata as { event_type?: string } | undefined)?.event_type === 'trailbot_digest'
      )
        onKill();
      return r;
    });
    let uploads = 0;
    slack.on('/api/users.lookupByEmail', () => ({ body: { ok: false, error: 'users_not_found' } }));
    slack.on('/api/files.getUploadURLExternal', () => {
      if (killAt === 'upload') onKill();
      uploads++;
      slack.on(`/upload/F${uploads}`, () => ({ body: 'OK' }));
      return { body: { ok: true, upload_url: `${slack.url}/upload/F${uploads}`, file_id: `F${uploads}` } };
    });
    slack.on('/api/files.completeUploadExternal', () => ({ body: { ok: true, files: [{ id: 'F1' }] } }));
  });
  afterAll(async () => {
    child?.kill('SIGKILL');
    await aws.stop();
    await slack.stop();
  });

  it('posts the digest missed while down exactly once, wherever the run before was killed', async () => {
    // Three kill points: before the post (at once), the moment Slack has taken the post (before the bot
    // hears back or keeps its snapshot), and during the chart's upload.
    const points = ['before-post', 'after-post', 'during-upload'] as const;
    for (const [round, point] of points.entries()) {
      const channel = `C0DGST00${round}`;
      const store = tempStore();
      store.store.close();
      const env = {
        SLACK_BOT_TOKEN: 'xoxb-crash',
        SLACK_SIGNING_SECRET: 'crash-secret',
        SLACK_API_URL: `${slack.url}/api/`,
        PORT: '0',
        HOST: '127.0.0.1',
        TRAIL_STORE_PATH: store.path,
        TRAIL_DIGEST_CRON: '0 8 * * 1',
        TRAIL_DIGEST_CHANNEL: channel,
        AWS_ENDPOINT_URL: aws.url,
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'AKIDCRASH',
        AWS_SECRET_ACCESS_KEY: 'crash',
      };
      let victim: ChildProcess | undefined;
      killAt = point === 'after-post' ? 'post' : point === 'during-upload' ? 'upload' : undefined;
      onKill = () => victim?.kill('SIGKILL');
      const { child: first } = await startBot(env);
      victim = first;
      child = first;
      if (point === 'before-post') first.kill('SIGKILL');
      await once(first, 'exit');
      killAt = undefined;
      const before = ch.posts(channel).filter((m) => m.metadata?.event_type === 'trailbot_digest').length;
      expect(before, point).toBe(point === 'before-post' ? 0 : 1);
      expect(snapshots(store.path), point).toBe(0);
      // The restart finishes the work: one digest in the channel, and its snapshot kept.
      const { child: second } = await startBot(env);
      child = second;
      const deadline = Date.now() + 30_000;
      while (snapshots(store.path) === 0 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 100));
      second.kill('SIGTERM');
      await once(second, 'exit');
      child = undefined;
      const digests = ch.posts(channel).filter((m) => m.metadata?.event_type === 'trailbot_digest');
      expect(digests, point).toHaveLength(1);
      expect(snapshots(store.path), point).toBe(1);
    }
  }, 120_000);
});
