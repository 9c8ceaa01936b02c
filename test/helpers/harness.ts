import { createBot, type Bot, type BotOptions } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/observability/logger.js';
import { SlackEmulator } from '../../src/sandbox/emulator.js';
import { CHANNELS, PEOPLE, seedWorkspace } from '../../src/sandbox/demo-workspace.js';
import type { SocketModeServer } from '../../src/sandbox/socket-mode.js';
import { freePort } from './bot-process.js';
import { createTestDatabase } from './pg.js';

export const SECRET = 'test-signing-secret-0123456789abcdef';
export const TOKEN = 'xoxb-test-bot-token';
export const APP_TOKEN = 'xapp-1-A0BOOM-test-app-token';
// The demo people and channels live with the local workspace; tests act as the same people.
export { CHANNELS, PEOPLE, seedWorkspace };

export interface Harness {
  emulator: SlackEmulator;
  bot: Bot;
  port: number;
  databaseUrl: string;
  /** Socket Mode only: Slack's side of the bot's WebSocket. */
  socket?: SocketModeServer;
  /** A slash command as `user` in #incident-response unless `channel` says otherwise. */
  run(user: string, command: string, text: string, channel?: string): ReturnType<SlackEmulator['slashCommand']>;
  cards(): ReturnType<SlackEmulator['messages']>;
  stop(): Promise<void>;
}

/**
 * The real bot on a free port, its own database, and the Slack emulator in front of it: over HTTP, or with
 * `socketMode` as a Socket Mode app (the emulator hands out the WebSocket; the port serves /healthz only).
 */
/**
 * `rateLimits`: the emulator enforces Slack's rate limits and the bot paces itself under them (SLACK_PACE).
 * Off by default, like the emulator's limits: the suite posts into one channel faster than one a second on
 * purpose, and would only wait longer; the rate-limit test and the storm benchmark turn them on.
 */
export async function startHarness(o: BotOptions & { env?: Record<string, string>; databaseUrl?: string; socketMode?: boolean; rateLimits?: boolean } = {}): Promise<Harness> {
  const emulator = new SlackEmulator({ signingSecret: SECRET, botToken: TOKEN, rateLimits: o.rateLimits ?? false });
  await emulator.start();
  seedWorkspace(emulator);
  const socket = o.socketMode ? emulator.useSocketMode({ appToken: APP_TOKEN }) : undefined;
  const db = o.databaseUrl ? undefined : await createTestDatabase();
  const databaseUrl = o.databaseUrl ?? db!.url;
  const config = loadConfig({
    SLACK_BOT_TOKEN: TOKEN,
    ...(socket ? { SLACK_APP_TOKEN: APP_TOKEN, PORT: String(await freePort()) } : { SLACK_SIGNING_SECRET: SECRET }),
    SLACK_API_URL: emulator.apiUrl,
    DATABASE_URL: databaseUrl,
    LOG_LEVEL: 'silent',
    SLACK_PACE: o.rateLimits ? 'on' : 'off',
    ...o.env,
  });
  const bot = await createBot(config, { log: createLogger(process.env.TEST_LOG ?? 'silent'), slackRetries: 0, ...o });
  const port = (await bot.start(socket ? config.PORT : 0))!;
  emulator.botEndpoint = `http://127.0.0.1:${port}/slack/events`;
  return {
    emulator,
    bot,
    port,
    databaseUrl,
    socket,
    run: (user, command, text, channel = CHANNELS.incidents) => emulator.slashCommand({ command, text, user, channel }),
    cards: () => emulator.messages(CHANNELS.incidents),
    async stop() {
      await bot.stop();
      await emulator.stop();
      await db?.drop();
    },
  };
}
