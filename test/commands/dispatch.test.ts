import { describe, expect, it } from 'vitest';
import { dispatch, prepare, splitWords } from '../../commands/dispatch.js';
import { COMMANDS } from '../../commands/registry.js';
import type { Actor } from '../../src/auth.js';
import { toText } from '../../src/terminal/text.js';
import type { SourceProvider } from '../../src/trail/sources/index.js';
import { testDeps } from '../helpers/deps.js';

const slack: Actor = { userId: 'U1', channelId: 'C1', front: 'slack' };

describe('dispatch', () => {
  it('splits slash command text with quotes', () => {
    expect(splitWords('  who-deleted "my bucket"  --since 7d ')).toEqual([
      'who-deleted',
      'my bucket',
      '--since',
      '7d',
    ]);
  });

  it('undoes what Slack clients make of dashes and quotes before splitting', () => {
    // As Slack delivers them with smart punctuation on: em and en dashes, curly double and single quotes.
    expect(splitWords('activity alice \u2014since 7d \u2013region us-east-1')).toEqual([
      'activity',
      'alice',
      '--since',
      '7d',
      '--region',
      'us-east-1',
    ]);
    expect(splitWords('who-deleted \u201Cmy bucket\u201D \u2014since \u20187 days ago\u2019')).toEqual([
      'who-deleted',
      'my bucket',
      '--since',
      '7 days ago',
    ]);
    // Inside a word the punctuation stays: a name with an apostrophe, a range with a dash.
    expect(splitWords('activity O\u2019Brien \u2014since 2026-11-01\u20132026-11-02')).toEqual([
      'activity',
      'O\u2019Brien',
      '--since',
      '2026-11-01\u20132026-11-02',
    ]);
  });

  it('answers help from the specs, on an empty command too', async () => {
    for (const words of [[], ['help']]) {
      const o = await dispatch(words, testDeps(), slack);
      expect(o.status).toBe('answer');
      const text = toText(o.doc);
      for (const c of COMMANDS) expect(text).toContain(`/trail ${c.usage}`);
    }
  });

  it('gives an unknown subcommand the list of subcommands, prepared without running anything', () => {
    const p = prepare(['who-did-it'], testDeps(), slack);
    expect(p.kind).toBe('done');
    if (p.kind !== 'done') return;
    expect(p.outcome.status).toBe('usage');
    expect(toText(p.outcome.doc)).toContain('There is no subcommand "who-did-it".');
    expect(toText(p.outcome.doc)).toContain(`Usage: /trail <${COMMANDS.map((c) => c.name).join('|')}> …`);
    expect(toText(p.outcome.doc)).toContain('who-deleted|activity|key|ip|logins');
  });

  it('shows one subcommand’s help for --help, -h, and (in Slack) a lone "help" after it', async () => {
    const forms = [
      ['who-deleted', '--help'],
      ['who-deleted', '-h'],
      ['who-deleted', 'my-bucket', '--since', '7d', '--help'],
      ['who-deleted', 'help'],
      ['help', 'who-deleted'],
    ];
    for (const words of forms) {
      const o = await dispatch(words, testDeps(), slack);
      expect(o.status, words.join(' ')).toBe('answer');
      const text = toText(o.doc);
      expect(text).toContain('/trail who-deleted <name or ARN>');
      expect(text).not.toContain('/trail activity');
    }
  });

  it('names the closest subcommand or flag when one is mistyped', () => {
    const sub = prepare(['who-deletd', 'x'], testDeps(), slack);
    expect(sub.kind === 'done' && toText(sub.outcome.doc)).toContain(
      'There is no subcommand "who-deletd". Did you mean "who-deleted"?',
    );
    const flag = prepare(['activity', 'alice', '--sinse', '7d'], testDeps(), slack);
    expect(flag.kind === 'done' && flag.outcome.status).toBe('usage');
    expect(flag.kind === 'done' && toText(flag.outcome.doc)).toContain('Did you mean "--since"?');
    const far = prepare(['zzzzzz'], testDeps(), slack);
    expect(far.kind === 'done' && toText(far.outcome.doc)).not.toContain('Did you mean');
    const topic = prepare(['help', 'postur'], testDeps(), slack);
    expect(topic.kind === 'done' && toText(topic.outcome.doc)).toContain('Did you mean "posture"?');
  });

  it('gives usage errors from shared helpers the subcommand’s usage line', () => {
    const p = prepare(['who-deleted', 'x', '--since', 'soon'], testDeps(), slack);
    expect(p.kind === 'done' && toText(p.outcome.doc)).toContain('Usage: /trail who-deleted <name or ARN>');
  });

  it('turns an unknown failure into a short message whose reference is in the log', async () => {
    const deps = testDeps(
      {},
      {
        sources: {
          get: () => {
            throw new TypeError('secret internal detail');
          },
        } as SourceProvider,
      },
    );
    const o = await dispatch(['who-deleted', 'bucket-x'], deps, slack);
    expect(o.status).toBe('failed');
    const text = toText(o.doc);
    expect(text).not.toContain('secret internal detail');
    const ref = /ref (tb-[0-9a-f]{8})/.exec(text)?.[1];
    expect(ref).toBeDefined();
    const logged = deps.lines.find((l) => l.ref === ref);
    expect(logged?.msg).toBe('command failed');
    expect(JSON.stringify(logged)).toContain('secret internal detail');
  });
});

describe('AWS asked as the person who asked', () => {
  it('runs a question with the AWS side of the asker’s identity', async () => {
    const asked: string[] = [];
    const deps = testDeps();
    const sources = deps.sources;
    const withIdentity = {
      ...deps,
      forIdentity: (identity: string) => {
        asked.push(identity);
        return { ...deps, sources };
      },
    };
    await dispatch(['activity', 'alice', '--since', '1h'], withIdentity, slack);
    await dispatch(['activity', 'alice', '--since', '1h'], withIdentity, {
      userId: 'ana',
      front: 'terminal',
    });
    expect(asked).toEqual(['slack-U1', 'terminal-ana']);
  });
});
