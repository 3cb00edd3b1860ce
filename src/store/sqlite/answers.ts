import type { KeptAnswer, KeptAnswers } from '../../answers/kept.js';
import type { SqliteDb, Sync } from './db.js';

/** KeptAnswers in SQLite; expired rows are removed when a new answer is kept. */
export class SqliteKeptAnswers implements Sync<KeptAnswers> {
  constructor(private readonly db: SqliteDb) {}

  keep(a: KeptAnswer): void {
    this.db.run('DELETE FROM kept_answers WHERE expires_at <= ?', new Date().toISOString());
    this.db.run(
      'INSERT INTO kept_answers (id, owner, channel, words, body, expires_at) VALUES (?, ?, ?, ?, ?, ?)',
      a.id,
      a.owner,
      a.channel,
      a.words,
      a.body,
      a.expiresAt.toISOString(),
    );
  }

  kept(id: string, now: Date): KeptAnswer | undefined {
    const r = this.db.get<{
      id: string;
      owner: string;
      channel: string;
      words: string;
      body: string;
      expires_at: string;
    }>('SELECT * FROM kept_answers WHERE id = ? AND expires_at > ?', id, now.toISOString());
    return (
      r && {
        id: r.id,
        owner: r.owner,
        channel: r.channel,
        words: r.words,
        body: r.body,
        expiresAt: new Date(r.expires_at),
      }
    );
  }
}
