import { pathToFileURL } from 'node:url';
import { dispatch } from '../commands/dispatch.js';
import type { CommandDeps } from '../commands/spec.js';
import { loadConfig } from './config.js';
import { ConfigError } from './errors.js';
import { toText } from './terminal/text.js';
import { eventsToCsv } from './trail/export.js';
import { buildDeps } from './wiring.js';

/** Where the terminal front writes. */
export interface CliIo {
  out: (s: string) => void;
  err: (s: string) => void;
}

const stdio: CliIo = { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) };

/** Exit codes: 0 an answer (found or not), 1 a failure, 2 a usage error. */
export const EXIT = { answer: 0, failed: 1, usage: 2 } as const;

/**
 * The terminal front: `trail <subcommand> [words] [--json | --csv]`, the same command table as Slack.
 * Text by default; `--json` prints the whole result for machines, `--csv` its events for spreadsheets.
 */
export async function runCli(
  argv: string[],
  env: Record<string, string | undefined>,
  io: CliIo = stdio,
  makeDeps?: (env: Record<string, string | undefined>) => CommandDeps,
): Promise<number> {
  // The terminal shows answers; logs stay quiet unless LOG_LEVEL asks for them.
  env = { LOG_LEVEL: 'warn', ...env };
  const json = argv.includes('--json');
  const csv = argv.includes('--csv');
  if (json && csv) {
    io.err('--json and --csv both choose the output: pick one.\n');
    return EXIT.usage;
  }
  const words = argv
    .filter((w) => w !== '--json' && w !== '--csv')
    .map((w) => (w === '--help' || w === '-h' ? 'help' : w));
  let deps: CommandDeps;
  try {
    deps = makeDeps ? makeDeps(env) : buildDeps(loadConfig(env), { logger: undefined });
  } catch (err) {
    if (err instanceof ConfigError) {
      io.err(`${err.message}\n`);
      return EXIT.failed;
    }
    throw err;
  }
  const outcome = await dispatch(words, deps, { userId: process.env.USER ?? 'terminal', front: 'terminal' });
  if (csv && outcome.status === 'answer') {
    if (outcome.file) {
      io.out(String(outcome.file.content));
      return 0;
    }
    if (!outcome.rows) {
      io.err('--csv is for answers made of events or findings; this one is not.\n');
      return EXIT.usage;
    }
    io.out(eventsToCsv(outcome.rows));
  } else if (json) {
    const body = outcome.status === 'answer' ? outcome.result : { error: outcome.error };
    (outcome.status === 'answer' ? io.out : io.err)(`${JSON.stringify(body, null, 2)}\n`);
  } else {
    (outcome.status === 'answer' ? io.out : io.err)(toText(outcome.doc));
  }
  return outcome.status === 'answer' ? EXIT.answer : outcome.status === 'usage' ? EXIT.usage : EXIT.failed;
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isMain) {
  process.exitCode = await runCli(process.argv.slice(2), process.env);
}
