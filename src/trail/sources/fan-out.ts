import pLimit from 'p-limit';
import { SourceCannotAnswerError } from '../../errors.js';
import type { TrailEvent } from '../event.js';
import { newestFirst, type TrailQuery } from '../query.js';
import type { EventSource, SearchProgress, SearchResult } from './types.js';

/** One account's source. */
export interface AccountSource {
  account: string;
  source: EventSource;
}

/**
 * Ask several accounts at once (LookupEvents is per account), a bounded number in parallel. An account
 * that fails is named in the answer and does not sink the others; only when every account fails does
 * the question fail.
 */
export class FanOutSource implements EventSource {
  readonly name: EventSource['name'];
  constructor(
    private readonly accounts: readonly AccountSource[],
    private readonly concurrency: number,
  ) {
    this.name = accounts[0]?.source.name ?? 'lookup';
  }

  describe(): string {
    return `${this.accounts[0]?.source.describe() ?? 'no source'} in ${this.accounts.length} accounts`;
  }

  async search(q: TrailQuery, o?: { onProgress?: (p: SearchProgress) => void }): Promise<SearchResult> {
    const chosen = q.accounts ? this.accounts.filter((a) => q.accounts?.includes(a.account)) : this.accounts;
    if (chosen.length === 0) {
      throw new SourceCannotAnswerError(
        `${q.accounts?.join(', ')} is not a configured account; configured: ${this.accounts.map((a) => a.account).join(', ')}.`,
      );
    }
    const limit = pLimit(this.concurrency);
    // Each account's own source reads only its account: the account filter is already applied here.
    const perAccount = await Promise.allSettled(
      chosen.map((a) => limit(() => a.source.search({ ...q, accounts: undefined }, o))),
    );
    const failures = perAccount.flatMap((r, i) =>
      r.status === 'rejected' ? [{ account: chosen[i]?.account, err: r.reason as Error }] : [],
    );
    if (failures.length === chosen.length && failures[0]) throw failures[0].err;
    const ok = perAccount.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const byId = new Map<string, TrailEvent>();
    for (const r of ok) for (const e of r.events) byId.set(e.id, e);
    const all = [...byId.values()].sort(newestFirst);
    return {
      events: all.slice(0, q.limit),
      matched: ok.reduce((n, r) => n + r.matched, 0),
      examined: ok.reduce((n, r) => n + r.examined, 0),
      scope: {
        source: this.name,
        regions: [...new Set(ok.flatMap((r) => r.scope.regions))],
        accounts: chosen.map((a) => a.account),
        detail: this.describe(),
      },
      warnings: [
        ...failures.map((f) => `account ${f.account}: not searched — ${f.err.message}`),
        ...ok.flatMap((r) => r.warnings),
      ],
    };
  }
}
