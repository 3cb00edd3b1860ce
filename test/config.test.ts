import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { configSchema, loadConfig, requireSlack, Secret } from '../src/config.js';
import { ConfigError } from '../src/errors.js';
import { startServer } from '../src/server.js';

describe('loadConfig', () => {
  it('has working defaults for the embedded demo', () => {
    const c = loadConfig({});
    expect(c.TRAIL_SOURCE).toBe('auto');
    expect(c.TRAIL_LOGS_DIR).toBe('demo-data/cloudtrail');
    expect(c.TRAIL_REGIONS).toEqual(['us-east-1']);
    expect(c.PORT).toBe(3000);
  });

  it('names every bad variable at once, without echoing values', () => {
    let err: unknown;
    try {
      loadConfig({
        PORT: 'eighty',
        TRAIL_SOURCE: 'cloudtrail-lake',
        TRAIL_REGIONS: 'us-east-1,mars-1',
        SLACK_BOT_TOKEN: 'xoxp-user-token-value',
        TRAIL_DEFAULT_SINCE: 'forever',
      });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const msg = (err as ConfigError).message;
    for (const name of ['PORT', 'TRAIL_SOURCE', 'TRAIL_REGIONS', 'SLACK_BOT_TOKEN', 'TRAIL_DEFAULT_SINCE']) {
      expect(msg).toContain(name);
    }
    expect(msg).not.toContain('xoxp-user-token-value');
  });

  it('reads a YAML file, with the environment taking precedence', () => {
    const dir = mkdtempSync(join(tmpdir(), 'trailbot-config-'));
    const file = join(dir, 'trailbot.yml');
    writeFileSync(file, 'TRAIL_SOURCE: lookup\nTRAIL_REGIONS: [us-east-1, eu-west-1]\nPORT: 8080\n');
    const c = loadConfig({ TRAIL_CONFIG: file, PORT: '9090' });
    expect(c.TRAIL_SOURCE).toBe('lookup');
    expect(c.TRAIL_REGIONS).toEqual(['us-east-1', 'eu-west-1']);
    expect(c.PORT).toBe(9090);
  });

  it('reads alert routing rules as JSON from the environment and as YAML from the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'trailbot-config-'));
    writeFileSync(
      join(dir, 'routes.yml'),
      'TRAIL_ALERT_ROUTES:\n  - source: guardduty\n    minSeverity: high\n    channel: C0PAGE0001\nTRAIL_ALERT_DEFAULT_CHANNEL: C0DEFAULT1\n',
    );
    const c = loadConfig({ TRAIL_CONFIG: join(dir, 'routes.yml') });
    expect(c.TRAIL_ALERT_ROUTES).toEqual([
      { source: 'guardduty', minSeverity: 'high', channel: 'C0PAGE0001' },
    ]);
    expect(c.TRAIL_ALERT_DEFAULT_CHANNEL).toBe('C0DEFAULT1');
    expect(
      loadConfig({ TRAIL_ALERT_ROUTES: '[{"eventName":"StopLogging","channel":"C0TAMPER01"}]' })
        .TRAIL_ALERT_ROUTES,
    ).toHaveLength(1);
    expect(() => loadConfig({ TRAIL_ALERT_ROUTES: '[{"channel":"#security"}]' })).toThrow(
      /TRAIL_ALERT_ROUTES\.0\.channel/,
    );
    expect(() => loadConfig({ TRAIL_ALERT_ROUTES: 'not json' })).toThrow(
      /TRAIL_ALERT_ROUTES: must be a JSON/,
    );
  });

  it('fails clearly on a missing or malformed file', () => {
    expect(() => loadConfig({ TRAIL_CONFIG: '/nonexistent/trailbot.yml' })).toThrow(
      /TRAIL_CONFIG: cannot read/,
    );
    const dir = mkdtempSync(join(tmpdir(), 'trailbot-config-'));
    writeFileSync(join(dir, 'list.yml'), '- a\n- b\n');
    expect(() => loadConfig({ TRAIL_CONFIG: join(dir, 'list.yml') })).toThrow(/must be a mapping/);
  });

  it('keeps secrets out of logs, JSON and inspection', () => {
    const c = loadConfig({ SLACK_BOT_TOKEN: 'xoxb-123-secret', SLACK_SIGNING_SECRET: 'shh-signing' });
    const shown = `${JSON.stringify(c)} ${inspect(c)} ${String(c.SLACK_BOT_TOKEN)}`;
    expect(shown).not.toContain('xoxb-123-secret');
    expect(shown).not.toContain('shh-signing');
    expect(c.SLACK_BOT_TOKEN).toBeInstanceOf(Secret);
    expect(c.SLACK_BOT_TOKEN?.reveal()).toBe('xoxb-123-secret');
  });

  it('names the Slack variables beside every other problem when starting the Slack app', () => {
    expect(() => loadConfig({ TRAIL_SOURCE: 'nope' }, { slack: true })).toThrow(
      /SLACK_BOT_TOKEN: required[\s\S]*SLACK_SIGNING_SECRET: required[\s\S]*TRAIL_SOURCE/,
    );
  });

  it('refuses a setting in the YAML file that does not exist', () => {
    const dir = mkdtempSync(join(tmpdir(), 'trailbot-config-'));
    writeFileSync(join(dir, 'typo.yml'), 'TRAIL_REGION: eu-west-1\n');
    expect(() => loadConfig({ TRAIL_CONFIG: join(dir, 'typo.yml') })).toThrow(
      /sets TRAIL_REGION, which is not a setting/,
    );
  });

  it('requires the Slack variables only for the Slack front, naming each', () => {
    expect(() => requireSlack(loadConfig({}))).toThrow(/SLACK_BOT_TOKEN[\s\S]*SLACK_SIGNING_SECRET/);
    const s = requireSlack(
      loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's', SLACK_APP_TOKEN: 'xapp-1' }),
    );
    expect(s.appToken?.reveal()).toBe('xapp-1');
  });

  it('takes any https queue URL (regional, FIPS, China, VPC endpoint) and http only on loopback', () => {
    for (const url of [
      'https://sqs.eu-west-1.amazonaws.com/111122223333/alerts',
      'https://sqs-fips.us-gov-west-1.amazonaws.com/111122223333/alerts',
      'https://sqs.cn-north-1.amazonaws.com.cn/111122223333/alerts.fifo',
      'https://vpce-0a1b2c3d-ab12cd34.sqs.us-east-1.vpce.amazonaws.com/111122223333/alerts',
      'http://127.0.0.1:4566/111122223333/alerts',
      'http://localhost:5000/111122223333/alerts',
    ])
      expect(loadConfig({ TRAIL_SQS_QUEUE_URL: url }).TRAIL_SQS_QUEUE_URL, url).toBe(url);
    for (const url of [
      'http://sqs.eu-west-1.amazonaws.com/111122223333/alerts',
      'https://sqs.eu-west-1.amazonaws.com/alerts',
      'https://user:pw@sqs.eu-west-1.amazonaws.com/111122223333/alerts',
      'sqs.eu-west-1.amazonaws.com/111122223333/alerts',
    ])
      expect(() => loadConfig({ TRAIL_SQS_QUEUE_URL: url }), url).toThrow('TRAIL_SQS_QUEUE_URL');
  });

  it('reads the alert settings: durations, grouping, queue URL, people and groups', () => {
    const c = loadConfig({
      TRAIL_ALERT_GROUP_WAIT: '30s',
      TRAIL_ALERT_GROUP_WINDOW: '10m',
      TRAIL_ALERT_ESCALATE_AFTER: '30m',
      TRAIL_ALERT_GROUP_BY: 'source,severity',
      TRAIL_SQS_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/111122223333/trailbot-alerts',
      TRAIL_ONCALL_GROUP: 'S0ONCALL',
      TRAIL_ROLES:
        '{"admin":{"users":["U0ALICE"]},"responder":{"groups":["S0ONCALL"],"channels":["C0SECOPS1"]}}',
    });
    expect([c.TRAIL_ALERT_GROUP_WAIT, c.TRAIL_ALERT_GROUP_WINDOW, c.TRAIL_ALERT_ESCALATE_AFTER]).toEqual([
      30_000, 600_000, 1_800_000,
    ]);
    expect(c.TRAIL_ALERT_GROUP_BY).toEqual(['source', 'severity']);
    expect(c.TRAIL_ROLES).toEqual({
      admin: { users: ['U0ALICE'], groups: [], channels: [] },
      responder: { users: [], groups: ['S0ONCALL'], channels: ['C0SECOPS1'] },
    });
    expect(loadConfig({}).TRAIL_ALERT_GROUP_WAIT).toBe(10_000);
    let message = '';
    try {
      loadConfig({
        TRAIL_ALERT_GROUP_WAIT: 'soon',
        TRAIL_ALERT_ESCALATE_AFTER: '10s',
        TRAIL_ALERT_GROUP_BY: 'colour',
        TRAIL_SQS_QUEUE_URL: 'http://evil.example.com/111122223333/q',
        TRAIL_ONCALL_GROUP: '<!channel>',
      });
    } catch (err) {
      message = (err as Error).message;
    }
    for (const problem of [
      'TRAIL_ALERT_GROUP_WAIT: must be a duration',
      'TRAIL_ALERT_ESCALATE_AFTER: must be at least 1m',
      'TRAIL_ALERT_GROUP_BY.0: Invalid option',
      'TRAIL_SQS_QUEUE_URL: must be an SQS queue URL',
      'TRAIL_ONCALL_GROUP: must be a Slack user group id',
    ])
      expect(message).toContain(problem);
    expect(message).not.toContain('<!channel>');
  });

  it('reads which alerts ask their actor, the identity map and the time to answer', () => {
    const d = loadConfig({});
    expect(d.TRAIL_ASK_ACTOR).toEqual(['unusual-login', 'root', 'iam-change']);
    expect(d.TRAIL_ASK_ACTOR_TIMEOUT).toBe(30 * 60_000);
    expect(d.TRAIL_ASK_ACTOR_MAP).toEqual({});
    expect(loadConfig({ TRAIL_ASK_ACTOR: 'off' }).TRAIL_ASK_ACTOR).toEqual([]);
    const c = loadConfig({
      TRAIL_ASK_ACTOR: 'root, console-login',
      TRAIL_ASK_ACTOR_MAP: '{"alice":"U0ALICE","arn:aws:iam::111122223333:user/bob":"bob@example.com"}',
      TRAIL_ASK_ACTOR_TIMEOUT: '15m',
    });
    expect(c.TRAIL_ASK_ACTOR).toEqual(['root', 'console-login']);
    expect(c.TRAIL_ASK_ACTOR_MAP.alice).toBe('U0ALICE');
    expect(c.TRAIL_ASK_ACTOR_TIMEOUT).toBe(900_000);
    let message = '';
    try {
      loadConfig({
        TRAIL_ASK_ACTOR: 'root,everything',
        TRAIL_ASK_ACTOR_MAP: '{"alice":"<!channel>"}',
        TRAIL_ASK_ACTOR_TIMEOUT: '5s',
      });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('TRAIL_ASK_ACTOR');
    expect(message).toContain('must be off or rules among unusual-login, root, iam-change');
    expect(message).toContain(
      'TRAIL_ASK_ACTOR_MAP.alice: each value must be a Slack user id (U…, W…) or an email',
    );
    expect(message).toContain('TRAIL_ASK_ACTOR_TIMEOUT: must be at least 1m');
    expect(message).not.toContain('<!channel>');
  });

  it('will not check an organization without a role to assume in its accounts', () => {
    expect(() => loadConfig({ TRAIL_HYGIENE_ORGANIZATION: 'true' })).toThrow(
      /TRAIL_HYGIENE_ORGANIZATION: needs TRAIL_ASSUME_ROLE_NAME/,
    );
    expect(
      loadConfig({ TRAIL_HYGIENE_ORGANIZATION: 'true', TRAIL_ASSUME_ROLE_NAME: 'TrailbotRead' })
        .TRAIL_HYGIENE_ORGANIZATION,
    ).toBe(true);
  });

  it('will not keep the index in the log folder itself (a folder inside it is fine)', () => {
    expect(() => loadConfig({ TRAIL_LOGS_DIR: '/data/ct', TRAIL_INDEX_DIR: '/data/ct/' })).toThrow(
      /TRAIL_INDEX_DIR: the index needs a folder of its own, not TRAIL_LOGS_DIR itself/,
    );
    expect(
      loadConfig({ TRAIL_LOGS_DIR: '/data/ct', TRAIL_INDEX_DIR: '/data/ct/index' }).TRAIL_INDEX_DIR,
    ).toBe('/data/ct/index');
  });

  it('will not start alerts without a default channel', async () => {
    const c = loadConfig({
      SLACK_BOT_TOKEN: 'xoxb-1',
      SLACK_SIGNING_SECRET: 's',
      TRAIL_SNS_TOPICS: 'arn:aws:sns:us-east-1:111122223333:alerts',
    });
    await expect(startServer(c)).rejects.toThrow(/TRAIL_ALERT_DEFAULT_CHANNEL: required when/);
  });

  it('documents every setting in docs/configuration.md, and no setting that does not exist', () => {
    const doc = readFileSync(resolve(import.meta.dirname, '../docs/configuration.md'), 'utf8');
    const documented = [...doc.matchAll(/^\| `([A-Z][A-Z0-9_]+)`/gm)].map((m) => m[1]);
    // Read by loadConfig itself, before the schema: the YAML file's path and the state folder's base.
    const keys = [...Object.keys(configSchema.shape), 'TRAIL_CONFIG', 'XDG_STATE_HOME'];
    expect(documented.filter((k) => !keys.includes(k as string))).toEqual([]);
    expect(keys.filter((k) => !documented.includes(k))).toEqual([]);
  });
});
