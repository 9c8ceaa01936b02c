import { createServer, request, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SlackEmulator } from '../../src/sandbox/emulator.js';
import { startBotProcess, type BotProcess } from '../helpers/bot-process.js';
import { eventually } from '../helpers/eventually.js';
import { CHANNELS, PEOPLE, SECRET, TOKEN, seedWorkspace } from '../helpers/harness.js';
import { createTestDatabase } from '../helpers/pg.js';
import { reminders, sleep } from '../helpers/reminders.js';

const FAST = { DR_POLICY: 'test/fixtures/policy-fast.yml', SCHEDULER_TICK_MS: '100', SCHEDULER_LEASE_MS: '2000' };

let emulator: SlackEmulator;
let db: Awaited<ReturnType<typeof createTestDatabase>>;
let bots: BotProcess[] = [];
let proxy: Server;
const served = [0, 0];

/** A load balancer in front of the two replicas: request n goes to replica n mod 2. */
async function roundRobin(ports: number[]): Promise<Server> {
  let n = 0;
  const srv = createServer((req, res) => {
    const i = n++ % ports.length;
    served[i]!++;
    const up = request({ host: '127.0.0.1', port: ports[i], path: req.url, method: req.method, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.on('error', () => res.writeHead(502).end());
    req.pipe(up);
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  return srv;
}

beforeAll(async () => {
  emulator = new SlackEmulator({ signingSecret: SECRET, botToken: TOKEN });
  await emulator.start();
  seedWorkspace(emulator);
  db = await createTestDatabase('rr');
  bots = await Promise.all([0, 1].map(() => startBotProcess({ apiUrl: emulator.apiUrl, databaseUrl: db.url, env: FAST })));
  proxy = await roundRobin(bots.map((b) => b.port));
  emulator.botEndpoint = `http://127.0.0.1:${(proxy.address() as { port: number }).port}/slack/events`;
}, 60_000);
afterAll(async () => {
  await Promise.all(bots.map((b) => b.stop()));
  await new Promise((r) => proxy?.close(r));
  await emulator.stop();
  await db.drop();
});

const q = async <T>(sql: string): Promise<T[]> => {
  const { default: pg } = await import('pg');
  const c = new pg.Client({ connectionString: db.url });
  await c.connect();
  try {
    return (await c.query(sql)).rows as T[];
  } finally {
    await c.end();
  }
};
const count = async (kind: string) => (await q<{ n: number }>(`SELECT count(*)::int AS n FROM timeline WHERE kind = '${kind}'`))[0]!.n;

describe('two bot processes behind a round-robin proxy, one database, a whole incident', () => {
  it('one card, one reminder per cadence, one outcome per double click', async () => {
    await emulator.slashCommand({ command: '/incident', text: 'declare L2 Primary database offline', user: PEOPLE.alice, channel: CHANNELS.incidents });
    const card = await emulator.waitFor(() => emulator.messages(CHANNELS.incidents).find((m) => m.text.includes('INC-1')), 10_000);

    // The same update form submitted twice, the submissions landing on different replicas.
    await emulator.clickButton({ user: PEOPLE.dmitri, actionId: 'incident_post_update', channel: CHANNELS.incidents, messageTs: card.ts });
    const view = await emulator.waitFor(() => emulator.openViews(PEOPLE.dmitri).find((v) => v.callback_id === 'incident_update'), 10_000);
    const values = { status: 'identified', text: 'Promoting the replica' };
    await Promise.all([emulator.submitView({ user: PEOPLE.dmitri, viewId: view.id, values }), emulator.submitView({ user: PEOPLE.dmitri, viewId: view.id, values }).catch(() => undefined)]);
    await emulator.waitFor(() => emulator.thread(CHANNELS.incidents, card.ts).find((m) => m.text.includes('Promoting the replica')), 10_000);

    // Reminders tick on both replicas for a few cadences: each posted once, in order.
    await sleep(3_500);
    const seqs = reminders(emulator, 1).map((r) => r.seq);
    expect(seqs.length).toBeGreaterThanOrEqual(2);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));

    // Acknowledge clicked twice at once on a page DM: one acknowledgement.
    const dm = await emulator.waitFor(() => Object.values(PEOPLE).flatMap((u) => emulator.messages(u)).find((m) => JSON.stringify(m.blocks ?? []).includes('page_acknowledge')), 10_000);
    const who = Object.values(PEOPLE).find((u) => emulator.messages(u).includes(dm))!;
    const click = () => emulator.clickButton({ user: who, actionId: 'page_acknowledge', channel: dm.channel, messageTs: dm.ts });
    await Promise.all([click(), click()]);
    await eventually(async () => (await count('page_acknowledged')) >= 1, 10_000);

    // Resolve sent twice at once: one resolution.
    await Promise.all([0, 1].map(() => emulator.slashCommand({ command: '/incident', text: 'resolve INC-1 Failed over', user: PEOPLE.alice, channel: CHANNELS.incidents })));
    await emulator.waitFor(() => emulator.thread(CHANNELS.incidents, card.ts).find((m) => m.text.includes('*Resolved*')), 10_000);
    await sleep(1_500);

    expect(emulator.messages(CHANNELS.incidents).filter((m) => m.text.includes('INC-1 ·'))).toHaveLength(1);
    const thread = emulator.thread(CHANNELS.incidents, card.ts).map((m) => m.text);
    expect(thread.filter((t) => t.includes('Promoting the replica'))).toHaveLength(1);
    expect(thread.filter((t) => t.includes('*Resolved*'))).toHaveLength(1);
    expect(await count('declared')).toBe(1);
    expect(await count('update')).toBe(1);
    expect(await count('resolved')).toBe(1);
    expect(await count('page_acknowledged')).toBe(1);
    const after = reminders(emulator, 1).map((r) => r.seq);
    expect(after).toEqual(after.map((_, i) => i + 1));
    // Both replicas did real work.
    expect(served[0]).toBeGreaterThan(2);
    expect(served[1]).toBeGreaterThan(2);
  }, 90_000);

  it('Slack retries land on the other replica and act once; a replica killed -9 leaves its work to the other', async () => {
    const send = async (text: string) => {
      const r = await emulator.slashCommand({ command: '/incident', text, user: PEOPLE.alice, channel: CHANNELS.incidents });
      const body = emulator.delivered.at(-1)!;
      // Slack re-sends when the answer was late or failed (here: both copies, one per replica).
      const retries = await Promise.all([emulator.redeliver(body, 1), emulator.redeliver(body, 2)]);
      return [r, ...retries].filter((x) => x.status === 200).length;
    };
    expect(await send('declare L2 Replicated retries')).toBe(3);
    const card = await emulator.waitFor(() => emulator.messages(CHANNELS.incidents).find((m) => m.text.includes('Replicated retries')), 10_000);
    const id = Number(/INC-(\d+)/.exec(card.text)![1]);
    expect(await send(`update INC-${id} First retried update`)).toBe(3);
    expect(await send(`assign dba <@${PEOPLE.dmitri}|dmitri> INC-${id}`)).toBe(3);

    // One replica dies once the assignment is committed (its jobs may still be pending or leased by it):
    // its leases expire and the other replica carries them out.
    await eventually(async () => (await q<{ n: number }>(`SELECT count(*)::int AS n FROM timeline WHERE incident_id = ${id} AND kind = 'role_assigned'`))[0]!.n === 1, 10_000);
    await bots[0]!.kill9();
    const after = await send(`update INC-${id} Update after the kill`);
    expect(after).toBeGreaterThanOrEqual(1);
    await eventually(async () => {
      const open = await q<{ n: number }>(`SELECT count(*)::int AS n FROM jobs WHERE incident_id = ${id} AND kind IN ('thread_line', 'edit_card', 'post_card', 'page_round') AND done_at IS NULL`);
      return open[0]!.n === 0 && emulator.thread(CHANNELS.incidents, card.ts).some((m) => m.text.includes('Update after the kill'));
    }, 30_000);
    const thread = emulator.thread(CHANNELS.incidents, card.ts).map((m) => m.text);
    expect(emulator.messages(CHANNELS.incidents).filter((m) => m.text.includes('Replicated retries'))).toHaveLength(1);
    for (const t of ['First retried update', 'Update after the kill', 'is now *']) expect({ t, n: thread.filter((x) => x.includes(t)).length }).toEqual({ t, n: 1 });
    expect(thread.filter((x) => x.includes('*Paging*'))).toHaveLength(1);
    const events = await q<{ kind: string; n: number }>(`SELECT kind, count(*)::int AS n FROM timeline WHERE incident_id = ${id} AND kind IN ('declared', 'update', 'role_assigned') GROUP BY kind ORDER BY kind`);
    expect(events).toEqual([{ kind: 'declared', n: 1 }, { kind: 'role_assigned', n: 1 }, { kind: 'update', n: 2 }]);
  }, 90_000);
});
