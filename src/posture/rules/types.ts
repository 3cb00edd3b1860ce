import type { NotChecked, PostureFinding } from '../checks.js';
import type { PostureFacts, RuleOptions } from '../facts.js';

/** What a rule family says: its findings, and the checks it could not make (a refused read). */
export interface RuleOutcome {
  findings: PostureFinding[];
  notChecked?: NotChecked[];
}

/** A rule family: facts (and config) in, findings out; no AWS, no clock but the facts'. */
export type PostureRule = (facts: PostureFacts, opts: RuleOptions) => RuleOutcome;
