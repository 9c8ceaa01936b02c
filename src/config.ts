import { z } from 'zod';

const optionalText = z
  .string()
  .optional()
  .transform((s) => (s && s.trim() !== '' ? s.trim() : undefined));

const envSchema = z
  .object({
    SLACK_BOT_TOKEN: optionalText.refine((t) => t === undefined || /^xox[bp]-/.test(t), 'must be a bot token starting with xoxb-'),
    SLACK_SIGNING_SECRET: optionalText,
    SLACK_APP_TOKEN: optionalText.refine((t) => t === undefined || t.startsWith('xapp-'), 'must be an app-level token starting with xapp-'),
    SLACK_API_URL: optionalText.refine((u) => u === undefined || /^https?:\/\/.+\/$/.test(u), 'must be a URL ending in /, e.g. http://127.0.0.1:9000/api/'),
    PORT: z.coerce.number({ error: 'must be a port number' }).int().min(0).max(65535).default(3000),
    DATABASE_URL: optionalText.refine((u) => u === undefined || /^postgres(ql)?:\/\//.test(u), 'must be a postgres:// URL'),
    INCIDENT_CHANNEL: z.string().trim().min(1).default('incident-response'),
    DR_POLICY: z.string().trim().min(1).default('./dr-policy.yml'),
    TEMPLATES_DIR: z.string().trim().min(1).default('./templates'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    DATA_DIR: z.string().trim().min(1).default('./.data'),
    SCHEDULER_TICK_MS: z.coerce.number({ error: "must be a number of milliseconds" }).int().min(10).max(60_000).default(250),
    SCHEDULER_LEASE_MS: z.coerce.number({ error: 'must be a number of milliseconds' }).int().min(500).max(600_000).default(30_000),
    // A query PostgreSQL does not answer within this long fails and its connection is dropped (a frozen
    // server or a silent network cut would otherwise hold it for the kernel's ~15 minutes).
    // A copy of a Slack request whose first delivery started this long ago and never finished (its process
    // died) is handled again; younger copies are answered and dropped.
    REQUEST_TAKEOVER_MS: z.coerce.number({ error: 'must be a number of milliseconds' }).int().min(100).max(3_600_000).default(30_000),
    // The bot spreads its incident-channel posts and card edits under Slack's rate limits (about one post a
    // second per channel, chat.update Tier 3). `off` only where no such limit applies (the emulator without
    // its limits: the test suite and the benchmarks of the bot's own cost).
    SLACK_PACE: z.enum(['on', 'off']).default('on'),
    DATABASE_QUERY_TIMEOUT_MS: z.coerce.number({ error: 'must be a number of milliseconds' }).int().min(100).max(600_000).default(10_000),
  });

export type Mode = 'http' | 'socket' | 'sandbox';
export type Config = z.output<typeof envSchema> & { mode: Mode };

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`The environment is not valid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the whole environment at once so that one start-up error lists every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const result = envSchema.safeParse(env);
  const problems = [...(result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)), ...pairProblems(env)];
  if (!result.success || problems.length > 0) throw new ConfigError(problems);
  const c = result.data;
  const mode: Mode = c.SLACK_APP_TOKEN ? 'socket' : c.SLACK_BOT_TOKEN ? 'http' : 'sandbox';
  return { ...c, mode };
}

/** Variables that only make sense together; checked on the raw values so they are reported with the rest. */
function pairProblems(env: NodeJS.ProcessEnv): string[] {
  const set = (k: string) => (env[k] ?? '').trim() !== '';
  const out: string[] = [];
  if (set('SLACK_BOT_TOKEN') && !set('SLACK_SIGNING_SECRET') && !set('SLACK_APP_TOKEN')) {
    out.push('SLACK_SIGNING_SECRET: is required with SLACK_BOT_TOKEN (HTTP mode), or set SLACK_APP_TOKEN for Socket Mode');
  }
  if ((set('SLACK_SIGNING_SECRET') || set('SLACK_APP_TOKEN')) && !set('SLACK_BOT_TOKEN')) {
    out.push('SLACK_BOT_TOKEN: is required when SLACK_SIGNING_SECRET or SLACK_APP_TOKEN is set');
  }
  return out;
}
