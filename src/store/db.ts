import pg from 'pg';

export type Row = Record<string, unknown>;
export interface QueryResult<T> {
  rows: T[];
  rowCount: number;
}

/** What SQL modules need: a pool, a transaction's client, or PGlite look the same. */
export interface Queryable {
  query<T = Row>(sql: string, params?: unknown[]): Promise<QueryResult<T>>;
}

/** A transaction's connection; `exec` runs several statements in one string, no parameters (migrations). */
export interface Tx extends Queryable {
  exec(sql: string): Promise<void>;
}

export interface Database extends Tx {
  readonly kind: 'postgres' | 'pglite';
  /** Runs `fn` in one transaction on one connection; rolls back when it throws. */
  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

const INT8 = 20;
// int8 ids and counts fit comfortably in a double; a string or a BigInt leaking into the app is a bug magnet.
const parseInt8 = (v: string): number => Number(v);

/** A query that waited past the pool's client-side timeout (the server froze or the network went silent). */
const isQueryTimeout = (err: unknown): boolean => err instanceof Error && err.message === 'Query read timeout';

export const DEFAULT_QUERY_TIMEOUT_MS = 10_000;

/**
 * Prepared statements: a statement with parameters gets a name, so each connection parses and plans it once
 * and afterwards sends only its values. The names are per process and bounded (SQL built with values in it
 * would otherwise name a statement per value).
 */
const MAX_NAMED = 500;
function namer(): (sql: string, params: unknown[] | undefined) => pg.QueryConfig {
  const names = new Map<string, string>();
  return (text, values) => {
    if (!values || values.length === 0) return { text };
    let name = names.get(text);
    if (!name && names.size < MAX_NAMED) names.set(text, (name = `drbot_${names.size + 1}`));
    return name ? { name, text, values } : { text, values };
  };
}

export function openPostgres(url: string, opts: { max?: number; onError?: (err: Error) => void; queryTimeoutMs?: number } = {}): Database {
  const types = {
    getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
      oid === INT8 ? parseInt8 : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
  };
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.max ?? 10,
    types,
    connectionTimeoutMillis: 5_000,
    // Client-side: a query unanswered this long fails, and pool.query drops its connection (release(err)).
    query_timeout: opts.queryTimeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS,
    // TCP keep-alive finds a peer that vanished without a FIN (a cut cable, a dead NAT entry) in seconds.
    keepAlive: true,
    keepAliveInitialDelayMillis: 5_000,
  });
  // An idle client losing its server (PostgreSQL restart) must not crash the process; the next query reconnects.
  pool.on('error', (err) => opts.onError?.(err));
  const named = namer();
  const query = async <T>(sql: string, params?: unknown[]): Promise<QueryResult<T>> => {
    const r = await pool.query(named(sql, params));
    return { rows: r.rows as T[], rowCount: r.rowCount ?? 0 };
  };
  return {
    kind: 'postgres',
    query,
    async exec(sql) {
      await pool.query(sql);
    },
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const tx: Tx = {
          query: async <T>(sql: string, params?: unknown[]) => {
            const r = await client.query(named(sql, params));
            return { rows: r.rows as T[], rowCount: r.rowCount ?? 0 };
          },
          exec: async (sql) => {
            await client.query(sql);
          },
        };
        const out = await fn(tx);
        await client.query('COMMIT');
        client.release();
        return out;
      } catch (err) {
        // A connection that timed out is dropped (the server rolls back what it held); others roll back and
        // go back to the pool unless even the ROLLBACK fails.
        const broken = isQueryTimeout(err) ? err : await client.query('ROLLBACK').then(() => undefined, (e: unknown) => e);
        client.release(broken ? (broken as Error) : undefined);
        throw err;
      }
    },
    close: () => pool.end(),
  };
}

/** Embedded PostgreSQL (WASM) for `npm start` without a server: one connection, data kept in `dir`. */
export async function openPglite(dir: string | undefined): Promise<Database> {
  const { PGlite } = await import('@electric-sql/pglite');
  const db = await PGlite.create(dir, { parsers: { [INT8]: (v: string) => parseInt8(v) } });
  const wrap = (q: { query: PgliteQuery; exec: (sql: string) => Promise<unknown> }): Tx => ({
    query: async <T>(sql: string, params?: unknown[]) => {
      const r = await q.query<T>(sql, params);
      // PGlite reports affectedRows 0 (not undefined) for a SELECT, so a row count is whichever is larger.
      return { rows: r.rows, rowCount: Math.max(r.affectedRows ?? 0, r.rows.length) };
    },
    exec: async (sql) => {
      await q.exec(sql);
    },
  });
  return {
    kind: 'pglite',
    ...wrap(db),
    transaction: (fn) => db.transaction((tx) => fn(wrap(tx))),
    close: () => db.close(),
  };
}

type PgliteQuery = <T>(sql: string, params?: unknown[]) => Promise<{ rows: T[]; affectedRows?: number }>;
