import { parseArgsStringToArgv } from 'string-argv';
import { sessionIdentity } from '../src/accounts.js';
import { type Actor, authorize } from '../src/auth.js';
import type { BaseDeps, CommandDeps } from '../src/deps.js';
import { type ExplainedError, explainError, UsageError } from '../src/errors.js';
import type { Doc, Inline } from '../src/present/doc.js';
import { presentError } from '../src/present/error.js';
import { didYouMeanText } from '../src/suggest.js';
import type { TrailEvent } from '../src/trail/event.js';
import type { SearchProgress, SearchResult } from '../src/trail/sources/types.js';
import { COMMANDS, findCommand } from './registry.js';
import { type AnyCommand, commandPrefix } from './spec.js';

/**
 * What Slack clients make of typed text, undone: "smart" dashes turn `--since` into `—since` (em dash)
 * or `–since` (en dash), and smart quotes turn "…" into “…” and '…' into ‘…’. A dash is restored only at
 * the start of a word, a single quote only where it opens or closes one, so O’Brien stays one word.
 */
export function normalizeSlackText(text: string): string {
  return text
    .replace(/(^|\s)[\u2014\u2013](?=[A-Za-z])/g, '$1--')
    .replace(/[\u201C\u201D\u201E\u201F]/g, '"')
    .replace(/(^|\s)[\u2018\u201A\u201B]/g, "$1'")
    .replace(/\u2019(?=\s|$)/g, "'");
}

/** Split a slash command's text into words, honouring quotes: who-deleted "my bucket". */
export function splitWords(text: string): string[] {
  return parseArgsStringToArgv(normalizeSlackText(text).trim());
}

/** A question checked and ready to run, or the answer to give at once (a usage error, a refusal, help). */
export type Prepared =
  | { kind: 'ready'; command: AnyCommand; args: unknown; words: string[]; working: Inline[] }
  | { kind: 'done'; outcome: Outcome };

/** How a command ended, for both fronts. */
export interface Outcome {
  status: 'answer' | 'usage' | 'refused' | 'failed';
  doc: Doc;
  /** The result data, for --json. */
  result?: unknown;
  /** Its events, for --csv, when the subcommand has any. */
  rows?: TrailEvent[] | undefined;
  /** A file that goes with the answer (the full list of findings), for Slack and --csv. */
  file?: { filename: string; content: string | Buffer; comment: string; needed: boolean } | undefined;
  error?: ExplainedError;
}

/** An error as an outcome: a message for the user, and a log line (with a reference when unknown). */
export function failure(
  err: unknown,
  deps: BaseDeps,
  actor: Actor,
  command?: string,
  words?: string[],
): Outcome {
  const e = explainError(err);
  const status = e.code === 'usage' ? 'usage' : e.code === 'not_authorized' ? 'refused' : 'failed';
  const log = { command, user: actor.userId, channel: actor.channelId, front: actor.front, code: e.code };
  if (e.code === 'internal') deps.logger.error({ ...log, ref: e.ref, err }, 'command failed');
  else deps.logger.info({ ...log, message: e.message }, `command ${status}`);
  deps.audit({
    at: deps.now(),
    user: actor.userId,
    channel: actor.channelId,
    front: actor.front,
    kind: status === 'refused' ? 'refusal' : 'command',
    what: words?.join(' ') ?? command ?? '',
    result: status,
    detail: { message: e.message, ...(e.ref ? { ref: e.ref } : {}) },
  });
  return { status, doc: presentError(e, commandPrefix(actor.front)), error: e };
}

/** The words that ask for help: `--help` and `-h` anywhere, or `help` alone after a subcommand. */
const HELP_FLAGS = new Set(['--help', '-h']);

/**
 * `trail who-deleted --help`, `-h` or (in Slack) `/trail who-deleted help` → `help who-deleted`; a bare
 * `--help` → `help`. Everything else as it came.
 */
export function helpWords(words: string[]): string[] {
  const [name, ...rest] = words;
  if (name === undefined || HELP_FLAGS.has(name)) return ['help'];
  if (name !== 'help' && (rest.some((w) => HELP_FLAGS.has(w)) || (rest.length === 1 && rest[0] === 'help')))
    return ['help', name];
  return words;
}

/**
 * Parse and authorise — all of it fast and free of I/O, so Slack can be acked with the result. Help
 * and usage errors are answered here.
 */
export function prepare(given: string[], deps: BaseDeps, actor: Actor): Prepared {
  const words = helpWords(given);
  const [name = 'help', ...rest] = words;
  const command = findCommand(name);
  try {
    if (!command) {
      const names = COMMANDS.map((c) => c.name);
      throw new UsageError(
        `There is no subcommand "${name}".${didYouMeanText(name, names)}`,
        `<${names.join('|')}> …`,
      );
    }
    let args: unknown;
    try {
      args = command.parse(rest, actor.front, deps.now(), deps.config);
    } catch (err) {
      // Helpers such as the time words know nothing of the subcommand: give their errors its usage.
      if (err instanceof UsageError && err.usage === undefined)
        throw new UsageError(err.message, command.usage);
      throw err;
    }
    authorize(command.permissionFor?.(args, deps.config) ?? command.permission, actor, deps.access);
    return { kind: 'ready', command, args, words, working: command.working?.(args) ?? ['Working on it…'] };
  } catch (err) {
    return { kind: 'done', outcome: failure(err, deps, actor, command?.name ?? name, words) };
  }
}

/** Run a prepared command and present its result; every error becomes a message, never a throw. */
export async function execute(
  p: Extract<Prepared, { kind: 'ready' }>,
  deps: CommandDeps,
  actor: Actor,
  progress: (p: SearchProgress) => void = () => {},
): Promise<Outcome> {
  const started = Date.now();
  try {
    // AWS is asked as the person who asked: every role assumed names them (SourceIdentity).
    const acting = deps.forIdentity ? { ...deps, ...deps.forIdentity(sessionIdentity(actor)) } : deps;
    const result = await p.command.run(p.args, acting, { actor, progress });
    const doc = p.command.present(result, deps);
    deps.logger.info(
      {
        command: p.command.name,
        user: actor.userId,
        channel: actor.channelId,
        front: actor.front,
        ms: Date.now() - started,
      },
      'command answered',
    );
    const at = deps.now();
    const who = { at, user: actor.userId, channel: actor.channelId, front: actor.front };
    deps.audit({
      ...who,
      kind: 'command',
      what: p.words.join(' '),
      result: 'answer',
      detail: { ms: Date.now() - started },
    });
    // A question that reached a source: what was asked of it, and what it cost.
    const search = (result as { search?: SearchResult } | undefined)?.search;
    if (search?.scope)
      deps.audit({
        ...who,
        kind: 'query',
        what: `${search.scope.source}: ${search.scope.detail}`,
        result: `${search.matched} matched of ${search.examined} examined`,
        detail: {
          request: search.request,
          regions: search.scope.regions,
          accounts: search.scope.accounts,
          ...(search.cost ? { bytesScanned: search.cost.bytesScanned, dollars: search.cost.dollars } : {}),
        },
      });
    return { status: 'answer', doc, result, rows: p.command.rows?.(result), file: p.command.file?.(result) };
  } catch (err) {
    return failure(err, deps, actor, p.command.name, p.words);
  }
}

/** Prepare and execute in one step, for the terminal. */
export async function dispatch(words: string[], deps: CommandDeps, actor: Actor): Promise<Outcome> {
  const p = prepare(words, deps, actor);
  return p.kind === 'done' ? p.outcome : execute(p, deps, actor);
}
