import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UpstreamDeniedError } from '../src/errors.js';

const policy = JSON.parse(
  readFileSync(resolve(import.meta.dirname, '../iam/trailbot-policy.json'), 'utf8'),
) as {
  Statement: { Effect: string; Action: string[] }[];
};
const allowed = policy.Statement.filter((s) => s.Effect === 'Allow').flatMap((s) => s.Action);

describe('the shipped IAM policy', () => {
  it('allows exactly the calls the bot makes, and nothing that writes', () => {
    // The AWS calls in src/: LookupEvents (the lookup source). Keep this list in step with the code.
    expect(allowed.sort()).toEqual(['cloudtrail:LookupEvents']);
    expect(allowed.some((a) => a.includes('*'))).toBe(false);
  });

  it('is the policy an AccessDenied answer points to', () => {
    expect(new UpstreamDeniedError('cloudtrail:LookupEvents').message).toContain('iam/trailbot-policy.json');
  });
});
