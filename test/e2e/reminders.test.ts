import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CHANNELS, PEOPLE, startHarness, type Harness } from '../helpers/harness.js';
import { reminders, sleep } from '../helpers/reminders.js';

// The shipped policy with 1 s cadences; the ticker looks every 100 ms.
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ env: { DR_POLICY: 'test/fixtures/policy-fast.yml' }, scheduler: { tickMs: 100, leaseMs: 2_000 } });
});
afterAll(async () => {
  await h?.stop();
});

async function declare(text: string): Promise<{ id: number; ts: string }> {
  await h.run(PEOPLE.alice, '/incident', `declare ${text}`);
  const title = text.split(' ').slice(1).join(' ');
  const card = await h.emulator.waitFor(() => h.cards().find((m) => m.text.includes(title)));
  const id = Number(/INC-(\d+)/.exec(card.text)![1]);
  return { id, ts: card.ts };
}

async function resolve(id: number): Promise<void> {
  await h.run(PEOPLE.alice, '/incident', `resolve INC-${id}`);
  await h.emulator.waitFor(() => h.emulator.ephemerals({ user: PEOPLE.alice }).find((e) => e.text.includes(`*INC-${id}* resolved`)));
}

describe('status-update reminders', () => {
  it('the first is due one cadence after declaration, in the thread, asking the IC, with a Post update button', async () => {
    const started = Date.now();
    const inc = await declare('L2 Primary database offline');
    const first = await h.emulator.waitFor(() => reminders(h.emulator, inc.id)[0], 4_000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(first).toMatchObject({ seq: 1, escalated: false, inThread: true });
    expect(first.message.thread_ts).toBe(inc.ts);
    expect(first.message.text).toContain(`<@${PEOPLE.alice}>`);
    const button = first.message.blocks!.find((b) => b.type === 'actions')!.elements[0];
    expect(button).toMatchObject({ action_id: 'incident_post_update', value: String(inc.id) });
    await resolve(inc.id);
  });

  it('asks the Incident Commander and the Communications Coordinator once there is one', async () => {
    const inc = await declare('L3 Reporting system offline');
    await h.run(PEOPLE.alice, '/incident', `assign comms <@${PEOPLE.georgi}|georgi> INC-${inc.id}`);
    const r = await h.emulator.waitFor(() => reminders(h.emulator, inc.id).find((x) => x.message.text.includes(PEOPLE.georgi)), 4_000);
    expect(r.message.text).toContain(`<@${PEOPLE.alice}>`);
    await resolve(inc.id);
  });

  it('an update restarts the count; two missed cadences escalate to the channel with the level group', async () => {
    const inc = await declare('L2 Authentication service failure');
    await h.emulator.waitFor(() => reminders(h.emulator, inc.id)[0], 4_000);
    await h.run(PEOPLE.alice, '/incident', `update INC-${inc.id} Investigating the auth pods`);
    const updatedAt = Date.now();
    const countAtUpdate = reminders(h.emulator, inc.id).length;
    await sleep(700);
    expect(reminders(h.emulator, inc.id)).toHaveLength(countAtUpdate);
    const afterUpdate = await h.emulator.waitFor(() => reminders(h.emulator, inc.id)[countAtUpdate], 4_000);
    expect(Date.now() - updatedAt).toBeGreaterThanOrEqual(900);
    expect(afterUpdate).toMatchObject({ escalated: false, inThread: true });

    const escalation = await h.emulator.waitFor(() => reminders(h.emulator, inc.id).find((r) => r.escalated), 4_000);
    expect(escalation.inThread).toBe(false);
    expect(escalation.message.thread_ts).toBeUndefined();
    // L2 escalates to the core team + management (dr-policy.yml teams).
    for (const u of [PEOPLE.alice, PEOPLE.dmitri, PEOPLE.ivan, PEOPLE.maria]) expect(escalation.message.text).toContain(`<@${u}>`);
    expect(escalation.message.text).not.toContain(PEOPLE.georgi);
    expect(JSON.stringify(escalation.message.blocks)).toContain('Core team + Management');

    await h.run(PEOPLE.alice, '/incident', `resolve INC-${inc.id}`);
    await sleep(300);
    const atResolve = reminders(h.emulator, inc.id).length;
    await sleep(2_200);
    expect(reminders(h.emulator, inc.id)).toHaveLength(atResolve);
    const job = await h.bot.store.db.query<{ done: boolean }>("SELECT bool_and(done_at IS NOT NULL) AS done FROM jobs WHERE kind = 'reminder' AND key = $1", [String(inc.id)]);
    expect(job.rows[0]!.done).toBe(true);
  });

  it('L1 escalates to all teams', async () => {
    const inc = await declare('L1 Complete platform outage');
    const escalation = await h.emulator.waitFor(() => reminders(h.emulator, inc.id).find((r) => r.escalated), 5_000);
    for (const u of Object.values(PEOPLE)) expect(escalation.message.text).toContain(`<@${u}>`);
    await resolve(inc.id);
  });

  it('/incident remind: the IC changes the cadence or turns it off; others and bad values are refused', async () => {
    const inc = await declare('L3 Single microservice failure');
    const answer = async (user: string, text: string) => {
      const before = h.emulator.ephemerals({ user }).length;
      await h.run(user, '/incident', text);
      return (await h.emulator.waitFor(() => h.emulator.ephemerals({ user }).slice(before)[0])).text;
    };
    expect(await answer(PEOPLE.alice, `remind INC-${inc.id} soon`)).toMatch(/"soon" is not a cadence[\s\S]*Usage: `\/incident remind/);
    expect(await answer(PEOPLE.alice, `remind INC-${inc.id} 5s`)).toMatch(/between 1 min and 1 d, or off/);
    expect(await answer(PEOPLE.alice, `remind INC-${inc.id}`)).toMatch(/Say the new cadence/);
    expect(await answer(PEOPLE.georgi, `remind INC-${inc.id} off`)).toMatch(/Only this incident's Incident Commander can use `\/incident remind`/);
    // Refused at the router, before anything is read or written: no timeline row (the log has the line).
    const refused = (await h.bot.store.timeline(inc.id)).filter((e) => e.kind === 'refused');
    expect(refused).toHaveLength(0);

    expect(await answer(PEOPLE.alice, `remind INC-${inc.id} off`)).toContain('are off');
    await sleep(300);
    const atOff = reminders(h.emulator, inc.id).length;
    await sleep(2_200);
    expect(reminders(h.emulator, inc.id)).toHaveLength(atOff);

    expect(await answer(PEOPLE.alice, `remind INC-${inc.id} 15m`)).toContain('every 15 min');
    const job = await h.bot.store.db.query<{ due_at: Date }>("SELECT due_at FROM jobs WHERE kind = 'reminder' AND key = $1 AND done_at IS NULL", [String(inc.id)]);
    expect(job.rows).toHaveLength(1);
    const cadences = (await h.bot.store.timeline(inc.id)).filter((e) => e.kind === 'reminder_cadence').map((e) => e.data.everyMs);
    expect(cadences).toEqual([0, 900_000]);
    expect((await h.bot.store.incidents.get(inc.id))!.remindEveryMs).toBe(900_000);
  });

  it('the reminder button opens the update form', async () => {
    const inc = await declare('L4 Minor performance degradation');
    const r = await h.emulator.waitFor(() => reminders(h.emulator, inc.id)[0], 4_000);
    await h.emulator.clickButton({ user: PEOPLE.alice, actionId: 'incident_post_update', channel: CHANNELS.incidents, messageTs: r.message.ts });
    const view = await h.emulator.waitFor(() => h.emulator.openViews(PEOPLE.alice).find((v) => v.callback_id === 'incident_update'));
    await h.emulator.submitView({ user: PEOPLE.alice, viewId: view.id, values: { status: 'monitoring', text: 'Latency back to normal' } });
    await h.emulator.waitFor(() => h.emulator.thread(CHANNELS.incidents, inc.ts).find((m) => m.text.includes('Latency back to normal')));
    await resolve(inc.id);
  });
});
