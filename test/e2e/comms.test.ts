import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CHANNELS, PEOPLE, startHarness, type Harness } from '../helpers/harness.js';
import { eventually } from '../helpers/eventually.js';
import { blockText } from '../helpers/slack-views.js';

let h: Harness;
let card: { ts: string };
beforeAll(async () => {
  h = await startHarness();
  await h.run(PEOPLE.alice, '/incident', 'declare L2 Payment processing delays --services payment-processing,api-gateway --description "card payments take 30 s"');
  card = await h.emulator.waitFor(() => h.cards()[0]);
  await h.run(PEOPLE.alice, '/incident', `assign comms <@${PEOPLE.georgi}|georgi>`);
  await h.run(PEOPLE.dmitri, '/incident', 'update Failing over to the replica --status identified');
  await h.emulator.waitFor(() => h.emulator.thread(CHANNELS.incidents, card.ts).find((m) => m.text.includes('Failing over')));
});
afterAll(async () => {
  await h?.stop();
});

const openForm = (user: string, title: string) =>
  h.emulator.waitFor(() => h.emulator.openViews(user).find((v) => v.callback_id === 'incident_comms' && (v.title as { text: string }).text === title));

describe('/incident comms over signed HTTP', () => {
  it('customer: the form is pre-filled from the incident; preview shows the draft; post puts it in the thread', async () => {
    await h.run(PEOPLE.georgi, '/incident', 'comms customer');
    const view = await openForm(PEOPLE.georgi, 'Customer message');
    const desc = view.blocks.find((b) => b.block_id === 'description')!;
    expect(desc.element.initial_value).toBe('card payments take 30 s');
    expect(view.blocks.find((b) => b.block_id === 'services')!.element.initial_options.map((o: { value: string }) => o.value)).toEqual(['payment-processing', 'api-gateway']);

    // Preview without the expected resolution: the problem is named, nothing is posted.
    await h.emulator.clickButton({ user: PEOPLE.georgi, viewId: view.id, actionId: 'comms_preview' });
    const withProblem = await h.emulator.waitFor(() => (blockText(h.emulator.view(view.id)!).includes('Expected resolution: required') ? h.emulator.view(view.id) : undefined));
    expect(withProblem).toBeDefined();

    await h.emulator.clickButton({ user: PEOPLE.georgi, viewId: view.id, actionId: 'comms_preview', values: { expected: 'within 2 hours' } });
    const previewed = await h.emulator.waitFor(() => (blockText(h.emulator.view(view.id)!).includes('Dear BOOM Card Members') ? h.emulator.view(view.id) : undefined));
    const text = blockText(previewed!);
    expect(text).toContain('We are currently experiencing card payments take 30 s.');
    expect(text).toContain('Affected Services: Payment Processing System, API Gateway &amp; POS Integrations');
    expect(text).toContain('Expected Resolution: within 2 hours');
    expect(text).toContain('support@boomcard.bg');

    const r = await h.emulator.submitView({ user: PEOPLE.georgi, viewId: view.id, values: { expected: 'within 2 hours' } });
    expect(r.status).toBe(200);
    const draft = await h.emulator.waitFor(() => h.emulator.thread(CHANNELS.incidents, card.ts).find((m) => m.text.includes('*Customer message* draft')));
    expect(draft.text).toContain(`prepared by <@${PEOPLE.georgi}>`);
    expect(draft.text).toContain('Subject: BOOM Card Service Update');
    const rows = await eventually(async () => {
      const r = (await h.bot.store.timeline(1)).filter((e) => e.kind === 'comms_prepared');
      return r.length ? r : undefined;
    });
    expect(rows).toEqual([expect.objectContaining({ actor: PEOPLE.georgi, data: expect.objectContaining({ template: 'customer' }) })]);
  });

  it('missing fields on Post are answered in the modal', async () => {
    await h.run(PEOPLE.georgi, '/incident', 'comms partner INC-1');
    const view = await openForm(PEOPLE.georgi, 'Partner message');
    const r = await h.emulator.submitView({ user: PEOPLE.georgi, viewId: view.id, values: { impact: 'POS validation fails', expected: '   ' } });
    expect(r.body).toMatchObject({ response_action: 'errors', errors: { expected: 'Expected resolution: required' } });
    expect((await h.bot.store.timeline(1)).filter((e) => e.kind === 'comms_prepared')).toHaveLength(1);
  });

  it('status page: posted as a draft and as a markdown file; hostile text neither breaks nor pings', async () => {
    await h.run(PEOPLE.georgi, '/incident', 'comms status');
    const view = await openForm(PEOPLE.georgi, 'Status page update');
    expect(view.blocks.find((b) => b.block_id === 'update')!.element.initial_value).toBe('Failing over to the replica');
    const hostile = `Fixed {{title}} <!channel> *now* ${'y'.repeat(2_900)}`.slice(0, 3_000);
    await h.emulator.submitView({ user: PEOPLE.georgi, viewId: view.id, values: { update: hostile, status: 'Monitoring' } });
    const file = await h.emulator.waitFor(() => h.emulator.thread(CHANNELS.incidents, card.ts).find((m) => m.files?.length));
    expect(file.files![0]!.name).toBe('INC-1-status-page.md');
    expect(file.files![0]!.content).toContain('**Status**: Monitoring');
    expect(file.files![0]!.content).toContain('- [x] Payment Processing System');
    expect(file.files![0]!.content).toContain('- [ ] Admin Panel');
    expect(file.files![0]!.content).toContain('Fixed {{title}} <!channel> *now*');
    const drafts = h.emulator.thread(CHANNELS.incidents, card.ts).filter((m) => m.text.includes('```'));
    const all = drafts.map((m) => m.text).join('');
    expect(all).not.toContain('<!channel>');
    expect(all).toContain('Fixed {{title}} &lt;!channel&gt; *now*');
  });

  it('bad input: unknown kind, no incident', async () => {
    const before = h.emulator.ephemerals({ user: PEOPLE.ivan }).length;
    await h.run(PEOPLE.ivan, '/incident', 'comms press');
    await h.run(PEOPLE.ivan, '/incident', 'comms customer INC-99');
    const said = await h.emulator.waitFor(() => {
      const e = h.emulator.ephemerals({ user: PEOPLE.ivan }).slice(before);
      return e.length >= 1 ? e : undefined;
    });
    expect(said[0]!.text).toMatch(/"press" is not a message kind[\s\S]*Usage: `\/incident comms/);
    const modal = await h.emulator.waitFor(() => h.emulator.openViews(PEOPLE.ivan).find((v) => blockText(v).includes('INC-99 does not exist')));
    expect(modal).toBeDefined();
  });
});
