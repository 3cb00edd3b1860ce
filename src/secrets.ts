import { ConfigError } from './errors.js';

/**
 * Settings kept in AWS rather than in the environment: `TRAIL_SECRETS` names where.
 * - `secretsmanager:<secret name or ARN>` — a secret whose string is a JSON object of settings,
 *   `{"SLACK_BOT_TOKEN": "xoxb-…", "SLACK_SIGNING_SECRET": "…"}` (the bot stack creates one).
 * - `ssm:<path>` — the parameters under a path (SecureString decrypted), each named after its setting:
 *   `/trailbot/SLACK_BOT_TOKEN`, `/trailbot/SLACK_SIGNING_SECRET`.
 * A variable set in the environment wins over the same setting stored in AWS.
 */
export interface SecretReaders {
  secretString: (secretId: string) => Promise<string | undefined>;
  parametersByPath: (path: string) => Promise<{ name: string; value: string }[]>;
}

/** Where TRAIL_SECRETS points, or a ConfigError saying what it should look like. */
export function parseSecretsRef(ref: string): { kind: 'secretsmanager' | 'ssm'; id: string } {
  const m = /^(secretsmanager|ssm):(.+)$/.exec(ref.trim());
  if (!m)
    throw new ConfigError([
      `TRAIL_SECRETS: must be secretsmanager:<secret name or ARN> or ssm:<path>, not "${ref}"`,
    ]);
  const kind = m[1] as 'secretsmanager' | 'ssm';
  const id = m[2] as string;
  if (kind === 'ssm' && !id.startsWith('/'))
    throw new ConfigError([`TRAIL_SECRETS: an SSM path starts with "/" (ssm:/trailbot/)`]);
  return { kind, id };
}

/**
 * The environment with the settings stored where TRAIL_SECRETS points filled in. Only names that are
 * settings are taken (`isSetting`); anything else is an error naming the key, never its value.
 */
export async function withStoredSettings(
  env: Record<string, string | undefined>,
  isSetting: (name: string) => boolean,
  readers?: () => Promise<SecretReaders>,
): Promise<Record<string, string | undefined>> {
  const ref = env.TRAIL_SECRETS;
  if (!ref) return env;
  const { kind, id } = parseSecretsRef(ref);
  const read = await (readers ?? awsSecretReaders)();
  const stored: Record<string, string> = {};
  const problems: string[] = [];
  try {
    if (kind === 'secretsmanager') {
      const text = await read.secretString(id);
      let doc: unknown;
      try {
        doc = JSON.parse(text ?? '');
      } catch {
        doc = undefined;
      }
      if (typeof doc !== 'object' || doc === null || Array.isArray(doc))
        throw new ConfigError([
          `TRAIL_SECRETS: the secret ${id} must hold a JSON object of settings ({"SLACK_BOT_TOKEN": "xoxb-…"})`,
        ]);
      for (const [k, v] of Object.entries(doc)) {
        if (typeof v !== 'string') problems.push(`TRAIL_SECRETS: ${k} in ${id} must be a string`);
        else stored[k] = v;
      }
    } else {
      const prefix = id.endsWith('/') ? id : `${id}/`;
      for (const p of await read.parametersByPath(prefix)) stored[p.name.slice(prefix.length)] = p.value;
    }
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    const e = err as { name?: string; message?: string };
    throw new ConfigError([
      `TRAIL_SECRETS: cannot read ${ref}: ${e.name ?? 'Error'}: ${e.message ?? String(err)}`,
    ]);
  }
  for (const k of Object.keys(stored))
    if (!isSetting(k)) problems.push(`TRAIL_SECRETS: ${id} holds ${k}, which is not a setting`);
  if (problems.length) throw new ConfigError(problems);
  const out = { ...env };
  for (const [k, v] of Object.entries(stored)) if (out[k] === undefined || out[k] === '') out[k] = v;
  return out;
}

/** The readers over the AWS SDK (src/aws/secrets.ts), loaded only when TRAIL_SECRETS is set. */
const awsSecretReaders = async (): Promise<SecretReaders> =>
  (await import('./aws/secrets.js')).awsSecretReaders();
