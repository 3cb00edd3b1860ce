/** The slash command, as declared in manifest.yml. */
export const SLASH_COMMAND = '/trail';

/** Where Slack sends events, commands and interactions over HTTP. */
export const EVENTS_PATH = '/slack/events';

/**
 * The bot scopes the code needs, as declared in manifest.yml (a test checks both agree).
 * `commands`: the /trail slash command. Answers go through response_url, which needs no scope.
 */
export const BOT_SCOPES: readonly string[] = ['commands'];

/** Action ids of buttons; none yet — alert buttons come with the alerts issue. */
export const ACTION_IDS = {} as const;
