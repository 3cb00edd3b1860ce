import { type ParseArgsConfig, parseArgs } from 'node:util';
import type { Actor } from '../src/auth.js';
import { ACCOUNT_ID, REGION } from '../src/aws/names.js';
import { UsageError } from '../src/errors.js';
import { didYouMeanText } from '../src/suggest.js';
import type { SourceName } from '../src/trail/sources/types.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** The flags every question takes. */
export const QUERY_OPTIONS = {
  since: { type: 'string' },
  until: { type: 'string' },
  region: { type: 'string', multiple: true },
  account: { type: 'string', multiple: true },
  source: { type: 'string' },
  logs: { type: 'string' },
  index: { type: 'string' },
  'max-scan': { type: 'string' },
} as const satisfies Options;

/** The usage text of the common flags. */
export const QUERY_USAGE =
  '[--since 7d] [--until now] [--region r] [--account id] [--source auto|local|lookup|athena] [--logs dir] [--index dir] [--max-scan MB]';

/** Words → flags and positionals with node's parseArgs; its errors become usage errors. */
export function parseWords<O extends Options>(words: string[], options: O, usage: string) {
  try {
    return parseArgs({ args: words, options, allowPositionals: true, strict: true });
  } catch (err) {
    const e = err as Error & { code?: string };
    const msg = e.message.replace(/\. To specify a positional argument.*$/s, '.').split('\n')[0];
    // An unknown flag: name the closest known one (`--sinse` → `--since`).
    const flag = e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? /'(-[^']*)'/.exec(e.message)?.[1] : undefined;
    const hint = flag
      ? didYouMeanText(flag.replace(/^-+/, ''), Object.keys(options)).replace(/"([^"]+)"/, '"--$1"')
      : '';
    throw new UsageError(`${msg ?? 'Bad arguments.'}${hint}`, usage);
  }
}

const SOURCES: readonly SourceName[] = ['auto', 'local', 'lookup', 'athena'];

/** Split "a,b" and repeated flags into one list, each value checked. */
function listOf(values: string[] | undefined, ok: RegExp, what: string, usage: string): string[] | undefined {
  if (!values) return undefined;
  const out = values
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean);
  for (const v of out) if (!ok.test(v)) throw new UsageError(`"${v}" is not ${what}.`, usage);
  return out.length ? out : undefined;
}

function maxScan(v: string | undefined, usage: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!/^\d+$/.test(v) || n < 10 || n > 10_000_000)
    throw new UsageError(
      '--max-scan takes megabytes, 10 to 10000000: the most the Athena query may scan.',
      usage,
    );
  return n;
}

/** The permission a question's flags need: raising Athena's cost cap above the configured one is admin's. */
export function flagsPermission(flags: QueryFlags, capMb: number): 'investigate' | 'admin' {
  return flags.maxScanMb !== undefined && flags.maxScanMb > capMb ? 'admin' : 'investigate';
}

/** The common flags, checked. */
export interface QueryFlags {
  since?: string | undefined;
  until?: string | undefined;
  regions?: string[] | undefined;
  accounts?: string[] | undefined;
  source?: SourceName | undefined;
  logs?: string | undefined;
  /** The index of the local folder (`trail index`); TRAIL_INDEX_DIR when unset. */
  index?: string | undefined;
  /** Athena's cost cap for this question, MB; above the configured cap it needs the admin permission. */
  maxScanMb?: number | undefined;
}

/** Check the common flags; `--logs` reads the bot's own disk, so only the terminal may use it. */
export function queryFlags(
  values: {
    since?: string;
    until?: string;
    region?: string[];
    account?: string[];
    source?: string;
    logs?: string;
    index?: string;
    'max-scan'?: string;
  },
  front: Actor['front'],
  usage: string,
): QueryFlags {
  if (values.source !== undefined && !SOURCES.includes(values.source as SourceName)) {
    throw new UsageError(`--source must be one of ${SOURCES.join(', ')}.`, usage);
  }
  if (values.logs !== undefined && front === 'slack') {
    throw new UsageError('--logs is for the terminal; in Slack the bot reads its configured source.', usage);
  }
  if (values.index !== undefined && front === 'slack') {
    throw new UsageError('--index is for the terminal; in Slack the bot reads its configured index.', usage);
  }
  if (
    values.logs !== undefined &&
    values.source !== undefined &&
    values.source !== 'local' &&
    values.source !== 'auto'
  ) {
    throw new UsageError(`--logs reads local files: it cannot go with --source ${values.source}.`, usage);
  }
  return {
    since: values.since,
    until: values.until,
    regions: listOf(values.region, REGION, 'an AWS region name', usage),
    accounts: listOf(values.account, ACCOUNT_ID, 'a 12-digit account id', usage),
    source: values.source as SourceName | undefined,
    logs: values.logs,
    index: values.index,
    maxScanMb: maxScan(values['max-scan'], usage),
  };
}
