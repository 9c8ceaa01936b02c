/**
 * The procedures' integrity SQL ("Data Integrity Verification", "Transaction Recovery") on the platform
 * database. Everything runs in ONE read-only transaction (a consistent snapshot, and a guarantee that a
 * recovery tool never writes to the data it inspects) with a statement timeout; each check sits behind a
 * savepoint, so one that times out or fails is reported as such and the others still run.
 */
import pg from 'pg';
import { pgOptions, type SqlTarget } from './sql-access.js';

export type IntegrityCheckId = 'transactions-24h' | 'orphaned-transactions' | 'qr-codes-without-partner' | 'audit-past-last-known';

export interface IntegrityRow {
  id: IntegrityCheckId;
  ms: number;
  /** The count the threshold is applied to; undefined when the query failed. */
  count?: number;
  /** Extra figures (total amount, unique users…) shown next to the count. */
  extra?: Record<string, string | number | null>;
  /** The query's failure: `timeout` when the statement timeout cancelled it. */
  error?: { kind: 'timeout' | 'error'; message: string };
}

const QUERIES: Array<{ id: IntegrityCheckId; sql: string }> = [
  {
    id: 'transactions-24h',
    sql: `SELECT COUNT(*) AS count, COALESCE(SUM(amount), 0)::text AS total_amount,
                 COUNT(DISTINCT user_id) AS unique_users, COUNT(DISTINCT partner_id) AS unique_partners
            FROM transactions WHERE created_at >= NOW() - INTERVAL '24 hours'`,
  },
  {
    id: 'orphaned-transactions',
    sql: `SELECT COUNT(*) AS count FROM transactions t LEFT JOIN users u ON t.user_id = u.id WHERE u.id IS NULL`,
  },
  {
    id: 'qr-codes-without-partner',
    sql: `SELECT COUNT(*) AS count FROM qr_codes q LEFT JOIN partners p ON q.partner_id = p.id WHERE p.id IS NULL`,
  },
  {
    // "Identify missing transactions": audit-log entries for transactions past the last one the table has.
    id: 'audit-past-last-known',
    sql: `WITH last_known AS (SELECT MAX(transaction_id) AS last_id FROM transactions)
          SELECT COUNT(*) AS count, MAX(a.transaction_id)::text AS newest
            FROM audit_log a WHERE a.transaction_id > COALESCE((SELECT last_id FROM last_known), 0)`,
  },
];

const TIMEOUT_CODE = '57014'; // query_canceled: what a statement_timeout raises

export async function runIntegrityQueries(url: SqlTarget, o: { statementTimeoutMs: number; connectTimeoutMs?: number }): Promise<IntegrityRow[]> {
  const timeout = Math.max(1, Math.round(o.statementTimeoutMs));
  const c = new pg.Client({ ...pgOptions(url), connectionTimeoutMillis: o.connectTimeoutMs ?? 5_000 });
  c.on('error', () => undefined); // a dying server surfaces through the query's rejection
  await c.connect();
  const out: IntegrityRow[] = [];
  try {
    await c.query('BEGIN TRANSACTION READ ONLY');
    await c.query(`SET LOCAL statement_timeout = ${timeout}`);
    for (const q of QUERIES) {
      const t0 = performance.now();
      await c.query('SAVEPOINT integrity_check');
      try {
        const r = await c.query(q.sql);
        const { count, ...extra } = r.rows[0] ?? { count: 0 };
        out.push({ id: q.id, ms: Math.round(performance.now() - t0), count: Number(count), extra: Object.keys(extra).length ? extra : undefined });
        await c.query('RELEASE SAVEPOINT integrity_check');
      } catch (err) {
        const e = err as { code?: string; message?: string };
        const kind = e.code === TIMEOUT_CODE ? 'timeout' : 'error';
        const message = kind === 'timeout' ? `no answer within ${timeout} ms (statement timeout)` : (e.message ?? String(err));
        out.push({ id: q.id, ms: Math.round(performance.now() - t0), error: { kind, message } });
        await c.query('ROLLBACK TO SAVEPOINT integrity_check');
      }
    }
    await c.query('COMMIT');
    return out;
  } finally {
    await c.end().catch(() => undefined);
  }
}
