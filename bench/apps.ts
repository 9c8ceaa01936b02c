/**
 * The two apps under test, both on the main thread: a bare Bolt app that only acks (the floor) and the
 * real bot, built as test/helpers/harness.ts builds it, with a fresh database on the local PostgreSQL.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import bolt from '@slack/bolt';
import pg from 'pg';
import { createBot } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/observability/logger.js';
import { SECRET, TOKEN } from '../test/helpers/harness.js';
import { createTestDatabase } from '../test/helpers/pg.js';

const { App, LogLevel } = bolt;

export interface AppUnderTest {
  url: string;
  stop(): Promise<void>;
}

export interface BotUnderTest extends AppUnderTest {
  /** What the database holds: a declare that failed after posting its card leaves card_ts empty. */
  dbStats(): Promise<{ incidents: number; withoutCard: number }>;
}

export async function startBareApp(apiUrl: string): Promise<AppUnderTest> {
  // ERROR level only to keep the printout clean; the bot logs nothing either (LOG_LEVEL silent).
  const app = new App({ token: TOKEN, signingSecret: SECRET, clientOptions: { slackApiUrl: apiUrl }, logLevel: LogLevel.ERROR });
  app.command('/incident', async ({ ack }) => {
    await ack();
  });
  const server = (await app.start(0)) as Server;
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/slack/events`,
    async stop() {
      await app.stop();
      server.closeAllConnections();
    },
  };
}

export async function startBot(apiUrl: string): Promise<BotUnderTest> {
  const db = await createTestDatabase('drbench');
  const config = loadConfig({ SLACK_BOT_TOKEN: TOKEN, SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: apiUrl, DATABASE_URL: db.url, LOG_LEVEL: 'silent', SLACK_PACE: 'off' });
  try {
    // slackRetries: 0 as in the harness: a failing Web API call should show up, not be retried away.
    // BENCH_BOT_LOG=error shows why declares fail, on stderr so the figures on stdout stay parseable.
    const log = createLogger(process.env.BENCH_BOT_LOG ?? 'silent', process.stderr);
    const bot = await createBot(config, { log, slackRetries: 0 });
    const port = (await bot.start(0))!;
    return {
      url: `http://127.0.0.1:${port}/slack/events`,
      async dbStats() {
        const c = new pg.Client({ connectionString: db.url });
        await c.connect();
        try {
          const r = await c.query<{ incidents: number; without_card: number }>(
            'SELECT count(*)::int AS incidents, (count(*) FILTER (WHERE card_ts IS NULL))::int AS without_card FROM incidents',
          );
          return { incidents: r.rows[0]!.incidents, withoutCard: r.rows[0]!.without_card };
        } finally {
          await c.end();
        }
      },
      async stop() {
        await bot.stop();
        await db.drop();
      },
    };
  } catch (e) {
    await db.drop();
    throw e;
  }
}
