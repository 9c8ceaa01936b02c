/**
 * Status page out: incidents published to a strict local Statuspage v1 peer (OAuth key, enums, components,
 * 1 request/s per key answered 420 beyond it) through the job queue; drills never publish.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { drPolicy } from '../helpers/dr-policy.js';
import { eventually } from '../helpers/eventually.js';
import { incidentWorkDrained } from '../helpers/drain.js';
import { CHANNELS, PEOPLE, startHarness, type Harness } from '../helpers/harness.js';
import { blockText } from '../helpers/slack-views.js';
import { StatuspagePeer } from '../peers/statuspage.js';

const KEY = 'sp-api-key-0123456789';
const OUTSIDER = 'U0OUTSIDE3';
let h: Harness;
let sp: StatuspagePeer;
beforeAll(async () => {
  sp = await new StatuspagePeer('kctbh9vrtdwd', KEY, ['cmpgateway1', 'cmppayments1']).start();
  const policy = drPolicy();
  policy.statuspage = { pageId: 'kctbh9vrtdwd', tokenEnv: 'STATUSPAGE_API_KEY', apiUrl: sp.url, components: { 'api-gateway': 'cmpgateway1', 'payment-processing': 'cmppayments1' }, autoPublishLevels: [1, 2], minGap: 1_000, timeout: 2_000 };
  h = await startHarness({ policy, env: { STATUSPAGE_API_KEY: KEY }, scheduler: { tickMs: 50, leaseMs: 5_000 } });
  h.emulator.addUser({ id: OUTSIDER, name: 'mallory', real_name: 'Mallory' });
});
afterAll(async () => {
  await h?.stop();
  await sp?.close();
});

const answer = async (user: string, text: string) => {
  const before = h.emulator.ephemerals({ user }).length;
  await h.run(user, '/incident', text);
  return (await h.emulator.waitFor(() => h.emulator.ephemerals({ user }).slice(before)[0], 15_000)).text;
};
const declare = async (text: string) => {
  const before = h.cards().length;
  await h.run(PEOPLE.alice, '/incident', `declare ${text}`);
  const card = await h.emulator.waitFor(() => h.cards().slice(before).find((m) => /INC-\d+/.test(m.text)), 15_000);
  return { id: Number(/INC-(\d+)/.exec(card.text)![1]), ts: card.ts };
};
const openForm = (user: string, ref: string) =>
  h.emulator.waitFor(() => h.emulator.openViews(user).find((v) => v.callback_id === 'incident_comms' && (v.title as { text: string }).text === 'Status page update' && blockText(v).includes(ref)), 15_000);
const ours = (id: number) => [...sp.incidents.values()].find((i) => (i.metadata as { drbot?: { incident?: number } }).drbot?.incident === id);
const published = (id: number) => eventually(async () => (await h.bot.store.db.query<{ n: number }>("SELECT count(*)::int AS n FROM jobs WHERE kind = 'statuspage_publish' AND incident_id = $1 AND done_at IS NULL", [id])).rows[0]!.n === 0 && ours(id), 30_000);

describe('the status page', () => {
  it('an L2 is published with its components, updated with its status, resolved with it; the card links to it', async () => {
    const inc = await declare('L2 Checkout errors --services api-gateway,payment-processing');
    const pub = await published(inc.id);
    expect(pub).toMatchObject({ name: 'Checkout errors', status: 'investigating', impact_override: 'major', components: { cmpgateway1: 'partial_outage', cmppayments1: 'partial_outage' } });
    expect(pub.body).toContain('API Gateway');
    await h.emulator.waitFor(() => h.cards().find((m) => m.ts === inc.ts && JSON.stringify(m.blocks).includes(`<${pub.shortlink}|Public incident on the status page>`)), 15_000);
    expect(await answer(PEOPLE.alice, `update INC-${inc.id} Bad deploy found --status identified`)).toContain('posted');
    await eventually(async () => ours(inc.id)?.status === 'identified', 15_000);
    expect(await answer(PEOPLE.alice, `resolve INC-${inc.id} Rolled back`)).toContain('resolved');
    await eventually(async () => ours(inc.id)?.status === 'resolved', 15_000);
    expect(ours(inc.id)!.components).toEqual({ cmpgateway1: 'operational', cmppayments1: 'operational' });
    // Nothing internal leaves: no update text, no resolution summary.
    expect(JSON.stringify(sp.requests.map((r) => r.body))).not.toMatch(/Bad deploy|Rolled back/);
    await incidentWorkDrained(h.bot.store.db, inc.id);
  }, 60_000);

  it('a burst of 20 updates over 4 incidents: at most one request a second, none refused, each ends at its latest state; a drill publishes nothing', async () => {
    const drill = await declare('L1 Game day: checkout down --drill --services payment-processing');
    const incs = [];
    for (let i = 0; i < 4; i++) incs.push(await declare(`L2 Burst ${i} --services api-gateway`));
    const from = sp.requests.length;
    const statuses = ['identified', 'monitoring', 'identified', 'monitoring', 'identified'];
    await Promise.all(
      incs.map(async (inc) => {
        for (const [n, s] of statuses.entries()) await h.run(PEOPLE.alice, '/incident', `update INC-${inc.id} Step ${n} --status ${s}`);
      }),
    );
    await h.run(PEOPLE.alice, '/incident', `update INC-${drill.id} Drill step --status identified`);
    for (const inc of incs) await eventually(async () => ours(inc.id)?.status === 'identified' && (await h.bot.store.incidents.get(inc.id))!.status === 'identified', 60_000);
    for (const inc of incs) await incidentWorkDrained(h.bot.store.db, inc.id, 60_000);
    await eventually(async () => (await h.bot.store.db.query<{ n: number }>("SELECT count(*)::int AS n FROM jobs WHERE kind = 'statuspage_publish' AND done_at IS NULL")).rows[0]!.n === 0, 60_000);
    const sent = sp.requests.slice(from);
    const gaps = sent.slice(1).map((r, i) => r.at - sent[i]!.at);
    expect(sp.limited()).toHaveLength(0);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(1_000);
    // The drill's status-page form posts its draft to the thread and publishes nothing.
    for (const v of h.emulator.openViews(PEOPLE.alice)) await h.emulator.closeView({ user: PEOPLE.alice, viewId: v.id });
    await h.run(PEOPLE.alice, '/incident', `statuspage INC-${drill.id}`);
    const form = await openForm(PEOPLE.alice, `INC-${drill.id}`);
    expect(blockText(form)).toContain('A drill: never published');
    expect((form.submit as { text: string }).text).toBe('Post draft');
    await h.emulator.submitView({ user: PEOPLE.alice, viewId: form.id, values: { update: 'Game day: drill text' } });
    await h.emulator.waitFor(() => h.emulator.thread(CHANNELS.incidents, drill.ts).find((m) => m.files?.length), 15_000);
    await incidentWorkDrained(h.bot.store.db, drill.id, 60_000);
    expect(ours(drill.id)).toBeUndefined();
    expect(JSON.stringify(sp.requests.map((r) => r.body))).not.toContain('Game day');
    expect(await answer(PEOPLE.alice, `statuspage INC-${drill.id} publish`)).toContain('drills never publish');
  }, 120_000);

  it('an L3 publishes only when asked, by its commander or communications; 429s are retried', async () => {
    const inc = await declare('L3 Slow partner dashboard --services api-gateway');
    for (const v of h.emulator.openViews(PEOPLE.alice)) await h.emulator.closeView({ user: PEOPLE.alice, viewId: v.id });
    await h.run(PEOPLE.alice, '/incident', `statuspage INC-${inc.id}`);
    const first = await openForm(PEOPLE.alice, `INC-${inc.id}`);
    expect(blockText(first)).toContain('Not published: L3 publishes only when asked');
    expect(blockText(first)).toContain('`cmpgateway1` degraded performance');
    await h.emulator.closeView({ user: PEOPLE.alice, viewId: first.id });
    expect(await answer(OUTSIDER, `statuspage INC-${inc.id} publish`)).toContain('Only');
    expect(await answer(OUTSIDER, `statuspage INC-${inc.id}`)).toContain('Only');
    expect(await answer(PEOPLE.alice, `statuspage INC-${inc.id} now`)).toContain('is not something statuspage does');
    await incidentWorkDrained(h.bot.store.db, inc.id);
    expect(ours(inc.id)).toBeUndefined();
    sp.failNext(2, { status: 429, body: { error: 'Too many requests' } });
    expect(await answer(PEOPLE.georgi, `statuspage INC-${inc.id} publish`)).toContain('will be published');
    const pub = await published(inc.id);
    expect(pub).toMatchObject({ status: 'investigating', impact_override: 'minor', components: { cmpgateway1: 'degraded_performance' } });
    expect(sp.requests.filter((r) => r.answered === 429)).toHaveLength(2);
    // The retry looks for a create that may have landed, then creates in the next slot: never two in a second.
    expect(sp.limited()).toHaveLength(0);

    // The template's draft: pre-filled from the incident; Preview keeps the text; submit publishes that text.
    await h.run(PEOPLE.alice, '/incident', `statuspage INC-${inc.id}`);
    const view = await openForm(PEOPLE.alice, `INC-${inc.id}`);
    expect(blockText(view)).toContain('Published: <https://stspg.io/');
    expect((view.submit as { text: string }).text).toBe('Publish');
    expect(view.blocks.find((b) => b.block_id === 'title')!.element.initial_value).toBe('Slow partner dashboard');
    expect(view.blocks.find((b) => b.block_id === 'services')!.element.initial_options.map((o: { value: string }) => o.value)).toEqual(['api-gateway']);
    const reviewed = 'Partner dashboard pages load slowly; we are adding capacity & watching <latency>.';
    await h.emulator.clickButton({ user: PEOPLE.alice, viewId: view.id, actionId: 'comms_preview', values: { update: reviewed } });
    const previewed = await h.emulator.waitFor(() => (blockText(h.emulator.view(view.id)!).includes('### Update') ? h.emulator.view(view.id) : undefined), 15_000);
    expect(previewed!.blocks.find((b) => b.block_id === 'update')!.element.initial_value).toBe(reviewed);
    expect(blockText(previewed!)).toContain('we are adding capacity &amp; watching &lt;latency&gt;.');
    expect(blockText(previewed!)).toContain('Published: <https://stspg.io/');
    const from = sp.requests.length;
    const r = await h.emulator.submitView({ user: PEOPLE.alice, viewId: view.id, values: { update: reviewed } });
    expect(r.status).toBe(200);
    const body = (await eventually(async () => (ours(inc.id)?.body.includes(reviewed) ? ours(inc.id) : undefined), 20_000)).body;
    // Plain text as Statuspage takes it: no Slack entities, no Markdown marks; the components as words.
    expect(body).toContain('Slow partner dashboard\nStatus: Investigating');
    expect(body).toMatch(/- API Gateway[^\n]*: affected/);
    expect(body).not.toMatch(/\*\*|&amp;|&lt;|##/);
    expect(ours(inc.id)).toMatchObject({ status: 'investigating', components: { cmpgateway1: 'degraded_performance' } });
    await incidentWorkDrained(h.bot.store.db, inc.id);
    const sent = sp.requests.slice(from - 1);
    expect(Math.min(...sent.slice(1).map((x, i) => x.at - sent[i]!.at))).toBeGreaterThanOrEqual(1_000);
    expect(sp.limited()).toHaveLength(0);
    expect(await answer(PEOPLE.alice, `resolve INC-${inc.id} Fine now`)).toContain('resolved');
    await eventually(async () => ours(inc.id)?.status === 'resolved', 20_000);
  }, 60_000);
});
