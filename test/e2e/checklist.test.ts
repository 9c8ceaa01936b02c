import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { drPolicy } from '../helpers/dr-policy.js';
import { eventually } from '../helpers/eventually.js';
import { CHANNELS, PEOPLE, startHarness, type Harness } from '../helpers/harness.js';
import { blockText } from '../helpers/slack-views.js';

let h: Harness;
let web: Server;
let redis: Redis;

beforeAll(async () => {
  web = createServer((req, res) => res.writeHead(req.url === '/health' ? 200 : 503).end('ok'));
  await new Promise<void>((r) => web.listen(0, '127.0.0.1', () => r()));
  const port = (web.address() as { port: number }).port;
  // Real Redis with a known hit rate: 19 hits, 1 miss since the stats were reset.
  redis = new Redis('redis://127.0.0.1:6379/11');
  await redis.config('RESETSTAT');
  await redis.set('dr-bot-test', '1');
  for (let i = 0; i < 19; i++) await redis.get('dr-bot-test');
  await redis.get('dr-bot-test-missing');
  const policy = drPolicy({
    targets: {
      redis: { urlEnv: 'TEST_PLATFORM_REDIS_URL' },
      health: [{ name: 'API Gateway', url: `http://127.0.0.1:${port}/health` }],
      // The "replica" is the local primary: the lag probe must see it is not replicating and leave the item to people.
      database: { provider: 'postgres', primary: 'production-primary', replicas: [{ name: 'production-replica-1', connectionEnv: 'TEST_REPLICA_URL' }] },
    },
  });
  h = await startHarness({ policy, env: { TEST_PLATFORM_REDIS_URL: 'redis://127.0.0.1:6379/11', TEST_REPLICA_URL: 'postgres://postgres@127.0.0.1:5432/postgres' } });
});
afterAll(async () => {
  await h?.stop();
  await redis?.quit();
  await new Promise((r) => web?.close(r));
});

/** A command's private answer: waited for, so it can't land in the next command's turn. */
const answer = async (user: string, text: string) => {
  const before = h.emulator.ephemerals({ user }).length;
  await h.run(user, '/incident', text);
  return (await h.emulator.waitFor(() => h.emulator.ephemerals({ user }).slice(before)[0])).text;
};

const checklistMsg = (cardTs: string) => h.emulator.thread(CHANNELS.incidents, cardTs).find((m) => m.text.includes('post-recovery checklist'));

describe('the post-recovery checklist', () => {
  it('is posted on resolve; probes tick what they can with evidence; people tick the rest; then the incident closes', async () => {
    await h.run(PEOPLE.alice, '/incident', 'declare L2 Primary database offline');
    const card = await h.emulator.waitFor(() => h.cards()[0]);
    // The answer waits (up to 2.5 s) for the thread line; it must not arrive during the next test.
    expect(await answer(PEOPLE.alice, 'resolve INC-1 Failed over')).toContain('*INC-1* resolved after');
    const msg = await h.emulator.waitFor(() => {
      const m = checklistMsg(card.ts);
      return m && blockText(m).includes('hit rate') && blockText(m).includes('not replicating') ? m : undefined;
    }, 15_000);
    const text = blockText(msg);
    expect(text).toContain('probe: 1/1 healthy');
    expect(text).toContain('probe: hit rate 95.0%');
    expect(text).toContain('probe failed: production-replica-1 is not replicating');
    // Not declared from Alertmanager: the error-rates probe has nothing to read — no failure, left to people.
    await eventually(async () => (await h.bot.store.checklist.list(1)).find((i) => i.itemId === 'error-rates')?.evidence === 'not probed: no Alertmanager alert group behind this incident');
    expect(blockText(checklistMsg(card.ts)!)).not.toContain('probe failed: no Alertmanager');
    let items = await h.bot.store.checklist.list(1);
    expect(items).toHaveLength(8);
    expect(items.filter((i) => i.checkedAt).map((i) => i.itemId).sort()).toEqual(['cache-hit-rate', 'services-responding']);
    expect((await h.bot.store.incidents.get(1))!.status).toBe('resolved');

    // Dmitri ticks everything in the element but one: still resolved.
    const all = items.map((i) => i.itemId);
    const allButOne = all.filter((id) => id !== 'mobile-apps');
    await h.emulator.clickButton({ user: PEOPLE.dmitri, channel: CHANNELS.incidents, messageTs: msg.ts, actionId: 'checklist_toggle_0', selectedOptions: allButOne });
    await eventually(async () => (await h.bot.store.checklist.list(1)).filter((i) => i.checkedAt).length === 7);
    expect((await h.bot.store.incidents.get(1))!.status).toBe('resolved');

    await h.emulator.clickButton({ user: PEOPLE.georgi, channel: CHANNELS.incidents, messageTs: msg.ts, actionId: 'checklist_toggle_0', selectedOptions: all });
    const closed = await eventually(async () => {
      const i = await h.bot.store.incidents.get(1);
      return i?.status === 'closed' ? i : undefined;
    });
    expect(closed.closedBy).toBe(PEOPLE.georgi);
    await h.emulator.waitFor(() => h.emulator.thread(CHANNELS.incidents, card.ts).find((m) => m.text.includes('checklist complete — closed')));
    await h.emulator.waitFor(() => (blockText(h.cards()[0]!).includes('Closed after') ? true : undefined));
    items = await h.bot.store.checklist.list(1);
    expect(items.find((i) => i.itemId === 'mobile-apps')!.checkedBy).toBe(PEOPLE.georgi);
    const kinds = (await h.bot.store.timeline(1)).map((e) => e.kind);
    expect(kinds.filter((k) => k === 'checklist_ticked')).toHaveLength(8);
    expect(kinds.at(-1)).toBe('closed');
  }, 30_000);

  it('the Incident Commander closes with a reason; others may not; an open incident cannot be closed', async () => {
    await h.run(PEOPLE.alice, '/incident', 'declare L4 Scheduled maintenance overran');
    await h.emulator.waitFor(() => h.cards().find((m) => m.text.includes('INC-2')));
    expect(await answer(PEOPLE.alice, 'close INC-2 done')).toContain('INC-2 is investigating; only a resolved incident can be closed');
    expect(await answer(PEOPLE.alice, 'resolve INC-2')).toContain('resolved after');
    await eventually(async () => (await h.bot.store.checklist.list(2)).length === 8);
    expect(await answer(PEOPLE.georgi, 'close INC-2 enough')).toMatch(/Only an Incident Commander can use `\/incident close`/);
    expect(await answer(PEOPLE.alice, 'close INC-2')).toContain('not ticked; give a reason to close anyway');
    expect(await answer(PEOPLE.alice, 'close INC-2 Remaining checks moved to the postmortem')).toContain('*INC-2* is closed.');
    const inc = (await h.bot.store.incidents.get(2))!;
    expect(inc).toMatchObject({ status: 'closed', closedBy: PEOPLE.alice, closeReason: 'Remaining checks moved to the postmortem' });
  }, 30_000);
});
