import type { Alert } from '../alerts/alert.js';
import type { StoredAlert } from '../alerts/repository.js';
import { bySeverity, SEVERITIES } from '../severity.js';
import { alertActionValue } from '../slack/buttons.js';
import { ACTION_IDS } from '../slack/ids.js';
import { type Doc, type DocBlock, type Field, type Inline, person, span } from './doc.js';
import { addressParts } from './place.js';
import { SEVERITY_MARK } from './severity.js';

const MARK = SEVERITY_MARK;
/** Characters of a plain message's text shown in its alert. */
const BODY_SHOWN = 2500;

/** Who moved an alert: a Slack user is mentioned, AWS (an alarm back to OK) named. */
function who(by: string): Inline {
  return by === 'aws' ? 'AWS' : person(by);
}

function statusLine(s: StoredAlert): Inline[] {
  const by: Inline[] = s.by ? [' by ', who(s.by)] : [];
  const when: Inline[] = s.at ? [' at ', { time: s.at }] : [];
  switch (s.status) {
    case 'open':
      return ['Open'];
    case 'acknowledged':
      return ['Acknowledged', ...by, ...when];
    case 'resolved':
      return ['Resolved', ...by, ...when];
    case 'snoozed':
      return [
        'Snoozed',
        ...by,
        ...(s.snoozedUntil ? [' until ', { time: s.snoozedUntil }] : [' until resolved']),
      ];
  }
}

function seen(s: StoredAlert): Inline[] {
  return s.count > 1 ? [`${s.count} times, `, ...span(s.firstSeen, s.lastSeen)] : [{ time: s.firstSeen }];
}

/** The buttons that move a message's alerts; none once they are all resolved. */
export function alertButtons(groupId: string, alerts: StoredAlert[]): DocBlock[] {
  const live = alerts.filter((a) => a.status !== 'resolved');
  if (!live.length) return [];
  const b = (
    text: string,
    actionId: string,
    kind: 'ack' | 'resolve' | 'snooze' | 'investigate',
    hours?: number,
  ) => ({ text, actionId, value: alertActionValue({ kind, alertId: groupId, hours }) });
  return [
    {
      type: 'buttons',
      buttons: [
        ...(live.some((a) => a.status !== 'acknowledged')
          ? [b('Acknowledge', ACTION_IDS.alertAck, 'ack')]
          : []),
        b('Resolve', ACTION_IDS.alertResolve, 'resolve'),
        b('Snooze 1 h', ACTION_IDS.alertSnooze1h, 'snooze', 1),
        b('Snooze 4 h', ACTION_IDS.alertSnooze4h, 'snooze', 4),
        b('Snooze 24 h', ACTION_IDS.alertSnooze24h, 'snooze', 24),
        b('Snooze until resolved', ACTION_IDS.alertSnoozeUntilResolved, 'snooze', 0),
        ...(alerts.some((a) => a.alert.actor)
          ? [b('Investigate', ACTION_IDS.alertInvestigate, 'investigate')]
          : []),
      ],
    },
  ];
}

function single(groupId: string, s: StoredAlert): Doc {
  const a: Alert = s.alert;
  const fields: Field[] = [{ label: 'Source', value: [a.source] }];
  if (a.account) fields.push({ label: 'Account', value: [{ lit: a.account }] });
  if (a.region) fields.push({ label: 'Region', value: [{ lit: a.region }] });
  if (a.resource) fields.push({ label: 'Resource', value: [{ lit: a.resource }] });
  if (a.actor) fields.push({ label: 'Actor', value: [{ lit: a.actor }] });
  if (a.sourceIp) fields.push({ label: 'From', value: addressParts(a.sourceIp, a.place) });
  if (a.state) fields.push({ label: 'State', value: [{ lit: a.state }] });
  for (const d of a.details ?? []) fields.push({ label: d.label, value: [{ lit: d.value }] });
  fields.push({ label: 'Seen', value: seen(s) });
  const blocks: DocBlock[] = [
    {
      type: 'text',
      parts: [`${MARK[a.severity]} `, { bold: a.severity.toUpperCase() }, ' ', { lit: a.title }],
    },
    { type: 'fields', fields },
  ];
  // A message with no format of its own is shown as it came (cut: the whole is kept in the store).
  if (a.body)
    blocks.push({
      type: 'code',
      text: a.body.length > BODY_SHOWN ? `${a.body.slice(0, BODY_SHOWN)}\n…` : a.body,
    });
  if (a.link)
    blocks.push({ type: 'context', parts: [{ link: { url: a.link, text: 'Open in the AWS console' } }] });
  blocks.push({ type: 'context', parts: statusLine(s) }, ...alertButtons(groupId, [s]));
  return { summary: [`${a.severity.toUpperCase()}: `, { lit: a.title }], blocks };
}

/** Several alerts of one group key: the worst severity first, each alert an item with where it stands. */
function grouped(groupId: string, alerts: StoredAlert[]): Doc {
  const worst = SEVERITIES.find((sev) => alerts.some((a) => a.alert.severity === sev)) ?? 'info';
  const first = alerts[0]?.alert;
  const where = [first?.source, first?.account, first?.region].filter(Boolean).join(' · ');
  const counts = (['open', 'acknowledged', 'snoozed', 'resolved'] as const)
    .map((st) => [st, alerts.filter((a) => a.status === st).length] as const)
    .filter(([, n]) => n > 0)
    .map(([st, n]) => `${n} ${st}`)
    .join(', ');
  const sorted = [...alerts].sort((x, y) => bySeverity(x.alert.severity, y.alert.severity));
  return {
    summary: [`${worst.toUpperCase()}: ${alerts.length} alerts from `, { lit: where }],
    blocks: [
      {
        type: 'text',
        parts: [
          `${MARK[worst]} `,
          { bold: worst.toUpperCase() },
          ` ${alerts.length} alerts from `,
          { lit: where },
        ],
      },
      {
        type: 'items',
        noun: 'alerts',
        overflowHint: 'every alert is in the store and in this thread’s notes',
        items: sorted.map((s) => [
          {
            type: 'context',
            parts: [
              `${MARK[s.alert.severity]} `,
              { lit: s.alert.title },
              ...(s.alert.resource ? [' on ', { lit: s.alert.resource }] : []),
              ' — ',
              ...seen(s),
              ' — ',
              ...statusLine(s),
              ...(s.alert.link ? [' — ', { link: { url: s.alert.link, text: 'console' } }] : []),
            ],
          },
        ]),
      },
      { type: 'context', parts: [counts, '. The buttons act on every alert here not yet resolved.'] },
      ...alertButtons(groupId, alerts),
    ],
  };
}

/**
 * A channel message for one group: a single alert shows its severity and title first, the key fields,
 * a console link, where it stands, and the buttons that move it; several list each alert. Everything
 * from the alerts is a literal.
 */
export function presentAlertMessage(groupId: string, alerts: StoredAlert[]): Doc {
  if (alerts.length === 1 && alerts[0]) return single(groupId, alerts[0]);
  return grouped(groupId, alerts);
}
