import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createBot } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/observability/logger.js';
import { actionDriver } from '../helpers/dr-actions.js';
import { drPolicy } from '../helpers/dr-policy.js';
import { procedureDatabase, seedTransactions, toReplay, type SeedShape } from '../helpers/data-recovery-db.js';
import { PEOPLE, SECRET, TOKEN, startHarness, type Harness } from '../helpers/harness.js';

// A real PostgreSQL "production" database with the procedures' schema: 100,000 transactions before the
// incident, 20,000 audit rows after it of which 18,000 need a replay (every 10th does not).
const SEED: SeedShape = { known: 100_000, lost: 20_000, skipEvery: 10, incidentAt: new Date(Date.now() - 10 * 60_000) };
const PENDING = toReplay(SEED);
let h: Harness;
let prod: Awaited<ReturnType<typeof procedureDatabase>>;
const d = actionDriver(() => h);
const since = SEED.incidentAt.toISOString();
const targets = (data: Record<string, unknown>) => ({
  database: { provider: 'rds', primary: 'production-primary', replicas: ['production-replica-1'], connectionEnv: 'PLATFORM_DATABASE_URL', data },
});

beforeAll(async () => {
  prod = await procedureDatabase('drreplay', seedTransactions(SEED));
  h = await startHarness({ policy: drPolicy({ targets: targets({ replay: { batchSize: 1000, retention: '7d' } }) }), env: { PLATFORM_DATABASE_URL: prod.url } });
  await d.declare(PEOPLE.alice, 'L1 Payments lost after the primary crashed');
}, 90_000);
afterAll(async () => {
  await h?.stop();
  await prod?.drop();
});

const figures = async () => ({
  transactions: await prod.count('transactions'),
  calls: await prod.count('replay_calls'),
  distinctCalls: Number((await prod.sql('SELECT count(DISTINCT transaction_id)::int AS n FROM replay_calls'))[0].n),
  // The ledger is the bot's own table, created by the first replay.
  ledger: (await prod.sql("SELECT to_regclass('dr_bot_replayed') IS NOT NULL AS ok"))[0].ok ? await prod.count('dr_bot_replayed') : 0,
  flagged: Number((await prod.sql('SELECT count(*)::int AS n FROM audit_log WHERE needs_replay'))[0].n),
});

/** The plan as the requester sees it with --dry-run (nothing stored). */
async function dryRun(user: string): Promise<string> {
  const before = h.emulator.ephemerals({ user }).length;
  await h.run(user, '/dr', `replay-transactions --since ${since} --dry-run`);
  const e = await h.emulator.waitFor(() => h.emulator.ephemerals({ user }).slice(before)[0], 30_000);
  return JSON.stringify(e);
}

describe('/dr replay-transactions on a real PostgreSQL', () => {
  // georgi (communications) holds neither incident_commander nor dba.
  it('bad input and people without the role are answered at once; nothing is stored', async () => {
    expect(await d.answer(PEOPLE.dmitri, 'replay-transactions')).toContain('Since when?');
    expect(await d.answer(PEOPLE.dmitri, 'replay-transactions --since last-tuesday')).toContain('"last-tuesday" is not a time');
    expect(await d.answer(PEOPLE.dmitri, 'replay-transactions --since 2099-01-01T00:00:00Z')).toContain('2099-01-01T00:00:00.000Z is in the future');
    expect(await d.answer(PEOPLE.dmitri, 'replay-transactions --since 2020-01-01T00:00:00Z')).toContain("older than the audit log's retention (7 d");
    expect(await d.answer(PEOPLE.dmitri, `replay-transactions --since ${since} --all`)).toContain('Unknown option --all');
    expect(await d.answer(PEOPLE.georgi, `replay-transactions --since ${since}`)).toContain("Only an Incident Commander or a Database Administrator can use `/dr replay-transactions`");
    expect(await d.actionCount()).toBe(0);
    expect(await figures()).toEqual({ transactions: 100_000, calls: 0, distinctCalls: 0, ledger: 0, flagged: PENDING });
  }, 60_000);

  it('the plan is the procedures\' SQL: last known transaction, count, amount, first and last', async () => {
    const amount = (await prod.sql(`SELECT sum((transaction_data->>'amount')::numeric)::text AS s FROM audit_log WHERE needs_replay`))[0].s;
    const plan = await dryRun(PEOPLE.dmitri);
    expect(plan).toContain('#100000 (the newest before');
    expect(plan).toContain(`18,000 audit rows, amount total ${amount}`);
    expect(plan).toContain('transaction #100001 (audit row #100001)');
    expect(plan).toContain('transaction #119999 (audit row #119999)');
    expect(await d.actionCount()).toBe(0);
  }, 40_000);

  it('a batch the function refuses is rolled back; the batches before it stay replayed and marked; a fresh plan shows only the rest', async () => {
    await prod.sql('UPDATE replay_settings SET fail_on = 105001'); // the 4,501st row to replay: in batch 5
    await h.run(PEOPLE.alice, '/dr', `replay-transactions --since ${since}`);
    const plan = await d.planCard(1);
    // L1 + destructive: the requester may not confirm their own plan.
    await d.confirm(PEOPLE.alice, 1);
    await h.emulator.waitFor(() => h.emulator.ephemerals({ user: PEOPLE.alice }).find((e) => /second person|own plan|not the one who asked/i.test(e.text)), 15_000);
    expect((await h.bot.actions.mustGet(1)).status).toBe('proposed');
    await d.confirm(PEOPLE.dmitri, 1);
    const text = await d.finished(plan.ts, 60_000);
    expect(text).toContain('Failed');
    expect(text).toContain('batch 5 was rolled back');
    expect(text).toContain('transaction 105001 is refused by the payment ledger');
    expect(text).toContain('the 4000 rows replayed before it stay replayed and marked');
    expect(await figures()).toEqual({ transactions: 104_000, calls: 4_000, distinctCalls: 4_000, ledger: 4_000, flagged: PENDING - 4_000 });

    const fresh = await dryRun(PEOPLE.dmitri);
    expect(fresh).toContain('14,000 audit rows');
    expect(fresh).toMatch(/Already replayed[^"]*"[^"]*4,000|4,000 rows after the last known transaction were replayed by an earlier run/);
    expect(fresh).toContain('transaction #104445'); // the first not yet replayed: 4,000 done = ids 100001..104444 minus the skipped
  }, 90_000);

  it('a new plan replays exactly the rest, once each; then there is nothing to replay', async () => {
    await prod.sql('UPDATE replay_settings SET fail_on = NULL');
    await h.run(PEOPLE.alice, '/dr', `replay-transactions --since ${since}`);
    const plan = await d.planCard(2);
    expect(d.cardText(plan.ts)).toContain('14,000 audit rows');
    await d.confirm(PEOPLE.dmitri, 2);
    const text = await d.finished(plan.ts, 90_000);
    expect(text).toContain('Done in');
    expect(text).toContain('14,000 replayed in 14 batches');
    expect(text).toContain('0 left; the ledger holds 18,000 rows after transaction #100000');
    expect(await figures()).toEqual({ transactions: 118_000, calls: 18_000, distinctCalls: 18_000, ledger: 18_000, flagged: 0 });

    expect(await d.answer(PEOPLE.dmitri, `replay-transactions --since ${since}`)).toContain('Nothing to replay');
    expect(await d.actionCount()).toBe(2);
  }, 120_000);
});

describe('start-up', () => {
  const boot = (data: Record<string, unknown>) =>
    createBot(
      loadConfig({ SLACK_BOT_TOKEN: TOKEN, SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: 'http://127.0.0.1:9/api/', DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/none', LOG_LEVEL: 'silent' }),
      { log: createLogger('silent'), policy: drPolicy({ targets: targets(data) }), env: { PLATFORM_DATABASE_URL: prod.url } },
    );

  it('a function or table the policy names that the platform database lacks stops start-up, named', async () => {
    await expect(boot({ replay: { function: 'replay_transactionz' } })).rejects.toThrow(/does not have: function replay_transactionz\(jsonb\)\. Fix dr-policy\.yml/);
    await expect(boot({ replay: { auditTable: 'audit_logs' }, partners: { tables: ['partners', 'partner_offerz'] } })).rejects.toThrow(/does not have: table audit_logs, table partner_offerz\./);
  });

  it('a name that is not a plain SQL name is refused by the policy schema', () => {
    expect(() => drPolicy({ targets: targets({ replay: { function: 'replay(); DROP TABLE x' } }) })).toThrow(/expected a lower-case SQL name/);
  });
});
