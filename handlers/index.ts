import type { App, CustomRoute } from '@slack/bolt';
import type { CommandDeps } from '../commands/spec.js';
import { registerCancel } from './cancel.js';
import { healthRoutes } from './health.js';
import { type SnsIntake, snsRoute } from './sns.js';

/** The part of Bolt's App handlers use, so a test can record what gets registered. */
export type HandlerRegistrar = Pick<App, 'action'>;

/** Register button actions: Cancel on a running Athena query (alert buttons come with the alerts issue). */
export function registerHandlers(app: HandlerRegistrar, deps: CommandDeps): void {
  registerCancel(app, deps);
}

/** Extra HTTP routes beside /slack/events: health, and the SNS intake when it is configured. */
export function handlerRoutes(_deps: CommandDeps, intake?: SnsIntake): CustomRoute[] {
  return [...healthRoutes(), ...(intake ? [snsRoute(intake)] : [])];
}
