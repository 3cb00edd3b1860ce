import type { App, CustomRoute } from '@slack/bolt';
import type { AskLater } from '../commands/answer.js';
import type { CommandDeps } from '../src/deps.js';
import { registerActorAnswers } from './actor-ask.js';
import { type AlertRuntime, registerAlertActions } from './alerts.js';
import { registerAsk } from './ask.js';
import { registerCancel } from './cancel.js';
import { healthRoutes, type Readiness } from './health.js';
import { registerHome } from './home.js';
import { registerShare } from './share.js';
import { registerShortcut } from './shortcut.js';
import { type SnsIntake, snsRoute } from './sns.js';

/** The part of Bolt's App handlers use, so a test can record what gets registered. */
export type HandlerRegistrar = Pick<App, 'action' | 'shortcut' | 'event' | 'view'>;

/** Register button actions: Cancel on a running Athena query, and the alert buttons. */
export function registerHandlers(
  app: HandlerRegistrar,
  deps: CommandDeps,
  alerts?: AlertRuntime,
  later?: AskLater,
): void {
  registerCancel(app, deps);
  registerShare(app, deps);
  registerAsk(app, deps, later);
  registerShortcut(app, deps);
  registerHome(app, deps, alerts);
  registerAlertActions(app, deps, alerts, later);
  registerActorAnswers(app, deps, alerts);
}

/** Extra HTTP routes beside /slack/events: liveness and readiness, and the SNS intake when configured. */
export function handlerRoutes(
  _deps: CommandDeps,
  intake?: SnsIntake,
  readiness?: () => Readiness | Promise<Readiness>,
): CustomRoute[] {
  return [...healthRoutes(readiness), ...(intake ? [snsRoute(intake)] : [])];
}
