import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import { defineJob } from '../../src/scheduler/jobs.js';
import { enqueueOnce, scheduleJob } from '../../src/store/jobs.js';
import { eventually } from '../helpers/eventually.js';
import { PEOPLE, startHarness, type Harness } from '../helpers/harness.js';

/** A job that keeps failing is given up after its maximum attempts, visibly: a thread line and a counter. */
let h: Harness;
let runs = 0;
beforeAll(async () => {
  h = await startHarness({ scheduler: { tickMs: 50, leaseMs: 5_000 } });
  // A kind that always fails, registered like any other (2 attempts; backoff ~1 s between them).
  Object.assign(h.bot.jobs, {
    always_fails: defineJob({ kind: 'always_fails', payload: z.object({ what: z.string() }), maxAttempts: 2, what: (j) => `send ${j.payload.what}`, run: async () => {
      runs++;
      throw Object.assign(new Error('An API error occurred: internal_error'), { data: { error: 'internal_error' } });
    } }),
  });
});
afterAll(async () => {
  await h?.stop();
});

async function declared(title: string): Promise<{ id: number; ts: string }> {
  await h.run(PEOPLE.alice, '/incident', `declare L3 ${title}`);
  const card = await h.emulator.waitFor(() => h.cards().find((m) => m.text.includes(title)));
  return { id: Number(/INC-(\d+)/.exec(card.text)![1]), ts: card.ts };
}
const metric = async () => {
  const text = await (await fetch(`http://127.0.0.1:${h.port}/metrics`)).text();
  return text.split('\n').find((l) => l.startsWith('drbot_jobs_dead_lettered_total{kind="always_fails"}'));
};

describe('dead letters', () => {
  it('after its maximum attempts a job stops, the thread says what could not be done and why, /metrics counts it', async () => {
    const inc = await declared('Dead letter drill');
    await scheduleJob(h.bot.store.db, { kind: 'always_fails', key: 'x', incidentId: inc.id, dueAt: new Date(), payload: { what: 'the status page update' } });
    const line = await h.emulator.waitFor(() => h.emulator.thread(h.cards()[0]!.channel, inc.ts).find((m) => m.text.includes('Could not send the status page update')), 15_000);
    expect(line.text).toBe(':warning: Could not send the status page update after 2 tries: internal_error.');
    expect(runs).toBe(2);
    const row = await h.bot.store.db.query<{ dead: boolean; done: boolean }>("SELECT dead_at IS NOT NULL AS dead, done_at IS NOT NULL AS done FROM jobs WHERE kind = 'always_fails'");
    expect(row.rows).toEqual([{ dead: true, done: true }]);
    expect(await metric()).toBe('drbot_jobs_dead_lettered_total{kind="always_fails"} 1');
  }, 30_000);

  it('a payload that does not match its schema is dead-lettered at once, without running', async () => {
    const inc = await declared('Bad payload drill');
    const before = runs;
    await enqueueOnce(h.bot.store.db, { kind: 'always_fails', key: 'bad', incidentId: inc.id, payload: { what: 42 } });
    await eventually(async () => (await h.bot.store.db.query("SELECT 1 FROM jobs WHERE key = 'bad' AND dead_at IS NOT NULL")).rowCount === 1, 10_000);
    expect(runs).toBe(before);
    const err = await h.bot.store.db.query<{ last_error: string }>("SELECT last_error FROM jobs WHERE key = 'bad'");
    expect(err.rows[0]!.last_error).toMatch(/does not match its schema: what:/);
  }, 30_000);
});
