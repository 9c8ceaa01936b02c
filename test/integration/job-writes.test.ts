/**
 * The jobs' shared statements (store/job-writes.ts, store/turn-batch.ts) keep each row's own conditions: in
 * one batch, a job that lost its lease or was replanned meanwhile is answered so, and only it; the others are
 * written as if alone, each timeline event once. On real PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { openPostgres, type Database } from '../../src/store/db.js';
import { Store } from '../../src/store/index.js';
import { JobWrites } from '../../src/store/job-writes.js';
import { claimDueJobs, LeaseLostError, scheduleJob, type Job } from '../../src/store/jobs.js';
import { migrate } from '../../src/store/migrate.js';
import { createTestDatabase } from '../helpers/pg.js';

let pgdb: Awaited<ReturnType<typeof createTestDatabase>>;
let db: Database;
let store: Store;
let incidentId: number;
const at = new Date('2026-11-30T10:00:00Z');

beforeAll(async () => {
  pgdb = await createTestDatabase('jobwrites');
  db = openPostgres(pgdb.url);
  await migrate(db);
  store = new Store(db);
  const { incident } = await store.incidents.declare({ level: 3, title: 'Batch', description: '', services: [], drill: false, declaredBy: 'U1', commander: 'U1', at });
  incidentId = incident.id;
});
afterAll(async () => {
  await db.close();
  await pgdb.drop();
});

/** `n` due jobs of a kind no handler knows, claimed by `owner`. */
async function claimed(prefix: string, n: number, owner: string): Promise<Job[]> {
  for (let i = 0; i < n; i++) await scheduleJob(db, { kind: 'test_batch', key: `${prefix}${i}`, incidentId, dueAt: new Date(Date.now() - 1000), payload: { n: i } });
  const jobs = await claimDueJobs(db, { owner, leaseMs: 30_000, limit: 100 });
  return jobs.filter((j) => j.key.startsWith(prefix));
}

const row = async (id: number) =>
  (await db.query<{ payload: Record<string, unknown>; done_at: Date | null; locked_by: string | null; due_at: Date }>('SELECT payload, done_at, locked_by, due_at FROM jobs WHERE id = $1', [id])).rows[0]!;

describe('shared checkpoints and outcomes', () => {
  it('checkpoints in one turn go out together; the one whose lease was taken over is refused, the rest written', async () => {
    const jobs = await claimed('cp', 6, 'me');
    expect(jobs).toHaveLength(6);
    // Another replica took job 2 over (its lease expired, say).
    await db.query('UPDATE jobs SET locked_by = $2 WHERE id = $1', [jobs[2]!.id, 'other']);
    const statements: string[] = [];
    const w = new JobWrites({ query: (sql, params) => (statements.push(sql), db.query(sql, params)) });
    const outcomes = await Promise.allSettled(jobs.map((j) => w.checkpoint(j, 'me', { pending: { seq: j.id } })));
    expect(statements).toHaveLength(1);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled', 'fulfilled']);
    expect((outcomes[2] as PromiseRejectedResult).reason).toBeInstanceOf(LeaseLostError);
    for (const [i, j] of jobs.entries()) {
      const r = await row(j.id);
      expect(r.payload.pending).toEqual(i === 2 ? undefined : { seq: j.id });
      expect(r.payload.n).toBe(Number(j.key.slice(2))); // merged into, not replaced
    }
  });

  it('outcomes in one turn: finished, rescheduled, replanned meanwhile — each as if written alone, each timeline event once', async () => {
    const jobs = await claimed('fin', 5, 'me');
    // Job 1 was replanned while it ran (a newer version): its plan stands, only the lease goes back.
    await scheduleJob(db, { kind: 'test_batch', key: jobs[1]!.key, incidentId, dueAt: new Date(Date.now() + 3_600_000) });
    const w = new JobWrites(db);
    const next = new Date(Date.now() + 60_000);
    const results = await Promise.all(
      jobs.map((j, i) =>
        w.finish(j, {
          owner: 'me',
          at: new Date(),
          next: i === 3 ? next : undefined,
          payload: i === 3 ? { seq: 1 } : undefined,
          timeline: { incidentId, at: new Date(), actor: 'dr-bot', kind: 'test_batch_run', data: { key: j.key } },
        }),
      ),
    );
    expect(results).toEqual(['finished', 'superseded', 'finished', 'finished', 'finished']);
    const [done0, replanned, rescheduled] = [await row(jobs[0]!.id), await row(jobs[1]!.id), await row(jobs[3]!.id)];
    expect(done0.done_at).not.toBeNull();
    expect(done0.locked_by).toBeNull();
    expect(replanned.done_at).toBeNull();
    expect(replanned.locked_by).toBeNull();
    expect(replanned.due_at.getTime()).toBeGreaterThan(Date.now() + 3_000_000);
    expect(rescheduled.done_at).toBeNull();
    expect(rescheduled.due_at.getTime()).toBe(next.getTime());
    expect(rescheduled.payload).toEqual({ seq: 1 });
    // What every run did is recorded once, the superseded one's included.
    const t = await db.query<{ key: string; n: number }>(
      `SELECT data->>'key' AS key, count(*)::int AS n FROM timeline WHERE kind = 'test_batch_run' GROUP BY 1 ORDER BY 1`,
    );
    expect(t.rows).toEqual(jobs.map((j) => ({ key: j.key, n: 1 })).sort((a, b) => a.key.localeCompare(b.key)));
  });

  it('incident reads in one turn are one statement, each caller its own incident', async () => {
    const second = (await store.incidents.declare({ level: 4, title: 'Other', description: '', services: [], drill: false, declaredBy: 'U2', commander: 'U2', at })).incident;
    const statements: string[] = [];
    const counting: Database = { ...db, query: (sql, params) => (statements.push(sql), db.query(sql, params)) };
    const s = new Store(counting);
    const [a, b, a2, none] = await Promise.all([s.incidents.load(incidentId), s.incidents.load(second.id), s.incidents.load(incidentId), s.incidents.load(999_999)]);
    expect(statements).toHaveLength(1);
    expect([a?.title, b?.title, a2?.title, none]).toEqual(['Batch', 'Other', 'Batch', undefined]);
  });
});
