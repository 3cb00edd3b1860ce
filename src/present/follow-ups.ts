import { isIP } from 'node:net';
import { askValue } from '../slack/buttons.js';
import { ASK_IDS } from '../slack/ids.js';
import type { TrailEvent } from '../trail/event.js';
import { resourceCandidates } from '../trail/resources.js';
import type { DocBlock } from './doc.js';

/** A next question: the button's text and the words it asks. */
export interface FollowUp {
  text: string;
  words: string[];
}

/**
 * Buttons that ask the next questions (Slack only; the terminal has nothing to click). `inThread`: the
 * answer goes to the thread of the message clicked. A question whose words do not fit a button is left out.
 */
export function askButtons(list: FollowUp[], inThread: boolean): DocBlock[] {
  const buttons = list
    .map((f) => ({ text: f.text, value: askValue({ words: f.words, inThread }) }))
    .filter((b): b is { text: string; value: string } => b.value !== undefined)
    .slice(0, ASK_IDS.length)
    .map((b, i) => ({ ...b, actionId: ASK_IDS[i] as string }));
  return buttons.length ? [{ type: 'buttons', buttons }] : [];
}

/** An hour either side of a moment, as --since/--until words. */
export function around(t: Date, ms = 3_600_000): string[] {
  return [
    '--since',
    new Date(t.getTime() - ms).toISOString(),
    '--until',
    new Date(t.getTime() + ms).toISOString(),
  ];
}

/**
 * The next questions about one event: its actor an hour either side, every event on the resource it
 * touched (a week either side), its source address, its access key.
 */
export function eventFollowUps(e: TrailEvent): FollowUp[] {
  const out: FollowUp[] = [];
  const who = e.principal.arn ?? e.principal.userName;
  if (who) out.push({ text: 'This actor ±1 h', words: ['activity', who, ...around(e.time)] });
  const resource = resourceCandidates(e)[0];
  if (resource)
    out.push({
      text: 'Other events on this resource',
      words: ['event', 'any', '--resource', resource, ...around(e.time, 7 * 86_400_000)],
    });
  // Only an address: "AWS Internal" and service names are not asked about.
  if (e.sourceIp && isIP(e.sourceIp))
    out.push({
      text: 'Everything from this IP',
      words: ['ip', e.sourceIp, ...around(e.time, 7 * 86_400_000)],
    });
  if (e.principal.accessKeyId)
    out.push({
      text: 'This access key',
      words: ['key', e.principal.accessKeyId, ...around(e.time, 7 * 86_400_000)],
    });
  return out;
}
