/**
 * The reminder benchmark's database: a fresh one on the local PostgreSQL, migrated with the bot's own
 * migrations, seeded in bulk with open incidents and their `reminder` jobs (one INSERT … SELECT
 * generate_series), and a look at the claim query's plan through auto_explain.
 */
import pg from 'pg';
import { openPostgres, type Database, type Queryable } from '../src/store/db.js';
import { claimDueJobs } from '../src/store/jobs.js';
import { migrate } from '../src/store/migrate.js';
import { createTestDatabase } from '../test/helpers/pg.js';

/** Our own connections, told apart from the bot's in pg_stat_activity. */
const SEEDER = 'drbench-seeder';

export interface BenchDatabase {
  url: string;
  db: Database;
  drop(): Promise<void>;
}

export async function createBenchDatabase(): Promise<BenchDatabase> {
  const t = await createTestDatabase('drbench_rem');
  const db = openPostgres(`${t.url}?application_name=${SEEDER}`, { max: 2 });
  try {
    await migrate(db);
  } catch (e) {
    await db.close();
    await t.drop();
    throw e;
  }
  return {
    url: t.url,
    db,
    async drop() {
      await db.close().catch(() => undefined);
      await t.drop();
    },
  };
}

export interface SeedSpec {
  /** Due time of the first reminder, wall clock ms. */
  firstDueMs: number;
  /** The n due times are spread evenly over this window: due_i = firstDue + i·window/n. */
  windowMs: number;
  n: number;
  cadenceMs: number;
  level: number;
  channel: string;
  declaredBy: string;
  /** One card ts per incident, in order, as the emulator knows them (the reminders thread under them). */
  cardTs: string[];
}

/**
 * Each incident is declared exactly one cadence before its reminder is due and never updated, so the
 * reminder handler posts reminder #1 (not escalated: one cadence missed) into the card's thread, and
 * reschedules the next one a cadence later, beyond the benchmark's window.
 * Answers each incident's due time (ms), read back from the jobs table.
 */
export async function seedIncidents(q: Queryable, s: SeedSpec): Promise<Map<number, number>> {
  await q.query(
    `WITH src AS (
       SELECT g AS n, to_timestamp(($1::double precision + (g - 1) * $2::double precision) / 1000) AS due, ($3::text[])[g] AS card_ts
       FROM generate_series(1, $4::int) AS g),
     inc AS (
       INSERT INTO incidents (level, title, status, declared_by, declared_at, channel_id, card_ts)
       SELECT $5, 'Bench reminder incident ' || n, 'investigating', $6, due - make_interval(secs => $7::double precision / 1000), $8, card_ts
       FROM src ORDER BY n
       RETURNING id, declared_at)
     INSERT INTO jobs (kind, key, incident_id, due_at, payload)
     SELECT 'reminder', id::text, id, declared_at + make_interval(secs => $7::double precision / 1000), '{"seq":0}'
     FROM inc`,
    [s.firstDueMs, s.windowMs / s.n, s.cardTs, s.n, s.level, s.declaredBy, s.cadenceMs, s.channel],
  );
  // A production table of this size would have statistics (autovacuum); a fresh one has none for a minute.
  await q.query('ANALYZE incidents');
  await q.query('ANALYZE jobs');
  const r = await q.query<{ incident_id: number; due_ms: number }>(
    `SELECT incident_id, (extract(epoch FROM due_at) * 1000)::double precision AS due_ms FROM jobs WHERE kind = 'reminder'`,
  );
  return new Map(r.rows.map((row) => [Number(row.incident_id), Number(row.due_ms)]));
}

/** The jobs table afterwards: how many reminders are still pending, failed or were retried. */
export async function jobStats(q: Queryable): Promise<Record<string, number>> {
  const r = await q.query<Record<string, number>>(
    `SELECT count(*)::int AS jobs,
            (count(*) FILTER (WHERE payload->>'seq' = '1'))::int AS posted_seq1,
            (count(*) FILTER (WHERE coalesce(payload->>'seq', '0') = '0'))::int AS never_ran,
            (count(*) FILTER (WHERE last_error IS NOT NULL))::int AS with_error,
            (count(*) FILTER (WHERE locked_by IS NOT NULL))::int AS still_locked
     FROM jobs WHERE kind = 'reminder'`,
  );
  const t = await q.query<{ n: number }>(`SELECT count(*)::int AS n FROM timeline WHERE kind = 'reminder'`);
  return { ...r.rows[0]!, timeline_reminders: t.rows[0]!.n };
}

/** This database's activity counters (pg_stat_database): commits ≈ statements, as the bot runs each on its own. */
export async function dbCounters(q: Queryable): Promise<Record<string, number>> {
  const r = await q.query<Record<string, string>>(
    `SELECT xact_commit, xact_rollback, tup_inserted, tup_updated, tup_returned, tup_fetched, blks_hit, blks_read FROM pg_stat_database WHERE datname = current_database()`,
  );
  return Object.fromEntries(Object.entries(r.rows[0]!).map(([k, v]) => [k, Number(v)]));
}

/** The server processes serving this database's connections (the bot's pool). */
export async function backendPids(q: Queryable): Promise<number[]> {
  const r = await q.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name <> $1', [SEEDER]);
  return r.rows.map((row) => Number(row.pid));
}

/**
 * The plan of the bot's real claim (src/store/jobs.ts claimDueJobs) at `now`, with actual times and
 * buffers, via auto_explain at NOTICE level in a transaction that is rolled back: nothing is claimed.
 */
export async function explainClaim(url: string, now: Date, limit = 100): Promise<{ plan: string; ms: number; claimed: number }> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const notices: string[] = [];
  c.on('notice', (n) => notices.push(n.message ?? ''));
  const q: Queryable = {
    query: async (sql, params) => {
      const r = await c.query(sql, params as unknown[]);
      return { rows: r.rows, rowCount: r.rowCount ?? 0 };
    },
  };
  try {
    await c.query('BEGIN');
    await c.query(`LOAD 'auto_explain'`);
    for (const s of ['log_min_duration = 0', 'log_analyze = on', 'log_buffers = on', 'log_timing = on', `log_level = 'notice'`]) await c.query(`SET LOCAL auto_explain.${s}`);
    const t0 = performance.now();
    const jobs = await claimDueJobs(q, { owner: 'bench-explain', at: now, leaseMs: 30_000, limit });
    const ms = performance.now() - t0;
    return { plan: notices.join('\n'), ms, claimed: jobs.length };
  } finally {
    await c.query('ROLLBACK').catch(() => undefined);
    await c.end();
  }
}
