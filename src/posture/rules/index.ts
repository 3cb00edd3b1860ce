import { bySeverity } from '../../severity.js';
import type { NotChecked, PostureFinding, PostureResult } from '../checks.js';
import type { PostureFacts, RuleOptions } from '../facts.js';
import { bucketRules } from './bucket.js';
import { coverageRules } from './coverage.js';
import { monitoringRules } from './monitoring.js';
import { organizationRules } from './organization.js';
import { trailRules } from './trail.js';
import type { PostureRule } from './types.js';

/** Every rule family, one file each; a new family is a new file added here. */
export const POSTURE_RULES: readonly PostureRule[] = [
  trailRules,
  coverageRules,
  organizationRules,
  bucketRules,
  monitoringRules,
];

/** The facts judged by every rule: the findings worst first, each trail's delivery, the checks not made. */
export function judgePosture(facts: PostureFacts, opts: RuleOptions): PostureResult {
  const findings: PostureFinding[] = [];
  const notChecked: NotChecked[] = [];
  for (const rule of POSTURE_RULES) {
    const r = rule(facts, opts);
    findings.push(...r.findings);
    notChecked.push(...(r.notChecked ?? []));
  }
  findings.sort((x, y) => bySeverity(x.severity, y.severity) || x.id.localeCompare(y.id));
  return {
    account: facts.account,
    regions: facts.regions,
    trails: facts.trails.length,
    findings,
    delivery: facts.trails.map((t) => ({
      trail: t.name,
      homeRegion: t.homeRegion,
      isLogging: t.isLogging,
      latestDelivery: t.latestDelivery,
      latestDeliveryError: t.latestDeliveryError,
    })),
    notChecked,
    checkedAt: facts.checkedAt,
  };
}
