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
});
