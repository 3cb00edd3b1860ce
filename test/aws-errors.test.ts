import { describe, expect, it } from 'vitest';
import { awsError } from '../src/aws-errors.js';
import { explainError, UsageError } from '../src/errors.js';

const call = { service: 'IAM', action: 'iam:GenerateCredentialReport', where: 'account 111122223333' };
const err = (name: string, message = '', extra: Record<string, unknown> = {}) =>
  Object.assign(new Error(message), { name, $metadata: { httpStatusCode: 400 }, ...extra });
const say = (e: unknown) => explainError(awsError(e, call)).message;

describe('awsError: every AWS failure as a message a user can act on', () => {
  it('throttling, after the SDK’s retries', () => {
    for (const n of [
      'ThrottlingException',
      'Throttling',
      'TooManyRequestsException',
      'RequestLimitExceeded',
      'SlowDown',
    ])
      expect(say(err(n))).toBe('IAM is throttling this account; try again in a minute.');
  });

  it('AccessDenied names the action the role lacks (from AWS’s own message when it gives one) and the policy', () => {
    expect(
      say(
        err(
          'AccessDenied',
          'User: arn:aws:sts::1:assumed-role/trailbot/x is not authorized to perform: iam:GetAccountAuthorizationDetails on resource: *',
        ),
      ),
    ).toBe(
      "The bot's AWS role may not call iam:GetAccountAuthorizationDetails. Grant it with the policy in iam/trailbot-policy.json.",
    );
    expect(say(err('AccessDeniedException'))).toContain('may not call iam:GenerateCredentialReport');
  });

  it('expired and missing credentials', () => {
    expect(say(err('ExpiredTokenException'))).toBe(
      "The bot's AWS credentials were refused (ExpiredTokenException); renew them and try again.",
    );
    expect(say(err('CredentialsProviderError'))).toContain('No AWS credentials were found');
  });

  it('network timeouts and unreachable endpoints', () => {
    expect(say(err('TimeoutError', 'Connection timed out after 5000 ms'))).toBe(
      'IAM could not be reached in account 111122223333 (TimeoutError); check the network and try again.',
    );
    expect(
      say(Object.assign(new Error('getaddrinfo ENOTFOUND iam.amazonaws.com'), { code: 'ENOTFOUND' })),
    ).toContain('could not be reached');
  });

  it('anything else names the service and the error, never a stack; explained errors pass through', () => {
    expect(say(err('ServiceFailureException', 'internal'))).toBe(
      'IAM GenerateCredentialReport failed in account 111122223333 (ServiceFailureException).',
    );
    const usage = new UsageError('bad words');
    expect(awsError(usage, call)).toBe(usage);
  });
});
