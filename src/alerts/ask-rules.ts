import { IAM_CHANGES, TAMPERING } from '../trail/catalog.js';
import type { Alert } from './alert.js';

/**
 * The alert rules that ask the actor. `unusual-login`: Trailbot's own new-place and impossible-travel
 * alerts; `root`: anything the root user did; `iam-change`: IAM writes; `tampering`: calls that blind the
 * defenders; `console-login`: every console sign-in; `all`: every alert with a person behind it.
 */
export const ASK_RULES = [
  'unusual-login',
  'root',
  'iam-change',
  'tampering',
  'console-login',
  'all',
] as const;
export type AskRule = (typeof ASK_RULES)[number];
export const DEFAULT_ASK_RULES: readonly AskRule[] = ['unusual-login', 'root', 'iam-change'];

/** The rules of Trailbot's own detections of logins from new places. */
const UNUSUAL_LOGIN_RULES = new Set(['new-place', 'impossible-travel']);

function ruleTakes(rule: AskRule, a: Alert): boolean {
  switch (rule) {
    case 'all':
      return true;
    case 'root':
      return a.person?.kind === 'root';
    case 'iam-change':
      return a.source === 'cloudtrail' && IAM_CHANGES.includes(a.eventName ?? '');
    case 'tampering':
      return TAMPERING.some((t) => t.event === a.eventName);
    case 'console-login':
      return a.eventName === 'ConsoleLogin';
    case 'unusual-login':
      return a.rule !== undefined && UNUSUAL_LOGIN_RULES.has(a.rule);
  }
}

/** Does the alert ask its actor? Only a new problem with a person behind it, taken by one of `rules`. */
export function asksActor(a: Alert, rules: readonly AskRule[]): boolean {
  return !a.closes && a.person !== undefined && rules.some((r) => ruleTakes(r, a));
}
