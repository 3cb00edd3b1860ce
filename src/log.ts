import { type Logger, pino } from 'pino';

export type { Logger };

/**
 * Structured JSON logs. Secrets are `Secret` objects that print as "[secret]"; the redact list is a
 * second guard for raw values that slip into a log call.
 */
export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level,
      base: { app: 'trailbot' },
      redact: {
        paths: [
          'token',
          '*.token',
          'signingSecret',
          '*.signingSecret',
          'authorization',
          '*.authorization',
          'headers.authorization',
        ],
        censor: '[secret]',
      },
    },
    destination ?? pino.destination(2),
  );
}
