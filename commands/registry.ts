import { helpCommand } from './help.js';
import type { AnyCommand } from './spec.js';
import { whoDeletedCommand } from './who-deleted.js';

/** Every `/trail` subcommand, in the order help lists them. Both fronts route through this table. */
export const COMMANDS: readonly AnyCommand[] = [whoDeletedCommand, helpCommand(() => COMMANDS)];

/** The subcommand named `name`, if there is one. */
export function findCommand(name: string): AnyCommand | undefined {
  return COMMANDS.find((c) => c.name === name);
}
