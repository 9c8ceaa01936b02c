import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SlackEmulator } from '../../src/sandbox/emulator.js';
import { startBotProcess, type BotProcess } from '../helpers/bot-process.js';
import { eventually } from '../helpers/eventually.js';
import { CHANNELS, PEOPLE, SECRET, TOKEN, seedWorkspace } from '../helpers/harness.js';
import { createTestDatabase } from '../helpers/pg.js';

/**
 * kill -9 of the bot at each point of a declare — before the commit, after it, and after the card landed
 * in Slack but before it was recorded. Each ends with exactly one card and the level's pages sent.
 */
const ENV = { DR_POLICY: 'test/fixtures/policy-fast.yml', SCHEDULER_TICK_MS: '100', SCHEDULER_LEASE_MS: '1500', REQUEST_TAKEOVER_MS: '1000' };

let emulator: SlackEmulator;
let db: Awaited<ReturnType<typeof createTestDatabase>>;
let sql: pg.Client;
let bot: BotProcess | undefined;

beforeAll(async () => {
  emulator = new SlackEmulator({ signingSecret: SECRET, botToken: TOKEN });
  await emulator.start();
  seedWorkspace(emulator);
  db = await createTestDatabase('kill');
  sql = new pg.Client({ connectionString: db.url });
  await sql.connect();
}, 60_000);
afterAll(async () => {
  await bot?.kill9();
  await sql?.end();
  await emulator.stop();
  await db.drop();
});

async function startBot(): Promise<BotProcess> {
  bot = await startBotProcess({ apiUrl: emulator.apiUrl, databaseUrl: db.url, env: ENV });
  emulator.botEndpoint = `http://127.0.0.1:${bot.port}/slack/events`;
  return bot;
}
const cards = (title: string) => emulator.messages(CHANNELS.incidents).filter((m) => m.text.includes(title) && (!m.thread_ts || m.thread_ts === m.ts));
const incidentId = async (title: string) => (await sql.query<{ id: number }>('SELECT id FROM incidents WHERE title = $1', [title])).rows.map((r) => r.id);

/** After the restart: one card, recorded; the level's pages made and their DMs out; the thread says who was paged, once. */
async function expectOneCardAndPages(title: string): Promise<void> {
  const [id] = await eventually(async () => ((await incidentId(title)).length > 0 ? incidentId(title) : undefined), 20_000);
  const card = await emulator.waitFor(() => cards(title)[0], 20_000);
  await eventually(async () => (await sql.query('SELECT 1 FROM incidents WHERE id = $1 AND card_ts = $2', [id, card.ts])).rowCount === 1, 20_000);
  // Pages: made for the level's teams, and nothing of the incident left to send (reminders and escalations wait by design).
  await eventually(async () => {
    const pages = (await sql.query('SELECT 1 FROM pages WHERE incident_id = $1', [id])).rowCount ?? 0;
    const open = (await sql.query("SELECT 1 FROM jobs WHERE incident_id = $1 AND done_at IS NULL AND kind NOT IN ('reminder', 'page_escalation')", [id])).rowCount ?? 0;
    return pages > 0 && open === 0;
  }, 30_000);
  const dms = (await sql.query<{ user_id: string; dm_ts: string | null }>('SELECT DISTINCT user_id, dm_ts FROM pages WHERE incident_id = $1 AND user_id IS NOT NULL', [id])).rows;
  expect(dms.length).toBeGreaterThan(0);
  expect(dms.every((p) => p.dm_ts)).toBe(true);
  for (const p of dms) expect(emulator.messages(p.user_id).filter((m) => m.text.includes(`INC-${id} `) || m.text.includes(`INC-${id}:`))).toHaveLength(1);
  expect(cards(title)).toHaveLength(1);
  expect(emulator.thread(CHANNELS.incidents, card.ts).filter((m) => m.text.includes('*Paging*'))).toHaveLength(1);
  expect((await sql.query("SELECT 1 FROM jobs WHERE incident_id = $1 AND dead_at IS NOT NULL", [id])).rowCount).toBe(0);
}

describe('kill -9 at each point of a declare', () => {
  it('before the commit: nothing is kept; Slack re-sends the request and the restarted bot declares once', async () => {
    await startBot();
    const title = 'Killed before commit';
    // Hold the incidents table so the declare waits inside its INSERT, then kill the bot there.
    const lock = new pg.Client({ connectionString: db.url });
    await lock.connect();
    await lock.query('BEGIN');
    await lock.query('LOCK TABLE incidents IN ACCESS EXCLUSIVE MODE');
    await emulator.slashCommand({ command: '/incident', text: `declare L2 ${title}`, user: PEOPLE.alice, channel: CHANNELS.incidents });
    const body = emulator.delivered.at(-1)!;
    await eventually(async () => (await sql.query("SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query ILIKE '%INSERT INTO incidents%'")).rowCount! > 0, 10_000);
    await bot!.kill9();
    // The server notices the dead client (TCP keep-alive) and drops its backend: the statement never commits.
    await sql.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query ILIKE '%INSERT INTO incidents%'");
    await lock.query('ROLLBACK');
    await lock.end();
    expect(await incidentId(title)).toEqual([]);
    await startBot();
    // Past REQUEST_TAKEOVER_MS by the database's clock, the first copy's unfinished claim is known dead.
    await eventually(async () => (await sql.query(`SELECT 1 FROM handled_requests WHERE NOT done AND handled_at < now() - interval '${ENV.REQUEST_TAKEOVER_MS} milliseconds'`)).rowCount! > 0, 10_000);
    expect((await emulator.redeliver(body, 1)).status).toBe(200);
    await expectOneCardAndPages(title);
    await bot!.stop();
  }, 90_000);

  it('after the commit, before the card: the restarted bot posts the card and pages', async () => {
    await startBot();
    const title = 'Killed after commit';
    emulator.failNext('chat.postMessage', { status: 503, count: 100_000 });
    await emulator.slashCommand({ command: '/incident', text: `declare L2 ${title}`, user: PEOPLE.alice, channel: CHANNELS.incidents });
    await eventually(async () => (await incidentId(title)).length === 1, 10_000);
    await bot!.kill9();
    emulator.clearFaults();
    expect(cards(title)).toHaveLength(0);
    await startBot();
    await expectOneCardAndPages(title);
    await bot!.stop();
  }, 90_000);

  it('after the card landed, before it was recorded: the restarted bot adopts it instead of posting another', async () => {
    // Slack takes posts but answers none in time. The earlier incidents' reminders post into it too and each
    // holds a ticker worker until its call times out; the new card must not wait behind them.
    emulator.answerDelayMs = { 'chat.postMessage': 60_000 };
    await startBot();
    const title = 'Killed after the card landed';
    await emulator.slashCommand({ command: '/incident', text: `declare L2 ${title}`, user: PEOPLE.alice, channel: CHANNELS.incidents });
    await emulator.waitFor(() => cards(title)[0], 10_000);
    await bot!.kill9();
    emulator.answerDelayMs = {};
    const [id] = await incidentId(title);
    expect((await sql.query('SELECT card_ts FROM incidents WHERE id = $1', [id])).rows[0].card_ts).toBeNull();
    await startBot();
    await expectOneCardAndPages(title);
    await bot!.stop();
  }, 90_000);

  it('after the page DMs landed, before they were recorded: the restarted bot adopts them instead of paging twice', async () => {
    emulator.answerDelayMs = { 'chat.postMessage': 60_000 };
    await startBot();
    const title = 'Killed after the DMs landed';
    await emulator.slashCommand({ command: '/incident', text: `declare L2 ${title}`, user: PEOPLE.alice, channel: CHANNELS.incidents });
    const [id] = await eventually(async () => ((await incidentId(title)).length > 0 ? incidentId(title) : undefined), 10_000);
    // Every paged person's DM is in Slack (its answer held back), none recorded: then the bot dies.
    const users = await eventually(async () => {
      const r = await sql.query<{ user_id: string }>('SELECT DISTINCT user_id FROM pages WHERE incident_id = $1 AND user_id IS NOT NULL', [id]);
      return r.rows.length > 0 ? r.rows.map((x) => x.user_id) : undefined;
    }, 10_000);
    for (const u of users) await emulator.waitFor(() => emulator.messages(u).find((m) => m.text.includes(`INC-${id} `) || m.text.includes(`INC-${id}:`)), 10_000);
    await bot!.kill9();
    emulator.answerDelayMs = {};
    expect((await sql.query('SELECT 1 FROM pages WHERE incident_id = $1 AND dm_ts IS NOT NULL', [id])).rowCount).toBe(0);
    await startBot();
    // One DM per person (adopted, so its Acknowledge button is the recorded one), one card, pages sent.
    await expectOneCardAndPages(title);
    const recorded = (await sql.query<{ user_id: string; dm_ts: string }>('SELECT DISTINCT user_id, dm_ts FROM pages WHERE incident_id = $1 AND user_id IS NOT NULL', [id])).rows;
    for (const p of recorded) expect(emulator.messages(p.user_id).find((m) => m.text.includes(`INC-${id}`))!.ts).toBe(p.dm_ts);
    await bot!.stop();
  }, 90_000);
});
