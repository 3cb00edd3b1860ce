import type { StoredAlert } from '../alerts/repository.js';
import type { Snapshot } from '../hygiene/digest.js';
import { bySeverity } from '../severity.js';
import { homePageValue } from '../slack/buttons.js';
import { ACTION_IDS } from '../slack/ids.js';
import { alertButtons } from './alert.js';
import type { Doc, DocBlock, Inline } from './doc.js';
import { askButtons } from './follow-ups.js';
import { SEVERITY_MARK } from './severity.js';

/** What the Home tab shows one user. */
export interface HomeData {
  /** Unresolved alerts in the channels the user is in, and whether there are more than shown. */
  alerts: StoredAlert[];
  /** Alerts the user acknowledged that are not resolved: theirs to finish. */
  mine: StoredAlert[];
  /** The user's recent questions (their words), newest first. */
  questions: string[];
  /** The last digest's snapshot and the channel it went to. */
  digest?: { snapshot: Snapshot; channel?: string | undefined } | undefined;
  /** The page of alerts shown (ALERTS_PER_PAGE each). */
  page: number;
  /** Whether the alert store is configured at all. */
  alertsConfigured: boolean;
}

/** Alerts a page shows: each takes two blocks (the alert, its buttons) of the view's hundred. */
export const ALERTS_PER_PAGE = 15;

/** A message's permalink from its channel and ts (both ours, checked). */
function permalink(channel: string, ts: string | undefined): string | undefined {
  return ts && /^[CGD][A-Z0-9]{6,20}$/.test(channel) && /^\d+\.\d+$/.test(ts)
    ? `https://slack.com/archives/${channel}/p${ts.replace('.', '')}`
    : undefined;
}

function alertLine(a: StoredAlert, ts: string | undefined): Inline[] {
  const link = permalink(a.channel, ts);
  return [
    `${SEVERITY_MARK[a.alert.severity]} `,
    { bold: a.alert.severity.toUpperCase() },
    ' ',
    { lit: a.alert.title },
    ' — ',
    a.status,
    ', first seen ',
    { time: a.firstSeen },
    ...(link ? [' — ', { link: { url: link, text: 'open the message' } }] : []),
  ];
}

/**
 * The Home tab of one user: open alerts in their channels (most severe first, with the same buttons as
 * the message, paged), what they acknowledged and still own, their recent questions with "Run again",
 * and the last digest's figures with its posture summary. Within a view's 100 blocks.
 */
export function presentHome(h: HomeData, tsOf: (groupId: string) => string | undefined): Doc {
  const blocks: DocBlock[] = [{ type: 'header', text: 'Trailbot' }];
  blocks.push({ type: 'header', text: 'Open alerts in your channels' });
  if (!h.alertsConfigured)
    blocks.push({ type: 'context', parts: ['Alerts are not configured on this Trailbot.'] });
  else if (!h.alerts.length) blocks.push({ type: 'context', parts: ['None open. ✅'] });
  const sorted = [...h.alerts].sort((x, y) => bySeverity(x.alert.severity, y.alert.severity));
  const shown = sorted.slice(h.page * ALERTS_PER_PAGE, (h.page + 1) * ALERTS_PER_PAGE);
  for (const a of shown)
    blocks.push({ type: 'text', parts: alertLine(a, tsOf(a.groupId)) }, ...alertButtons(a.groupId, [a]));
  const more = sorted.length > (h.page + 1) * ALERTS_PER_PAGE;
  if (h.page > 0 || more)
    blocks.push({
      type: 'buttons',
      buttons: [
        ...(h.page > 0
          ? [{ text: 'Newer', actionId: ACTION_IDS.homePrevious, value: homePageValue(h.page - 1) }]
          : []),
        ...(more ? [{ text: 'More', actionId: ACTION_IDS.homeNext, value: homePageValue(h.page + 1) }] : []),
      ],
    });

  blocks.push({ type: 'divider' }, { type: 'header', text: 'Acknowledged by you' });
  if (!h.mine.length) blocks.push({ type: 'context', parts: ['Nothing you acknowledged is still open.'] });
  for (const a of h.mine.slice(0, 10))
    blocks.push({ type: 'text', parts: alertLine(a, tsOf(a.groupId)) }, ...alertButtons(a.groupId, [a]));

  blocks.push({ type: 'divider' }, { type: 'header', text: 'Your recent questions' });
  if (!h.questions.length)
    blocks.push({
      type: 'context',
      parts: ['None yet: ask with /trail in any channel (/trail alone shows how).'],
    });
  else {
    blocks.push({
      type: 'text',
      parts: h.questions
        .slice(0, 5)
        .flatMap((q, i): Inline[] => [...(i ? ['\n'] : []), { lit: `/trail ${q}` }]),
    });
    blocks.push(
      ...askButtons(
        h.questions.slice(0, 5).map((q, i) => ({ text: `Run again: ${i + 1}`, words: q.split(' ') })),
        false,
      ),
    );
  }

  blocks.push({ type: 'divider' }, { type: 'header', text: 'Last weekly digest' });
  const d = h.digest;
  if (!d) blocks.push({ type: 'context', parts: ['No digest yet.'] });
  else {
    const s = d.snapshot;
    const critical = s.findings.filter((f) => f.severity === 'critical').length;
    blocks.push({
      type: 'text',
      parts: [
        { bold: `${s.findings.length} open hygiene finding${s.findings.length === 1 ? '' : 's'}` },
        ` (${critical} critical) in ${s.reports.length} account${s.reports.length === 1 ? '' : 's'}`,
        s.failed.length ? `, ${s.failed.length} not checked` : '',
        '; taken ',
        { time: s.takenAt },
        ...(d.channel && /^[CG][A-Z0-9]{6,20}$/.test(d.channel)
          ? [
              '. ',
              {
                link: {
                  url: `https://slack.com/app_redirect?channel=${d.channel}`,
                  text: 'Open the digest channel',
                },
              },
            ]
          : ['.']),
      ],
    });
    const p = s.posture;
    blocks.push({
      type: 'context',
      parts: p
        ? p.error
          ? ['Trail posture: not checked (', { lit: p.error }, ').']
          : [
              `Trail posture: ${p.findings.length} open finding${p.findings.length === 1 ? '' : 's'}; `,
              `${p.delivery.filter((t) => t.isLogging).length} of ${p.delivery.length} trails logging.`,
            ]
        : ['Trail posture: not in this digest.'],
    });
  }
  return { summary: ['Trailbot'], blocks };
}
