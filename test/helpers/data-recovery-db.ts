import pg from 'pg';
import { createTestDatabase } from './pg.js';

/**
 * The procedures' schema ("Data Recovery Procedures"): transactions, users, partners and their locations and
 * offers, QR codes, the audit log with needs_replay, and a replay_transaction(jsonb) this file defines. Its
 * replay inserts the transaction (primary key: a second replay of one row fails loudly) and records every
 * call in replay_calls (no key: a second call would show as a duplicate). replay_settings slows it down or
 * makes it refuse one transaction, for the kill and failure tests.
 */
export const PROCEDURES_SCHEMA = `
  CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);
  CREATE TABLE partners (id bigint PRIMARY KEY, name text NOT NULL, category text, updated_at timestamptz NOT NULL DEFAULT '2026-01-01');
  CREATE TABLE partner_locations (id bigint PRIMARY KEY, partner_id bigint NOT NULL REFERENCES partners(id), city text, lat numeric(9,6), lng numeric(9,6));
  CREATE TABLE partner_offers (id bigint PRIMARY KEY, partner_id bigint NOT NULL REFERENCES partners(id), title text, discount_pct int);
  CREATE TABLE transactions (transaction_id bigint PRIMARY KEY, user_id bigint, partner_id bigint, amount numeric(12,2), created_at timestamptz NOT NULL DEFAULT now());
  CREATE TABLE qr_codes (id bigint PRIMARY KEY, partner_id bigint, code text);
  CREATE TABLE audit_log (id bigserial PRIMARY KEY, transaction_id bigint, transaction_data jsonb, needs_replay boolean NOT NULL DEFAULT false, created_at timestamptz NOT NULL DEFAULT now());
  CREATE INDEX audit_log_order ON audit_log (created_at, id);
  CREATE TABLE replay_calls (transaction_id bigint NOT NULL, at timestamptz NOT NULL DEFAULT clock_timestamp());
  CREATE TABLE replay_settings (delay float8 NOT NULL DEFAULT 0, fail_on bigint);
  INSERT INTO replay_settings VALUES (0, NULL);
  CREATE FUNCTION replay_transaction(d jsonb) RETURNS void LANGUAGE plpgsql AS $$
  DECLARE s replay_settings;
  BEGIN
    SELECT * INTO s FROM replay_settings;
    IF s.delay > 0 THEN PERFORM pg_sleep(s.delay); END IF;
    IF (d->>'transaction_id')::bigint = s.fail_on THEN RAISE EXCEPTION 'transaction % is refused by the payment ledger', s.fail_on; END IF;
    INSERT INTO replay_calls (transaction_id) VALUES ((d->>'transaction_id')::bigint);
    INSERT INTO transactions (transaction_id, user_id, partner_id, amount, created_at)
    VALUES ((d->>'transaction_id')::bigint, (d->>'user_id')::bigint, (d->>'partner_id')::bigint, (d->>'amount')::numeric, (d->>'created_at')::timestamptz);
  END $$;`;

export interface SeedShape {
  /** Transactions the table has, all before the incident (ids 1..known). */
  known: number;
  /** Audit rows after them (the lost transactions): ids known+1..known+lost; every `skipEvery`-th does not need a replay. */
  lost: number;
  skipEvery: number;
  /** The incident's start: known transactions are before it, lost ones after. */
  incidentAt: Date;
}

/** Seeds with generate_series: 100,000 rows in a second or two. */
export function seedTransactions(s: SeedShape): string {
  const t0 = `'${s.incidentAt.toISOString()}'::timestamptz`;
  return `
    INSERT INTO users SELECT g, 'user' || g || '@example.bg' FROM generate_series(1, 1000) g;
    INSERT INTO transactions SELECT g, 1 + g % 1000, 1 + g % 500, (g % 100) + 0.5, ${t0} - (${s.known} - g + 1) * interval '10 ms' FROM generate_series(1, ${s.known}) g;
    INSERT INTO audit_log (transaction_id, transaction_data, needs_replay, created_at)
      SELECT g, jsonb_build_object('transaction_id', g, 'user_id', 1 + g % 1000, 'partner_id', 1 + g % 500, 'amount', (g % 100) + 0.5,
                                   'created_at', ${t0} + (g - ${s.known}) * interval '10 ms'),
             g > ${s.known} AND g % ${s.skipEvery} <> 0,
             ${t0} + (g - ${s.known}) * interval '10 ms'
        FROM generate_series(1, ${s.known + s.lost}) g;
    ANALYZE;`;
}

/** Rows that need a replay in a seed: lost ones minus every skipEvery-th. */
export const toReplay = (s: SeedShape): number => {
  let n = 0;
  for (let g = s.known + 1; g <= s.known + s.lost; g++) if (g % s.skipEvery !== 0) n++;
  return n;
};

export async function procedureDatabase(prefix: string, seed: string): Promise<Awaited<ReturnType<typeof createTestDatabase>> & { sql: (text: string, params?: unknown[]) => Promise<any[]>; count: (table: string) => Promise<number> }> {
  const db = await createTestDatabase(prefix);
  const sql = async (text: string, params: unknown[] = []) => {
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    try {
      const r = await c.query(text, params);
      return Array.isArray(r) ? r.flatMap((x) => x.rows ?? []) : r.rows;
    } finally {
      await c.end();
    }
  };
  await sql(PROCEDURES_SCHEMA + seed);
  return { ...db, sql, count: async (t) => Number((await sql(`SELECT count(*)::int AS n FROM ${t}`))[0].n) };
}

/**
 * Partner data, 100,000 rows in the source: 20,000 partners, 40,000 locations, 40,000 offers. Production has
 * planted gaps: partners with id % 100 = 7 lost (with their locations and offers), locations with id % 50 = 3
 * lost, partner names with id % 1000 = 5 and offer discounts with id % 400 = 9 corrupted, one partner only
 * production has (50001). QR codes: every partner but id % 500 = 11, and one orphan code (partner 99999).
 */
export const PARTNERS_SOURCE = `
  INSERT INTO partners (id, name, category) SELECT g, 'Partner ' || g, (ARRAY['food','fitness','beauty'])[1 + g % 3] FROM generate_series(1, 20000) g;
  INSERT INTO partner_locations SELECT g, 1 + g % 20000, 'Sofia', 42.690000 + g * 0.000001, 23.320000 FROM generate_series(1, 40000) g;
  INSERT INTO partner_offers SELECT g, 1 + g % 20000, 'Offer ' || g, 10 + g % 20 FROM generate_series(1, 40000) g;
  ANALYZE;`;

export const PARTNERS_PRODUCTION = `
  INSERT INTO partners (id, name, category)
    SELECT g, CASE WHEN g % 1000 = 5 THEN 'Partner ' || g || ' (corrupted)' ELSE 'Partner ' || g END, (ARRAY['food','fitness','beauty'])[1 + g % 3]
      FROM generate_series(1, 20000) g WHERE g % 100 <> 7;
  INSERT INTO partners (id, name, category) VALUES (50001, 'New Cafe', 'food');
  INSERT INTO partner_locations SELECT g, 1 + g % 20000, 'Sofia', 42.690000 + g * 0.000001, 23.320000 FROM generate_series(1, 40000) g WHERE g % 100 <> 6 AND g % 50 <> 3;
  INSERT INTO partner_offers SELECT g, 1 + g % 20000, 'Offer ' || g, CASE WHEN g % 400 = 9 THEN 99 ELSE 10 + g % 20 END FROM generate_series(1, 40000) g WHERE g % 100 <> 6;
  INSERT INTO qr_codes SELECT g, g, 'QR-' || g FROM generate_series(1, 20000) g WHERE g % 500 <> 11;
  INSERT INTO qr_codes VALUES (99999, 99999, 'QR-ORPHAN');
  ANALYZE;`;
