import { describe, expect, it } from 'vitest';
import { whoDeletedCommand } from '../../commands/who-deleted.js';
import { loadConfig } from '../../src/config.js';
import { UsageError } from '../../src/errors.js';

const now = new Date('2026-11-25T12:00:00Z');
const config = loadConfig({});
const parse = (words: string[], front: 'slack' | 'terminal' = 'terminal') =>
  whoDeletedCommand.parse(words, front, now, config);

describe('who-deleted words', () => {
  it('reads the target and the common flags', () => {
    const a = parse([
      'bucket-x',
      '--since',
      '24h',
      '--region',
      'us-east-1,eu-west-1',
      '--account',
      '111122223333',
      '--source',
      'lookup',
    ]);
    expect(a.target).toBe('bucket-x');
    expect(a.range).toEqual({ start: new Date('2026-11-24T12:00:00Z'), end: now, defaulted: false });
    expect(a.flags).toMatchObject({
      regions: ['us-east-1', 'eu-west-1'],
      accounts: ['111122223333'],
      source: 'lookup',
    });
  });

  it('uses the configured default range and says it did', () => {
    expect(parse(['arn:aws:s3:::bucket-x']).range).toMatchObject({
      start: new Date('2026-11-18T12:00:00Z'),
      defaulted: true,
    });
  });

  it.each([
    [[], /Name the resource/],
    [['a', 'b'], /One resource at a time/],
    [['x', '--since'], /--since/],
    [['x', '--frobnicate'], /Unknown option '--frobnicate'/],
    [['x', '--region', 'Mars'], /"Mars" is not an AWS region name/],
    [['x', '--account', '12'], /"12" is not a 12-digit account id/],
    [['x', '--source', 'cloudtrail-lake'], /--source must be one of auto, local, lookup, athena/],
    [['x', '--logs', 'd', '--source', 'lookup'], /cannot go with --source lookup/],
    [['bad\u0000name'], /control characters/],
  ])('refuses %j with a usage error', (words, message) => {
    let err: unknown;
    try {
      parse(words as string[]);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).message).toMatch(message);
    expect((err as UsageError).usage).toBe(whoDeletedCommand.usage);
  });

  it('refuses a bad time word, and the router adds the usage line', () => {
    expect(() => parse(['x', '--since', 'soon'])).toThrow(/--since "soon" is not a time/);
  });

  it('keeps --logs to the terminal: Slack users may not read the bot’s disk', () => {
    expect(parse(['x', '--logs', '/tmp']).flags.logs).toBe('/tmp');
    expect(() => parse(['x', '--logs', '/etc'], 'slack')).toThrow(/--logs is for the terminal/);
  });
});
