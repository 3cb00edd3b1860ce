import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  CloudFormationClient,
  CreateStackCommand,
  DescribeStacksCommand,
  type Parameter,
} from '@aws-sdk/client-cloudformation';
import { parse, type Tags } from 'yaml';
import { MOTO_CREDENTIALS, type Moto } from './moto.js';

// The shipped CloudFormation templates, read as data and deployed into moto.
export const DIR = resolve(import.meta.dirname, '../../deploy/cloudformation');
export const text = (f: string) => readFileSync(join(DIR, f), 'utf8');

/** CloudFormation's short tags as the long form, so a template reads as plain data. */
const CFN_TAGS: Tags = [
  'Ref',
  'Sub',
  'GetAtt',
  'If',
  'Equals',
  'Not',
  'And',
  'Or',
  'Join',
  'Select',
  'Split',
].flatMap((name) =>
  (['scalar', 'seq'] as const).map((collection) => ({
    tag: `!${name}`,
    collection: collection === 'scalar' ? undefined : collection,
    resolve: (v: unknown) => ({
      [name === 'Ref' ? 'Ref' : `Fn::${name}`]:
        v && typeof (v as { toJSON?: unknown }).toJSON === 'function'
          ? (v as { toJSON: () => unknown }).toJSON()
          : v,
    }),
  })),
) as Tags;
export const template = (f: string) =>
  parse(text(f), { customTags: CFN_TAGS }) as {
    Parameters: Record<string, unknown>;
    Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
    Outputs?: Record<string, { Value: unknown }>;
  };

/**
 * Create the stack from a shipped template in moto and return its outputs. `skipOutputs` names outputs
 * moto cannot resolve (an attribute of a resource type it skips); they are cut from the template sent.
 */
export async function deploy(
  moto: Moto,
  file: string,
  params: Record<string, string>,
  skipOutputs: string[] = [],
): Promise<Record<string, string>> {
  const cfn = new CloudFormationClient({
    region: 'us-east-1',
    endpoint: moto.url,
    credentials: MOTO_CREDENTIALS,
  });
  const name = file.replace(/\.yaml$/, '');
  const Parameters: Parameter[] = Object.entries(params).map(([ParameterKey, ParameterValue]) => ({
    ParameterKey,
    ParameterValue,
  }));
  await cfn.send(
    new CreateStackCommand({
      StackName: name,
      TemplateBody: withoutOutputs(text(file), skipOutputs),
      Capabilities: ['CAPABILITY_NAMED_IAM'],
      Parameters,
    }),
  );
  for (let i = 0; i < 120; i++) {
    const s = (await cfn.send(new DescribeStacksCommand({ StackName: name }))).Stacks?.[0];
    if (s?.StackStatus === 'CREATE_COMPLETE')
      return Object.fromEntries((s.Outputs ?? []).map((o) => [o.OutputKey, o.OutputValue]));
    if (!/IN_PROGRESS/.test(s?.StackStatus ?? ''))
      throw new Error(`${name}: ${s?.StackStatus} ${s?.StackStatusReason}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${name}: not complete`);
}

/** The template's text without the named outputs (each an indented block under Outputs:). */
function withoutOutputs(body: string, names: string[]): string {
  let out = body;
  for (const n of names) {
    const cut = out.replace(new RegExp(`^  ${n}:\\n(?:    .*\\n)+`, 'm'), '');
    if (cut === out) throw new Error(`no output ${n} to skip`);
    out = cut;
  }
  return out;
}
