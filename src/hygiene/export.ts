import { stringify } from 'csv-stringify/sync';
import { inert } from '../trail/export.js';
import type { Finding } from './checks.js';

/** Findings as CSV, worst first: the full list when a message cannot hold it. Cells are formula-inert. */
export function findingsToCsv(findings: readonly Finding[]): string {
  return stringify(
    findings.map((f) =>
      [
        f.severity,
        f.check,
        f.account,
        f.user,
        f.keySlot ?? '',
        f.title,
        f.evidence,
        f.standard,
        f.remediation,
        f.owner ?? '',
        f.id,
      ].map((c) => inert(String(c))),
    ),
    {
      header: true,
      columns: [
        'severity',
        'check',
        'account',
        'user',
        'key',
        'title',
        'evidence',
        'standard',
        'remediation',
        'owner',
        'id',
      ],
    },
  );
}
