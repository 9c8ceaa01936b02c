import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { systemClock } from '../../src/core/clock.js';
import { createLogger } from '../../src/observability/logger.js';
import { Scheduler } from '../../src/scheduler/ticker.js';
import { openPostgres, type Database } from '../../src/store/db.js';
import { scheduleJob } from '../../src/store/jobs.js';
import { migrate } from '../../src/store/migrate.js';
import { eventually } from '../helpers/eventually.js';
import { testJobs } from '../helpers/jobs.js';
import { createPgInstance, type PgInstance } from '../helpers/pg-instance.js';

/**
 * A silent network cut or a frozen server: the connections the pool holds stop answering without closing.
 * Frozen here with SIGSTOP on the pool's server processes. The client-side query timeout fails the query
 * and drops its connection, so the ticker goes on with fresh connections instead of hanging for minutes.
 */
let inst: PgInstance;
let db: Database;
let side: pg.Client;
const frozen: number[] = [];

beforeAll(async () => {
  inst = await createPgInstance();
  db = openPostgres(inst.url(), { max: 3, queryTimeoutMs: 1_000, onError: () => undefined });
  await migrate(db);
  side = new pg.Client({ connectionString: inst.url() });
  await side.connect();
}, 60_000);
afterAll(async () => {
  for (const pid of frozen) {
    try {
      process.kill(pid, 'SIGCONT');
    } catch {
      // already gone
    }
  }
  await side?.end();
  await db?.close().catch(() => undefined);
  inst?.destroy();
});

describe('a frozen PostgreSQL backend', () => {
  it('fails the queries it holds within the timeout, and the scheduler keeps running jobs on new connections', async () => {
    const ran: string[] = [];
    const s = new Scheduler({ db, clock: systemClock, log: createLogger('silent'), jobs: testJobs({ tick: async (job) => (ran.push(job.key), {}) }), tickMs: 50, leaseMs: 3_000 });
    try {
      // Open every connection of the pool, then freeze each one's server process.
      const pids = await Promise.all([0, 1, 2].map(async () => (await db.query<{ pid: number }>('SELECT pg_backend_pid() AS pid, pg_sleep(0.2)')).rows[0]!.pid));
      for (const pid of new Set(pids)) {
        process.kill(pid, 'SIGSTOP');
        frozen.push(pid);
      }
      const started = Date.now();
      await expect(db.query('SELECT 1')).rejects.toThrow(/timeout/i);
      expect(Date.now() - started).toBeLessThan(3_000);

      s.start();
      for (let i = 0; i < 5; i++) await scheduleJob(side, { kind: 'tick', key: `k${i}`, dueAt: new Date(Date.now() - 10) });
      // Fresh connections replace the frozen ones: every job runs and is recorded done, in seconds.
      await eventually(async () => {
        const r = await side.query("SELECT count(*)::int AS n FROM jobs WHERE kind = 'tick' AND done_at IS NOT NULL");
        return r.rows[0].n === 5;
      }, 20_000);
      expect(Date.now() - started).toBeLessThan(20_000);
      expect([...new Set(ran)].sort()).toEqual(['k0', 'k1', 'k2', 'k3', 'k4']);
    } finally {
      await s.stop();
    }
  }, 60_000);
});
