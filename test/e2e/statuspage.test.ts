/**
 * Status page out: incidents published to a strict local Statuspage v1 peer (OAuth key, enums, components,
 * 1 request/s per key answered 420 beyond it) through the job queue; drills never publish.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { drPolicy } from '../helpers/dr-policy.js';
import { eventually } from '../helpers/eventually.js';
import { incidentWorkDrained } from '../helpers/drain.js';
import { PEOPLE, startHarness, type Harness } from '../helpers/harness.js';
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
    expect(ours(drill.id)).toBeUndefined();
    expect(JSON.stringify(sp.requests.map((r) => r.body))).not.toContain('Game day');
    expect(await answer(PEOPLE.alice, `statuspage INC-${drill.id} publish`)).toContain('drills never publish');
  }, 120_000);

  it('an L3 publishes only when asked, by its commander or communications; 429s are retried', async () => {
    const inc = await declare('L3 Slow partner dashboard --services api-gateway');
    const preview = await answer(PEOPLE.alice, `statuspage INC-${inc.id}`);
    expect(preview).toContain('Not published: L3 publishes only when asked');
    expect(preview).toContain('`cmpgateway1` degraded performance');
    expect(await answer(OUTSIDER, `statuspage INC-${inc.id} publish`)).toContain('Only');
    await incidentWorkDrained(h.bot.store.db, inc.id);
    expect(ours(inc.id)).toBeUndefined();
    sp.failNext(2, { status: 429, body: { error: 'Too many requests' } });
    expect(await answer(PEOPLE.georgi, `statuspage INC-${inc.id} publish`)).toContain('will be published');
    const pub = await published(inc.id);
    expect(pub).toMatchObject({ status: 'investigating', impact_override: 'minor', components: { cmpgateway1: 'degraded_performance' } });
    expect(sp.requests.filter((r) => r.answered === 429)).toHaveLength(2);
    // The retry looks for a create that may have landed, then creates in the next slot: never two in a second.
    expect(sp.limited()).toHaveLength(0);
    expect(await answer(PEOPLE.alice, `resolve INC-${inc.id} Fine now`)).toContain('resolved');
    await eventually(async () => ours(inc.id)?.status === 'resolved', 20_000);
  }, 60_000);
});
