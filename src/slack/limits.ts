/** Slack's Block Kit limits (https://api.slack.com/reference/block-kit): render within them, never fail. */
export const SLACK_LIMITS = {
  /** Blocks in one message. */
  blocksPerMessage: 50,
  /** A Home tab view holds 100 blocks. */
  blocksPerView: 100,
  /** Characters in a section's text. */
  sectionText: 3000,
  /** Fields in one section, and characters in each. */
  sectionFields: 10,
  fieldText: 2000,
  /** Characters in a header's plain text. */
  headerText: 150,
  /** Elements in a context block. */
  contextElements: 10,
  /** Characters in a button's value and in an action id. */
  buttonValue: 2000,
  actionId: 255,
  /** The top-level text (notification fallback); Slack truncates beyond 40,000, we stay well short. */
  messageText: 3000,
} as const;
