/**
 * `npm start` with no Slack variables: the Slack emulator and the page on http://localhost:$PORT/, and
 * the very same Bolt app as in production (HTTP receiver, signature checks on) on an internal loopback
 * port that the emulator sends signed requests to. Data stays in embedded PGlite under DATA_DIR unless
 * DATABASE_URL is set; the emulator's messages are kept beside it (workspace-file.ts).
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createBot, type Bot } from '../app.js';
import { loadPolicy, type Policy } from '../policy.js';
import type { Config } from '../config.js';
import type { Logger } from '../observability/logger.js';
import { DEMO_PEOPLE, seedWorkspace } from './demo-workspace.js';
import { SimulatedEstate } from './estate/estate.js';
import { prepareEmbeddedDatabase } from './embedded-database.js';
import { SlackEmulator } from './emulator.js';
import type { PageCommand } from './page/actions.js';
import { createPage, type Page } from './page/server.js';
import { WorkspaceFile } from './workspace-file.js';

export interface LocalWorkspaceOptions {
  /** Delete DATA_DIR first (`npm start -- --fresh` or DR_FRESH=1 by default). */
  fresh?: boolean;
  /** Where the page listens; loopback by default, since the page can drive recovery actions. */
  host?: string;
  /** Where the "Local workspace: <url>" line goes; stdout by default. */
  print?: (line: string) => void;
}

export interface LocalWorkspace {
  url: string;
  port: number;
  botPort: number;
  /** Milliseconds from the call to ready (page, emulator and bot answering). */
  readyMs: number;
  emulator: SlackEmulator;
  bot: Bot;
  /** The policy's targets the environment does not configure, simulated (see estate/estate.ts). */
  estate: SimulatedEstate;
  stop(): Promise<void>;
}

export const SNAPSHOT_FILE = 'slack-workspace.json';

export async function startLocalWorkspace(config: Config, log: Logger, opts: LocalWorkspaceOptions = {}): Promise<LocalWorkspace> {
  const started = performance.now();
  const dataDir = resolve(config.DATA_DIR);
  const fresh = opts.fresh ?? (process.argv.includes('--fresh') || process.env.DR_FRESH === '1');
  if (fresh) await wipeDataDir(dataDir, log);

  // Credentials exist only between this process's emulator and bot; nothing here can reach Slack.
  const signingSecret = randomBytes(32).toString('hex');
  const botToken = `xoxb-local-${randomBytes(16).toString('hex')}`;
  const emulator = new SlackEmulator({ signingSecret, botToken });
  seedWorkspace(emulator);
  const file = new WorkspaceFile(join(dataDir, SNAPSHOT_FILE), emulator, (err) => log.warn({ err }, 'could not keep the local workspace messages'));
  const restored = await file.load();

  // The page is mounted before the port opens; until the bot is up it answers 503, not the emulator's 404.
  let page: Page | undefined;
  emulator.mount((req, res) => {
    if (page) return page.handler(req, res);
    if (/^\/(api|upload|response)\//.test(req.url ?? '')) return false;
    res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8', 'retry-after': '1' }).end('The local workspace is starting…');
    return true;
  });
  await listen(emulator, config.PORT, opts.host ?? '127.0.0.1');

  let bot: Bot;
  let botPort: number;
  const policy = slackOnlyPolicy(loadPolicy(config.DR_POLICY));
  const estate = new SimulatedEstate(policy);
  try {
    // initdb in a child process, and a small shared_buffers: see embedded-database.ts.
    await Promise.all([config.DATABASE_URL ? undefined : prepareEmbeddedDatabase(dataDir, log), estate.start(process.env)]);
    // Its emulator enforces no rate limits, so the bot need not pace itself either (SLACK_PACE).
    bot = await createBot({ ...config, mode: 'http', SLACK_PACE: 'off', SLACK_BOT_TOKEN: botToken, SLACK_SIGNING_SECRET: signingSecret, SLACK_API_URL: emulator.apiUrl }, { log, policy, env: estate.env });
    // The whole bot, as in production: the ticker runs DMs, escalations, reminders, cards and actions.
    botPort = (await bot.start({ port: 0, host: '127.0.0.1' }))!;
  } catch (err) {
    await estate.stop();
    await emulator.stop();
    throw err;
  }
  emulator.botEndpoint = `http://127.0.0.1:${botPort}/slack/events`;

  page = createPage({
    emulator,
    commands: pageCommands(bot),
    people: DEMO_PEOPLE,
    defaultChannel: bot.incidentChannel.id,
    botUrl: () => `http://127.0.0.1:${botPort}`,
    estate,
    onError: (err) => log.error({ err }, 'local workspace page'),
  });
  file.watch();

  const port = Number(new URL(emulator.baseUrl).port);
  const url = `http://localhost:${port}/`;
  const readyMs = Math.round(performance.now() - started);
  const database = config.DATABASE_URL ? 'PostgreSQL (DATABASE_URL)' : `embedded PGlite in ${dataDir}`;
  // Both figures: this function's own time, and since the process started (module loading included).
  const uptimeMs = Math.round(process.uptime() * 1000);
  const simulated = estate.simulated.length ? ` · simulated estate: ${estate.simulated.join(', ')}` : '';
  log.info({ url, readyMs, uptimeMs, botPort, database, restoredMessages: restored, simulated: estate.simulated }, 'local workspace ready');
  (opts.print ?? ((line: string) => process.stdout.write(`${line}\n`)))(
    `Local workspace: ${url}  (nothing here reaches Slack) · ready in ${(readyMs / 1000).toFixed(2)} s (${(uptimeMs / 1000).toFixed(2)} s since the process started) · data: ${database}${simulated}`,
  );

  let stopping: Promise<void> | undefined;
  const stop = async (): Promise<void> => {
    page?.close();
    // The bot first (it closes the database), then the last messages are saved, then the page's port.
    await bot.stop();
    await estate.stop();
    await file.close();
    await emulator.stop();
  };
  return { url, port, botPort, readyMs, emulator, bot, estate, stop: () => (stopping ??= stop()) };
}

/** The registry's subcommands, for the command box's completion. */
function pageCommands(bot: Bot): PageCommand[] {
  return bot.registry.roots().flatMap((root) =>
    bot.registry.list(root).map((d) => ({ root, name: d.path[1], usage: d.usage, summary: d.summary, examples: d.examples ?? [] })),
  );
}

async function listen(emulator: SlackEmulator, port: number, host: string): Promise<void> {
  try {
    await emulator.start(port, host);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new Error(`Port ${port} is in use; start with PORT=<another port> npm start`);
    throw err;
  }
}

/**
 * Starting afresh removes DATA_DIR, but only when it looks like ours (a PGlite/PostgreSQL data
 * directory or just our messages file): a mistyped DATA_DIR must never delete someone's files.
 */
export async function wipeDataDir(dir: string, log: Logger): Promise<void> {
  if (!existsSync(dir)) return;
  const entries = await readdir(dir);
  const ours = entries.length === 0 || entries.includes('PG_VERSION') || entries.every((e) => e.startsWith(SNAPSHOT_FILE));
  if (!ours) throw new Error(`Not starting afresh: ${dir} does not look like the bot's data directory (no PG_VERSION); delete it yourself if it is.`);
  await rm(dir, { recursive: true, force: true });
  log.info({ dataDir: dir }, 'started afresh: data directory deleted');
}

/**
 * Nothing in the local workspace leaves this machine: pages go to the demo people as Slack DMs only, so a
 * drill here never tries PagerDuty or Opsgenie (nor fills the thread with "routing key not set").
 */
export function slackOnlyPolicy(policy: Policy): Policy {
  const teams = Object.fromEntries(Object.entries(policy.teams).map(([id, t]) => [id, { ...t, pagerduty: undefined, opsgenie: undefined }]));
  return { ...policy, teams } as Policy;
}
