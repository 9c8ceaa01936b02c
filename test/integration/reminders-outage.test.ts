import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { systemClock } from '../../src/core/clock.js';
import { createLogger } from '../../src/observability/logger.js';
import { Scheduler } from '../../src/scheduler/ticker.js';
import { PEOPLE, startHarness, type Harness } from '../helpers/harness.js';
import { createPgInstance, type PgInstance } from '../helpers/pg-instance.js';
import { reminders, sleep } from '../helpers/reminders.js';

const FAST = { DR_POLICY: 'test/fixtures/policy-fast.yml' };
const seqs = (h: Harness, id: number) => reminders(h.emulator, id).map((r) => r.seq);
const oneToN = (xs: number[]) => xs.map((_, i) => i + 1);

async function declare(h: Harness, title: string): Promise<number> {
  await h.run(PEOPLE.alice, '/incident', `declare L3 ${title}`);
  const card = await h.emulator.waitFor(() => h.cards().find((m) => m.text.includes(title)));
  return Number(/INC-(\d+)/.exec(card.text)![1]);
}

describe('reminders when PostgreSQL restarts', () => {
  let pg: PgInstance;
  let h: Harness;
  const lines: string[] = [];
  beforeAll(async () => {
    pg = await createPgInstance();
    const log = createLogger('info', new Writable({ write: (c, _e, cb) => (lines.push(String(c)), cb()) }));
    h = await startHarness({ databaseUrl: pg.url(), env: FAST, log, scheduler: { tickMs: 100, leaseMs: 2_000 } });
  }, 60_000);
  afterAll(async () => {
    await h?.stop();
    pg?.destroy();
  });

  it('the bot keeps running, logs the outage, and no reminder is lost once the database is back', async () => {
    const ids = [await declare(h, 'Payment processing failure'), await declare(h, 'Partner dashboard inaccessible')];
    await h.emulator.waitFor(() => ids.every((id) => seqs(h, id).length >= 2) || undefined, 10_000);
    pg.stop('fast');
    const before = ids.map((id) => seqs(h, id).length);
    await sleep(2_500);
    await h.emulator.waitFor(() => lines.some((l) => l.includes('database unavailable')), 10_000);
    // Still answering Slack: the ack does not need the database.
    expect((await h.run(PEOPLE.alice, '/incident', 'list')).status).toBe(200);
    pg.start();
    await h.emulator.waitFor(() => ids.every((id, i) => seqs(h, id).length >= before[i]! + 2) || undefined, 20_000);
    for (const id of ids) expect(seqs(h, id)).toEqual(oneToN(seqs(h, id)));
    expect(lines.some((l) => l.includes('database is back'))).toBe(true);
    const health = await fetch(`http://127.0.0.1:${h.port}/healthz`);
    expect(health.status).toBe(200);
  }, 60_000);
});

describe('a crash between posting a reminder and recording it', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ env: FAST, scheduler: false });
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('the retry finds the reminder in Slack and does not post it again', async () => {
    let crashes = 0;
    const real = h.bot.jobs.reminder!;
    const s = new Scheduler({
      db: h.bot.store.db,
      clock: systemClock,
      log: createLogger('silent'),
      tickMs: 50,
      jobs: {
        ...h.bot.jobs,
        // Posts, then "dies" before the outcome is written, the first time only.
        reminder: {
          ...real,
          run: async (job, ctx) => {
            const result = await real.run(job, ctx);
            if (crashes++ === 0) throw new Error('process died after posting');
            return result;
          },
        },
      },
    });
    s.start();
    const id = await declare(h, 'Analytics engine failure');
    await h.emulator.waitFor(() => seqs(h, id).length >= 3 || undefined, 15_000);
    await s.stop();
    expect(crashes).toBeGreaterThanOrEqual(4);
    expect(seqs(h, id)).toEqual(oneToN(seqs(h, id)));
  }, 30_000);
});
