import type { ActorAsk, ActorAsks } from '../../alerts/asks.js';
import { StaleWriteError } from '../../alerts/repository.js';
import { askDueAt, askFromJson, askToJson } from '../codec.js';
import { iso, type SqliteDb, type Sync } from './db.js';

interface AskRow {
  id: string;
  body: string;
  due_at: string | null;
  version: number;
}

/** ActorAsks in SQLite: each ask whole as JSON, with when it is next due indexed. */
export class SqliteActorAsks implements Sync<ActorAsks> {
  constructor(private readonly db: SqliteDb) {}

  addAsk(a: ActorAsk): void {
    this.db.run(
      'INSERT INTO actor_asks (id, body, due_at, version) VALUES (?, ?, ?, 1)',
      a.id,
      askToJson(a),
      iso(askDueAt(a)),
    );
  }
  ask(id: string): ActorAsk | undefined {
    const r = this.db.get<AskRow>('SELECT * FROM actor_asks WHERE id = ?', id);
    return r && askFromJson(r.body, r.version);
  }
  dueAsks(now: Date): ActorAsk[] {
    return this.db
      .all<AskRow>(
        'SELECT * FROM actor_asks WHERE due_at IS NOT NULL AND due_at <= ? ORDER BY due_at, rowid',
        now.toISOString(),
      )
      .map((r) => askFromJson(r.body, r.version));
  }
  saveAsk(a: ActorAsk): void {
    const r = this.db.run(
      'UPDATE actor_asks SET body = ?, due_at = ?, version = version + 1 WHERE id = ? AND version = ?',
      askToJson(a),
      iso(askDueAt(a)),
      a.id,
      a.version ?? -1,
    );
    if (Number(r.changes) === 0) throw new StaleWriteError(`ask ${a.id}`);
  }
}
