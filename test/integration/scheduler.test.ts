import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { systemClock } from '../../src/core/clock.js';
import { createLogger } from '../../src/observability/logger.js';
import { Scheduler, type JobHandler } from '../../src/scheduler/ticker.js';
import { openPostgres, type Database } from '../../src/store/db.js';
import { claimDueJobs, LeaseLostError, pendingJob, renewLease, scheduleJob } from '../../src/store/jobs.js';
import { migrate } from '../../src/store/migrate.js';
import { createPgInstance, type PgInstance } from '../helpers/pg-instance.js';
import { createTestDatabase } from '../helpers/pg.js';
import { sleep } from '../helpers/reminders.js';
import { testJobs } from '../helpers/jobs.js';

const silent = createLogger('silent');
let pgdb: Awaited<ReturnType<typeof createTestDatabase>>;
let db: Database;

beforeAll(async () => {
  pgdb = await createTestDatabase('sched');
  db = openPostgres(pgdb.url);
  await migrate(db);
});
afterAll(async () => {
  await db.close();
  await pgdb.drop();
});

const due = (ms = 0) => new Date(Date.now() + ms);
const until = async (ok: () => boolean | Promise<boolean>, ms = 10_000) => {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await sleep(20);
  }
};

describe('the due-work ticker', () => {
  it('two schedulers on one database run each of 300 due jobs exactly once', async () => {
    const runs = new Map<string, number>();
    const handler: JobHandler = async (job) => {
      runs.set(job.key, (runs.get(job.key) ?? 0) + 1);
      return {};
    };
    for (let i = 0; i < 300; i++) await scheduleJob(db, { kind: 'count', key: `k${i}`, dueAt: due(-1000) });
    const others = [openPostgres(pgdb.url), openPostgres(pgdb.url)];
    const s = others.map((d, i) => new Scheduler({ db: d, clock: systemClock, log: silent, jobs: testJobs({ count: handler }), tickMs: 10, batch: 25, owner: `s${i}` }));
    s.forEach((x) => x.start());
    await until(() => runs.size === 300);
    await Promise.all(s.map((x) => x.stop()));
    await Promise.all(others.map((d) => d.close()));
    expect([...runs.values()].every((n) => n === 1)).toBe(true);
    const left = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM jobs WHERE kind = 'count' AND done_at IS NULL");
    expect(left.rows[0]!.n).toBe(0);
  });

  it('a job stuck in a slow call (past its lease) holds one worker: work due meanwhile runs at once, the stuck one is not started twice', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let stuckRuns = 0;
    const ran: string[] = [];
    await scheduleJob(db, { kind: 'stuck', key: 'st1', dueAt: due(-10) });
    const s = new Scheduler({
      db, clock: systemClock, log: silent, tickMs: 20, leaseMs: 200,
      jobs: testJobs({ stuck: async () => (stuckRuns++, await gate, {}), quick: async (job) => (ran.push(job.key), {}) }),
    });
    s.start();
    await until(() => stuckRuns === 1);
    // Its lease ends while this process still holds the run in hand.
    await until(async () => (await db.query("SELECT 1 FROM jobs WHERE key = 'st1' AND locked_until < now()")).rowCount === 1);
    await scheduleJob(db, { kind: 'quick', key: 'q1', dueAt: due(-10) });
    await until(() => ran.includes('q1'), 2_000);
    expect(stuckRuns).toBe(1);
    release();
    await until(async () => (await db.query("SELECT 1 FROM jobs WHERE key = 'st1' AND done_at IS NOT NULL")).rowCount === 1);
    await s.stop();
    expect(stuckRuns).toBe(1);
  });

  it('a job whose owner died is claimed again once its lease ends, not before', async () => {
    await scheduleJob(db, { kind: 'orphan', key: 'o1', dueAt: due(-10) });
    const [claimed] = await claimDueJobs(db, { owner: 'dead-replica', leaseMs: 600, limit: 10 });
    expect(claimed?.key).toBe('o1');
    const seen: number[] = [];
    const s = new Scheduler({ db, clock: systemClock, log: silent, jobs: testJobs({ orphan: async () => (seen.push(Date.now()), {}) }), tickMs: 50 });
    const start = Date.now();
    s.start();
    await until(() => seen.length === 1);
    await s.stop();
    expect(seen[0]! - start).toBeGreaterThanOrEqual(450);
  });

  it('a renewed lease keeps a long step from other replicas; a lost job cannot renew', async () => {
    await scheduleJob(db, { kind: 'long', key: 'l1', dueAt: due(-10) });
    const [mine] = await claimDueJobs(db, { owner: 'runner', leaseMs: 1_000, limit: 10, skip: [] });
    expect(mine?.key).toBe('l1');
    await renewLease(db, mine!, 'runner', 3_600_000);
    // A minute on, the first lease would have ended: the renewed one has not.
    expect((await claimDueJobs(db, { owner: 'other', leaseMs: 1_000, limit: 10, at: due(60_000) })).map((j) => j.key)).not.toContain('l1');
    await expect(renewLease(db, mine!, 'other', 1_000)).rejects.toBeInstanceOf(LeaseLostError);
    await db.query(`UPDATE jobs SET done_at = now() WHERE id = $1`, [mine!.id]);
  });

  it('a reschedule while the job runs wins over the runner', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    await scheduleJob(db, { kind: 'slow', key: 's1', dueAt: due(-10) });
    const s = new Scheduler({ db, clock: systemClock, log: silent, jobs: testJobs({ slow: async () => (await gate, { next: due(60_000) }) }), tickMs: 20 });
    s.start();
    await until(async () => (await db.query("SELECT 1 FROM jobs WHERE key = 's1' AND locked_by IS NOT NULL")).rowCount === 1);
    const planned = due(5_000);
    await scheduleJob(db, { kind: 'slow', key: 's1', dueAt: planned });
    release();
    await until(async () => (await db.query("SELECT 1 FROM jobs WHERE key = 's1' AND locked_by IS NULL")).rowCount === 1);
    await s.stop();
    expect((await pendingJob(db, 'slow', 's1'))!.dueAt.getTime()).toBe(planned.getTime());
  });

  it('a failing job is retried with backoff, and Slack Retry-After is honoured', async () => {
    const attempts: number[] = [];
    await scheduleJob(db, { kind: 'flaky', key: 'f1', dueAt: due(-10) });
    const handler: JobHandler = async () => {
      attempts.push(Date.now());
      if (attempts.length === 1) throw Object.assign(new Error('ratelimited'), { retryAfter: 1 });
      if (attempts.length === 2) throw new Error('An API error occurred: internal_error');
      return {};
    };
    const s = new Scheduler({ db, clock: systemClock, log: silent, jobs: testJobs({ flaky: handler }), tickMs: 20 });
    s.start();
    await until(() => attempts.length === 3, 15_000);
    await s.stop();
    expect(attempts[1]! - attempts[0]!).toBeGreaterThanOrEqual(950);
    expect(attempts[2]! - attempts[1]!).toBeGreaterThanOrEqual(1_500);
    expect(await pendingJob(db, 'flaky', 'f1')).toBeUndefined();
  }, 20_000);

  it('the lease is checked before a side effect: a run that lost its job does nothing', async () => {
    await scheduleJob(db, { kind: 'fenced', key: 'x1', dueAt: due(-10) });
    let acted = 0;
    let called = 0;
    const s = new Scheduler({
      db,
      clock: systemClock,
      log: silent,
      tickMs: 20,
      jobs: testJobs({
        fenced: async (_job, ctx) => {
          called++;
          await scheduleJob(db, { kind: 'fenced', key: 'x1', dueAt: due(60_000) }); // someone replans meanwhile
          await ctx.checkpoint({ about: 'to act' });
          acted++;
          return {};
        },
      }),
    });
    s.start();
    await until(async () => called === 1 && (await db.query("SELECT 1 FROM jobs WHERE key = 'x1' AND locked_by IS NULL")).rowCount === 1);
    await s.stop();
    expect(acted).toBe(0);
    const job = await pendingJob(db, 'fenced', 'x1');
    expect(job!.payload).toEqual({});
    expect(job!.dueAt.getTime()).toBeGreaterThan(Date.now() + 50_000);
  });
});

describe('a PostgreSQL restart while jobs tick', () => {
  let pg: PgInstance;
  beforeAll(async () => {
    pg = await createPgInstance();
  }, 60_000);
  afterAll(() => pg?.destroy());

  it('the ticker keeps running, logs the outage, and runs every job once the database is back', async () => {
    const lines: string[] = [];
    const log = createLogger('info', new Writable({ write: (c, _e, cb) => (lines.push(String(c)), cb()) }));
    const own = openPostgres(pg.url(), { onError: () => undefined });
    await migrate(own);
    const ran: string[] = [];
    const s = new Scheduler({ db: own, clock: systemClock, log, jobs: testJobs({ tick: async (job) => (ran.push(job.key), {}) }), tickMs: 50 });
    // Outcomes are saved after the handler returns: wait for done_at, not for the handlers.
    const doneCount = async () =>
      (await own.query<{ n: number }>("SELECT count(*)::int AS n FROM jobs WHERE kind = 'tick' AND done_at IS NOT NULL")).rows[0]!.n;
    try {
      for (let i = 0; i < 5; i++) await scheduleJob(own, { kind: 'tick', key: `before${i}`, dueAt: due(-10) });
      s.start();
      await until(async () => ran.length === 5 && (await doneCount()) === 5);
      // Jobs fall due while the database is down.
      for (let i = 0; i < 5; i++) await scheduleJob(own, { kind: 'tick', key: `during${i}`, dueAt: due(500) });
      pg.stop('fast');
      await until(() => lines.some((l) => l.includes('database unavailable')), 15_000);
      pg.start();
      await until(async () => {
        if (ran.length < 10 || !lines.some((l) => l.includes('database is back'))) return false;
        return (await doneCount().catch(() => 0)) === 10;
      }, 30_000);
    } finally {
      // Close every handle even when an expectation failed, so jest does not hang on them.
      await s.stop();
      await own.close();
    }
    expect(ran.sort()).toEqual([...Array.from({ length: 5 }, (_, i) => `before${i}`), ...Array.from({ length: 5 }, (_, i) => `during${i}`)].sort());
  }, 60_000);
});
