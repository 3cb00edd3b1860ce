import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cfnStatements, jsonPolicy, ROOT, readSource, TEMPLATES } from '../iam/generate.js';
import { template } from './helpers/cloudformation.js';

// The bot's policy and the member role come from one source (iam/permissions.yaml): each output must
// be what `npm run iam` writes from it.
const policyOf = (file: string, resource: string) => {
  const t = template(file.replace('deploy/cloudformation/', ''));
  const policies = t.Resources[resource]?.Properties.Policies as {
    PolicyName: string;
    PolicyDocument: { Statement: unknown[] };
  }[];
  return policies.find((p) => p.PolicyName === 'TrailbotReads')?.PolicyDocument.Statement;
};

describe('the permissions, from their one source', () => {
  const src = readSource();

  it('iam/trailbot-policy.json is the bot’s statements', () => {
    expect(JSON.parse(readFileSync(join(ROOT, 'iam/trailbot-policy.json'), 'utf8'))).toEqual(jsonPolicy(src));
  });

  it('the bot stack’s role holds the bot’s statements, the optional ones under their conditions', () => {
    expect(policyOf(TEMPLATES.bot, 'BotRole')).toEqual(cfnStatements('bot', src));
  });

  it('the member role holds the per-account reads only, its bucket reads limited to the organization', () => {
    const member = policyOf(TEMPLATES.member, 'ReadRole');
    expect(member).toEqual(cfnStatements('member', src));
    const actions = (member as { Action: string[] }[]).flatMap((s) => s.Action);
    expect(actions.every((a) => /:(Get|List|Describe|Lookup|Generate)/.test(a))).toBe(true);
    expect(actions.some((a) => a.startsWith('organizations:') || a.startsWith('athena:'))).toBe(false);
  });

  it('names no placeholder it does not define', () => {
    expect(() => cfnStatements('bot', { ...src, placeholders: {} })).toThrow(/unknown placeholder/);
  });
});
