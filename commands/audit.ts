import { stringify } from 'csv-stringify/sync';
import type { AuditEntry } from '../src/audit/log.js';
import { UsageError } from '../src/errors.js';
import { type Doc, type Inline, person } from '../src/present/doc.js';
import { resolveRange } from '../src/time.js';
import { inert } from '../src/trail/export.js';
import { parseWords } from './options.js';
import type { CommandSpec } from './spec.js';

const USAGE = 'audit [--user U…] [--since 7d]';
/** Entries shown in the message; all of them go into the CSV file. */
const SHOWN = 30;
const MAX = 10_000;

interface Args {
  user?: string | undefined;
  since: Date;
}

/** `/trail audit`: who did what, where, when, with what result — for admins. */
export const auditCommand: CommandSpec<Args, { entries: AuditEntry[]; args: Args }> = {
  name: 'audit',
  usage: USAGE,
  summary: 'the audit trail: every command, query, button click, mute and refusal (admins)',
  permission: 'admin',
  parse(words, _front, now) {
    const { values, positionals } = parseWords(
      words,
      { user: { type: 'string' }, since: { type: 'string' } },
      USAGE,
    );
    if (positionals.length) throw new UsageError(`Unexpected words: ${positionals.join(' ')}.`, USAGE);
    if (values.user !== undefined && !/^[\w.@-]{1,64}$/.test(values.user))
      throw new UsageError(`"${values.user}" is not a Slack user id or a login.`, USAGE);
    const range = resolveRange({ since: values.since }, now, '7d');
    return { user: values.user, since: range.start };
  },
  immediate: true,
  async run(args, deps) {
    return {
      entries: await deps.store().audit.auditEntries({ user: args.user, since: args.since, limit: MAX }),
      args,
    };
  },
  present({ entries, args }): Doc {
    const head = `Audit: ${entries.length}${entries.length === MAX ? '+' : ''} entr${entries.length === 1 ? 'y' : 'ies'}${args.user ? ` for ${args.user}` : ''}`;
    const since: Inline[] = ['Since ', { time: args.since }, '.'];
    return {
      summary: [head, ' since ', { time: args.since }],
      blocks: [
        { type: 'header', text: head },
        { type: 'context', parts: since },
        {
          type: 'items',
          noun: 'entries',
          overflowHint: 'all of them are in the CSV file',
          items: entries.slice(0, SHOWN).map((e) => [
            {
              type: 'context',
              parts: [
                { time: e.at },
                ' ',
                person(e.user),
                e.channel ? ` in ${e.channel}` : ` (${e.front})`,
                ` ${e.kind}: `,
                { lit: e.what },
                ' → ',
                { lit: e.result },
              ],
            },
          ]),
        },
      ],
    };
  },
  file({ entries }) {
    return {
      needed: entries.length > SHOWN,
      filename: `trail-audit-${new Date().toISOString().slice(0, 10)}.csv`,
      content: stringify(
        entries.map((e) =>
          [
            e.at.toISOString(),
            e.user,
            e.channel ?? '',
            e.front,
            e.kind,
            e.what,
            e.result,
            e.detail ? JSON.stringify(e.detail) : '',
          ].map((c) => inert(c)),
        ),
        { header: true, columns: ['at', 'user', 'channel', 'front', 'kind', 'what', 'result', 'detail'] },
      ),
      comment: `All ${entries.length} audit entries, newest first, as CSV.`,
    };
  },
};
