import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Actor } from './auth.js';
import type { BaseDeps, CommandDeps } from './deps.js';

/** Where the terminal front writes. */
export interface CliIo {
  out: (s: string) => void;
  err: (s: string) => void;
}

const stdio: CliIo = { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) };

/** Exit codes: 0 an answer (found or not), 1 a failure, 2 a usage error. */
export const EXIT = { answer: 0, failed: 1, usage: 2 } as const;

/** The version in package.json, found from here upwards (src/ under tsx, dist/src/ when built). */
export function version(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === 'trailbot' && pkg.version) return pkg.version;
    } catch {
      // not here: look one folder up
    }
    const up = dirname(dir);
    if (up === dir) return 'unknown';
    dir = up;
  }
}

/**
 * The terminal front: `trail <subcommand> [words] [--json | --csv]`, the same command table as Slack.
 * Text by default; `--json` prints the whole result for machines, `--csv` its events for spreadsheets.
 * Only what the subcommand needs is loaded: `--version` and help read no AWS SDK, DuckDB or Bolt.
 */
export async function runCli(
  argv: string[],
  env: Record<string, string | undefined>,
  io: CliIo = stdio,
  makeDeps?: (env: Record<string, string | undefined>) => CommandDeps,
): Promise<number> {
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
    io.out(`trail ${version()}\n`);
    return EXIT.answer;
  }
  // The terminal shows answers; logs stay quiet unless LOG_LEVEL asks for them.
  env = { LOG_LEVEL: 'warn', ...env };
  const json = argv.includes('--json');
  const csv = argv.includes('--csv');
  if (json && csv) {
    io.err('--json and --csv both choose the output: pick one.\n');
    return EXIT.usage;
  }
  // --tz ZONE: the terminal's times in that zone (UTC otherwise); Slack shows each reader their own.
  let zone: string | undefined;
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const w = argv[i] as string;
    if (w === '--tz' || w.startsWith('--tz=')) {
      zone = (w === '--tz' ? argv[++i] : w.slice(5)) ?? '';
      continue;
    }
    rest.push(w);
  }
  if (zone !== undefined) {
    const { checkZone } = await import('./time.js');
    try {
      checkZone(zone);
    } catch (err) {
      io.err(`${(err as Error).message}\n`);
      return EXIT.usage;
    }
  }
  const words = rest.filter((w) => w !== '--json' && w !== '--csv');
  const [{ prepare, execute }, { loadConfig }, { ConfigError }, { toText }, wiring] = await Promise.all([
    import('../commands/dispatch.js'),
    import('./config.js'),
    import('./errors.js'),
    import('./terminal/text.js'),
    import('./wiring.js'),
  ]);
  let base: BaseDeps;
  let config: ReturnType<typeof loadConfig> | undefined;
  let holder: Awaited<ReturnType<typeof wiring.storeHolder>> | undefined;
  try {
    if (makeDeps) base = makeDeps(env);
    else {
      config = loadConfig(env);
      // `trail store init`: the terminal's own, never Slack's — make the store (file or table) ready.
      if (words[0] === 'store') return await storeCommand(words.slice(1), config, io);
      holder = await wiring.storeHolder(config);
      base = wiring.baseDeps(config, { store: holder.get });
    }
  } catch (err) {
    if (err instanceof ConfigError) {
      io.err(`${err.message}\n`);
      return EXIT.failed;
    }
    throw err;
  }
  const actor: Actor = { userId: env.USER ?? 'terminal', front: 'terminal' };
  const prepared = prepare(words, base, actor);
  let outcome: Awaited<ReturnType<typeof execute>>;
  if (prepared.kind === 'done') outcome = prepared.outcome;
  else {
    // The AWS side (and the SDK with it) only for a subcommand that may need it: not for one answered at
    // once, nor for a question read from log files on disk.
    const choice = prepared.command.source?.(prepared.args);
    const readsLocally =
      choice !== undefined &&
      config !== undefined &&
      (await import('./trail/sources/local-provider.js')).sourceNameOf(choice, config) === 'local';
    const deps: CommandDeps = makeDeps
      ? (base as CommandDeps)
      : prepared.command.immediate || !config
        ? wiring.withoutAws(base)
        : readsLocally
          ? await wiring.localOnly(config, base)
          : { ...base, ...(await wiring.awsDeps(config, base.now, base.geo)) };
    // Progress of slow work (an index build) on one line of a terminal's stderr, cleared at the end.
    const live = Boolean(process.stderr.isTTY) && !json && !csv && !makeDeps;
    outcome = await execute(prepared, deps, actor, (p) => {
      if (live) process.stderr.write(`\r\x1b[K${p.note}`);
    });
    if (live) process.stderr.write('\r\x1b[K');
  }
  if (csv && outcome.status === 'answer') {
    if (outcome.file) {
      io.out(String(outcome.file.content));
      return EXIT.answer;
    }
    if (!outcome.rows) {
      io.err('--csv is for answers made of events or findings; this one is not.\n');
      return EXIT.usage;
    }
    const { eventsToCsv } = await import('./trail/export.js');
    io.out(eventsToCsv(outcome.rows));
  } else if (json) {
    const body = outcome.status === 'answer' ? outcome.result : { error: outcome.error };
    (outcome.status === 'answer' ? io.out : io.err)(`${JSON.stringify(body, null, 2)}\n`);
  } else {
    (outcome.status === 'answer' ? io.out : io.err)(toText(outcome.doc, zone));
  }
  return outcome.status === 'answer' ? EXIT.answer : outcome.status === 'usage' ? EXIT.usage : EXIT.failed;
}

/** `trail store init`: create the store config names if it is missing (idempotent), and say which. */
async function storeCommand(
  words: string[],
  config: import('./config.js').Config,
  io: CliIo,
): Promise<number> {
  if (words.length !== 1 || words[0] !== 'init') {
    io.err('Usage: trail store init   (creates the SQLite file or the DynamoDB table if missing)\n');
    return EXIT.usage;
  }
  if (config.TRAIL_STORE === 'dynamodb') {
    const { initDynamoTable } = await import('./store/dynamodb/open.js');
    const table = config.TRAIL_DYNAMODB_TABLE as string;
    try {
      const r = await initDynamoTable(config);
      io.out(
        r === 'created'
          ? `DynamoDB table ${table} created (on demand, TTL on expiresAt).\n`
          : `DynamoDB table ${table} is there and fits; nothing changed.\n`,
      );
      return EXIT.answer;
    } catch (err) {
      io.err(`${(err as Error).message}\n`);
      return EXIT.failed;
    }
  }
  const { openSqliteStores } = await import('./store/sqlite/index.js');
  openSqliteStores(config.TRAIL_STORE_PATH).close();
  io.out(`SQLite store ready at ${config.TRAIL_STORE_PATH}.\n`);
  return EXIT.answer;
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isMain) {
  process.exitCode = await runCli(process.argv.slice(2), process.env);
}
