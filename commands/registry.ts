import { activityCommand } from './activity.js';
import { athenaDdlCommand } from './athena-ddl.js';
import { auditCommand } from './audit.js';
import { deniedCommand } from './denied.js';
import { eventCommand } from './event.js';
import { geoCommand } from './geo.js';
import { helpCommand } from './help.js';
import { hygieneCommand } from './hygiene.js';
import { iamChangesCommand } from './iam-changes.js';
import { indexCommand } from './index-archive.js';
import { ipCommand } from './ip.js';
import { keyCommand } from './key.js';
import { loginsCommand } from './logins.js';
import { postureCommand } from './posture.js';
import { rootCommand } from './root.js';
import { sourcesCommand } from './sources.js';
import type { AnyCommand } from './spec.js';
import { tamperingCommand } from './tampering.js';
import { verifyCommand } from './verify.js';
import { whoDeletedCommand } from './who-deleted.js';

/** Every `/trail` subcommand, in the order help lists them. Both fronts route through this table. */
export const COMMANDS: readonly AnyCommand[] = [
  whoDeletedCommand,
  activityCommand,
  keyCommand,
  ipCommand,
  loginsCommand,
  deniedCommand,
  rootCommand,
  iamChangesCommand,
  tamperingCommand,
  eventCommand,
  geoCommand,
  hygieneCommand,
  postureCommand,
  verifyCommand,
  sourcesCommand,
  indexCommand,
  athenaDdlCommand,
  auditCommand,
  helpCommand(() => COMMANDS),
];

/** The subcommand named `name`, if there is one. */
export function findCommand(name: string): AnyCommand | undefined {
  return COMMANDS.find((c) => c.name === name);
}
