import { UsageError } from '../src/errors.js';
import { BY } from '../src/trail/investigate.js';
import { investigationCommand } from './investigation.js';

/** Usage: event <EventName|any> [--resource name-or-ARN] [common flags] */
export const eventCommand = investigationCommand({
  name: 'event',
  args: '<EventName|any> [--resource name-or-ARN]',
  summary:
    'any event by name (case-sensitive, as CloudTrail records it), optionally on one resource: --resource matches any value in the request parameters or the response, at any depth, any resources[] ARN, and a name or its ARN either way; `any --resource X` is every event on X',
  positional: 'one',
  positionalName: 'event name, e.g. PutBucketPolicy (or any, with --resource)',
  options: { resource: { type: 'string' } },
  build(word, v) {
    const name = (word as string).trim();
    const resource = v.resource as string | undefined;
    if (resource !== undefined && (resource.length > 2048 || /\p{Cc}/u.test(resource))) {
      throw new UsageError('That is not a resource name: too long or has control characters.');
    }
    if (name === 'any') {
      if (resource === undefined)
        throw new UsageError('`event any` needs --resource: every event on one resource.');
      return {
        subject: `events on ${resource}`,
        query: { resource },
        groupings: [BY.eventName, BY.principal, BY.sourceIp],
      };
    }
    if (!/^[A-Z][A-Za-z0-9]{1,127}$/.test(name)) {
      throw new UsageError(
        `"${name}" is not an event name: CloudTrail names are like PutBucketPolicy (case-sensitive).`,
      );
    }
    return {
      subject: resource ? `${name} on ${resource}` : `${name} events`,
      query: { eventNames: [name], resource },
      groupings: [BY.principal, BY.sourceIp, BY.errorCode],
    };
  },
});
