import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { describe, expect, it } from 'vitest';
import { cloudTrailClients } from '../src/aws/clients.js';
import { awsError } from '../src/aws-errors.js';
import { explainError, UsageError } from '../src/errors.js';
import { lookupLimiters } from '../src/trail/limiter.js';

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

  it('names the service, the HTTP status and the endpoint when the answer is not AWS’s, instead of "SyntaxError"', async () => {
    const bodies = [
      { status: 502, type: 'text/html', body: '<html><body>Bad gateway</body></html>' },
      { status: 200, type: 'application/x-amz-json-1.1', body: '{"Events":[{"EventId":"a","Clou' },
    ];
    for (const b of bodies) {
      const server = createServer((_req, res) => {
        res.writeHead(b.status, { 'content-type': b.type });
        res.end(b.body);
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const port = (server.address() as AddressInfo).port;
      const client = cloudTrailClients({
        endpoint: `http://127.0.0.1:${port}`,
        credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
        maxAttempts: 1,
        limiters: lookupLimiters(),
      })('us-east-1');
      const e = await client.send(new LookupEventsCommand({})).catch((x: unknown) => x);
      server.close();
      const text = explainError(
        awsError(e, { service: 'CloudTrail', action: 'cloudtrail:LookupEvents' }),
      ).message;
      expect(text).toContain("CloudTrail gave an answer that is not AWS's");
      if (b.status !== 200) expect(text).toContain(`(HTTP ${b.status})`);
      expect(text).toContain(`from http://127.0.0.1:${port}/`);
      expect(text).not.toContain('SyntaxError');
    }
  });

  it('says a bucket does not exist, and names kms:Decrypt when a key policy refuses', () => {
    expect(say(err('NoSuchBucket', 'The specified bucket does not exist'))).toContain(
      'does not exist (NoSuchBucket)',
    );
    expect(say(err('KMS.AccessDeniedException', 'not allowed'))).toContain('kms:Decrypt');
    expect(
      say(
        err(
          'AccessDenied',
          'User is not authorized to perform: kms:Decrypt on the resource associated with this ciphertext',
        ),
      ),
    ).toContain('kms:Decrypt');
  });
});
