import { UsageError } from '../src/errors.js';
import { CONSOLE_LOGIN } from '../src/trail/catalog.js';
import { isFailure, type TrailEvent } from '../src/trail/event.js';
import type { Grouping } from '../src/trail/investigate.js';
import { investigationCommand } from './investigation.js';

/** A sign-in's outcome by the one failure rule (isFailure); one recorded with no outcome at all says so. */
const result = (e: TrailEvent) =>
  isFailure(e)
    ? 'Failure'
    : e.responseElements?.ConsoleLogin === 'Success'
      ? 'Success'
      : 'No outcome recorded';
const mfa = (e: TrailEvent) => e.additionalEventData?.MFAUsed;
/** Failed sign-ins may name the user HIDDEN_DUE_TO_SECURITY_REASONS; the ARN or principal id may still say. */
const who = (e: TrailEvent) => e.principal.userName ?? e.principal.arn ?? e.principal.display;

const BY_OUTCOME: Grouping = {
  title: 'By outcome',
  key: (e) =>
    result(e) === 'Success' ? `Success, MFA ${mfa(e) === 'Yes' ? 'used' : 'not used'}` : result(e),
};
const BY_USER_AND_IP: Grouping = {
  title: 'By user and IP',
  key: (e) => `${who(e)} from ${e.sourceIp ?? 'unknown'}`,
};
const ROOT: Grouping = {
  title: 'Root sign-ins',
  key: (e) => (e.principal.type === 'Root' ? `${result(e)} from ${e.sourceIp ?? 'unknown'}` : undefined),
};

/**
 * Usage: logins [--failed] [--no-mfa] [--user name] [common flags]
 * Console sign-ins, per Elastic's "AWS Management Console Root Login" and "AWS Management Console
 * Brute Force of Root User Identity", and SigmaHQ's aws_console_login_without_mfa idea: a successful
 * ConsoleLogin whose additionalEventData.MFAUsed is "No".
 */
export const loginsCommand = investigationCommand({
  name: 'logins',
  args: '[--failed] [--no-mfa] [--user name]',
  summary: 'console sign-ins: failures by user and IP, successes without MFA, root sign-ins',
  positional: 'none',
  options: { failed: { type: 'boolean' }, 'no-mfa': { type: 'boolean' }, user: { type: 'string' } },
  build(_word, v) {
    const failed = v.failed === true;
    const noMfa = v['no-mfa'] === true;
    const user = v.user as string | undefined;
    if (failed && noMfa)
      throw new UsageError('--failed and --no-mfa ask opposite things: a failed sign-in has no MFA step.');
    if (user !== undefined && !/^[\w+=,.@-]{1,128}$/.test(user))
      throw new UsageError(`"${user}" is not an IAM user name.`);
    const where = (e: TrailEvent) =>
      (!failed || isFailure(e)) &&
      (!noMfa || (result(e) === 'Success' && mfa(e) === 'No')) &&
      (user === undefined || who(e) === user || e.principal.arn?.endsWith(`/${user}`) === true);
    const what = failed
      ? 'failed console sign-ins'
      : noMfa
        ? 'console sign-ins without MFA'
        : 'console sign-ins';
    return {
      subject: user ? `${what} of ${user}` : what,
      query: { eventNames: [CONSOLE_LOGIN.event], eventSources: [CONSOLE_LOGIN.source], where },
      groupings: [BY_OUTCOME, BY_USER_AND_IP, ROOT],
    };
  },
});
