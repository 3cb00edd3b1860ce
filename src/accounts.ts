import type { Config } from './config.js';

/**
 * The identity a role is assumed with, for a person or a job: `slack-U0123ABCD`, `terminal-alice`,
 * `trailbot-digest`. STS takes 2–64 characters of [\w+=,.@-] for a session name and a SourceIdentity
 * (and refuses a SourceIdentity starting with "aws:"): anything else becomes "_".
 */
export function sessionIdentity(who: { front: 'slack' | 'terminal' | 'system'; userId: string }): string {
  const raw = who.front === 'system' ? who.userId : `${who.front}-${who.userId}`;
  return raw
    .replace(/[^\w+=,.@-]/g, '_')
    .slice(0, 64)
    .padEnd(2, '_');
}

/**
 * The role to assume in an account: one named in TRAIL_ASSUME_ROLE_ARNS for it, else TRAIL_ASSUME_ROLE_NAME
 * in that account, else none (the bot's own credentials).
 */
export function roleArnFor(config: Config): (account: string) => string | undefined {
  const explicit = new Map(
    (config.TRAIL_ASSUME_ROLE_ARNS ?? []).map((arn) => [arn.split(':')[4] as string, arn]),
  );
  return (account) =>
    explicit.get(account) ??
    (config.TRAIL_ASSUME_ROLE_NAME
      ? `arn:aws:iam::${account}:role/${config.TRAIL_ASSUME_ROLE_NAME}`
      : undefined);
}

/** The external id an account's role requires: its own from TRAIL_ASSUME_EXTERNAL_IDS, else the common one. */
export function externalIdFor(config: Config): (account: string) => string | undefined {
  const own = new Map(
    (config.TRAIL_ASSUME_EXTERNAL_IDS?.reveal().split(',') ?? []).map((pair) => {
      const at = pair.indexOf('=');
      return [pair.slice(0, at), pair.slice(at + 1)] as const;
    }),
  );
  return (account) => own.get(account) ?? config.TRAIL_ASSUME_EXTERNAL_ID?.reveal();
}

/** The accounts LookupEvents asks at once: those with a role to assume, when there are any. */
export function fanOutAccounts(config: Config): string[] | undefined {
  const named = config.TRAIL_ASSUME_ROLE_NAME ? (config.TRAIL_ACCOUNTS ?? []) : [];
  const explicit = (config.TRAIL_ASSUME_ROLE_ARNS ?? []).map((arn) => arn.split(':')[4] as string);
  const all = [...new Set([...named, ...explicit])];
  return all.length ? all : undefined;
}
