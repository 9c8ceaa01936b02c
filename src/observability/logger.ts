import { pino, type Logger } from 'pino';
import { redactDeep } from '../core/redact.js';

/** Anything that could carry a secret is censored wherever it appears in a log line. */
const REDACT = [
  'token', '*.token', '*.*.token', 'botToken', 'appToken', 'signingSecret', '*.signingSecret',
  'password', '*.password', 'authorization', '*.authorization', 'headers.authorization', '*.headers.authorization',
  'routing_key', '*.routing_key', 'apiKey', '*.apiKey', 'connectionString', '*.connectionString',
  'config.SLACK_BOT_TOKEN', 'config.SLACK_SIGNING_SECRET', 'config.SLACK_APP_TOKEN', 'config.DATABASE_URL',
];

export type { Logger };

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level,
      redact: { paths: REDACT, censor: '[redacted]' },
      base: { app: 'dr-bot' },
      formatters: { log: ownLevelApart },
      // Keys by name are not enough: a URL with user:password inside any string (an error message, a
      // target) is cut down to scheme://***@host before the line is written.
      hooks: {
        logMethod(args, method) {
          return method.apply(this, args.map((a) => redactDeep(a)) as Parameters<typeof method>);
        },
      },
    },
    destination as never,
  );
}

/**
 * pino writes its own `level` (the severity); a `level` in the logged object (an incident's L1–L4) would
 * be a second `level` key on the same line, which log tools read as the severity. Renamed on the way out.
 */
function ownLevelApart(obj: Record<string, unknown>): Record<string, unknown> {
  if (!Object.hasOwn(obj, 'level')) return obj;
  const { level, ...rest } = obj;
  return { ...rest, incidentLevel: level };
}
