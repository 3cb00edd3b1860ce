/** The slash command, as declared in manifest.yml. */
export const SLASH_COMMAND = '/trail';

/** Where Slack sends events, commands and interactions over HTTP. */
export const EVENTS_PATH = '/slack/events';

/**
 * The bot scopes the code needs, as declared in manifest.yml (a test checks both agree).
 * `commands`: the /trail slash command (answers through response_url need no scope); `chat:write` and
 * `files:write`: alert messages, and big answers posted to the channel with every event as a CSV file in
 * the thread; `channels:history` and `groups:history`: after a restart, look for an alert post that may
 * have gone out just before the stop, so it is not posted twice; `users:read` and `users:read.email`:
 * the hygiene digest mentions owners whose IAM tag holds an email; `usergroups:read`: roles granted to
 * user groups.
 */
export const BOT_SCOPES: readonly string[] = [
  'commands',
  'chat:write',
  'files:write',
  'channels:history',
  'groups:history',
  'users:read',
  'users:read.email',
  'usergroups:read',
  'channels:read',
  'groups:read',
];

/** The message shortcut's callback id ("Investigate with Trailbot" on any message). */
export const SHORTCUT_IDS = { investigateMessage: 'trail_investigate_message' } as const;

/** Callback ids of modals: the actor's one-line reason for "Yes, it was me". */
export const VIEW_IDS = { actorReason: 'trail_actor_reason' } as const;

/** Action ids of buttons, in one place (a test checks the app registers exactly these). */
export const ACTION_IDS = {
  /** Stop a running Athena query (StopQueryExecution). */
  cancelQuery: 'trail_cancel_query',
  /** An alert message's buttons: they act on every alert in it not yet resolved. */
  alertAck: 'trail_alert_ack',
  alertResolve: 'trail_alert_resolve',
  alertSnooze1h: 'trail_alert_snooze_1h',
  alertSnooze4h: 'trail_alert_snooze_4h',
  alertSnooze24h: 'trail_alert_snooze_24h',
  alertSnoozeUntilResolved: 'trail_alert_snooze_until_resolved',
  alertInvestigate: 'trail_alert_investigate',
  /** Ask a question the button names (help's common questions, an answer's follow-ups): up to five per message. */
  ask0: 'trail_ask_0',
  ask1: 'trail_ask_1',
  ask2: 'trail_ask_2',
  ask3: 'trail_ask_3',
  ask4: 'trail_ask_4',
  /** Ask an answer's question again with its events as a CSV file in the thread. */
  exportCsv: 'trail_export_csv',
  /** The Home tab's paging of open alerts. */
  homeNext: 'trail_home_next',
  homePrevious: 'trail_home_previous',
  /** Post a private answer in the channel for everyone. */
  shareAnswer: 'trail_share_answer',
  /** The answers of an alert's actor asked "was this you?" (in their direct message). */
  actorYes: 'trail_actor_yes',
  actorNo: 'trail_actor_no',
} as const;

/** A Slack user id (U…, or W… on Enterprise Grid): only these are ever turned into a mention. */
export const SLACK_USER_ID = /^[UW][A-Z0-9]{2,20}$/;

/** The ask buttons' ids: a message's action ids must differ, so each ask button in one takes the next. */
export const ASK_IDS = [
  ACTION_IDS.ask0,
  ACTION_IDS.ask1,
  ACTION_IDS.ask2,
  ACTION_IDS.ask3,
  ACTION_IDS.ask4,
] as const;
