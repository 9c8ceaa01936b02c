import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { eventually } from '../helpers/eventually.js';
import { PEOPLE, startHarness, type Harness } from '../helpers/harness.js';
import { incidentWorkDrained } from '../helpers/drain.js';

// Retries on, a short Web API timeout, a fast ticker: what production does, compressed.
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ slackRetries: 2, slackTimeoutMs: 1_000, scheduler: { tickMs: 100, leaseMs: 5_000 } });
});
afterAll(async () => {
  await h?.stop();
});

const cardsFor = (title: string) => h.cards().filter((m) => m.text.includes(title));
const postCalls = (title: string) => h.emulator.calls.filter((c) => c.method === 'chat.postMessage' && JSON.stringify(c.args).includes(title));

describe('Slack failing while an incident is declared', () => {
  it('429 with Retry-After: the bot waits as told, then posts the card once', async () => {
    h.emulator.failNext('chat.postMessage', { status: 429, retryAfterSec: 1 });
    const started = Date.now();
    await h.run(PEOPLE.alice, '/incident', 'declare L2 Rate limited declare');
    await h.emulator.waitFor(() => cardsFor('Rate limited declare')[0], 10_000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(cardsFor('Rate limited declare')).toHaveLength(1);
  });

  it('5xx beyond the retries: the declarer is told it is recorded, and the card follows once Slack is back — once', async () => {
    // Slack refuses every post until the declarer has been answered.
    h.emulator.failNext('chat.postMessage', { status: 503, count: 10_000 });
    await h.run(PEOPLE.alice, '/incident', 'declare L1 Slack outage declare');
    const told = await h.emulator.waitFor(() => h.emulator.ephemerals({ user: PEOPLE.alice }).find((e) => e.text.includes('has not shown its card yet')), 10_000);
    h.emulator.clearFaults();
    expect(told.text).toMatch(/Declared \*INC-\d+\* — you are Incident Commander. It is recorded/);
    expect(told.text).not.toContain(':boom:');
    await h.emulator.waitFor(() => cardsFor('Slack outage declare')[0], 15_000);
    await incidentWorkDrained(h.bot.store.db);
    expect(cardsFor('Slack outage declare')).toHaveLength(1);
    const inc = (await h.bot.store.incidents.listOpen()).find((i) => i.title === 'Slack outage declare')!;
    expect(inc.cardTs).toBe(cardsFor('Slack outage declare')[0]!.ts);
  }, 30_000);

  it('Slack timing out: the same — told, then one card', async () => {
    h.emulator.latencyMs = 2_500;
    await h.run(PEOPLE.alice, '/incident', 'declare L3 Slow Slack declare');
    await eventually(async () => (await h.bot.store.incidents.listOpen()).some((i) => i.title === 'Slow Slack declare'), 10_000);
    await new Promise((r) => setTimeout(r, 4_000));
    h.emulator.latencyMs = 0;
    // The timed-out post landed in Slack after all: the card job finds it and adopts it instead of posting again.
    const inc = await eventually(async () => (await h.bot.store.incidents.listOpen()).find((i) => i.title === 'Slow Slack declare' && i.cardTs), 20_000);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(cardsFor('Slow Slack declare')).toHaveLength(1);
    expect(cardsFor('Slow Slack declare')[0]!.ts).toBe(inc.cardTs);
    expect(postCalls('Slow Slack declare')).toHaveLength(1);
  }, 40_000);
});
