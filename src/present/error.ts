import type { ExplainedError } from '../errors.js';
import type { Doc } from './doc.js';

/**
 * A failure as a user sees it: what happened, the usage line for a usage error, a reference otherwise.
 * Messages quote the user's words and the system's (file names, AWS errors), so they are shown as
 * literals: nothing in them can link or format.
 */
export function presentError(e: ExplainedError, prefix: string): Doc {
  const blocks: Doc['blocks'] = [{ type: 'text', parts: ['⚠ ', { lit: e.message }] }];
  if (e.usage) blocks.push({ type: 'text', parts: ['Usage: ', { lit: `${prefix} ${e.usage}` }] });
  if (e.code === 'usage') blocks.push({ type: 'context', parts: [`${prefix} help lists every subcommand.`] });
  return { summary: [{ lit: e.message }], blocks };
}
