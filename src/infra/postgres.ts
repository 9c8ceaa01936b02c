/** Self-managed PostgreSQL as a recovery target: health, replication state, promotion, a write check. */
import pg from 'pg';
import { databaseIdentity } from './data/partners-compare.js';
import { runIntegrityQueries, type IntegrityRow } from './integrity.js';
import { pgOptions, type SqlTarget } from './sql-access.js';

export interface PgNodeStatus {
  inRecovery: boolean;
  /** On a standby: WAL received but not yet replayed, in bytes (null when nothing is being received). */
  lagBytes: number | null;
  /** On a standby that is behind: how old the last replayed transaction is. */
  replayDelayMs: number | null;
  /** On a standby: the WAL receiver's state (`streaming`), null when it is not connected to a primary. */
  receiver: string | null;
  /** On a primary: how many standbys stream from it, and the furthest one's lag in bytes. */
  standbys: number;
  standbyLagBytes: number | null;
}

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

export class PostgresAdapter {
  /** One short-lived connection per call: a recovery tool must not hold a pool on a database that is failing. */
  private async withClient<T>(url: SqlTarget, timeoutMs: number, fn: (c: pg.Client) => Promise<T>): Promise<T> {
    const c = new pg.Client({ ...pgOptions(url), connectionTimeoutMillis: timeoutMs, query_timeout: timeoutMs, statement_timeout: timeoutMs });
    c.on('error', () => undefined); // a server dying under us surfaces through the query's rejection
    await c.connect();
    try {
      return await fn(c);
    } finally {
      await c.end().catch(() => undefined);
    }
  }

  /** `SELECT 1`, then whether the node is in recovery and how far behind it (or its standbys) are. */
  async status(url: SqlTarget, timeoutMs = 4_000): Promise<PgNodeStatus> {
    return this.withClient(url, timeoutMs, async (c) => {
      await c.query('SELECT 1');
      const r = await c.query(`
        SELECT pg_is_in_recovery() AS rec,
               CASE WHEN pg_is_in_recovery() THEN pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn()) END AS lag_bytes,
               CASE WHEN pg_is_in_recovery() AND pg_last_wal_receive_lsn() IS DISTINCT FROM pg_last_wal_replay_lsn()
                    THEN extract(epoch FROM now() - pg_last_xact_replay_timestamp()) * 1000 END AS delay_ms,
               (SELECT status FROM pg_stat_wal_receiver LIMIT 1) AS receiver,
               (SELECT count(*) FROM pg_stat_replication) AS standbys,
               CASE WHEN NOT pg_is_in_recovery() THEN (SELECT max(pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)) FROM pg_stat_replication) END AS standby_lag`);
      const row = r.rows[0];
      return {
        inRecovery: row.rec === true,
        lagBytes: num(row.lag_bytes),
        replayDelayMs: num(row.delay_ms),
        receiver: row.receiver ?? null,
        standbys: Number(row.standbys),
        standbyLagBytes: num(row.standby_lag),
      };
    });
  }

  /** `pg_promote(wait => true)`: answers once the server is out of recovery, or false after `waitSeconds`. */
  async promote(url: string, waitSeconds = 60): Promise<boolean> {
    return this.withClient(url, (waitSeconds + 10) * 1000, async (c) => {
      const r = await c.query('SELECT pg_promote(true, $1) AS ok', [waitSeconds]);
      return r.rows[0].ok === true;
    });
  }

  /** The procedures' integrity SQL, read-only with a statement timeout (integrity.ts). */
  integrity(url: SqlTarget, o: { statementTimeoutMs: number; connectTimeoutMs?: number }): Promise<IntegrityRow[]> {
    return runIntegrityQueries(url, o);
  }

  /** Proves the node takes writes: one row upserted in a small table of the bot's own. */
  async writeCheck(url: SqlTarget, table: string, by: string, timeoutMs = 5_000): Promise<Date> {
    if (!/^[a-z_][a-z0-9_]*$/.test(table)) throw new Error(`bad table name ${table}`);
    return this.withClient(url, timeoutMs, async (c) => {
      await c.query(`CREATE TABLE IF NOT EXISTS ${table} (id int PRIMARY KEY, written_at timestamptz NOT NULL, written_by text NOT NULL)`);
      const r = await c.query(
        `INSERT INTO ${table} (id, written_at, written_by) VALUES (1, now(), $1)
         ON CONFLICT (id) DO UPDATE SET written_at = EXCLUDED.written_at, written_by = EXCLUDED.written_by RETURNING written_at`,
        [by],
      );
      return r.rows[0].written_at as Date;
    });
  }

  /** `database|oid|postmaster start`: two URLs with the same identity are the same database on the same server. */
  identity(url: SqlTarget, timeoutMs = 5_000): Promise<string> {
    return this.withClient(url, timeoutMs, (c) => databaseIdentity(c));
  }

  /** Whether a database of this name exists on the server `url` points at. */
  async databaseExists(url: SqlTarget, name: string, timeoutMs = 5_000): Promise<boolean> {
    return this.withClient(url, timeoutMs, async (c) => (await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 1);
  }

  /** CREATE DATABASE (run from another database on the same server). */
  async createDatabase(url: SqlTarget, name: string, timeoutMs = 30_000): Promise<void> {
    await this.withClient(url, timeoutMs, async (c) => {
      await c.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
    });
  }

  /** Ends its sessions, then DROP DATABASE IF EXISTS (works before PostgreSQL 13's WITH (FORCE) too). */
  async dropDatabase(url: SqlTarget, name: string, timeoutMs = 30_000): Promise<void> {
    await this.withClient(url, timeoutMs, async (c) => {
      await c.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]);
      await c.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)}`);
    });
  }
}
