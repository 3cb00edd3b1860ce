import { TrailbotError, UpstreamDeniedError, UpstreamError, UpstreamThrottledError } from './errors.js';

/** Where an SDK error was sent (set on it by the client factory's middleware): host and path. */
export const ENDPOINT = Symbol.for('trailbot.endpoint');

/** What failed, for the message: the service and the IAM action the call needs. */
export interface AwsCall {
  service: string;
  action: string;
  /** Where: a region, an account. */
  where?: string | undefined;
}

/** The name of an AWS SDK error (NoSuchEntityException, AccessDenied …), or '' for anything else. */
export function awsErrorName(err: unknown): string {
  return (err as { name?: string } | undefined)?.name ?? '';
}

const NETWORK =
  /TimeoutError|RequestTimeout|ETIMEDOUT|ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|NetworkingError|socket hang up/;

/**
 * Any AWS SDK error as one a user can act on: throttling (after the SDK's retries) says to try again in a
 * minute; AccessDenied names the IAM action the bot's role lacks (from AWS's message when it says) and
 * points at the shipped policy; missing or expired credentials and network failures say so; anything
 * else names the service and the AWS error. Errors already explained pass through.
 */
export function awsError(err: unknown, call: AwsCall): Error {
  if (err instanceof TrailbotError) return err;
  const e = err as {
    name?: string;
    message?: string;
    code?: string;
    $metadata?: { httpStatusCode?: number };
    $response?: { statusCode?: number };
    [ENDPOINT]?: string;
  };
  const name = e.name ?? '';
  const text = `${name} ${e.code ?? ''} ${e.message ?? ''}`;
  const where = call.where ? ` in ${call.where}` : '';
  // An answer that is not AWS's (a proxy's HTML page, a truncated body): the SDK can only say
  // "SyntaxError". Name the service, the HTTP status and the endpoint instead.
  if (
    name === 'SyntaxError' ||
    /Deserialization error|Unexpected (token|end of JSON)|not valid JSON/.test(text)
  ) {
    const status = e.$response?.statusCode ?? e.$metadata?.httpStatusCode;
    return new UpstreamError(
      `${call.service}${where} gave an answer that is not AWS's${status ? ` (HTTP ${status})` : ''}${e[ENDPOINT] ? ` from ${e[ENDPOINT]}` : ''}: unreadable or cut off. Check the endpoint setting (AWS_ENDPOINT_URL) and any proxy between the bot and AWS.`,
      { cause: err },
    );
  }
  if (name === 'NoSuchBucket')
    return new UpstreamError(
      `The bucket${call.where ? ` (${call.where})` : ''} does not exist (NoSuchBucket): check the bucket setting.`,
      {
        cause: err,
      },
    );
  // KMS refusals come back from S3 (a key policy) or KMS itself: name the KMS action.
  if (/KMS\.|KMSAccessDenied|KMS.*AccessDenied/.test(name) || /kms:Decrypt/.test(e.message ?? ''))
    return new UpstreamDeniedError('kms:Decrypt', { cause: err });
  if (/Throttl|TooManyRequests|RequestLimitExceeded|SlowDown/.test(name))
    return new UpstreamThrottledError(call.service, { cause: err });
  if (/AccessDenied|UnauthorizedOperation|NotAuthorized|AuthorizationError/.test(name)) {
    const action =
      /not authorized to perform:? ([a-z0-9-]+:[A-Za-z0-9]+)/.exec(e.message ?? '')?.[1] ?? call.action;
    return new UpstreamDeniedError(action, { cause: err });
  }
  if (name === 'CredentialsProviderError')
    return new UpstreamError(
      'No AWS credentials were found: set AWS_PROFILE or AWS_ACCESS_KEY_ID, or give the bot a role.',
      {
        cause: err,
      },
    );
  if (/ExpiredToken|InvalidClientTokenId|UnrecognizedClient|SignatureDoesNotMatch/.test(name))
    return new UpstreamError(`The bot's AWS credentials were refused (${name}); renew them and try again.`, {
      cause: err,
    });
  if (NETWORK.test(text))
    return new UpstreamError(
      `${call.service} could not be reached${where}${e[ENDPOINT] ? ` at ${e[ENDPOINT]}` : ''} (${name || e.code || 'network error'}); check the network and try again.`,
      { cause: err },
    );
  return new UpstreamError(
    `${call.service} ${call.action.split(':')[1] ?? call.action} failed${call.where ? ` in ${call.where}` : ''} (${name || 'unknown error'}).`,
    { cause: err },
  );
}
