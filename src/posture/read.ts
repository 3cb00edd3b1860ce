import { awsError } from '../aws-errors.js';
import { UpstreamDeniedError } from '../errors.js';
import type { Read } from './facts.js';

/**
 * One read that may be refused: a refusal is kept, naming the action and what it was about; throttling,
 * network and other failures fail the whole read, said plainly.
 */
export async function readOrRefused<T>(
  service: string,
  action: string,
  where: string,
  fn: () => Promise<T>,
): Promise<Read<T>> {
  try {
    return await fn();
  } catch (err) {
    const e = awsError(err, { service, action, where });
    if (!(e instanceof UpstreamDeniedError)) throw e;
    return { refused: true, action, reason: `${where}: ${e.message}` };
  }
}
