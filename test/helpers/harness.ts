import { createBot, type Bot, type BotOptions } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/observability/logger.js';
import { SlackEmulator } from '../../src/sandbox/emulator.js';
import { createTestDatabase } from './pg.js';

export const SECRET = 'test-signing-secret-0123456789abcdef';
export const TOKEN = 'xoxb-test-bot-token';
export const PEOPLE = {
  alice: 'U0IC00001', // core team: an incident commander
  dmitri: 'U0DBA0001', // DBA
  georgi: 'U0COM0001', // communications
  maria: 'U0MGR0001', // management
  ivan: 'U0INF0001', // infrastructure
} as const;
export const CHANNELS = { incidents: 'C0INCIDENT', general: 'C0GENERAL' } as const;

export interface Harness {
  emulator: SlackEmulator;
  bot: Bot;
  port: number;
  databaseUrl: string;
  /** A slash command as `user` in #incident-response unless `channel` says otherwise. */
  run(user: string, command: string, text: string, channel?: string): ReturnType<SlackEmulator['slashCommand']>;
  cards(): ReturnType<SlackEmulator['messages']>;
  stop(): Promise<void>;
}

export function seedWorkspace(emulator: SlackEmulator): void {
  emulator.addChannel({ id: CHANNELS.incidents, name: 'incident-response' });
  emulator.addChannel({ id: CHANNELS.general, name: 'general' });
  emulator.addUser({ id: PEOPLE.alice, name: 'alice', real_name: 'Alice Ivanova' });
  emulator.addUser({ id: PEOPLE.dmitri, name: 'dmitri', real_name: 'Dmitri Petrov' });
  emulator.addUser({ id: PEOPLE.georgi, name: 'georgi', real_name: 'Georgi Georgiev' });
  emulator.addUser({ id: PEOPLE.maria, name: 'maria', real_name: 'Maria Dimitrova' });
  emulator.addUser({ id: PEOPLE.ivan, name: 'ivan', real_name: 'Ivan Kolev' });
  emulator.addUser({ id: 'U0ROBOT01', name: 'deploybot', real_name: 'Deploy Bot', is_bot: true });
}

/** The real bot over HTTP on a free port, its own database, and the Slack emulator in front of it. */
export async function startHarness(o: BotOptions & { env?: Record<string, string>; databaseUrl?: string } = {}): Promise<Harness> {
  const emulator = new SlackEmulator({ signingSecret: SECRET, botToken: TOKEN });
  await emulator.start();
  seedWorkspace(emulator);
  const db = o.databaseUrl ? undefined : await createTestDatabase();
  const databaseUrl = o.databaseUrl ?? db!.url;
  const config = loadConfig({
    SLACK_BOT_TOKEN: TOKEN,
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: emulator.apiUrl,
    DATABASE_URL: databaseUrl,
    LOG_LEVEL: 'silent',
    ...o.env,
  });
  const bot = await createBot(config, { log: createLogger('silent'), slackRetries: 0, ...o });
  const port = (await bot.start(0))!;
  emulator.botEndpoint = `http://127.0.0.1:${port}/slack/events`;
  return {
    emulator,
    bot,
    port,
    databaseUrl,
    run: (user, command, text, channel = CHANNELS.incidents) => emulator.slashCommand({ command, text, user, channel }),
    cards: () => emulator.messages(CHANNELS.incidents),
    async stop() {
      await bot.stop();
      await emulator.stop();
      await db?.drop();
    },
  };
}
