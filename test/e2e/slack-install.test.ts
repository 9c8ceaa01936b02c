/**
 * Installed as in a real workspace: #incident-response is PRIVATE and INCIDENT_CHANNEL gives its NAME.
 * The start-up check resolves it to the ID, and everything — cards, threads, reminders, plans, the
 * timeline file, and the crash-duplicate checks of a new process — works there. When the bot is not
 * invited, or a scope is missing, start-up stops with one line saying what to do.
 */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createBot, type Bot, type BotOptions } from '../../src/app.js';
import { systemClock } from '../../src/core/clock.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/observability/logger.js';
import type { Runbook } from '../../src/runbooks/types.js';
import { Scheduler } from '../../src/scheduler/ticker.js';
import { claimDueJobs } from '../../src/store/jobs.js';
import { JobWrites } from '../../src/store/job-writes.js';
import { SlackEmulator } from '../../src/sandbox/emulator.js';
import { SlackSetupError } from '../../src/slack/install-check.js';
import { eventually } from '../helpers/eventually.js';
import { CHANNELS, PEOPLE, SECRET, TOKEN, seedWorkspace } from '../helpers/harness.js';
import { createTestDatabase } from '../helpers/pg.js';
import { reminders } from '../helpers/reminders.js';

const FAST = 'test/fixtures/policy-fast.yml';
let emulator: SlackEmulator;
let db: Awaited<ReturnType<typeof createTestDatabase>>;
const running: Bot[] = [];

async function startBot(o: BotOptions & { env?: Record<string, string> } = {}): Promise<Bot> {
  const config = loadConfig({ SLACK_BOT_TOKEN: TOKEN, SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: emulator.apiUrl, DATABASE_URL: db.url, LOG_LEVEL: 'silent', DR_POLICY: FAST, SLACK_PACE: 'off', ...o.env });
  const bot = await createBot(config, { log: createLogger('silent'), slackRetries: 0, ...o });
  running.push(bot);
  const port = await bot.start(0);
  emulator.botEndpoint = `http://127.0.0.1:${port}/slack/events`;
  return bot;
}

async function stopBot(bot: Bot): Promise<void> {
  running.splice(running.indexOf(bot), 1);
  await bot.stop();
}

const run = (user: string, command: string, text: string, channel: string = CHANNELS.incidents) => emulator.slashCommand({ command, text, user, channel });
const cards = (title: string) => emulator.messages(CHANNELS.incidents).filter((m) => m.text.includes(title));
async function declared(bot: Bot, title: string) {
  return eventually(async () => (await bot.store.incidents.listOpen()).find((i) => i.title === title));
}

const noopRunbook: Runbook<Record<string, never>> = {
  id: 'test-noop',
  title: 'Test action',
  destructive: false,
  requestRoles: ['incident_commander'],
  approveRoles: ['incident_commander'],
  plan: async () => ({ target: 'thing', summary: 'Does nothing', facts: [], warnings: [], data: {} }),
  steps: () => [{ id: 'one', title: 'Step one', run: async () => 'done' }],
};

beforeAll(async () => {
  emulator = new SlackEmulator({ signingSecret: SECRET, botToken: TOKEN });
  await emulator.start();
  seedWorkspace(emulator);
  // The set-up that used to break on day one: a private incident channel, named in INCIDENT_CHANNEL.
  const channel = emulator.channel(CHANNELS.incidents);
  channel.is_private = true;
  channel.members = ['UBOT', ...Object.values(PEOPLE)];
  db = await createTestDatabase();
});
afterAll(async () => {
  for (const bot of running.splice(0)) await bot.stop();
  await emulator?.stop();
  await db?.drop();
});

describe('a private #incident-response given by name', () => {
  it('starts, with the channel resolved to its ID', async () => {
    const bot = await startBot({ scheduler: false });
    expect(bot.incidentChannel).toEqual(expect.objectContaining({ id: CHANNELS.incidents, name: 'incident-response', kind: 'private' }));
    await stopBot(bot);
  });

  it('posts the card, thread lines, reminders, plans and the timeline file there', async () => {
    const bot = await startBot({ scheduler: { tickMs: 100, leaseMs: 5_000 } });
    bot.actions.register(noopRunbook);
    await run(PEOPLE.alice, '/incident', 'declare L2 Private channel outage');
    const card = await emulator.waitFor(() => cards('Private channel outage')[0], 10_000);
    const inc = await eventually(async () => (await bot.store.incidents.listOpen()).find((i) => i.title === 'Private channel outage' && i.cardTs));
    expect(inc.channelId).toBe(CHANNELS.incidents);

    await run(PEOPLE.alice, '/incident', `update INC-${inc.id} Replica lag 40s`);
    await emulator.waitFor(() => emulator.thread(CHANNELS.incidents, card.ts).find((m) => m.text.includes('Replica lag 40s')), 10_000);
    // Reminders (1 s cadence in this policy), in the thread or the channel.
    await emulator.waitFor(() => reminders(emulator, inc.id).length >= 1 || undefined, 15_000);

    const plan = await bot.actions.propose({ userId: PEOPLE.alice, channelId: CHANNELS.incidents, reply: async () => undefined }, 'test-noop', {}, { dryRun: false, usage: '/dr test' });
    await emulator.waitFor(() => emulator.thread(CHANNELS.incidents, card.ts).find((m) => m.ts === plan?.messageTs), 10_000);

    // Typed in #general: the file still goes to the incident's thread, by channel ID.
    await run(PEOPLE.alice, '/incident', `timeline INC-${inc.id}`, CHANNELS.general);
    const file = await emulator.waitFor(() => emulator.thread(CHANNELS.incidents, card.ts).find((m) => m.files?.[0]?.name === `INC-${inc.id}-postmortem.md`), 10_000);
    expect(file.files![0]!.content).toContain('Private channel outage');

    // No call was refused: no channel_not_found, not_in_channel or missing_scope anywhere.
    expect(emulator.calls.filter((c) => !c.ok).map((c) => `${c.method}: ${c.error}`)).toEqual([]);
    expect(emulator.calls.some((c) => c.method === 'chat.getPermalink' && c.ok) || reminders(emulator, inc.id).every((r) => !r.escalated)).toBe(true);
    await stopBot(bot);
  }, 60_000);

  it('a new process adopts a card that landed after its post timed out, instead of posting it again', async () => {
    // The first process: its card post times out on its side but reaches Slack; then it is gone.
    // Its card job is run by hand here (claimed with a lease, as its ticker would), so it stops right there.
    const first = await startBot({ scheduler: false, slackTimeoutMs: 500 });
    emulator.latencyMs = 1_000;
    await run(PEOPLE.alice, '/incident', 'declare L3 Card after restart');
    const pending = await eventually(() => declared(first, 'Card after restart'), 10_000);
    const [job] = (await claimDueJobs(first.store.db, { owner: 'first', leaseMs: 1_000, limit: 100 })).filter((j) => j.kind === 'post_card' && j.incidentId === pending.id);
    await expect(first.jobs.post_card!.run(job!, { checkpoint: (patch) => new JobWrites(first.store.db).checkpoint(job!, 'first', patch) })).rejects.toThrow();
    await emulator.waitFor(() => cards('Card after restart')[0], 10_000);
    emulator.latencyMs = 0;
    expect((await first.store.incidents.get(pending.id))!.cardTs).toBeFalsy();
    await stopBot(first);

    // A new process, knowing nothing but the database: its card job reads the private channel's history.
    const second = await startBot({ scheduler: { tickMs: 100, leaseMs: 5_000 } });
    const adopted = await eventually(async () => (await second.store.incidents.get(pending.id))?.cardTs, 15_000);
    expect(cards('Card after restart')).toHaveLength(1);
    expect(adopted).toBe(cards('Card after restart')[0]!.ts);
    const cardPosts = emulator.calls.filter((c) => c.method === 'chat.postMessage' && (c.args.metadata as { event_type?: string } | undefined)?.event_type === 'dr_incident_card' && JSON.stringify(c.args).includes('Card after restart'));
    expect(cardPosts).toHaveLength(1);
    expect(emulator.calls.some((c) => c.method === 'conversations.history' && c.ok && c.args.channel === CHANNELS.incidents)).toBe(true);
    await stopBot(second);
  }, 60_000);

  it('a new process that dies after posting a reminder finds it in the private channel and does not post it twice', async () => {
    const bot = await startBot({ scheduler: false });
    let crashes = 0;
    const real = bot.jobs.reminder!;
    const s = new Scheduler({
      db: bot.store.db,
      clock: systemClock,
      log: createLogger('silent'),
      tickMs: 50,
      jobs: {
        ...bot.jobs,
        // Posts, then "dies" before the outcome is written, every other time.
        reminder: {
          ...real,
          run: async (job, ctx) => {
            const result = await real.run(job, ctx);
            if (crashes++ % 2 === 0) throw new Error('process died after posting');
            return result;
          },
        },
      },
    });
    s.start();
    await run(PEOPLE.alice, '/incident', 'declare L3 Reminder after restart');
    const inc = await eventually(async () => (await bot.store.incidents.listOpen()).find((i) => i.title === 'Reminder after restart' && i.cardTs), 10_000);
    // The earlier tests' incidents keep reminding every second too; on a loaded machine three of this one's take a while.
    await emulator.waitFor(() => reminders(emulator, inc.id).length >= 3 || undefined, 45_000);
    await s.stop();
    const seqs = reminders(emulator, inc.id).map((r) => r.seq);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    await stopBot(bot);
  }, 70_000);
});

describe('start-up says what is wrong in one line', () => {
  it('the bot not invited to the private channel', async () => {
    emulator.removeMember(CHANNELS.incidents);
    try {
      const err = await startBot({ scheduler: false }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SlackSetupError);
      const msg = (err as Error).message;
      expect(msg).not.toContain('\n');
      expect(msg).toMatch(/#incident-response/);
      expect(msg).toMatch(/invite @drbot/);
      // Given by ID, the same: Slack hides a private channel from a bot that is not in it.
      const byId = await startBot({ scheduler: false, env: { INCIDENT_CHANNEL: CHANNELS.incidents } }).catch((e: unknown) => e);
      expect((byId as Error).message).toMatch(/invite @drbot/);
    } finally {
      emulator.addMember(CHANNELS.incidents);
    }
  });

  it('the bot not invited to a public channel', async () => {
    emulator.channel(CHANNELS.incidents).is_private = false;
    emulator.removeMember(CHANNELS.incidents);
    try {
      const err = await startBot({ scheduler: false }).catch((e: unknown) => e);
      expect((err as Error).message).toBe('@drbot is not a member of #incident-response: invite it there (type /invite @drbot in #incident-response), then restart.');
    } finally {
      emulator.addMember(CHANNELS.incidents);
      emulator.channel(CHANNELS.incidents).is_private = true;
    }
  });

  it('a missing scope is named, with the fix', async () => {
    emulator.revokeScope('groups:history');
    try {
      const err = await startBot({ scheduler: false }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SlackSetupError);
      expect((err as Error).message).toMatch(/^The Slack app lacks the scope groups:history: add it in .* and reinstall the app\./);
      expect((err as Error).message).not.toContain('\n');
    } finally {
      emulator.grantScope('groups:history');
    }
    emulator.revokeScope('groups:read');
    try {
      expect(((await startBot({ scheduler: false }).catch((e: unknown) => e)) as Error).message).toMatch(/lacks the scope groups:read/);
    } finally {
      emulator.grantScope('groups:read');
    }
  });

  it('npm start prints that one line and exits 1, without listening', async () => {
    emulator.removeMember(CHANNELS.incidents);
    try {
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
        env: { ...process.env, NODE_OPTIONS: '', SLACK_BOT_TOKEN: TOKEN, SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: emulator.apiUrl, DATABASE_URL: db.url, PORT: '0', LOG_LEVEL: 'silent', DR_POLICY: FAST },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr!.on('data', (d) => (stderr += d));
      const code = await new Promise<number | null>((r) => child.on('exit', r));
      expect(code).toBe(1);
      // A private channel the bot is not in is invisible to it, so "not found" and "not invited" are one message.
      expect(stderr.trim().split('\n')).toEqual([expect.stringMatching(/^INCIDENT_CHANNEL #incident-response was not found .* invite @drbot to it/)]);
    } finally {
      emulator.addMember(CHANNELS.incidents);
    }
  }, 30_000);
});
