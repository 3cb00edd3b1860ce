/** One thing someone did or tried: who, where, when, what, and how it ended. */
export interface AuditEntry {
  at: Date;
  /** A Slack user id, or the operator's login in the terminal. */
  user: string;
  channel?: string | undefined;
  front: 'slack' | 'terminal' | 'system';
  /** `ask`: Trailbot asked an alert's actor "was this you?", or their time to answer ran out. */
  kind: 'command' | 'query' | 'button' | 'mute' | 'refusal' | 'ask';
  /** The command's words, the button, the query's source. */
  what: string;
  /** answer, usage, refused, failed, or what a button changed. */
  result: string;
  /** The SQL or lookup parameters and the data scanned, for queries. */
  detail?: Record<string, unknown> | undefined;
}

/** The audit trail as kept: newest first; entries older than the retention are pruned. */
export interface AuditLog {
  addAudit(e: AuditEntry): Promise<void>;
  auditEntries(q: {
    user?: string | undefined;
    since?: Date | undefined;
    limit: number;
  }): Promise<AuditEntry[]>;
  /** Drop entries older than `before`; how many went. */
  pruneAudit(before: Date): Promise<number>;
}
