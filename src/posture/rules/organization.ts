import { finding } from '../checks.js';
import type { PostureRule } from './types.js';

/** The organization's management account has an organization trail, so members cannot turn theirs off. */
export const organizationRules: PostureRule = (facts) => {
  const org = facts.organization;
  if (!org || org.managementAccount !== facts.account || facts.trails.some((t) => t.organizationTrail))
    return { findings: [] };
  return {
    findings: [
      finding(
        'organization-trail',
        facts.account,
        org.id ?? 'organization',
        'this management account has no organization trail',
        'no trail with IsOrganizationTrail: member accounts can turn their own trails off',
        `aws cloudtrail update-trail --name <trail> --is-organization-trail`,
      ),
    ],
  };
};
