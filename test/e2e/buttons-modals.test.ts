import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CHANNELS, PEOPLE, startHarness, type Harness } from '../helpers/harness.js';
import { blockText, cardOf } from '../helpers/slack-views.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

const openModal = (user: string, callbackId: string) =>
  h.emulator.waitFor(() => h.emulator.openViews(user).find((v) => v.callback_id === callbackId));

describe('the declare modal', () => {
  it('opens with no text, answers field errors in the modal, and declares once per view', async () => {
    const reply = await h.run(PEOPLE.alice, '/incident', 'declare');
    expect(reply.status).toBe(200);
    const view = await openModal(PEOPLE.alice, 'incident_declare');

    const bad = await h.emulator.submitView({ user: PEOPLE.alice, viewId: view.id, values: { level: '1', title: 'Checkout <!channel> down', description: 'x'.repeat(2900) } });
    expect(bad.body).toMatchObject({ response_action: 'errors', errors: { title: expect.stringContaining('mentions') } });
    expect(h.emulator.view(view.id)!.errors).toEqual(bad.body.errors);
    expect(await h.bot.store.incidents.listOpen()).toHaveLength(0);

    const values = {
      level: '2',
      title: 'Partner dashboard inaccessible',
      services: ['partner-dashboard'],
      description: '502 from the load balancer',
      commander: PEOPLE.maria,
      drill: ['drill'],
    };
    // Slack may deliver the same submission twice (double click, retry): one incident.
    const [a, b] = await Promise.all([
      h.emulator.submitView({ user: PEOPLE.alice, viewId: view.id, values }),
      h.emulator.submitView({ user: PEOPLE.alice, viewId: view.id, values }).catch(() => ({ status: 0 })),
    ]);
    expect(a.status).toBe(200);
    expect([0, 200]).toContain(b.status);
    const card = await h.emulator.waitFor(() => h.cards().find((m) => m.text.includes('Partner dashboard inaccessible')));
    const text = blockText(card);
    expect(text).toContain('[DRILL] INC-1 · L2 High · Partner dashboard inaccessible');
    expect(text).toContain('*DRILL*');
    expect(text).toContain(`*Incident Commander*\n<@${PEOPLE.maria}>`);
    expect(text).toContain('502 from the load balancer');
    await new Promise((r) => setTimeout(r, 300));
    expect(h.cards().filter((m) => m.text.includes('Partner dashboard'))).toHaveLength(1);
    const rows = await h.bot.store.db.query<{ n: number }>('SELECT count(*)::int AS n FROM incidents');
    expect(rows.rows[0]!.n).toBe(1);
  });
});

describe('card buttons', () => {
  let ts: string;
  beforeAll(async () => {
    await h.run(PEOPLE.alice, '/incident', 'declare L3 Analytics engine failure');
    ts = (await h.emulator.waitFor(() => h.cards().find((m) => m.text.includes('Analytics engine failure')))).ts;
  });

  it('Post update opens a modal filled with the incident; submitting posts to the thread', async () => {
    const r = await h.emulator.clickButton({ user: PEOPLE.dmitri, actionId: 'incident_post_update', channel: CHANNELS.incidents, messageTs: ts });
    expect(r.status).toBe(200);
    const view = await h.emulator.waitFor(() => h.emulator.openViews(PEOPLE.dmitri).find((v) => v.callback_id === 'incident_update'));
    expect(blockText(view)).toContain('INC-2');
    const empty = await h.emulator.submitView({ user: PEOPLE.dmitri, viewId: view.id, values: { text: '  ' } });
    expect(empty.body).toMatchObject({ response_action: 'errors', errors: { text: 'The update is empty.' } });
    await h.emulator.submitView({ user: PEOPLE.dmitri, viewId: view.id, values: { status: 'monitoring', text: 'Reports catching up' } });
    await h.emulator.waitFor(() => h.emulator.thread(CHANNELS.incidents, ts).find((m) => m.text.includes('Reports catching up')));
    await h.emulator.waitFor(() => cardOf(h, ts, (t) => t.includes('Monitoring')));
  });

  it('Assign role opens a modal with the six roles; an Incident Commander gives one', async () => {
    await h.emulator.clickButton({ user: PEOPLE.maria, actionId: 'incident_assign_role', channel: CHANNELS.incidents, messageTs: ts });
    const view = await h.emulator.waitFor(() => h.emulator.openViews(PEOPLE.maria).find((v) => v.callback_id === 'incident_assign'));
    const roleBlock = view.blocks.find((b) => b.block_id === 'role')!;
    expect(roleBlock.element.options.map((o: { value: string }) => o.value)).toHaveLength(6);
    await h.emulator.submitView({ user: PEOPLE.maria, viewId: view.id, values: { role: 'communications_coordinator', user: PEOPLE.georgi } });
    await h.emulator.waitFor(() => cardOf(h, ts, (t) => t.includes(`Communications Coordinator <@${PEOPLE.georgi}>`)));
    const inc = await h.bot.store.incidents.get(2);
    expect(inc!.roles.communications_coordinator).toBe(PEOPLE.georgi);
  });

  it('Resolve opens a modal for the summary, then the card shows resolved', async () => {
    await h.emulator.clickButton({ user: PEOPLE.alice, actionId: 'incident_resolve', channel: CHANNELS.incidents, messageTs: ts });
    const view = await h.emulator.waitFor(() => h.emulator.openViews(PEOPLE.alice).find((v) => v.callback_id === 'incident_resolve'));
    await h.emulator.submitView({ user: PEOPLE.alice, viewId: view.id, values: { summary: 'Restarted the ETL workers' } });
    await h.emulator.waitFor(() => cardOf(h, ts, (t) => t.includes('Resolved after') && t.includes('Restarted the ETL workers')));
  });

  it('an update modal submitted after someone else resolved the incident is refused, privately', async () => {
    await h.run(PEOPLE.alice, '/incident', 'declare L4 Scheduled maintenance overran');
    const card = await h.emulator.waitFor(() => h.cards().find((m) => m.text.includes('maintenance overran')));
    await h.emulator.clickButton({ user: PEOPLE.ivan, actionId: 'incident_post_update', channel: CHANNELS.incidents, messageTs: card.ts });
    const view = await h.emulator.waitFor(() => h.emulator.openViews(PEOPLE.ivan).find((v) => v.callback_id === 'incident_update'));
    await h.run(PEOPLE.alice, '/incident', 'resolve INC-3 Done');
    await h.emulator.waitFor(() => cardOf(h, card.ts, (t) => t.includes('Resolved after')));
    const rows = (await h.bot.store.timeline(3)).length;
    await h.emulator.submitView({ user: PEOPLE.ivan, viewId: view.id, values: { status: 'monitoring', text: 'Still watching' } });
    const e = await h.emulator.waitFor(() => h.emulator.ephemerals({ user: PEOPLE.ivan }).find((x) => x.text.includes('INC-3 is already resolved')));
    expect(e.channel).toBe(CHANNELS.incidents);
    expect((await h.bot.store.timeline(3)).length).toBe(rows);
    expect(h.emulator.thread(CHANNELS.incidents, card.ts).some((m) => m.text.includes('Still watching'))).toBe(false);
  });
});
