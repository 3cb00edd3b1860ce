// Writes Trailbot's permissions from their one source, iam/permissions.yaml: the JSON policy and the
// TrailbotReads policies of the bot stack's role and the member-account role (between the BEGIN/END
// markers in each template). Run with `npm run iam` after changing the source; test/iam-source.test.ts
// fails while an output differs from it.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';

export const ROOT = resolve(import.meta.dirname, '..');

type Scope = 'bot' | 'member';
interface SourceStatement {
  sid: string;
  actions: string[];
  resources: string[];
  in: Scope[];
  when?: string;
  only?: 'cfn';
  member?: { resources?: string[]; condition?: Record<string, Record<string, string>> };
}
interface Source {
  placeholders: Record<string, { json: string; cfn: string }>;
  statements: SourceStatement[];
}

/** An IAM statement as a policy document holds it (CloudFormation intrinsics allowed in values). */
export type Statement = Record<string, unknown>;

export const readSource = (): Source =>
  parse(readFileSync(join(ROOT, 'iam/permissions.yaml'), 'utf8')) as Source;

function fill(text: string, src: Source, form: 'json' | 'cfn'): string {
  return text.replace(/\$\{(\w+)\}/g, (_, name: string) => {
    const p = src.placeholders[name];
    if (!p) throw new Error(`iam/permissions.yaml: unknown placeholder \${${name}}`);
    return p[form];
  });
}

/** The JSON policy (the bot's statements, placeholders in CAPITALS where a name is the user's). */
export function jsonPolicy(src: Source = readSource()): { Version: string; Statement: Statement[] } {
  return {
    Version: '2012-10-17',
    Statement: src.statements
      .filter((s) => s.in.includes('bot') && s.only !== 'cfn')
      .map((s) => ({
        Sid: s.sid,
        Effect: 'Allow',
        Action: s.actions,
        Resource:
          s.resources.length === 1
            ? fill(s.resources[0] as string, src, 'json')
            : s.resources.map((r) => fill(r, src, 'json')),
      })),
  };
}

/** A value for a template: with placeholders, an Fn::Sub of their CloudFormation expressions. */
function cfnValue(v: string, src: Source): unknown {
  if (!v.includes('${')) return v;
  const filled = fill(v, src, 'cfn');
  // A parameter alone is a Ref; anything else a Sub (attributes as ${Resource.Attr}).
  const param = /^\$\{(\w+)\}$/.exec(filled)?.[1];
  return param ? { Ref: param } : { 'Fn::Sub': filled };
}

/** The statements of a template's TrailbotReads policy for a scope; the bot's optional ones under Fn::If. */
export function cfnStatements(scope: Scope, src: Source = readSource()): unknown[] {
  return src.statements
    .filter((s) => s.in.includes(scope))
    .map((s) => {
      const resources = (scope === 'member' && s.member?.resources) || s.resources;
      const condition = scope === 'member' ? s.member?.condition : undefined;
      const st: Statement = {
        Sid: s.sid,
        Effect: 'Allow',
        Action: s.actions,
        Resource:
          resources.length === 1
            ? cfnValue(resources[0] as string, src)
            : resources.map((r) => cfnValue(r, src)),
        ...(condition
          ? {
              Condition: Object.fromEntries(
                Object.entries(condition).map(([op, kv]) => [
                  op,
                  Object.fromEntries(Object.entries(kv).map(([k, v]) => [k, cfnValue(v, src)])),
                ]),
              ),
            }
          : {}),
      };
      return scope === 'bot' && s.when ? { 'Fn::If': [s.when, st, { Ref: 'AWS::NoValue' }] } : st;
    });
}

export const TEMPLATES: Record<Scope, string> = {
  bot: 'deploy/cloudformation/bot.yaml',
  member: 'deploy/cloudformation/member-role.yaml',
};
const BEGIN = '# BEGIN generated from iam/permissions.yaml (npm run iam)';
const END = '# END generated from iam/permissions.yaml';

/** A template with its generated block replaced, at the markers' indentation. */
export function withStatements(text: string, statements: unknown[], file: string): string {
  const m = new RegExp(`^( *)${BEGIN.replace(/[()]/g, '\\$&')}\\n[\\s\\S]*?^ *${END}$`, 'm').exec(text);
  if (!m) throw new Error(`${file}: no generated block (${BEGIN} … ${END})`);
  const indent = m[1] as string;
  const body = stringify(statements, { lineWidth: 0 })
    .trimEnd()
    .split('\n')
    .map((l) => indent + l)
    .join('\n');
  return text.replace(m[0], `${indent}${BEGIN}\n${body}\n${indent}${END}`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const src = readSource();
  const json = join(ROOT, 'iam/trailbot-policy.json');
  writeFileSync(json, `${JSON.stringify(jsonPolicy(src), null, 2)}\n`);
  for (const scope of ['bot', 'member'] as const) {
    const file = join(ROOT, TEMPLATES[scope]);
    writeFileSync(
      file,
      withStatements(readFileSync(file, 'utf8'), cfnStatements(scope, src), TEMPLATES[scope]),
    );
  }
  execFileSync(
    'npx',
    ['biome', 'format', '--write', json, ...Object.values(TEMPLATES).map((f) => join(ROOT, f))],
    {
      stdio: 'inherit',
    },
  );
}
