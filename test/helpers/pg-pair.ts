import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from './bot-process.js';
import { asPostgres, createPgInstance, pgBin, type PgInstance } from './pg-instance.js';

export interface PgNode {
  port: number;
  url(db?: string): string;
  /** The server's log so far (promotion requests show up here). */
  log(): string;
  stop(mode?: 'fast' | 'immediate'): void;
}

export interface PgPair {
  primary: PgInstance & { log(): string };
  standby: PgNode;
  /** One query on a node, on a connection of its own. */
  query<T = Record<string, unknown>>(url: string, sql: string, params?: unknown[]): Promise<T[]>;
  /** Waits until the standby streams from the primary and has replayed everything written so far. */
  caughtUp(timeoutMs?: number): Promise<void>;
  destroy(): void;
}

async function query<T>(url: string, sql: string, params?: unknown[]): Promise<T[]> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  await c.connect();
  try {
    return (await c.query(sql, params as unknown[])).rows as T[];
  } finally {
    await c.end();
  }
}

/**
 * A real primary and a streaming hot standby: initdb for the primary (test/helpers/pg-instance.ts), then
 * `pg_basebackup -R` (which writes standby.signal and primary_conninfo) for the standby, both run as the
 * postgres user. Whatever the test does to them (stop the primary, promote the standby), destroy() cleans up.
 */
export async function createPgPair(): Promise<PgPair> {
  const primary = await createPgInstance();
  const dir = mkdtempSync(join(tmpdir(), 'drbot-standby-'));
  chmodSync(dir, 0o777);
  if (process.getuid?.() === 0) execFileSync('chown', ['postgres', dir]);
  const data = join(dir, 'data');
  const port = await freePort();
  asPostgres(pgBin('pg_basebackup'), ['-h', '127.0.0.1', '-p', String(primary.port), '-U', 'postgres', '-D', data, '-R', '-X', 'stream', '--no-sync']);
  const logFile = join(dir, 'log');
  asPostgres(pgBin('pg_ctl'), ['-D', data, '-l', logFile, '-w', '-t', '30', '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`, 'start']);
  const read = (f: string) => {
    try {
      return readFileSync(f, 'utf8');
    } catch {
      return '';
    }
  };
  let stopped = false;
  const standby: PgNode = {
    port,
    url: (db = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${db}`,
    log: () => read(logFile),
    stop(mode = 'fast') {
      asPostgres(pgBin('pg_ctl'), ['-D', data, '-w', '-t', '30', '-m', mode, 'stop']);
      stopped = true;
    },
  };
  const pair: PgPair = {
    primary: Object.assign(primary, { log: () => read(join(primary.dir, 'log')) }),
    standby,
    query,
    async caughtUp(timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      const lsn = (await query<{ lsn: string }>(primary.url(), 'SELECT pg_current_wal_lsn()::text AS lsn'))[0]!.lsn;
      for (;;) {
        const [s] = await query<{ streaming: boolean; behind: boolean }>(
          standby.url(),
          `SELECT (SELECT status FROM pg_stat_wal_receiver) = 'streaming' AS streaming, pg_last_wal_replay_lsn() < $1::pg_lsn AS behind`,
          [lsn],
        );
        if (s?.streaming && !s.behind) return;
        if (Date.now() > deadline) throw new Error('the standby did not catch up with the primary');
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    destroy() {
      if (!stopped) {
        try {
          standby.stop('immediate');
        } catch {
          // already stopped
        }
      }
      rmSync(dir, { recursive: true, force: true });
      primary.destroy();
    },
  };
  return pair;
}
