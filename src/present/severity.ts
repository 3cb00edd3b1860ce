import type { Severity } from '../severity.js';

/** The mark each severity is shown with, the same in every answer and alert. */
export const SEVERITY_MARK: Record<Severity, string> = {
  critical: '🟥',
  high: '🟧',
  medium: '🟨',
  low: '🟦',
  info: '⬜',
};
