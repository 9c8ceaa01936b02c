import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CHANNELS, PEOPLE, startHarness, type Harness } from '../helpers/harness.js';
import { eventually } from '../helpers/eventually.js';
import { blockText, cardOf, lastEphemeral } from '../helpers/slack-views.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

const timelineKinds = async (id: number) => (await h.bot.store.timeline(id)).map((e) => e.kind);

describe('/incident over signed HTTP, through the emulator', () => {
  let cardTs: string;

  it('declare posts ONE card with level, response time, escalation group, roles and buttons', async () => {
    const reply = await h.run(PEOPLE.alice, '/incident', 'declare L1 Payments failing at checkout --services payment-processing,api-gateway');
    expect(reply.status).toBe(200);
    const card = await h.emulator.waitFor(() => h.cards().find((m) => m.text.includes('INC-1')));
    cardTs = card.ts;
    const text = blockText(card);
    expect(text).toContain('INC-1 · L1 Critical · Payments failing at checkout');
    expect(text).toContain('Immediate');
    expect(text).toContain('All teams');
    expect(text).toContain(`<@${PEOPLE.alice}>`);
    expect(text).toContain('Payment Processing System, API Gateway &amp; POS Integrations');
    expect(card.blocks!.find((b) => b.type === 'actions')!.elements.map((e: { action_id: string }) => e.action_id)).toEqual([
      'incident_post_update',
      'incident_assign_role',
      'incident_resolve',
    ]);
    // Declared in the incident channel, the card is the answer: no extra private message.
    expect(h.emulator.ephemerals({ user: PEOPLE.alice })).toHaveLength(0);

    const inc = await eventually(async () => (await h.bot.store.incidents.get(1))?.cardTs && h.bot.store.incidents.get(1));
    expect(inc).toMatchObject({ level: 1, status: 'investigating', channelId: CHANNELS.incidents, cardTs, declaredBy: PEOPLE.alice, roles: { incident_commander: PEOPLE.alice } });
    expect(await timelineKinds(1)).toEqual(['declared']);
    expect(h.cards()).toHaveLength(1);
  });

  it('update goes to the thread and edits the card', async () => {
    await h.run(PEOPLE.dmitri, '/incident', 'update INC-1 Replica lag 0.4 s, promoting now --status identified');
    const reply = await h.emulator.waitFor(() => h.emulator.thread(CHANNELS.incidents, cardTs).find((m) => m.text.includes('Replica lag')));
    expect(reply.text).toContain(`from <@${PEOPLE.dmitri}>`);
    expect(reply.text).toContain('status now *Identified*');
    const card = await h.emulator.waitFor(() => cardOf(h, cardTs, (t) => t.includes('Identified') && t.includes('Last update')));
    expect(blockText(card)).toContain('Replica lag 0.4 s, promoting now');
    expect(card.edited).toBeDefined();
    expect(await timelineKinds(1)).toEqual(['declared', 'update', 'status_changed']);
  });

  it('update without INC-n in the channel of the only open incident finds it', async () => {
    await h.run(PEOPLE.alice, '/incident', 'update Apps repointed');
    await h.emulator.waitFor(() => h.emulator.thread(CHANNELS.incidents, cardTs).find((m) => m.text.includes('Apps repointed')));
  });

  it('assign gives a role, records the handover, and edits the card', async () => {
    await h.run(PEOPLE.alice, '/incident', `assign dba <@${PEOPLE.dmitri}|dmitri> INC-1`);
    await h.emulator.waitFor(() => cardOf(h, cardTs, (t) => t.includes(`Database Administrator <@${PEOPLE.dmitri}>`)));
    await h.run(PEOPLE.alice, '/incident', `assign ic <@${PEOPLE.maria}|maria>`);
    const handover = await h.emulator.waitFor(() => h.emulator.thread(CHANNELS.incidents, cardTs).find((m) => m.text.includes('is now *Incident Commander*')));
    expect(handover.text).toContain(`<@${PEOPLE.maria}> is now *Incident Commander* (handed over from <@${PEOPLE.alice}>)`);
    const inc = await h.bot.store.incidents.get(1);
    expect(inc!.roles).toEqual({ incident_commander: PEOPLE.maria, dba: PEOPLE.dmitri });
    const roleRows = (await h.bot.store.timeline(1)).filter((e) => e.kind === 'role_assigned');
    expect(roleRows.map((r) => r.data)).toEqual([
      { role: 'dba', user: PEOPLE.dmitri, previous: null },
      { role: 'incident_commander', user: PEOPLE.maria, previous: PEOPLE.alice },
    ]);
  });

  it('level de-escalates, with the new response time on the card', async () => {
    await h.run(PEOPLE.maria, '/incident', 'level INC-1 L2');
    const card = await h.emulator.waitFor(() => cardOf(h, cardTs, (t) => t.includes('L2 High')));
    expect(blockText(card)).toContain('Within 15 min');
    expect(blockText(card)).toContain('Core team + Management');
    await h.emulator.waitFor(() => h.emulator.thread(CHANNELS.incidents, cardTs).find((m) => m.text.includes('*De-escalated* from L1 Critical to *L2 High*')));
    const row = (await h.bot.store.timeline(1)).find((e) => e.kind === 'level_changed');
    expect(row).toMatchObject({ actor: PEOPLE.maria, data: { from: 1, to: 2 } });
  });

  it('status and list answer only the asker', async () => {
    const before = h.cards().length;
    await h.run(PEOPLE.georgi, '/incident', 'status INC-1');
    const status = await h.emulator.waitFor(() => lastEphemeral(h.emulator, PEOPLE.georgi, (e) => (e.blocks ?? []).length > 0));
    expect(blockText(status)).toContain('INC-1 · L2 High');
    expect(status.blocks!.some((b) => b.type === 'actions')).toBe(false);
    await h.run(PEOPLE.georgi, '/incident', 'list', CHANNELS.general);
    const list = await h.emulator.waitFor(() => lastEphemeral(h.emulator, PEOPLE.georgi, (e) => e.text.includes('open incident')));
    expect(list.text).toContain('*1 open incident*');
    expect(list.text).toContain('*INC-1* L2 High · Payments failing at checkout · Identified');
    expect(h.cards().length).toBe(before);
  });

  it('resolve shows resolved with the duration and removes the buttons', async () => {
    await h.run(PEOPLE.maria, '/incident', 'resolve INC-1 Failed over to replica-1');
    const card = await h.emulator.waitFor(() => cardOf(h, cardTs, (t) => t.includes('Resolved after')));
    expect(card.blocks!.some((b) => b.type === 'actions')).toBe(false);
    expect(blockText(card)).toContain('Failed over to replica-1');
    const inc = await h.bot.store.incidents.get(1);
    expect(inc).toMatchObject({ status: 'resolved', resolvedBy: PEOPLE.maria, resolution: 'Failed over to replica-1' });
    expect((await timelineKinds(1)).at(-1)).toBe('resolved');
    await h.run(PEOPLE.maria, '/incident', 'list');
    await h.emulator.waitFor(() => lastEphemeral(h.emulator, PEOPLE.maria, (e) => e.text.includes('No open incidents')));
  });

  it('a second resolve is refused, nothing written', async () => {
    const rows = (await h.bot.store.timeline(1)).length;
    await h.run(PEOPLE.alice, '/incident', 'resolve INC-1');
    const e = await h.emulator.waitFor(() => lastEphemeral(h.emulator, PEOPLE.alice, (x) => x.text.includes('already resolved')));
    expect(e.text).toContain(`INC-1 is already resolved (by <@${PEOPLE.maria}>)`);
    expect((await h.bot.store.timeline(1)).length).toBe(rows);
  });

  it('declared from another channel, the answer says where the card is', async () => {
    await h.run(PEOPLE.ivan, '/incident', 'declare L4 Minor performance degradation', CHANNELS.general);
    const e = await h.emulator.waitFor(() => lastEphemeral(h.emulator, PEOPLE.ivan, (x) => x.text.includes('Declared')));
    expect(e.channel).toBe(CHANNELS.general);
    expect(e.text).toContain(`Declared *INC-2* (L4 Low) in <#${CHANNELS.incidents}> — you are Incident Commander. Response time: within 4 h; escalation: Standard support.`);
    const card = h.cards().find((m) => m.text.includes('INC-2'))!;
    expect(e.text).toContain(`/archives/${CHANNELS.incidents}/p${card.ts.replace('.', '')}|Open the card>`);
    expect(h.emulator.messages(CHANNELS.general)).toHaveLength(0);
  });

  it('help lists the commands', async () => {
    const r = await h.run(PEOPLE.alice, '/incident', 'help');
    expect(JSON.stringify(r.body)).toContain('/incident declare');
  });
});
