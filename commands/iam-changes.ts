import { IAM_CHANGES } from '../src/trail/catalog.js';
import { BY, type Grouping } from '../src/trail/investigate.js';
import { valuesAt } from '../src/trail/resources.js';
import { investigationCommand } from './investigation.js';

/** Whom a change was made to: the user, role, group or policy in the request. */
const BY_TARGET: Grouping = {
  title: 'Who was changed',
  key: (e) =>
    ['userName', 'roleName', 'groupName', 'policyArn']
      .map((k) => valuesAt(e.requestParameters, k)[0])
      .find(Boolean),
};
const BY_CHANGER: Grouping = { ...BY.principal, title: 'Who changed them' };

/** Usage: iam-changes [common flags] — new users, keys, policies, trust, membership (see IAM_CHANGES). */
export const iamChangesCommand = investigationCommand({
  name: 'iam-changes',
  args: '',
  summary:
    'new users, keys, login profiles, policy attachments and versions, trust policies, group membership',
  positional: 'none',
  build() {
    return {
      subject: 'IAM changes',
      query: { eventNames: IAM_CHANGES, eventSources: ['iam.amazonaws.com'] },
      groupings: [BY.eventName, BY_TARGET, BY_CHANGER],
    };
  },
});
