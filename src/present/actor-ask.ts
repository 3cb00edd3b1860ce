import type { Person } from '../alerts/actor.js';
import type { Alert } from '../alerts/alert.js';
import type { ActorAsk } from '../alerts/asks.js';
import { actorAnswerValue } from '../slack/buttons.js';
import { ACTION_IDS } from '../slack/ids.js';
import type { Doc, Field, Inline } from './doc.js';
import { addressParts } from './place.js';

const minutes = (ms: number) => `${Math.round(ms / 60_000)} min`;
const doc = (parts: Inline[]): Doc => ({ summary: parts, blocks: [{ type: 'text', parts }] });

/** How the person is named in the thread: "IAM user alice", "the root user of 111122223333" … */
export function personName(p: Person): Inline[] {
  if (p.kind === 'root') return [`the root user${p.account ? ` of ${p.account}` : ''}`];
  const kind = p.kind === 'iam-user' ? 'IAM user ' : p.kind === 'sso' ? 'Identity Center user ' : 'session ';
  return [kind, { lit: p.name }];
}

/**
 * The direct message to the actor: what was done, when, on what, from where — the alert's own facts,
 * never request parameters or anything secret — and the two answers, bound to this ask.
 */
export function presentAskDm(ask: ActorAsk, a: Alert, timeoutMs: number): Doc {
  const what = a.eventName ?? a.title;
  const fields: Field[] = [{ label: 'What', value: [{ lit: what }] }];
  if (a.resource) fields.push({ label: 'On', value: [{ lit: a.resource }] });
  if (a.sourceIp) fields.push({ label: 'From', value: addressParts(a.sourceIp, a.place) });
  if (a.account) fields.push({ label: 'Account', value: [{ lit: a.account }] });
  if (a.region) fields.push({ label: 'Region', value: [{ lit: a.region }] });
  fields.push({ label: 'As', value: personName(ask.person) });
  const question: Inline[] = [
    '🙋 At ',
    { time: a.time },
    ' you (or your credentials) did ',
    { lit: what },
    '. Was this you?',
  ];
  return {
    summary: ['Trailbot asks: was this you? ', { lit: what }],
    blocks: [
      { type: 'text', parts: question },
      { type: 'fields', fields },
      {
        type: 'context',
        parts: [
          `The security team sees your answer in the alert’s thread. Without an answer within ${minutes(timeoutMs)} they are alerted.`,
        ],
      },
      {
        type: 'buttons',
        buttons: [
          { text: 'Yes, it was me', actionId: ACTION_IDS.actorYes, value: actorAnswerValue(ask.id) },
          { text: 'No', actionId: ACTION_IDS.actorNo, value: actorAnswerValue(ask.id), danger: true },
        ],
      },
    ],
  };
}

/** The DM once answered: the question's buttons replaced by what was recorded. */
export function presentAskAnswered(ask: ActorAsk): Doc {
  if (ask.state === 'confirmed')
    return doc(['✅ Thank you: recorded that it was you (“', { lit: ask.reason ?? '' }, '”).']);
  return doc(['🚨 Thank you: the security team has been alerted that it was not you.']);
}

/** The thread note when the actor was asked. */
export function askedNote(ask: ActorAsk, timeoutMs: number): Doc {
  return doc([
    '🙋 Asked ',
    { mention: { user: ask.user ?? '' } },
    ' (',
    ...personName(ask.person),
    `, found through ${ask.via ?? 'the directory'}) whether this was them; no answer within ${minutes(timeoutMs)} escalates.`,
  ]);
}

/** The thread note when the actor maps to no Slack user: said, not guessed. */
export function unmappedNote(ask: ActorAsk): Doc {
  return doc([
    '🤷 Nobody was asked whether this was them: ',
    ...personName(ask.person),
    ' maps to no Slack user (',
    { lit: ask.reason ?? 'unknown' },
    ').',
  ]);
}

/** The thread note of a Yes. */
export function confirmedNote(ask: ActorAsk): Doc {
  return doc([
    '✅ ',
    { mention: { user: ask.user ?? '' } },
    ' says it was them: “',
    { lit: ask.reason ?? '' },
    '”.',
  ]);
}

/** The thread note of a No, or of no answer in time: the channel and the on-call group called. */
export function escalationNote(
  ask: ActorAsk,
  outcome: 'denied' | 'timed-out',
  o: { timeoutMs: number; oncallGroup?: string | undefined; severity: string },
): Doc {
  const call: Inline[] = [
    { mention: { channel: true } },
    ' ',
    ...(o.oncallGroup ? [{ mention: { group: o.oncallGroup } }, ' '] : []),
  ];
  const what: Inline[] =
    outcome === 'denied'
      ? [{ mention: { user: ask.user ?? '' } }, ' says this was ', { bold: 'not' }, ' them.']
      : ['No answer from ', { mention: { user: ask.user ?? '' } }, ` within ${minutes(o.timeoutMs)}.`];
  return doc(['🚨 ', ...call, ...what, ` Severity raised to ${o.severity.toUpperCase()}.`]);
}
