import { parse } from 'csv-parse/sync';
import { UpstreamError } from '../errors.js';

/** A date column: a time, "never" (set but never used: no_information), or nothing (N/A, not_supported). */
export type When = Date | 'never' | undefined;

/** One access key of a user, as the report has it. */
export interface KeyState {
  /** 1 or 2: the report's two key slots, each judged on its own. */
  slot: 1 | 2;
  active: boolean;
  /** When it was created or last rotated; undefined when the slot holds no key. */
  lastRotated: Date | undefined;
  /** When it was last used; undefined when never used (N/A). */
  lastUsed: Date | undefined;
  lastUsedService: string | undefined;
}

/** One row of the IAM credential report. */
export interface CredentialRow {
  user: string;
  arn: string;
  root: boolean;
  created: Date | undefined;
  /** Console password: undefined for root, where the report says not_supported. */
  passwordEnabled: boolean | undefined;
  passwordLastUsed: When;
  passwordLastChanged: Date | undefined;
  mfaActive: boolean;
  keys: [KeyState, KeyState];
}

/** A parsed report with the time AWS generated it (it can be up to 4 hours old). */
export interface CredentialReport {
  account: string;
  generatedAt: Date;
  rows: CredentialRow[];
}

/** The 22 columns GetCredentialReport returns, in order (the first eight are the ones a row needs most). */
const REQUIRED = [
  'user',
  'arn',
  'user_creation_time',
  'password_enabled',
  'password_last_used',
  'password_last_changed',
  'mfa_active',
  'access_key_1_active',
  'access_key_1_last_rotated',
  'access_key_1_last_used_date',
  'access_key_1_last_used_service',
  'access_key_2_active',
  'access_key_2_last_rotated',
  'access_key_2_last_used_date',
  'access_key_2_last_used_service',
] as const;

const ABSENT = new Set(['N/A', 'not_supported', '']);

/** "true"/"TRUE"/"false"/"FALSE"; not_supported and N/A are undefined. */
function bool(v: string | undefined): boolean | undefined {
  const s = (v ?? '').trim();
  if (ABSENT.has(s)) return undefined;
  if (/^true$/i.test(s)) return true;
  if (/^false$/i.test(s)) return false;
  throw new Error(`"${s}" is not a boolean`);
}

function date(v: string | undefined): Date | undefined {
  const s = (v ?? '').trim();
  if (ABSENT.has(s) || s === 'no_information') return undefined;
  const d = new Date(s);
  if (Number.isNaN(d.getTime())) throw new Error(`"${s}" is not a date`);
  return d;
}

function when(v: string | undefined): When {
  return (v ?? '').trim() === 'no_information' ? 'never' : date(v);
}

function key(r: Record<string, string>, slot: 1 | 2): KeyState {
  const p = `access_key_${slot}_`;
  const service = (r[`${p}last_used_service`] ?? '').trim();
  return {
    slot,
    active: bool(r[`${p}active`]) ?? false,
    lastRotated: date(r[`${p}last_rotated`]),
    lastUsed: date(r[`${p}last_used_date`]),
    lastUsedService: ABSENT.has(service) ? undefined : service,
  };
}

/**
 * Parse the credential report's CSV (csv-parse). Booleans in either case, N/A, no_information,
 * not_supported and the <root_account> row are read for what they mean; a row that cannot be read is
 * an error naming the line, not a silently wrong finding.
 */
export function parseCredentialReport(csv: string, account: string, generatedAt: Date): CredentialReport {
  let records: Record<string, string>[];
  try {
    records = parse(csv, { columns: true, skip_empty_lines: true, trim: true, bom: true });
  } catch (err) {
    throw new UpstreamError(`The IAM credential report is not readable CSV: ${(err as Error).message}`);
  }
  const header = Object.keys(records[0] ?? {});
  const missing = records.length ? REQUIRED.filter((c) => !header.includes(c)) : [];
  if (missing.length)
    throw new UpstreamError(`The IAM credential report lacks columns: ${missing.join(', ')}`);
  const rows = records.map((r, i) => {
    try {
      const root = r.user === '<root_account>';
      return {
        user: r.user ?? '',
        arn: r.arn ?? '',
        root,
        created: date(r.user_creation_time),
        passwordEnabled: bool(r.password_enabled),
        passwordLastUsed: when(r.password_last_used),
        passwordLastChanged: date(r.password_last_changed),
        mfaActive: bool(r.mfa_active) ?? false,
        keys: [key(r, 1), key(r, 2)] as [KeyState, KeyState],
      };
    } catch (err) {
      throw new UpstreamError(
        `The IAM credential report's line ${i + 2} is not readable: ${(err as Error).message}`,
      );
    }
  });
  return { account, generatedAt, rows };
}
