import type { Actor, Permission } from '../src/auth.js';
import type { Config } from '../src/config.js';
import type { CommandDeps, RunContext } from '../src/deps.js';
import type { Doc, Inline } from '../src/present/doc.js';
import type { TrailEvent } from '../src/trail/event.js';
import type { SourceChoice } from '../src/trail/sources/types.js';

/**
 * One `/trail` subcommand: parse its words, run against the services in src/, present the result. The
 * same spec serves Slack and the terminal.
 */
export interface CommandSpec<Args = unknown, Result = unknown> {
  name: string;
  /** "who-deleted <name or ARN> [--since 7d] …", without the "/trail" or "trail" prefix. */
  usage: string;
  summary: string;
  permission: Permission;
  /** When some uses of the subcommand need more (muting a finding), the permission those args need. */
  permissionFor?(args: Args, config: Config): Permission;
  /** The answer's full list as a file: --csv prints it; Slack attaches it when `needed` (the message cannot hold it all). */
  file?(
    result: Result,
  ): { filename: string; content: string | Buffer; comment: string; needed: boolean } | undefined;
  /**
   * Words after the subcommand name → arguments, or a UsageError. `front` lets Slack refuse local-only
   * flags; `now` and `config` resolve time words and defaults, so bad input is caught before any work.
   */
  parse(words: string[], front: Actor['front'], now: Date, config: Config): Args;
  /**
   * The source a question reads (its flags), for a question that reads only CloudTrail: the terminal
   * then answers from log files on disk without loading the AWS SDK.
   */
  source?(args: Args): SourceChoice;
  /** Runs in microseconds with no I/O (help): answered in the acknowledgement itself. */
  immediate?: boolean;
  /** Say what is about to happen, for the immediate acknowledgement. */
  working?(args: Args): Inline[];
  run(args: Args, deps: CommandDeps, ctx: RunContext): Promise<Result>;
  /** The events of a result, for --csv and file exports. */
  rows?(result: Result): TrailEvent[];
  present(result: Result, deps: CommandDeps): Doc;
}

/** A spec with its types erased, for the command table. */
// biome-ignore lint/suspicious/noExplicitAny: the table holds specs of different argument types.
export type AnyCommand = CommandSpec<any, any>;

/** How a subcommand is typed on each front. */
export function commandPrefix(front: Actor['front']): string {
  return front === 'slack' ? '/trail' : 'trail';
}
