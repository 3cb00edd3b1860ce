import { z } from 'zod';
import { UsageError } from '../errors.js';
import { SLACK_LIMITS } from './limits.js';

/** The Cancel button of a running Athena query: version 1. */
const cancelSchema = z.strictObject({
  v: z.literal(1),
  k: z.literal('cancel'),
  /** Athena's QueryExecutionId. */
  q: z.string().regex(/^[0-9a-f-]{8,64}$/),
  /** The Slack user who asked: only they may cancel. */
  u: z.string().regex(/^[UW][A-Z0-9]{2,20}$/),
});

/** What a Cancel button carries. */
export interface CancelButton {
  queryId: string;
  userId: string;
}

/** Write a button value: small JSON within Slack's limit. */
function write(value: object): string {
  const text = JSON.stringify(value);
  if (text.length > SLACK_LIMITS.buttonValue) throw new Error('button value too long');
  return text;
}

/** Read a button value back through its schema; a forged or garbled one is a clear error. */
function read<S extends z.ZodType>(schema: S, value: string | undefined): z.infer<S> {
  let raw: unknown;
  try {
    raw = JSON.parse(value ?? '');
  } catch {
    throw new UsageError('That button is not one of Trailbot’s: its value is not readable.');
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new UsageError('That button is not one of Trailbot’s: its value does not fit.');
  return parsed.data;
}

/** The one writer of a Cancel button's value. */
export function cancelValue(b: CancelButton): string {
  return write({ v: 1, k: 'cancel', q: b.queryId, u: b.userId });
}

/** Read a Cancel button's value back. */
export function readCancelValue(value: string | undefined): CancelButton {
  const v = read(cancelSchema, value);
  return { queryId: v.q, userId: v.u };
}

/** An ask button: the question's words (each as the user would type it), and whether to answer in the thread. */
const askSchema = z.strictObject({
  v: z.literal(1),
  k: z.literal('ask'),
  w: z
    .array(
      z
        .string()
        .max(2048)
        .regex(/^[^\p{Cc}]*$/u),
    )
    .min(1)
    .max(20),
  t: z.literal(1).optional(),
  f: z.literal(1).optional(),
});

/** What an ask button asks. */
export interface AskButton {
  words: string[];
  /** Answer in the thread of the message clicked (an answer's follow-ups), not through response_url. */
  inThread: boolean;
  /** Attach the answer's events as a CSV file however few they are (Export CSV). */
  file?: boolean | undefined;
}

/** The one writer of an ask button's value; undefined when the words do not fit a button. */
export function askValue(a: AskButton): string | undefined {
  try {
    return write({
      v: 1,
      k: 'ask',
      w: a.words,
      ...(a.inThread ? { t: 1 } : {}),
      ...(a.file ? { f: 1 } : {}),
    });
  } catch {
    return undefined;
  }
}

/** Read an ask button's value back. */
export function readAskValue(value: string | undefined): AskButton {
  const v = read(askSchema, value);
  return { words: v.w, inThread: v.t === 1, file: v.f === 1 };
}

/** A Home tab paging button: the page to show. */
const homePageSchema = z.strictObject({
  v: z.literal(1),
  k: z.literal('home'),
  p: z.number().int().min(0).max(100),
});

/** The one writer of a Home paging button's value. */
export function homePageValue(page: number): string {
  return write({ v: 1, k: 'home', p: page });
}

/** Read a Home paging button's value back: the page. */
export function readHomePageValue(value: string | undefined): number {
  return read(homePageSchema, value).p;
}

/** The Share button of a private answer: version 1, the kept answer's id. */
const shareSchema = z.strictObject({
  v: z.literal(1),
  k: z.literal('share'),
  a: z.string().regex(/^[0-9a-f-]{36}$/),
});

/** The one writer of a Share button's value. */
export function shareValue(answerId: string): string {
  return write({ v: 1, k: 'share', a: answerId });
}

/** Read a Share button's value back: the kept answer's id. */
export function readShareValue(value: string | undefined): string {
  return read(shareSchema, value).a;
}

/** What an alert's button asks: version 1. `h` is snooze hours, 0 meaning until resolved. */
const alertActionSchema = z.strictObject({
  v: z.literal(1),
  k: z.enum(['ack', 'resolve', 'snooze', 'investigate']),
  a: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  h: z.number().int().min(0).max(720).optional(),
});

/** An alert button's request. */
export interface AlertAction {
  kind: 'ack' | 'resolve' | 'snooze' | 'investigate';
  alertId: string;
  /** Snooze hours; 0 is until resolved. */
  hours?: number | undefined;
}

/** The one writer of an alert button's value. */
export function alertActionValue(a: AlertAction): string {
  return write({ v: 1, k: a.kind, a: a.alertId, ...(a.hours !== undefined ? { h: a.hours } : {}) });
}

/** Read an alert button's value back. */
export function readAlertAction(value: string | undefined): AlertAction {
  const v = read(alertActionSchema, value);
  return { kind: v.k, alertId: v.a, hours: v.h };
}

/** An actor's answer button ("Yes, it was me" / "No"): version 1, the ask's id. */
const actorAnswerSchema = z.strictObject({
  v: z.literal(1),
  k: z.literal('actor'),
  a: z.string().regex(/^[0-9a-f-]{36}$/),
});

/** The one writer of an actor's answer button value. */
export function actorAnswerValue(askId: string): string {
  return write({ v: 1, k: 'actor', a: askId });
}

/** Read an actor's answer button value back: the ask's id. */
export function readActorAnswerValue(value: string | undefined): string {
  return read(actorAnswerSchema, value).a;
}
