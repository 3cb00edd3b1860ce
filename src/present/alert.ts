import type { Alert, Severity } from '../alerts/alert.js';
import { alertActionValue } from '../slack/buttons.js';
import { ACTION_IDS } from '../slack/ids.js';
import { formatUtc } from '../time.js';
import type { Doc, DocBlock, Field, Inline } from './doc.js';

/** Where an alert stands; the store keeps it, the message shows it. */
export interface AlertState {
  id: string;
  status: 'open' | 'acknowledged' | 'snoozed' | 'resolved';
  /** Who moved it last, and when (a Slack user id). */
  by?: string | undefined;
  at?: Date | undefined;
  snoozedUntil?: Date | undefined;
  /** Repeats of its fingerprint while open. */
  count: number;
  firstSeen: Date;
  lastSeen: Date;
}

const MARK: Record<Severity, string> = { critical: '🟥', high: '🟧', medium: '🟨', low: '🟦', info: '⬜' };

function statusLine(s: AlertState): Inline[] {
  const who: Inline[] = s.by ? [' by ', { lit: s.by }] : [];
  const when = s.at ? ` at ${formatUtc(s.at)}` : '';
  switch (s.status) {
    case 'open':
      return ['Open'];
    case 'acknowledged':
      return ['Acknowledged', ...who, when];
    case 'resolved':
      return ['Resolved', ...who, when];
    case 'snoozed':
      return ['Snoozed', ...who, s.snoozedUntil ? ` until ${formatUtc(s.snoozedUntil)}` : ' until resolved'];
  }
}

/**
 * An alert as a channel message: severity and title first, the key fields, a console link, where it
 * stands, and the buttons that move it (none once resolved). Everything from the alert is a literal.
 */
export function presentAlert(a: Alert, s: AlertState): Doc {
  const fields: Field[] = [{ label: 'Source', value: [a.source] }];
  if (a.account) fields.push({ label: 'Account', value: [{ lit: a.account }] });
  if (a.region) fields.push({ label: 'Region', value: [{ lit: a.region }] });
  if (a.resource) fields.push({ label: 'Resource', value: [{ lit: a.resource }] });
  if (a.actor) fields.push({ label: 'Actor', value: [{ lit: a.actor }] });
  if (a.state) fields.push({ label: 'State', value: [{ lit: a.state }] });
  fields.push({
    label: 'Seen',
    value: [
      s.count > 1
        ? `${s.count} times, ${formatUtc(s.firstSeen)} → ${formatUtc(s.lastSeen)}`
        : formatUtc(s.firstSeen),
    ],
  });
  const blocks: DocBlock[] = [
    {
      type: 'text',
      parts: [`${MARK[a.severity]} `, { bold: a.severity.toUpperCase() }, ' ', { lit: a.title }],
    },
    { type: 'fields', fields },
  ];
  if (a.link)
    blocks.push({ type: 'context', parts: [{ link: { url: a.link, text: 'Open in the AWS console' } }] });
  blocks.push({ type: 'context', parts: statusLine(s) });
  if (s.status !== 'resolved') {
    const b = (
      text: string,
      actionId: string,
      kind: 'ack' | 'resolve' | 'snooze' | 'investigate',
      hours?: number,
    ) => ({
      text,
      actionId,
      value: alertActionValue({ kind, alertId: s.id, hours }),
    });
    blocks.push({
      type: 'buttons',
      buttons: [
        ...(s.status === 'open' ? [b('Acknowledge', ACTION_IDS.alertAck, 'ack')] : []),
        b('Resolve', ACTION_IDS.alertResolve, 'resolve'),
        b('Snooze 1 h', ACTION_IDS.alertSnooze1h, 'snooze', 1),
        b('Snooze 4 h', ACTION_IDS.alertSnooze4h, 'snooze', 4),
        b('Snooze 24 h', ACTION_IDS.alertSnooze24h, 'snooze', 24),
        b('Snooze until resolved', ACTION_IDS.alertSnoozeUntilResolved, 'snooze', 0),
        ...(a.actor ? [b('Investigate', ACTION_IDS.alertInvestigate, 'investigate')] : []),
      ],
    });
  }
  return { summary: [`${a.severity.toUpperCase()}: `, { lit: a.title }], blocks };
}
