import { z } from 'zod';
import { REGION } from '../aws/names.js';
import { atLeast } from '../severity.js';
import type { Alert } from './alert.js';

/** One routing rule: every condition it names must hold; `minSeverity` means that or worse. */
export const routeSchema = z.strictObject({
  source: z
    .enum(['cloudwatch', 'guardduty', 'securityhub', 'cloudtrail', 'health', 'insight', 'custom', 'raw'])
    .optional(),
  minSeverity: z.enum(['info', 'low', 'medium', 'high', 'critical']).optional(),
  account: z
    .string()
    .regex(/^\d{12}$/)
    .optional(),
  region: z.string().regex(REGION).optional(),
  eventName: z
    .string()
    .regex(/^[A-Za-z0-9]+$/)
    .optional(),
  /** A channel id (C…, G…) */
  channel: z.string().regex(/^[CG][A-Z0-9]{6,20}$/, 'must be a Slack channel id (C… or G…)'),
});

/** A routing rule, read from config. */
export type Route = z.infer<typeof routeSchema>;

/** Does the rule take the alert? */
export function routeMatches(r: Route, a: Alert): boolean {
  if (r.source && r.source !== a.source) return false;
  if (r.minSeverity && !atLeast(a.severity, r.minSeverity)) return false;
  if (r.account && r.account !== a.account) return false;
  if (r.region && r.region !== a.region) return false;
  if (r.eventName && r.eventName !== a.eventName) return false;
  return true;
}

/** The channel of the first rule that takes the alert, else the default; undefined when there is none. */
export function routeAlert(
  a: Alert,
  routes: readonly Route[],
  defaultChannel: string | undefined,
): string | undefined {
  return routes.find((r) => routeMatches(r, a))?.channel ?? defaultChannel;
}
