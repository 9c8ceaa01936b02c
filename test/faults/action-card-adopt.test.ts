import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Runbook } from '../../src/runbooks/types.js';
import { drPolicy } from '../helpers/dr-policy.js';
import { eventually } from '../helpers/eventually.js';
import { CHANNELS, PEOPLE, startHarness, type Harness } from '../helpers/harness.js';

/**
 * A guarded action's Slack writes are jobs: a plan card whose post landed but whose answer never came is
 * adopted by the job's next try (its metadata names the action), not posted again; the run's end is one
 * card redraw and one thread line, each once.
 */
const ran: string[] = [];
const noop: Runbook<Record<string, never>> = {
  id: 'test-noop',
  title: 'Harmless action',
  destructive: false,
  requestRoles: ['incident_commander'],
  approveRoles: ['incident_commander', 'dba'],
  plan: async () => ({ target: 'thing', summary: 'Does one harmless thing', facts: [], warnings: [], data: {} }),
  steps: () => [{ id: 'one', title: 'Step one', run: async () => void ran.push('one') }],
};

let h: Harness;
let cardTs: string;
beforeAll(async () => {
  h = await startHarness({ policy: drPolicy(), slackRetries: 0, slackTimeoutMs: 1_000, scheduler: { tickMs: 100, leaseMs: 5_000 } });
  h.bot.actions.register(noop);
  await h.run(PEOPLE.alice, '/incident', 'declare L3 Plan card adoption');
  cardTs = (await h.emulator.waitFor(() => h.cards().find((m) => m.text.includes('Plan card adoption')), 10_000)).ts;
  await eventually(async () => (await h.bot.store.incidents.get(1))?.cardTs);
}, 30_000);
afterAll(async () => {
  await h?.stop();
});

const planCards = (id: number) => h.emulator.thread(CHANNELS.incidents, cardTs).filter((m) => m.text.startsWith(`Action #${id}`));

describe('plan cards through the outbox', () => {
  it('a card that landed while Slack did not answer in time is adopted, not posted twice; the run ends with one line', async () => {
    // Slack takes the post but answers after the client gave up (1 s): the job fails its first try.
    h.emulator.answerDelayMs = { 'chat.postMessage': 2_500 };
    const replies: string[] = [];
    const a = await h.bot.actions.propose({ userId: PEOPLE.alice, channelId: CHANNELS.incidents, reply: async (m) => void replies.push(typeof m === 'string' ? m : m.text) }, 'test-noop', {}, { dryRun: false, usage: '/dr test' });
    await h.emulator.waitFor(() => planCards(a!.id)[0], 10_000);
    h.emulator.answerDelayMs = {};
    const recorded = await eventually(async () => (await h.bot.actions.mustGet(a!.id)).messageTs, 20_000);
    expect(planCards(a!.id)).toHaveLength(1);
    expect(recorded).toBe(planCards(a!.id)[0]!.ts);
    const posts = h.emulator.calls.filter((c) => c.method === 'chat.postMessage' && JSON.stringify(c.args).includes(`Action #${a!.id}`));
    expect(posts).toHaveLength(1);
    // The reply did not claim a card Slack had not confirmed yet.
    expect(replies[0]).toMatch(new RegExp(`Plan #${a!.id} (is in|is recorded)`));

    await h.emulator.clickButton({ user: PEOPLE.dmitri, actionId: 'dr_action_confirm', value: String(a!.id), channel: CHANNELS.incidents });
    await h.emulator.waitFor(() => (/Done in/.test(JSON.stringify(planCards(a!.id)[0]?.blocks ?? [])) ? true : undefined), 15_000);
    const done = await h.emulator.waitFor(() => h.emulator.thread(CHANNELS.incidents, cardTs).find((m) => m.text.includes(`Action #${a!.id} (Harmless action) is done`)), 10_000);
    expect(done).toBeDefined();
    await eventually(async () => (await h.bot.store.db.query<{ n: number }>('SELECT count(*)::int AS n FROM jobs WHERE incident_id = 1 AND kind IN ($1, $2, $3) AND done_at IS NULL', ['action_card', 'action_card_edit', 'thread_line'])).rows[0]!.n === 0, 10_000);
    expect(h.emulator.thread(CHANNELS.incidents, cardTs).filter((m) => m.text.includes(`Action #${a!.id} (Harmless action) is done`))).toHaveLength(1);
    expect(ran).toEqual(['one']);
  }, 60_000);
});
