import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { SlackEmulator } from '../../src/sandbox/emulator.js';
import { startBotProcess, type BotProcess } from '../helpers/bot-process.js';
import { procedureDatabase, seedTransactions, toReplay, type SeedShape } from '../helpers/data-recovery-db.js';
import { writeDrPolicy } from '../helpers/dr-policy.js';
import { eventually } from '../helpers/eventually.js';
import { CHANNELS, PEOPLE, SECRET, TOKEN, seedWorkspace } from '../helpers/harness.js';
import { createTestDatabase } from '../helpers/pg.js';
import { blockText } from '../helpers/slack-views.js';

// The bot as an OS process, killed with SIGKILL in the middle of a replay of 18,000 transactions
// (replay_transaction made slow: 1 ms a row, 200 a batch).
const SEED: SeedShape = { known: 100_000, lost: 20_000, skipEvery: 10, incidentAt: new Date(Date.now() - 10 * 60_000) };
const PENDING = toReplay(SEED);
const since = SEED.incidentAt.toISOString();
let emulator: SlackEmulator;
let botDb: Awaited<ReturnType<typeof createTestDatabase>>;
let prod: Awaited<ReturnType<typeof procedureDatabase>>;
const bots: BotProcess[] = [];
let env: Record<string, string>;

beforeAll(async () => {
  emulator = new SlackEmulator({ signingSecret: SECRET, botToken: TOKEN });
  await emulator.start();
  seedWorkspace(emulator);
  botDb = await createTestDatabase('drkillreplay');
  prod = await procedureDatabase('drkillreplayprod', seedTransactions(SEED));
  await prod.sql('UPDATE replay_settings SET delay = 0.001');
  const policy = writeDrPolicy({
    targets: { database: { provider: 'rds', primary: 'production-primary', replicas: ['production-replica-1'], connectionEnv: 'PLATFORM_DATABASE_URL', data: { replay: { batchSize: 200 } } } },
    actions: { heartbeatEvery: '200ms', staleAfter: '1500ms', staleCheckEvery: '500ms' },
  });
  env = { DR_POLICY: policy, SCHEDULER_TICK_MS: '100', SCHEDULER_LEASE_MS: '2000', PLATFORM_DATABASE_URL: prod.url };
}, 60_000);
afterAll(async () => {
  await Promise.all(bots.map((b) => b.kill9()));
  await emulator?.stop();
  await botDb?.drop();
  await prod?.drop();
});

async function actionStatus(id: number): Promise<string> {
  const c = new pg.Client({ connectionString: botDb.url });
  await c.connect();
  try {
    return (await c.query('SELECT status FROM actions WHERE id = $1', [id])).rows[0]?.status;
  } finally {
    await c.end();
  }
}

const ledger = async () => ((await prod.sql("SELECT to_regclass('dr_bot_replayed') IS NOT NULL AS ok"))[0].ok ? prod.count('dr_bot_replayed') : 0);
const figures = async () => ({
  transactions: await prod.count('transactions'),
  calls: await prod.count('replay_calls'),
  distinctCalls: Number((await prod.sql('SELECT count(DISTINCT transaction_id)::int AS n FROM replay_calls'))[0].n),
  ledger: await ledger(),
  flagged: Number((await prod.sql('SELECT count(*)::int AS n FROM audit_log WHERE needs_replay'))[0].n),
});

describe('kill -9 in the middle of a replay', () => {
  it('leaves the action interrupted, every replayed row marked, none replayed twice; a fresh plan shows only the rest', async () => {
    const first = await startBotProcess({ apiUrl: emulator.apiUrl, databaseUrl: botDb.url, env });
    bots.push(first);
    emulator.botEndpoint = `http://127.0.0.1:${first.port}/slack/events`;
    await emulator.slashCommand({ command: '/incident', text: 'declare L1 Payments lost after the primary crashed', user: PEOPLE.alice, channel: CHANNELS.incidents });
    const incident = await emulator.waitFor(() => emulator.messages(CHANNELS.incidents).find((m) => m.text.includes('Payments lost')), 15_000);
    const thread = () => emulator.thread(CHANNELS.incidents, incident.ts);
    // The card must be recorded on the incident before a plan can go to its thread: retry until it is.
    let plan;
    for (let i = 0; i < 20 && !plan; i++) {
      await emulator.slashCommand({ command: '/dr', text: `replay-transactions --since ${since}`, user: PEOPLE.alice, channel: CHANNELS.incidents });
      plan = await emulator.waitFor(() => thread().find((m) => m.text.startsWith('Action #1')), 8_000).catch(() => undefined);
    }
    expect(plan).toBeDefined();
    await emulator.clickButton({ user: PEOPLE.dmitri, actionId: 'dr_action_confirm', value: '1', channel: CHANNELS.incidents });
    await eventually(async () => (await ledger()) >= 1_000, 60_000);

    await first.kill9();
    const atKill = await figures();
    expect(atKill.ledger).toBeGreaterThanOrEqual(1_000);
    expect(atKill.ledger).toBeLessThan(PENDING);
    expect(atKill.ledger % 200).toBe(0); // whole batches only
    expect(atKill).toEqual({ transactions: 100_000 + atKill.ledger, calls: atKill.ledger, distinctCalls: atKill.ledger, ledger: atKill.ledger, flagged: PENDING - atKill.ledger });
    expect(await actionStatus(1)).toBe('running');

    const second = await startBotProcess({ apiUrl: emulator.apiUrl, databaseUrl: botDb.url, env });
    bots.push(second);
    emulator.botEndpoint = `http://127.0.0.1:${second.port}/slack/events`;
    await emulator.waitFor(() => thread().find((m) => m.text.includes('Action #1 (Replay missing transactions) was interrupted during step 1')), 20_000);
    expect(await actionStatus(1)).toBe('interrupted');
    // The batch in flight at the kill was rolled back by the server: nothing more landed after it.
    expect(await figures()).toEqual(atKill);

    // A fresh plan shows only the rest, and what was replayed already.
    await prod.sql('UPDATE replay_settings SET delay = 0');
    const rest = PENDING - atKill.ledger;
    const shown = rest.toLocaleString('en-US');
    for (let i = 0; i < 3; i++) {
      await emulator.slashCommand({ command: '/dr', text: `replay-transactions --since ${since}`, user: PEOPLE.alice, channel: CHANNELS.incidents });
      if (await emulator.waitFor(() => thread().find((m) => m.text.startsWith('Action #2')), 10_000).catch(() => undefined)) break;
    }
    const card2 = await emulator.waitFor(() => thread().find((m) => m.text.startsWith('Action #2')), 15_000);
    const text2 = () => blockText(thread().find((m) => m.ts === card2.ts)!);
    expect(text2()).toContain(`${shown} audit rows`);
    expect(text2()).toContain(`Already replayed: ${atKill.ledger.toLocaleString('en-US')}`);

    await emulator.clickButton({ user: PEOPLE.dmitri, actionId: 'dr_action_confirm', value: '2', channel: CHANNELS.incidents });
    await emulator.waitFor(() => (/Done in|Failed/.test(text2()) ? true : undefined), 90_000);
    expect(text2()).toContain('Done in');
    expect(text2()).toContain(`${shown} replayed`);
    expect(await figures()).toEqual({ transactions: 100_000 + PENDING, calls: PENDING, distinctCalls: PENDING, ledger: PENDING, flagged: 0 });
  }, 180_000);
});
