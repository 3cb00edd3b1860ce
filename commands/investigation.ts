import type { ParseArgsConfig } from 'node:util';
import { UsageError } from '../src/errors.js';
import { linkerFor } from '../src/present/console.js';
import { presentInvestigation } from '../src/present/investigation.js';
import { resolveRange, type TimeRange } from '../src/time.js';
import { type Grouping, type Investigation, investigate } from '../src/trail/investigate.js';
import type { TrailQuery } from '../src/trail/query.js';
import {
  flagsPermission,
  parseWords,
  QUERY_OPTIONS,
  QUERY_USAGE,
  type QueryFlags,
  queryFlags,
} from './options.js';
import type { CommandSpec } from './spec.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** The part of a question a subcommand decides; range, regions, accounts and limit are common. */
export type QuestionPart = Omit<TrailQuery, 'range' | 'regions' | 'accounts' | 'limit'>;

/** What an investigation subcommand says about itself; the factory does the rest. */
export interface InvestigationDef {
  name: string;
  /** The words after the name, before the common flags: "<principal>", "[--failed]". */
  args: string;
  summary: string;
  /** Its own flags, beside the common ones. */
  options?: Options;
  /** How many positional words it takes: none, or exactly one. */
  positional: 'none' | 'one';
  /** What the one positional word names, for the usage error. */
  positionalName?: string;
  /** Turn the words into the question; throws UsageError. */
  build(
    word: string | undefined,
    values: Record<string, unknown>,
  ): { subject: string; query: QuestionPart; groupings: Grouping[] };
}

/** Arguments every investigation carries to `run`. */
export interface InvestigationArgs {
  subject: string;
  query: QuestionPart;
  groupings: Grouping[];
  range: TimeRange;
  flags: QueryFlags;
}

/** The whole question an investigation asks its source. */
export function questionOf(a: InvestigationArgs, limit: number): TrailQuery {
  return { ...a.query, range: a.range, regions: a.flags.regions, accounts: a.flags.accounts, limit };
}

/** One spec shape for every investigation: parse the words, ask the source, present the summary. */
export function investigationCommand(def: InvestigationDef): CommandSpec<InvestigationArgs, Investigation> {
  const usage = `${def.name} ${def.args ? `${def.args} ` : ''}${QUERY_USAGE}`;
  return {
    name: def.name,
    usage,
    summary: def.summary,
    permission: 'investigate',
    permissionFor: (a, config) => flagsPermission(a.flags, config.TRAIL_ATHENA_COST_CAP_MB),
    source: (a) => a.flags,
    parse(words, front, now, config) {
      const { values, positionals } = parseWords(words, { ...QUERY_OPTIONS, ...(def.options ?? {}) }, usage);
      if (def.positional === 'none' && positionals.length > 0) {
        throw new UsageError(`${def.name} takes no words besides its flags; got "${positionals[0]}".`, usage);
      }
      if (def.positional === 'one' && positionals.length !== 1) {
        throw new UsageError(
          positionals.length === 0
            ? `Name the ${def.positionalName ?? 'subject'}.`
            : 'One at a time: quote a value with spaces.',
          usage,
        );
      }
      const flags = queryFlags(values, front, usage);
      let built: ReturnType<InvestigationDef['build']>;
      try {
        built = def.build(positionals[0], values as Record<string, unknown>);
      } catch (err) {
        if (err instanceof UsageError && err.usage === undefined) throw new UsageError(err.message, usage);
        throw err;
      }
      return { ...built, range: resolveRange(flags, now, config.TRAIL_DEFAULT_SINCE), flags };
    },
    working: (a) => ['Looking into ', { lit: a.subject }, '…'],
    async run(a, deps, ctx) {
      const query = questionOf(a, deps.config.TRAIL_MAX_RESULTS);
      return investigate(a.subject, query, deps.sources.get(a.flags), a.groupings, ctx.progress);
    },
    present: (inv, deps) => presentInvestigation(inv, deps.now(), linkerFor(deps.config)),
    rows: (inv) => inv.events,
  };
}
