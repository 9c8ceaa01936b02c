import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { eventually } from '../helpers/eventually.js';
import { CHANNELS, PEOPLE, startHarness, type Harness } from '../helpers/harness.js';
import { createPgInstance, type PgInstance } from '../helpers/pg-instance.js';

/**
 * Updates while PostgreSQL is stopped and started under them, and while Slack answers 500, 429 or too late
 * on each write method: every accepted update shows exactly once in its thread, and the card ends current.
 */
let pg: PgInstance;
let h: Harness;
beforeAll(async () => {
  pg = await createPgInstance();
  h = await startHarness({ databaseUrl: pg.url(), slackTimeoutMs: 1_000, scheduler: { tickMs: 50, leaseMs: 3_000 }, env: { DR_POLICY: 'dr-policy.yml' } });
}, 60_000);
afterAll(async () => {
  await h?.stop();
  pg?.destroy();
});

const thread = (ts: string) => h.emulator.thread(CHANNELS.incidents, ts).map((m) => m.text);
const pending = async (id: number) =>
  (await h.bot.store.db.query<{ n: number }>("SELECT count(*)::int AS n FROM jobs WHERE incident_id = $1 AND kind IN ('thread_line', 'edit_card') AND done_at IS NULL", [id])).rows[0]!.n;

describe('updates through Slack faults and a PostgreSQL restart', () => {
  it('each accepted update shows once, the card ends current', async () => {
    await h.run(PEOPLE.alice, '/incident', 'declare L3 Updates under fire');
    const card = await h.emulator.waitFor(() => h.cards().find((m) => m.text.includes('Updates under fire')), 10_000);
    const id = Number(/INC-(\d+)/.exec(card.text)![1]);
    const faults: Array<[string, () => void]> = [
      ['post 500', () => h.emulator.failNext('chat.postMessage', { status: 500, count: 3 })],
      ['post 429', () => h.emulator.failNext('chat.postMessage', { status: 429, retryAfterSec: 1 })],
      ['post lands but answers after the timeout', () => (h.emulator.answerDelayMs = { 'chat.postMessage': 1_500 })],
      ['edit 500', () => h.emulator.failNext('chat.update', { status: 500, count: 3 })],
      ['edit 429', () => h.emulator.failNext('chat.update', { status: 429, retryAfterSec: 1 })],
      ['edit answers after the timeout', () => (h.emulator.answerDelayMs = { 'chat.update': 1_500 })],
    ];
    const accepted: string[] = [];
    for (const [i, [name, fault]] of faults.entries()) {
      fault();
      const text = `Update ${i}: ${name}`;
      await h.run(PEOPLE.alice, '/incident', `update INC-${id} ${text}`);
      await eventually(async () => (await h.bot.store.timeline(id)).some((e) => e.kind === 'update' && (e.data as { text: string }).text === text), 10_000);
      accepted.push(text);
      // PostgreSQL goes down right after the commit, with the update's jobs still to run, and comes back.
      if (i % 2 === 1) {
        pg.stop('fast');
        // An outage of a set length (the fault itself, not a wait before an assertion).
        await new Promise((r) => setTimeout(r, 1_500));
        pg.start();
      }
      h.emulator.answerDelayMs = {};
    }
    await h.run(PEOPLE.alice, '/incident', `update INC-${id} Final words --status monitoring`);
    accepted.push('Final words');
    await eventually(async () => (await pending(id)) === 0 && thread(card.ts).some((t) => t.includes('Final words')), 60_000);
    for (const text of accepted) expect({ text, times: thread(card.ts).filter((t) => t.includes(text)).length }).toEqual({ text, times: 1 });
    const shown = h.cards().find((m) => m.ts === card.ts)!;
    const blocks = JSON.stringify(shown.blocks);
    expect(blocks).toContain('Final words');
    expect(blocks).toContain('Monitoring');
    expect((await h.bot.store.db.query("SELECT 1 FROM jobs WHERE incident_id = $1 AND dead_at IS NOT NULL", [id])).rowCount).toBe(0);
  }, 120_000);
});
