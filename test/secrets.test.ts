import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema, loadConfig } from '../src/config.js';
import { ConfigError } from '../src/errors.js';
import { type SecretReaders, withStoredSettings } from '../src/secrets.js';
import { MOTO_CREDENTIALS, type Moto, startMoto } from './helpers/moto.js';

const isSetting = (k: string) => k in configSchema.shape;
const readers =
  (secrets: Record<string, string>, params: { name: string; value: string }[] = []) =>
  async (): Promise<SecretReaders> => ({
    secretString: async (id) => {
      if (!(id in secrets))
        throw Object.assign(new Error("Secrets Manager can't find the specified secret."), {
          name: 'ResourceNotFoundException',
        });
      return secrets[id];
    },
    parametersByPath: async (path) => params.filter((p) => p.name.startsWith(path)),
  });
const problems = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
};

describe('settings kept in Secrets Manager or SSM (TRAIL_SECRETS)', () => {
  it('fills the Slack secrets from a JSON secret; a variable in the environment wins', async () => {
    const env = await withStoredSettings(
      { TRAIL_SECRETS: 'secretsmanager:trailbot/settings', SLACK_SIGNING_SECRET: 'from-env' },
      isSetting,
      readers({
        'trailbot/settings': JSON.stringify({
          SLACK_BOT_TOKEN: 'xoxb-stored',
          SLACK_SIGNING_SECRET: 'stored',
        }),
      }),
    );
    expect(env.SLACK_BOT_TOKEN).toBe('xoxb-stored');
    expect(env.SLACK_SIGNING_SECRET).toBe('from-env');
    const config = loadConfig(env, { slack: true });
    expect(config.SLACK_BOT_TOKEN?.reveal()).toBe('xoxb-stored');
  });

  it('reads the parameters under an SSM path, each named after its setting', async () => {
    const env = await withStoredSettings(
      { TRAIL_SECRETS: 'ssm:/trailbot' },
      isSetting,
      readers({}, [
        { name: '/trailbot/SLACK_BOT_TOKEN', value: 'xoxb-ssm' },
        { name: '/other/SLACK_SIGNING_SECRET', value: 'not-ours' },
      ]),
    );
    expect(env.SLACK_BOT_TOKEN).toBe('xoxb-ssm');
    expect(env.SLACK_SIGNING_SECRET).toBeUndefined();
  });

  it('says exactly what is wrong, naming keys and never values', async () => {
    expect(await problems(withStoredSettings({ TRAIL_SECRETS: 'vault:x' }, isSetting, readers({})))).toEqual([
      'TRAIL_SECRETS: must be secretsmanager:<secret name or ARN> or ssm:<path>, not "vault:x"',
    ]);
    expect(
      await problems(withStoredSettings({ TRAIL_SECRETS: 'ssm:trailbot' }, isSetting, readers({}))),
    ).toEqual(['TRAIL_SECRETS: an SSM path starts with "/" (ssm:/trailbot/)']);
    expect(
      await problems(
        withStoredSettings(
          { TRAIL_SECRETS: 'secretsmanager:s' },
          isSetting,
          readers({ s: 'xoxb-raw-token' }),
        ),
      ),
    ).toEqual([
      'TRAIL_SECRETS: the secret s must hold a JSON object of settings ({"SLACK_BOT_TOKEN": "xoxb-…"})',
    ]);
    const bad = await problems(
      withStoredSettings(
        { TRAIL_SECRETS: 'secretsmanager:s' },
        isSetting,
        readers({ s: JSON.stringify({ SLACK_BOT_TOKN: 'xoxb-secret-value', PORT: 3000 }) }),
      ),
    );
    expect(bad).toEqual([
      'TRAIL_SECRETS: PORT in s must be a string',
      'TRAIL_SECRETS: s holds SLACK_BOT_TOKN, which is not a setting',
    ]);
    expect(bad.join(' ')).not.toContain('xoxb-secret-value');
    expect(
      await problems(withStoredSettings({ TRAIL_SECRETS: 'secretsmanager:gone' }, isSetting, readers({}))),
    ).toEqual([
      "TRAIL_SECRETS: cannot read secretsmanager:gone: ResourceNotFoundException: Secrets Manager can't find the specified secret.",
    ]);
  });

  it('leaves the environment alone without TRAIL_SECRETS', async () => {
    const env = { SLACK_BOT_TOKEN: 'xoxb-1' };
    expect(await withStoredSettings(env, isSetting, readers({}))).toBe(env);
  });
});

describe('TRAIL_SECRETS against moto’s Secrets Manager and SSM, through the SDK’s standard settings', () => {
  let moto: Moto;
  const saved = { ...process.env };
  beforeAll(async () => {
    moto = await startMoto();
    Object.assign(process.env, {
      AWS_ENDPOINT_URL: moto.url,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: MOTO_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: MOTO_CREDENTIALS.secretAccessKey,
    });
    const c = { region: 'us-east-1', endpoint: moto.url, credentials: MOTO_CREDENTIALS };
    await new SecretsManagerClient(c).send(
      new CreateSecretCommand({
        Name: 'trailbot/settings',
        SecretString: JSON.stringify({ SLACK_BOT_TOKEN: 'xoxb-moto', SLACK_SIGNING_SECRET: 'sig' }),
      }),
    );
    const ssm = new SSMClient(c);
    await ssm.send(
      new PutParameterCommand({ Name: '/trailbot/SLACK_BOT_TOKEN', Value: 'xoxb-ssm', Type: 'SecureString' }),
    );
    await ssm.send(
      new PutParameterCommand({
        Name: '/trailbot/SLACK_SIGNING_SECRET',
        Value: 'sig-ssm',
        Type: 'SecureString',
      }),
    );
  });
  afterAll(async () => {
    process.env = saved;
    await moto?.stop();
  });

  it('reads a secret by name and SecureString parameters by path', async () => {
    const sm = await withStoredSettings({ TRAIL_SECRETS: 'secretsmanager:trailbot/settings' }, isSetting);
    expect([sm.SLACK_BOT_TOKEN, sm.SLACK_SIGNING_SECRET]).toEqual(['xoxb-moto', 'sig']);
    const ssm = await withStoredSettings({ TRAIL_SECRETS: 'ssm:/trailbot/' }, isSetting);
    expect([ssm.SLACK_BOT_TOKEN, ssm.SLACK_SIGNING_SECRET]).toEqual(['xoxb-ssm', 'sig-ssm']);
  });
});
