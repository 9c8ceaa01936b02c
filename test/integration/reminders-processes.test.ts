import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { SlackEmulator } from '../../src/sandbox/emulator.js';
import { startBotProcess, type BotProcess } from '../helpers/bot-process.js';
import { CHANNELS, PEOPLE, SECRET, TOKEN, seedWorkspace } from '../helpers/harness.js';
import { createTestDatabase } from '../helpers/pg.js';
import { reminders, sleep, type SeenReminder } from '../helpers/reminders.js';

// 1 s cadences, a 100 ms ticker, 2 s leases: many reminder cycles in a few seconds.
const FAST = { DR_POLICY: 'test/fixtures/policy-fast.yml', SCHEDULER_TICK_MS: '100', SCHEDULER_LEASE_MS: '2000' };

let emulator: SlackEmulator;
let db: Awaited<ReturnType<typeof createTestDatabase>>;
let bots: BotProcess[] = [];

beforeAll(async () => {
  emulator = new SlackEmulator({ signingSecret: SECRET, botToken: TOKEN });
  await emulator.start();
  seedWorkspace(emulator);
});
afterEach(async () => {
  await Promise.all(bots.map((b) => b.kill9()));
  bots = [];
  await db?.drop();
  emulator.reset();
});
afterAll(async () => {
  await emulator.stop();
});

async function declare(bot: BotProcess, n: number): Promise<number> {
  emulator.botEndpoint = `http://127.0.0.1:${bot.port}/slack/events`;
  const title = `Reminder test incident ${n}`;
  await emulator.slashCommand({ command: '/incident', text: `declare L3 ${title}`, user: PEOPLE.alice, channel: CHANNELS.incidents });
  const card = await emulator.waitFor(() => emulator.messages(CHANNELS.incidents).find((m) => m.text.includes(title)), 10_000);
  return Number(/INC-(\d+)/.exec(card.text)![1]);
}

/** Each incident's reminder numbers must run 1, 2, 3… — a repeat is a double post, a hole a lost one. */
function expectExactlyOnce(seen: SeenReminder[], incidents: number[]): Map<number, SeenReminder[]> {
  const by = new Map<number, SeenReminder[]>();
  for (const id of incidents) {
    const mine = seen.filter((r) => r.incident === id);
    expect({ id, seqs: mine.map((r) => r.seq) }).toEqual({ id, seqs: mine.map((_, i) => i + 1) });
    by.set(id, mine);
  }
  return by;
}

describe('reminders across processes', () => {
  it('two bot processes on one database: over 20+ cycles every due reminder is posted exactly once', async () => {
    db = await createTestDatabase('rem2');
    bots = await Promise.all([0, 1].map(() => startBotProcess({ apiUrl: emulator.apiUrl, databaseUrl: db.url, env: FAST })));
    const ids = [await declare(bots[0]!, 1), await declare(bots[1]!, 2), await declare(bots[0]!, 3)];
    await emulator.waitFor(() => ids.every((id) => reminders(emulator, id).length >= 21) || undefined, 40_000);
    const by = expectExactlyOnce(reminders(emulator), ids);
    for (const [id, list] of by) {
      // One per cadence: 20 gaps between 21 reminders, each about a second.
      const gaps = list.slice(1).map((r, i) => r.at - list[i]!.at);
      expect({ id, tooClose: gaps.filter((g) => g < 500) }).toEqual({ id, tooClose: [] });
    }
    // Both processes did some of the work (SKIP LOCKED shares it), and neither logged a failed job.
    for (const b of bots) expect(b.output()).not.toMatch(/"job failed/);
  }, 60_000);

  it('kill -9 while reminders fall due, then a restart: one catch-up reminder per incident, then the normal cadence', async () => {
    db = await createTestDatabase('remkill');
    const first = await startBotProcess({ apiUrl: emulator.apiUrl, databaseUrl: db.url, env: FAST });
    bots = [first];
    const ids = [await declare(first, 1), await declare(first, 2)];
    await emulator.waitFor(() => ids.every((id) => reminders(emulator, id).length >= 2) || undefined, 10_000);
    await first.kill9();
    const killedAt = Date.now();
    const before = new Map(ids.map((id) => [id, reminders(emulator, id).length]));
    await sleep(4_000); // about four cadences fall due while nobody runs
    for (const id of ids) expect(reminders(emulator, id).length).toBe(before.get(id));

    const second = await startBotProcess({ apiUrl: emulator.apiUrl, databaseUrl: db.url, env: FAST });
    bots.push(second);
    const restartedAt = Date.now();
    await emulator.waitFor(() => ids.every((id) => reminders(emulator, id).length >= before.get(id)! + 3) || undefined, 15_000);
    const by = expectExactlyOnce(reminders(emulator), ids);
    for (const id of ids) {
      const after = by.get(id)!.slice(before.get(id)!);
      // The catch-up comes once the dead process's lease ends (2 s), and is a single message…
      const catchUp = after[0]!.at;
      expect(catchUp - killedAt).toBeGreaterThan(3_500);
      expect(after[0]!.escalated).toBe(true);
      // …then the rhythm resumes: no burst of the missed ones.
      const gaps = after.slice(1, 3).map((r, i) => r.at - after[i]!.at);
      // At least half a cadence apart by design; a burst would be a tick (100 ms) apart.
      expect({ id, gaps: gaps.map((g) => g > 350) }).toEqual({ id, gaps: [true, true] });
    }
    expect(Date.now() - restartedAt).toBeLessThan(15_000);
  }, 60_000);
});
