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

/** The one writer of a Cancel button's value. */
export function cancelValue(b: CancelButton): string {
  const value = JSON.stringify({ v: 1, k: 'cancel', q: b.queryId, u: b.userId });
  if (value.length > SLACK_LIMITS.buttonValue) throw new Error('button value too long');
  return value;
}

/** Read a Cancel button's value back; a forged or garbled one is a clear error. */
export function readCancelValue(value: string | undefined): CancelButton {
  let raw: unknown;
  try {
    raw = JSON.parse(value ?? '');
  } catch {
    throw new UsageError('That button is not one of Trailbot’s: its value is not readable.');
  }
  const parsed = cancelSchema.safeParse(raw);
  if (!parsed.success) throw new UsageError('That button is not one of Trailbot’s: its value does not fit.');
  return { queryId: parsed.data.q, userId: parsed.data.u };
}
