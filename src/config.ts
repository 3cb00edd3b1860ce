import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { Cron } from 'croner';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ASK_RULES, type AskRule, DEFAULT_ASK_RULES } from './alerts/ask-rules.js';
import { routeSchema } from './alerts/routing.js';
import { rolesSchema } from './auth.js';
import { REGION } from './aws/names.js';
import { ConfigError } from './errors.js';
import { durationMs, parseDuration } from './time.js';

/** A secret value that never prints: logs, JSON and inspection all show "[secret]". */
export class Secret {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  /** The value itself, for the one client that needs it. */
  reveal(): string {
    return this.#value;
  }
  toString(): string {
    return '[secret]';
  }
  toJSON(): string {
    return '[secret]';
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return '[secret]';
  }
}

const secret = (prefix?: string) =>
  z
    .string()
    .min(1)
    .refine((v) => prefix === undefined || v.startsWith(prefix), {
      message: `must start with "${prefix}"`,
    })
    .transform((v) => new Secret(v));

const list = z
  .string()
  .transform((v) =>
    v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.string()));

/** A duration word ("30s", "5m", "4h") in milliseconds, at least `min`. */
const duration = (min: string) =>
  z
    .string()
    .refine((v) => durationMs(v) !== undefined, 'must be a duration such as 30s, 5m or 4h')
    .transform((v) => durationMs(v) as number)
    .refine((ms) => ms >= (durationMs(min) as number), `must be at least ${min}`);

/** A structured setting: JSON in the environment (TRAIL_CONFIG's YAML arrives as JSON too). */
const json = (message: string) =>
  z.string().transform((v, ctx) => {
    try {
      return JSON.parse(v) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message });
      return z.NEVER;
    }
  });

const region = z.string().regex(REGION, 'not an AWS region name');

/** Every variable Trailbot reads, with its default. The README lists the same. */
export const configSchema = z.object({
  SLACK_BOT_TOKEN: secret('xoxb-').optional(),
  SLACK_SIGNING_SECRET: secret().optional(),
  SLACK_APP_TOKEN: secret('xapp-').optional(),
  SLACK_API_URL: z.url().optional(),
  TRAIL_SECRETS: z
    .string()
    .regex(/^(secretsmanager:.+|ssm:\/.*)$/, 'must be secretsmanager:<secret name or ARN> or ssm:<path>')
    .optional(),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  TRAIL_SOURCE: z.enum(['auto', 'local', 'lookup', 'athena']).default('auto'),
  TRAIL_LOGS_DIR: z.string().min(1).default('demo-data/cloudtrail'),
  TRAIL_REGIONS: list.pipe(z.array(region).min(1)).default(['us-east-1']),
  TRAIL_ACCOUNT_ID: z
    .string()
    .regex(/^\d{12}$/, 'must be a 12-digit AWS account id')
    .optional(),
  TRAIL_DEFAULT_SINCE: z
    .string()
    .refine((v) => parseDuration(v) !== undefined, 'must be a duration such as 7d or 24h')
    .default('7d'),
  TRAIL_LOOKUP_MAX_PAGES: z.coerce.number().int().min(1).max(1000).default(20),
  TRAIL_MAX_RESULTS: z.coerce.number().int().min(1).max(100000).default(1000),
  TRAIL_ACCOUNTS: list.pipe(z.array(z.string().regex(/^\d{12}$/, 'must be 12-digit account ids'))).optional(),
  TRAIL_ASSUME_ROLE_NAME: z
    .string()
    .regex(/^[\w+=,.@-]{1,64}$/, 'must be an IAM role name')
    .optional(),
  TRAIL_ASSUME_ROLE_ARNS: list
    .pipe(
      z.array(z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/, 'must be IAM role ARNs')),
    )
    .optional(),
  TRAIL_ASSUME_EXTERNAL_ID: secret().optional(),
  TRAIL_ASSUME_EXTERNAL_IDS: z
    .string()
    .regex(
      /^\d{12}=[\w+=,.@:/-]{2,1224}(,\d{12}=[\w+=,.@:/-]{2,1224})*$/,
      'must be account=external-id pairs, comma-separated',
    )
    .transform((v) => new Secret(v))
    .optional(),
  TRAIL_MAX_CONCURRENT_ACCOUNTS: z.coerce.number().int().min(1).max(64).default(4),
  TRAIL_ATHENA_REGION: region.optional(),
  TRAIL_ATHENA_WORKGROUP: z.string().min(1).default('primary'),
  TRAIL_ATHENA_DATABASE: z
    .string()
    .regex(/^[a-z_][a-z0-9_]*$/, 'must be a plain lower-case identifier')
    .default('default'),
  TRAIL_ATHENA_TABLE: z
    .string()
    .regex(/^[a-z_][a-z0-9_]*$/, 'must be a plain lower-case identifier')
    .default('cloudtrail_logs'),
  TRAIL_ATHENA_OUTPUT: z
    .string()
    .regex(/^s3:\/\/[^/]+/, 'must be an s3:// location')
    .optional(),
  TRAIL_ATHENA_COST_CAP_MB: z.coerce.number().min(10).max(10_000_000).default(1000),
  TRAIL_ARCHIVE_BUCKET: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name')
    .optional(),
  TRAIL_ARCHIVE_PREFIX: z
    .string()
    .regex(/^[^/].*[^/]$|^$/, 'must not start or end with /')
    .default(''),
  TRAIL_ORG_ID: z
    .string()
    .regex(/^o-[a-z0-9]{10,32}$/, 'must be an organization id (o-…)')
    .optional(),
  TRAIL_ARCHIVE_SINCE: z
    .string()
    .regex(/^\d{4}\/\d{2}\/\d{2}$/, 'must be yyyy/MM/dd')
    .default('2020/01/01'),
  TRAIL_SNS_TOPICS: list
    .pipe(
      z.array(
        z.string().regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[\w-]{1,256}$/, 'must be SNS topic ARNs'),
      ),
    )
    .optional(),
  TRAIL_STORE_PATH: z.string().min(1),
  TRAIL_STORE: z.enum(['sqlite', 'dynamodb']).default('sqlite'),
  TRAIL_DYNAMODB_TABLE: z
    .string()
    .regex(/^[\w.-]{3,255}$/, 'must be a DynamoDB table name (3–255 of letters, digits, _ . -)')
    .optional(),
  TRAIL_REPLICA_ID: z
    .string()
    .regex(/^[\w.:-]{1,128}$/, 'must be 1–128 of letters, digits, _ . : -')
    .optional(),
  TRAIL_STORE_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  TRAIL_ALERT_ROUTES: json('must be a JSON (or, in TRAIL_CONFIG, YAML) list of rules')
    .pipe(z.array(routeSchema))
    .default([]),
  /** The IAM Identity Center access portal console links go through, and the role to open them as. */
  TRAIL_SSO_START_URL: z
    .string()
    .regex(
      /^https:\/\/[a-z0-9.-]+(?::\d+)?(?:\/[\w./-]*)?$/,
      'must be the https start URL of the access portal',
    )
    .optional(),
  TRAIL_SSO_ROLE_NAME: z
    .string()
    .regex(/^[\w+=,.@-]{1,64}$/, 'must be a permission set (role) name')
    .optional(),
  /** Channels whose answers are private by default (as with --private), or `*` for every channel. */
  TRAIL_PRIVATE_CHANNELS: list
    .pipe(
      z.array(z.string().regex(/^(\*|[CGD][A-Z0-9]{6,20})$/, 'must be Slack channel ids (C…, G…, D…) or *')),
    )
    .default([]),
  TRAIL_ALERT_DEFAULT_CHANNEL: z
    .string()
    .regex(/^[CG][A-Z0-9]{6,20}$/, 'must be a Slack channel id (C… or G…)')
    .optional(),
  TRAIL_ALERT_GROUP_BY: list
    .pipe(z.array(z.enum(['source', 'account', 'region', 'severity', 'eventName', 'fingerprint'])))
    .default(['source', 'account', 'region']),
  TRAIL_ALERT_GROUP_WAIT: duration('0s').default(10_000),
  TRAIL_ALERT_GROUP_WINDOW: duration('0s').default(300_000),
  TRAIL_ALERT_ESCALATE_AFTER: duration('1m').optional(),
  TRAIL_ONCALL_GROUP: z
    .string()
    .regex(/^S[A-Z0-9]{2,20}$/, 'must be a Slack user group id (S…)')
    .optional(),
  /**
   * Which alerts ask their actor "was this you?" (rules of src/alerts/actor.ts), or `off`; the map from
   * AWS identities to Slack users; how long an answer may take before the alert escalates.
   */
  TRAIL_ASK_ACTOR: list
    .pipe(
      z
        .array(z.string())
        .refine(
          (v) =>
            (v.length === 1 && v[0] === 'off') ||
            v.every((r) => (ASK_RULES as readonly string[]).includes(r)),
          `must be off or rules among ${ASK_RULES.join(', ')}`,
        )
        .transform((v) => (v[0] === 'off' ? [] : (v as AskRule[]))),
    )
    .default([...DEFAULT_ASK_RULES]),
  TRAIL_ASK_ACTOR_MAP: json('must be a JSON (or, in TRAIL_CONFIG, YAML) object of identity → Slack user')
    .pipe(
      z.record(
        z.string().min(1).max(2048),
        z
          .string()
          .regex(
            /^([UW][A-Z0-9]{2,20}|[^@\s]+@[^@\s]+\.[^@\s]+)$/,
            'each value must be a Slack user id (U…, W…) or an email',
          ),
      ),
    )
    .default({}),
  TRAIL_ASK_ACTOR_TIMEOUT: duration('1m').default(30 * 60_000),
  /**
   * Where addresses are: country and network (ASN) databases in MaxMind's format (GeoLite2, GeoIP2,
   * ip-location-db), the shipped defaults when unset; off turns places off.
   */
  /**
   * The Parquet index of the local folder (`trail index`): questions read it where it covers, the raw
   * files for the rest; the bot refreshes it every TRAIL_INDEX_EVERY.
   */
  TRAIL_INDEX_DIR: z.string().min(1).optional(),
  TRAIL_INDEX_EVERY: duration('1m').optional(),
  TRAIL_GEOIP: z
    .enum(['on', 'off'], 'must be on or off')
    .default('on')
    .transform((v) => v === 'on'),
  TRAIL_GEOIP_COUNTRY_DB: z.string().min(1).optional(),
  TRAIL_GEOIP_ASN_DB: z.string().min(1).optional(),
  TRAIL_GEOIP_CACHE_DIR: z.string().min(1).optional(),
  /**
   * New-place alerts: a principal acting from a country (and, with TRAIL_GEO_NEW_NETWORK, a network) not
   * seen in its last TRAIL_GEO_BASELINE_DAYS; impossible travel between logins; the scheduled scan.
   */
  TRAIL_GEO_ALERTS: z
    .enum(['on', 'off'], 'must be on or off')
    .default('on')
    .transform((v) => v === 'on'),
  TRAIL_GEO_BASELINE_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  TRAIL_GEO_LEARN_DAYS: z.coerce.number().int().min(0).max(365).default(7),
  TRAIL_GEO_NEW_NETWORK: z
    .enum(['true', 'false'], 'must be true or false')
    .default('false')
    .transform((v) => v === 'true'),
  TRAIL_GEO_IMPOSSIBLE_TRAVEL: z
    .enum(['true', 'false'], 'must be true or false')
    .default('true')
    .transform((v) => v === 'true'),
  TRAIL_GEO_MAX_PLACES: z.coerce.number().int().min(1).max(500).default(50),
  TRAIL_GEO_SCAN_EVERY: duration('1m').optional(),
  TRAIL_SQS_QUEUE_URL: z
    .string()
    .refine(
      isQueueUrl,
      'must be an SQS queue URL: https://<host>/<account>/<name> (http only on a loopback address)',
    )
    .optional(),
  // Read by the AWS SDK itself for every client; named here because the SQS client needs the endpoint
  // passed in (otherwise it sends to the queue URL's own host).
  AWS_ENDPOINT_URL: z.string().url('must be a URL').optional(),
  AWS_ENDPOINT_URL_SQS: z.string().url('must be a URL').optional(),
  TRAIL_SQS_MAX_RECEIVES: z.coerce.number().int().min(1).max(100).default(5),
  TRAIL_ROLES: json('must be JSON (or, in TRAIL_CONFIG, YAML): {admin: {users, groups, channels}, …}')
    .pipe(rolesSchema)
    .optional(),
  TRAIL_INVESTIGATE_CHANNELS: list
    .pipe(z.array(z.string().regex(/^[CG][A-Z0-9]{6,20}$/, 'must be Slack channel ids (C…)')).min(1))
    .optional(),
  TRAIL_AUDIT_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(365),
  TRAIL_HYGIENE_KEY_UNUSED_DAYS: z.coerce.number().int().min(1).max(3650).default(45),
  TRAIL_HYGIENE_KEY_NEVER_USED_DAYS: z.coerce.number().int().min(0).max(3650).default(7),
  TRAIL_HYGIENE_KEY_ROTATION_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
  TRAIL_HYGIENE_PASSWORD_UNUSED_DAYS: z.coerce.number().int().min(1).max(3650).default(45),
  TRAIL_HYGIENE_ROOT_USED_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
  TRAIL_HYGIENE_OWNER_TAG: z
    .string()
    .regex(/^[\w .:/=+@-]{1,128}$/, 'must be an IAM tag key')
    .default('owner'),
  TRAIL_HYGIENE_ORGANIZATION: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .default(false),
  TRAIL_DIGEST_CRON: z
    .string()
    .refine((v) => {
      try {
        new Cron(v, { paused: true }).stop();
        return true;
      } catch {
        return false;
      }
    }, 'must be a cron expression such as "0 9 * * 1" (Mondays 09:00)')
    .optional(),
  TRAIL_DIGEST_TZ: z
    .string()
    .refine((tz) => {
      try {
        new Intl.DateTimeFormat('en', { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    }, 'must be an IANA time zone such as Europe/Berlin')
    .default('UTC'),
  TRAIL_DIGEST_CHANNEL: z
    .string()
    .regex(/^[CG][A-Z0-9]{6,20}$/, 'must be a Slack channel id (C… or G…)')
    .optional(),
  TRAIL_SENSITIVE_BUCKETS: list
    .pipe(z.array(z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be S3 bucket names')))
    .default([]),
  TRAIL_REQUIRE_OBJECT_LOCK: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .default(false),
  TRAIL_DELIVERY_MAX_HOURS: z.coerce.number().min(0.25).max(720).default(6),
  TRAIL_MAX_CONCURRENT_QUESTIONS: z.coerce.number().int().min(1).max(64).default(2),
  TRAIL_MAX_QUEUED_QUESTIONS: z.coerce.number().int().min(0).max(10000).default(100),
  TRAIL_LOCAL_MEMORY_LIMIT: z
    .string()
    .regex(/^\d+(\.\d+)?\s*(KB|MB|GB|KiB|MiB|GiB)$/i, 'must be a size such as 1GB or 512MB')
    .default('1GB'),
});

/** The parsed configuration every module receives; nothing else reads process.env. */
export type Config = z.infer<typeof configSchema>;

/**
 * Read the configuration once: the optional YAML file named by TRAIL_CONFIG, then the environment over
 * it. Every problem is named at once — with `slack`, the variables the Slack app needs too.
 */
export function loadConfig(
  env: NodeJS.ProcessEnv | Record<string, string | undefined>,
  opts: { slack?: boolean } = {},
): Config {
  const problems: string[] = [];
  const fromFile: Record<string, unknown> = {};
  const file = env.TRAIL_CONFIG;
  if (file) {
    let doc: unknown;
    try {
      doc = parseYaml(readFileSync(file, 'utf8'));
    } catch (err) {
      throw new ConfigError([`TRAIL_CONFIG: cannot read ${file}: ${(err as Error).message}`]);
    }
    if (doc !== null && doc !== undefined) {
      if (typeof doc !== 'object' || Array.isArray(doc)) {
        throw new ConfigError([`TRAIL_CONFIG: ${file} must be a mapping of VARIABLE: value`]);
      }
      for (const [k, v] of Object.entries(doc)) {
        if (!(k in configSchema.shape))
          problems.push(`TRAIL_CONFIG: ${file} sets ${k}, which is not a setting`);
        // A list of plain values reads as a comma list; anything structured (routing rules) as JSON.
        else if (Array.isArray(v) && v.every((x) => typeof x !== 'object' || x === null))
          fromFile[k] = v.join(',');
        else fromFile[k] = typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v);
      }
    }
  }
  const input: Record<string, unknown> = { ...fromFile };
  for (const key of Object.keys(configSchema.shape)) {
    const v = env[key];
    if (v !== undefined && v !== '') input[key] = v;
  }
  input.TRAIL_STORE_PATH ??= join(stateDir(env), 'trailbot.db');
  if (opts.slack) {
    for (const key of ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET']) {
      if (input[key] === undefined) problems.push(`${key}: required to run the Slack app`);
    }
  }
  const parsed = configSchema.safeParse(input);
  // Settings that only make sense together.
  if (parsed.success && parsed.data.TRAIL_HYGIENE_ORGANIZATION && !parsed.data.TRAIL_ASSUME_ROLE_NAME)
    problems.push(
      'TRAIL_HYGIENE_ORGANIZATION: needs TRAIL_ASSUME_ROLE_NAME, the role to assume in each member account (without it every account would be checked as the bot’s own)',
    );
  if (parsed.success && Boolean(parsed.data.TRAIL_SSO_START_URL) !== Boolean(parsed.data.TRAIL_SSO_ROLE_NAME))
    problems.push(
      'TRAIL_SSO_START_URL and TRAIL_SSO_ROLE_NAME: set both (the portal, and the role console links open as) or neither',
    );
  if (parsed.success && parsed.data.TRAIL_STORE === 'dynamodb' && !parsed.data.TRAIL_DYNAMODB_TABLE)
    problems.push(
      'TRAIL_DYNAMODB_TABLE: required with TRAIL_STORE=dynamodb (the table `trail store init` creates)',
    );
  if (
    parsed.success &&
    parsed.data.TRAIL_INDEX_DIR &&
    resolve(parsed.data.TRAIL_INDEX_DIR) === resolve(parsed.data.TRAIL_LOGS_DIR)
  )
    problems.push(
      'TRAIL_INDEX_DIR: the index needs a folder of its own, not TRAIL_LOGS_DIR itself (a folder inside it is fine)',
    );
  // Name the variable and the rule, never the value: it may be a secret.
  if (!parsed.success)
    problems.push(...parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`));
  if (problems.length > 0 || !parsed.success) throw new ConfigError(problems);
  return parsed.data;
}

/**
 * An SQS queue URL: https on any host (regional, FIPS, China, a VPC endpoint, a local stand-in) with the
 * path /<account>/<name>; http only on a loopback address.
 */
export function isQueueUrl(s: string): boolean {
  let u: URL;
  try {
    u = new URL(s);
  } catch {
    return false;
  }
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname);
  return (
    (u.protocol === 'https:' || (u.protocol === 'http:' && loopback)) &&
    /^\/\d{12}\/[\w-]{1,80}(\.fifo)?$/.test(u.pathname) &&
    !u.search &&
    !u.username
  );
}

/** Where state and caches live by default: `$XDG_STATE_HOME/trailbot`, else `~/.local/state/trailbot`. */
export function stateDir(env: Record<string, string | undefined>): string {
  return join(env.XDG_STATE_HOME || join(env.HOME || homedir(), '.local', 'state'), 'trailbot');
}

/** What the Slack front needs, or every missing variable named. */
export function requireSlack(config: Config): { botToken: Secret; signingSecret: Secret; appToken?: Secret } {
  const problems: string[] = [];
  if (!config.SLACK_BOT_TOKEN) problems.push('SLACK_BOT_TOKEN: required to run the Slack app');
  if (!config.SLACK_SIGNING_SECRET) problems.push('SLACK_SIGNING_SECRET: required to run the Slack app');
  if (problems.length > 0 || !config.SLACK_BOT_TOKEN || !config.SLACK_SIGNING_SECRET) {
    throw new ConfigError(problems);
  }
  return {
    botToken: config.SLACK_BOT_TOKEN,
    signingSecret: config.SLACK_SIGNING_SECRET,
    ...(config.SLACK_APP_TOKEN ? { appToken: config.SLACK_APP_TOKEN } : {}),
  };
}
