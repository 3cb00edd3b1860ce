import { stringify } from 'csv-stringify/sync';
import type { TrailEvent } from './event.js';

/** The columns of an exported event, in order. */
const COLUMNS = [
  'time',
  'event',
  'service',
  'region',
  'account',
  'principal_type',
  'principal',
  'principal_arn',
  'role_arn',
  'access_key_id',
  'source_ip',
  'user_agent',
  'error_code',
  'error_message',
  'event_id',
  'request_parameters',
] as const;

/**
 * A cell a spreadsheet would run as a formula (=, +, -, @, tab, carriage return first) gets a leading
 * apostrophe: CloudTrail fields are attacker-controlled, and the auditor opening the file must not run
 * them (OWASP's CSV injection advice).
 */
export function inert(cell: string): string {
  return /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell;
}

/** Events as CSV with a header row, for spreadsheets and auditors (csv-stringify does the quoting). */
export function eventsToCsv(events: readonly TrailEvent[]): string {
  const rows = events.map((e) =>
    [
      e.time.toISOString(),
      e.name,
      e.source,
      e.region,
      e.account,
      e.principal.type,
      e.principal.display,
      e.principal.arn ?? '',
      e.principal.roleArn ?? '',
      e.principal.accessKeyId ?? '',
      e.sourceIp ?? '',
      e.userAgent ?? '',
      e.errorCode ?? '',
      e.errorMessage ?? '',
      e.id,
      JSON.stringify(e.requestParameters),
    ].map(inert),
  );
  return stringify(rows, { header: true, columns: [...COLUMNS] });
}
