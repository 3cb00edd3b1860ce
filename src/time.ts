// Per-function entry points: the package index loads every module of date-fns (~0.5 s at start-up).
import { formatDistanceStrict } from 'date-fns/formatDistanceStrict';
import { isValid } from 'date-fns/isValid';
import { parseISO } from 'date-fns/parseISO';
import { sub } from 'date-fns/sub';
import { UsageError } from './errors.js';

/** A time range, start inclusive and end exclusive, in UTC. */
export interface TimeRange {
  start: Date;
  end: Date;
  /** True when the user gave no --since and the configured default applied. */
  defaulted: boolean;
}

const DURATION = /^(\d{1,5})(s|m|min|h|d|w)$/i;
const UNIT = { s: 'seconds', m: 'minutes', min: 'minutes', h: 'hours', d: 'days', w: 'weeks' } as const;
const UNIT_MS = { seconds: 1000, minutes: 60_000, hours: 3_600_000, days: 86_400_000, weeks: 604_800_000 };

/** "30s", "90m", "24h", "7d", "2w" as a date-fns duration, or undefined. */
export function parseDuration(
  word: string,
): Partial<Record<(typeof UNIT)[keyof typeof UNIT], number>> | undefined {
  const m = DURATION.exec(word.trim());
  if (!m?.[1] || !m[2]) return undefined;
  const unit = UNIT[m[2].toLowerCase() as keyof typeof UNIT];
  return { [unit]: Number(m[1]) };
}

/** A duration word in milliseconds ("30s" → 30000), or undefined. */
export function durationMs(word: string): number | undefined {
  const d = parseDuration(word);
  if (!d) return undefined;
  const [unit, n] = Object.entries(d)[0] as [keyof typeof UNIT_MS, number];
  return n * UNIT_MS[unit];
}

function startOfUtcDay(d: Date): Date {
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
}

/** A day in milliseconds. */
export const DAY_MS = 86_400_000;
/** An hour in milliseconds. */
export const HOUR_MS = 3_600_000;

/**
 * Read a time word: a duration back from now ("7d", "24h"), "now", "today", "yesterday", an ISO date
 * (a whole UTC day) or an ISO date-time (UTC unless it names a zone). A day used as the end of a range
 * covers the whole day, so "--until 2026-11-20" includes the 20th.
 */
export function parseTimeWord(word: string, now: Date, edge: 'start' | 'end'): Date | undefined {
  const w = word.trim().toLowerCase();
  const dur = parseDuration(w);
  if (dur) return sub(now, dur);
  if (w === 'now') return now;
  const today = startOfUtcDay(now);
  if (w === 'today') return edge === 'start' ? today : now;
  if (w === 'yesterday') return new Date(today.getTime() - (edge === 'start' ? DAY_MS : 0));
  if (/^\d{4}-\d{2}-\d{2}$/.test(w)) {
    const [y, mo, d] = w.split('-').map(Number) as [number, number, number];
    const day = new Date(Date.UTC(y, mo - 1, d));
    if (day.getUTCMonth() !== mo - 1 || day.getUTCDate() !== d) return undefined;
    return edge === 'start' ? day : new Date(day.getTime() + DAY_MS);
  }
  if (/^\d{4}-\d{2}-\d{2}t\d{2}:\d{2}(:\d{2}(\.\d+)?)?(z|[+-]\d{2}:?\d{2})?$/.test(w)) {
    const withZone = /(z|[+-]\d{2}:?\d{2})$/.test(w) ? word.trim() : `${word.trim()}Z`;
    const d = parseISO(withZone);
    return isValid(d) ? d : undefined;
  }
  return undefined;
}

const TIME_HELP =
  'use a duration (7d, 24h, 90m), today, yesterday, or an ISO date (2026-11-20 or 2026-11-20T13:00Z)';

/** Resolve --since/--until into a range; the default start is `defaultSince` back from now. */
export function resolveRange(
  opts: { since?: string | undefined; until?: string | undefined },
  now: Date,
  defaultSince: string,
): TimeRange {
  const start = parseTimeWord(opts.since ?? defaultSince, now, 'start');
  if (!start) throw new UsageError(`--since "${opts.since}" is not a time: ${TIME_HELP}.`);
  let end = now;
  if (opts.until !== undefined) {
    const u = parseTimeWord(opts.until, now, 'end');
    if (!u) throw new UsageError(`--until "${opts.until}" is not a time: ${TIME_HELP}.`);
    end = u.getTime() > now.getTime() ? now : u;
  }
  if (start.getTime() >= end.getTime()) {
    throw new UsageError(`--since (${formatUtc(start)}) must be before --until (${formatUtc(end)}).`);
  }
  return { start, end, defaulted: opts.since === undefined };
}

/** "2026-11-20 13:05:09 UTC". */
export function formatUtc(d: Date): string {
  return `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** "2026-11-20T13:05:09Z": the fallback text of a Slack date token. */
export function isoSeconds(d: Date): string {
  return `${d.toISOString().slice(0, 19)}Z`;
}

/** Check an IANA time zone name (--tz), so a typo is said rather than shown as UTC. */
export function checkZone(zone: string): string {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return zone;
  } catch {
    throw new UsageError(`--tz "${zone}" is not a time zone: an IANA name such as Europe/Amsterdam or UTC.`);
  }
}

/** "2026-11-20 14:05:09 GMT+1" in an IANA zone (--tz in the terminal). */
export function formatInZone(d: Date, zone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      timeZoneName: 'short',
    })
      .formatToParts(d)
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second} ${parts.timeZoneName}`;
}

/** "3 days ago", measured from `now`. */
export function ago(d: Date, now: Date): string {
  if (d.getTime() > now.getTime()) return 'just now';
  return `${formatDistanceStrict(d, now)} ago`;
}

/** How long a range is: "7 days". */
export function rangeLength(r: Pick<TimeRange, 'start' | 'end'>): string {
  return formatDistanceStrict(r.start, r.end);
}

/** How a range reads in an answer: "2026-11-18 04:00:00 UTC – 2026-11-25 04:00:00 UTC (7 days)". */
export function describeRange(r: TimeRange): string {
  return `${formatUtc(r.start)} – ${formatUtc(r.end)} (${formatDistanceStrict(r.start, r.end)})`;
}
