import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import pg from 'pg';
import { actionDriver } from '../helpers/dr-actions.js';
import { drPolicy } from '../helpers/dr-policy.js';
import { PEOPLE, startHarness, type Harness } from '../helpers/harness.js';
import { createTestDatabase } from '../helpers/pg.js';

// Real Redis (databases 13 and 14 are this file's) and a real PostgreSQL database of this file's own,
// seeded with the procedures' tables.
const REDIS = 'redis://127.0.0.1:6379';
let h: Harness;
let platform: Awaited<ReturnType<typeof createTestDatabase>>;
const redis13 = new Redis(`${REDIS}/13`, { lazyConnect: true });
const redis14 = new Redis(`${REDIS}/14`, { lazyConnect: true });
const d = actionDriver(() => h);

async function sql(text: string): Promise<void> {
  const c = new pg.Client({ connectionString: platform.url });
  await c.connect();
  try {
    await c.query(text);
  } finally {
    await c.end();
  }
}

beforeAll(async () => {
  await Promise.all([redis13.connect(), redis14.connect()]);
  await redis13.flushdb();
  await redis14.flushdb();
  platform = await createTestDatabase('drintegrity');
  await sql(`
    CREATE TABLE users (id bigint PRIMARY KEY, email text);
    CREATE TABLE partners (id bigint PRIMARY KEY, name text);
    CREATE TABLE transactions (transaction_id bigint PRIMARY KEY, user_id bigint, partner_id bigint, amount numeric(12,2), created_at timestamptz NOT NULL DEFAULT now());
    CREATE TABLE qr_codes (id bigint PRIMARY KEY, partner_id bigint, code text);
    CREATE TABLE audit_log (id bigserial PRIMARY KEY, transaction_id bigint, transaction_data jsonb, needs_replay boolean DEFAULT false, created_at timestamptz DEFAULT now());
    INSERT INTO users VALUES (1, 'a@x'), (2, 'b@x');
    INSERT INTO partners VALUES (10, 'Cafe'), (11, 'Gym');
    INSERT INTO transactions VALUES (100, 1, 10, 12.50, now() - interval '1 hour'), (101, 2, 11, 7.50, now() - interval '2 hours'), (102, 1, 11, 5.00, now() - interval '3 days');
    INSERT INTO qr_codes VALUES (1, 10, 'QR-A'), (2, 11, 'QR-B');
    INSERT INTO audit_log (transaction_id) VALUES (100), (101), (102);`);
  h = await startHarness({
    policy: drPolicy({
      targets: {
        database: { provider: 'rds', primary: 'production-primary', replicas: ['production-replica-1'], connectionEnv: 'PLATFORM_DATABASE_URL', integrity: { statementTimeout: '1500ms', minTransactions24h: 1 } },
        redis: { urlEnv: 'PLATFORM_REDIS_URL', db: 14 },
      },
    }),
    env: { PLATFORM_REDIS_URL: REDIS, PLATFORM_DATABASE_URL: platform.url },
  });
  await d.declare(PEOPLE.alice, 'L1 Stale prices served from cache');
}, 60_000);
afterAll(async () => {
  await h?.stop();
  await redis13.flushdb().catch(() => undefined);
  await redis14.flushdb().catch(() => undefined);
  await redis13.quit();
  await redis14.quit();
  await platform?.drop();
});

describe('/dr flush-cache on the real Redis', () => {
  it('bad input is answered at once and nothing is stored', async () => {
    expect(await d.answer(PEOPLE.alice, 'flush-cache 99')).toContain('"99" is not a Redis database number (0–15).');
    expect(await d.answer(PEOPLE.alice, 'flush-cache 1 2')).toContain('Too many words');
    expect(await d.answer(PEOPLE.alice, 'flush-cache --all')).toContain('Unknown option --all');
    expect(await d.actionCount()).toBe(0);
  });

  it('flushes only the chosen database after a second person confirms, counting keys before and after', async () => {
    await redis13.mset({ 'price:1': '10', 'price:2': '20', 'price:3': '30', 'session:a': 'x', 'session:b': 'y' });
    await redis14.mset({ keep1: '1', keep2: '2', keep3: '3' });
    await h.run(PEOPLE.alice, '/dr', 'flush-cache 13');
    const plan = await d.planCard(1);
    expect(d.cardText(plan.ts)).toMatch(/Keys now[\s\S]*5/);

    // L1 + destructive: the requester may not confirm their own plan.
    await d.confirm(PEOPLE.alice, 1);
    await h.emulator.waitFor(() => h.emulator.ephemerals({ user: PEOPLE.alice }).find((e) => /second person|two-person|not the one who asked|own plan/i.test(e.text)), 10_000);
    expect((await h.bot.actions.mustGet(1)).status).toBe('proposed');
    expect(await redis13.dbsize()).toBe(5);

    await d.confirm(PEOPLE.ivan, 1);
    const text = await d.finished(plan.ts);
    expect(text).toContain('Done in');
    expect(text).toContain('5 keys before, 0 after');
    expect(await redis13.dbsize()).toBe(0);
    expect(await redis14.dbsize()).toBe(3); // the other database kept its keys
    expect((await h.bot.actions.mustGet(1)).approvedBy).toBe(PEOPLE.ivan);
  }, 45_000);

  it('without a number it plans the policy database (14)', async () => {
    await h.run(PEOPLE.alice, '/dr', 'flush-cache --dry-run');
    const e = await h.emulator.waitFor(() => h.emulator.ephemerals({ user: PEOPLE.alice }).find((x) => x.text.includes('Flush the cache') || JSON.stringify(x.blocks ?? '').includes('database 14')), 10_000);
    expect(JSON.stringify(e)).toContain('database 14');
    expect(await redis14.dbsize()).toBe(3);
  });
});

describe('/dr verify-integrity on a real PostgreSQL', () => {
  const report = async () => {
    const before = h.emulator.ephemerals({ user: PEOPLE.dmitri }).length;
    await h.run(PEOPLE.dmitri, '/dr', 'verify-integrity');
    return (await h.emulator.waitFor(() => h.emulator.ephemerals({ user: PEOPLE.dmitri }).slice(before)[0], 15_000)).text;
  };

  it('a clean database is healthy on every check', async () => {
    const text = await report();
    expect(text).toContain('Data integrity: all 4 healthy');
    expect(text).toContain('2 transactions, total 20.00, 2 users, 2 partners');
  });

  it('finds exactly the planted problems', async () => {
    await sql(`INSERT INTO transactions VALUES (103, 999, 10, 1.00, now()), (104, 998, 10, 2.00, now());
               INSERT INTO qr_codes VALUES (3, 77, 'QR-ORPHAN');
               INSERT INTO audit_log (transaction_id) VALUES (105), (106), (107);`);
    const text = await report();
    expect(text).toContain('Data integrity: 3 of 4 unhealthy');
    expect(text).toMatch(/:x: \*Orphaned transactions\* · \d+ ms · 2 transactions whose user does not exist \(limit 0\)/);
    expect(text).toMatch(/:x: \*QR codes without a partner\* · \d+ ms · 1 QR codes whose partner does not exist/);
    expect(text).toMatch(/:x: \*Audit log past the last transaction\* · \d+ ms · 3 audit-log entries .* \(up to #107\)/);
    expect(text).toMatch(/:white_check_mark: \*Transactions, last 24 h\* · \d+ ms · 4 transactions/);
  });

  it('a query stuck behind a lock hits the statement timeout and says so; the other checks still run', async () => {
    const locker = new pg.Client({ connectionString: platform.url });
    await locker.connect();
    try {
      await locker.query('BEGIN; LOCK TABLE qr_codes IN ACCESS EXCLUSIVE MODE');
      const text = await report();
      expect(text).toMatch(/:x: \*QR codes without a partner\* · \d+ ms · timed out: no answer within 1500 ms \(statement timeout\)/);
      expect(text).toMatch(/:x: \*Orphaned transactions\*/);
      expect(text).toMatch(/:white_check_mark: \*Transactions, last 24 h\*/);
    } finally {
      await locker.query('ROLLBACK');
      await locker.end();
    }
  }, 30_000);

  it('bad input is answered at once', async () => {
    expect(await d.answer(PEOPLE.dmitri, 'verify-integrity now')).toContain('takes no arguments');
  });
});
