/**
 * Private answers kept for their "Share in channel" button: Slack does not send an ephemeral message's
 * content with a click on it, so the answer itself is kept (as rendered, JSON) under an id the button
 * carries, until it expires. Only the person it was given to may share it.
 */
export interface KeptAnswer {
  id: string;
  /** The Slack user the answer was given to. */
  owner: string;
  /** The channel it was asked in. */
  channel: string;
  /** The question's words, for the audit trail. */
  words: string;
  /** The answer as it was shown (a Slack message, as JSON). */
  body: string;
  expiresAt: Date;
}

/** The port: keep an answer; read one back unless it has expired by `now`. */
export interface KeptAnswers {
  keep(a: KeptAnswer): Promise<void>;
  kept(id: string, now: Date): Promise<KeptAnswer | undefined>;
}

/** How long a private answer can be shared. */
export const KEEP_ANSWER_MS = 24 * 3_600_000;
