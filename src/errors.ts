import { randomBytes } from 'node:crypto';

/** Codes of the errors Trailbot knows how to explain to a user. */
export type ErrorCode =
  | 'usage'
  | 'config'
  | 'not_authorized'
  | 'source_cannot_answer'
  | 'source_unavailable'
  | 'upstream_throttled'
  | 'upstream_denied'
  | 'upstream_failed'
  | 'busy';

/** Base of every error that carries a message fit for a user; anything else is an internal fault. */
export class TrailbotError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** Malformed words: the user sees the message and the usage line of the subcommand. */
export class UsageError extends TrailbotError {
  readonly usage: string | undefined;
  constructor(message: string, usage?: string) {
    super('usage', message);
    this.usage = usage;
  }
}

/** Bad or missing configuration, every problem listed. */
export class ConfigError extends TrailbotError {
  readonly problems: string[];
  constructor(problems: string[]) {
    super('config', `Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.problems = problems;
  }
}

/** The caller lacks the permission a subcommand or button declares. */
export class NotAuthorizedError extends TrailbotError {
  constructor(
    readonly permission: string,
    message: string,
  ) {
    super('not_authorized', message);
  }
}

/** The chosen source cannot answer this question (e.g. LookupEvents beyond 90 days); says what to use. */
export class SourceCannotAnswerError extends TrailbotError {
  constructor(message: string) {
    super('source_cannot_answer', message);
  }
}

/** The source exists but cannot be read (missing directory, unreadable files). */
export class SourceUnavailableError extends TrailbotError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('source_unavailable', message, options);
  }
}

/** AWS kept throttling after the SDK's retries. */
export class UpstreamThrottledError extends TrailbotError {
  constructor(service: string, options?: { cause?: unknown }) {
    super('upstream_throttled', `${service} is throttling this account; try again in a minute.`, options);
  }
}

/** AWS refused the bot's own credentials. */
export class UpstreamDeniedError extends TrailbotError {
  constructor(
    readonly action: string,
    options?: { cause?: unknown },
  ) {
    super(
      'upstream_denied',
      `The bot's AWS role may not call ${action}. Grant it with the policy in iam/trailbot-policy.json.`,
      options,
    );
  }
}

/** Any other failure of an outside service, with a message safe to show. */
export class UpstreamError extends TrailbotError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('upstream_failed', message, options);
  }
}

/** A short reference that ties a user-facing "something went wrong" to the full error in the log. */
export function newErrorRef(): string {
  return `tb-${randomBytes(4).toString('hex')}`;
}

/** What a user is told about an error, and what the log gets. */
export interface ExplainedError {
  message: string;
  usage?: string | undefined;
  ref?: string | undefined;
  code: ErrorCode | 'internal';
}

/** Map any thrown value to a user-safe explanation; unknown errors get a reference instead of details. */
export function explainError(err: unknown, ref: () => string = newErrorRef): ExplainedError {
  if (err instanceof UsageError) return { code: 'usage', message: err.message, usage: err.usage };
  if (err instanceof TrailbotError) return { code: err.code, message: err.message };
  const r = ref();
  return { code: 'internal', message: `Something went wrong (ref ${r}).`, ref: r };
}
