import { resolve } from 'node:path';
import { UsageError } from '../src/errors.js';
import type { Doc } from '../src/present/doc.js';
import { progressBar } from '../src/present/progress.js';
import { connectDuckDb } from '../src/trail/sources/local.js';
import { buildIndex, type IndexBuildResult } from '../src/trail/sources/log-index.js';
import { parseWords } from './options.js';
import type { CommandSpec } from './spec.js';

interface IndexArgs {
  logs: string;
  into: string;
}

const USAGE = 'index [--logs dir] [--into dir]';
const mb = (b: number) => `${(b / 1_048_576).toFixed(1)} MB`;

/** Usage: index [--logs dir] [--into dir] — the terminal's; the bot refreshes its own (TRAIL_INDEX_EVERY). */
export const indexCommand: CommandSpec<IndexArgs, IndexBuildResult & IndexArgs> = {
  name: 'index',
  usage: USAGE,
  summary:
    'turn a local CloudTrail archive into a Parquet index that questions read (a second run reads only new or changed files; removed ones are dropped); terminal only',
  permission: 'admin',
  // It reads log files on disk alone: the terminal starts it without the AWS SDK.
  source: (a) => ({ logs: a.logs }),
  parse(words, front, _now, config) {
    if (front === 'slack')
      throw new UsageError(
        'index runs in the terminal, on the bot’s own disk; the bot keeps its index fresh every TRAIL_INDEX_EVERY.',
        USAGE,
      );
    const { values, positionals } = parseWords(
      words,
      { logs: { type: 'string' }, into: { type: 'string' } },
      USAGE,
    );
    if (positionals.length) throw new UsageError(`index takes flags only; got "${positionals[0]}".`, USAGE);
    const into = values.into ?? config.TRAIL_INDEX_DIR;
    if (!into) throw new UsageError('Say where the index goes: --into dir (or set TRAIL_INDEX_DIR).', USAGE);
    const logs = resolve(values.logs ?? config.TRAIL_LOGS_DIR);
    if (resolve(into) === logs)
      throw new UsageError(
        `The index needs a folder of its own, not the archive's: --into ${logs}/index, say (inside the archive is fine).`,
        USAGE,
      );
    return { logs, into: resolve(into) };
  },
  working: (a) => ['Indexing ', { lit: a.logs }, '…'],
  async run(a, deps, ctx) {
    const conn = await connectDuckDb(deps.config.TRAIL_LOCAL_MEMORY_LIMIT);
    const r = await buildIndex({
      logs: a.logs,
      into: a.into,
      conn,
      onProgress: (p) =>
        ctx.progress({ examined: p.done, note: `${progressBar(p.done, p.total)} ${p.note}` }),
    });
    deps.logger.info(
      { ...r, logs: a.logs, into: a.into },
      r.unchanged ? 'index already up to date' : 'index built',
    );
    return { ...r, ...a };
  },
  present(r): Doc {
    const what = r.unchanged
      ? `Already up to date: ${r.kept} log files, ${r.events} events.`
      : `${r.added} new, ${r.changed} changed and ${r.removed} removed log files; ${r.kept} kept as they were; ${r.events} events in all.` +
        (r.merged
          ? ` The small files of ${r.merged} partition${r.merged === 1 ? '' : 's'} merged into one each.`
          : '');
    return {
      summary: [`Index of `, { lit: r.logs }, r.unchanged ? ': up to date.' : ': built.'],
      blocks: [
        { type: 'text', parts: [{ bold: 'Index: ' }, { lit: r.into }] },
        { type: 'text', parts: [what] },
        {
          type: 'context',
          parts: [
            `Parquet ${mb(r.bytes)} for ${mb(r.sourceBytes)} of log files (${Math.round((r.bytes / Math.max(1, r.sourceBytes)) * 100)} %), in ${(r.ms / 1000).toFixed(1)} s. `,
            'Questions read it for the files it holds and the raw files for the rest: --index dir, or TRAIL_INDEX_DIR.',
          ],
        },
      ],
    };
  },
};
