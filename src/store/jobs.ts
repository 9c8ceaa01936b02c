import type { Queryable } from './db.js';

export interface Job {
  id: number;
  kind: string;
  key: string;
  incidentId: number | null;
  dueAt: Date;
  payload: Record<string, unknown>;
  version: number;
  attempts: number;
}

interface JobRow {
  id: number;
  kind: string;
  key: string;
  incident_id: number | null;
  due_at: Date;
  payload: Record<string, unknown>;
  version: number;
  attempts: number;
}

const toJob = (r: JobRow): Job => ({ id: r.id, kind: r.kind, key: r.key, incidentId: r.incident_id, dueAt: r.due_at, payload: r.payload, version: r.version, attempts: r.attempts });

export interface NewJob {
  kind: string;
  key: string;
  incidentId?: number;
  dueAt: Date;
  payload?: Record<string, unknown>;
}

/** Creates the pending job of (kind, key), or moves it to the new due time (keeping its payload unless given). */
export async function scheduleJob(q: Queryable, j: NewJob): Promise<void> {
  await q.query(
    `INSERT INTO jobs (kind, key, incident_id, due_at, payload) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (kind, key) WHERE done_at IS NULL
     DO UPDATE SET due_at = EXCLUDED.due_at, payload = CASE WHEN $6 THEN EXCLUDED.payload ELSE jobs.payload END,
                   version = jobs.version + 1, attempts = 0, last_error = NULL`,
    [j.kind, j.key, j.incidentId ?? null, j.dueAt, JSON.stringify(j.payload ?? {}), j.payload !== undefined],
  );
}

export async function cancelJob(q: Queryable, kind: string, key: string, at: Date): Promise<boolean> {
  const r = await q.query('UPDATE jobs SET done_at = $3, version = version + 1 WHERE kind = $1 AND key = $2 AND done_at IS NULL', [kind, key, at]);
  return r.rowCount > 0;
}

export async function pendingJob(q: Queryable, kind: string, key: string): Promise<Job | undefined> {
  const r = await q.query<JobRow>('SELECT * FROM jobs WHERE kind = $1 AND key = $2 AND done_at IS NULL', [kind, key]);
  return r.rows[0] && toJob(r.rows[0]);
}

/**
 * Claims up to `limit` due jobs for `owner`, leased for `leaseMs`. SKIP LOCKED lets every replica claim at
 * once without waiting on each other; an expired lease (its owner died) makes a job claimable again.
 * Due times and leases are read against the database's clock, so replicas with skewed clocks agree;
 * `at` overrides it only to look at a plan in the future (the benchmark's EXPLAIN). `skip`: jobs this
 * claimer is still running (a slow run can outlive its lease; it must not be started a second time here).
 */
export async function claimDueJobs(q: Queryable, o: { owner: string; leaseMs: number; limit: number; at?: Date; skip?: readonly number[] }): Promise<Job[]> {
  const r = await q.query<JobRow>(
    `WITH t AS (SELECT COALESCE($2::timestamptz, now()) AS now)
     UPDATE jobs SET locked_by = $1, locked_until = (SELECT now FROM t) + $3 * interval '1 millisecond', attempts = attempts + 1
     WHERE id IN (
       SELECT id FROM jobs
       WHERE done_at IS NULL AND due_at <= (SELECT now FROM t) AND (locked_until IS NULL OR locked_until < (SELECT now FROM t))
         AND NOT (id = ANY($5::bigint[]))
       ORDER BY due_at
       LIMIT $4
       FOR UPDATE SKIP LOCKED)
     RETURNING id, kind, key, incident_id, due_at, payload, version, attempts`,
    [o.owner, o.at ?? null, o.leaseMs, o.limit, o.skip ?? []],
  );
  return r.rows.map(toJob).sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime());
}

/** A failed run: try again `retryInMs` from now (the database's), keeping the error for whoever looks at the table. */
export async function failJob(q: Queryable, job: Job, o: { owner: string; retryInMs: number; error: string }): Promise<void> {
  await q.query(
    `UPDATE jobs SET locked_by = NULL, locked_until = NULL, last_error = $3,
                     due_at = CASE WHEN version = $5 THEN now() + $4 * interval '1 millisecond' ELSE due_at END
     WHERE id = $1 AND locked_by = $2`,
    [job.id, o.owner, o.error.slice(0, 1000), Math.max(0, Math.round(o.retryInMs)), job.version],
  );
}

/**
 * A run that only has to wait (its turn under Slack's rate limit): back in `inMs`, and this run does not
 * count as an attempt. `payload` puts back the payload the run started with (its checkpoint undone).
 */
export async function deferJob(q: Queryable, job: Job, o: { owner: string; inMs: number; payload?: Record<string, unknown> }): Promise<void> {
  await q.query(
    `UPDATE jobs SET locked_by = NULL, locked_until = NULL, attempts = GREATEST(attempts - 1, 0),
                     due_at = CASE WHEN version = $4 THEN now() + $3 * interval '1 millisecond' ELSE due_at END,
                     payload = CASE WHEN version = $4 AND $5::jsonb IS NOT NULL THEN $5::jsonb ELSE payload END
     WHERE id = $1 AND locked_by = $2`,
    [job.id, o.owner, Math.max(0, Math.round(o.inMs)), job.version, o.payload ? JSON.stringify(o.payload) : null],
  );
}

/**
 * A job out of attempts (or whose payload no handler can read): done, marked dead with the reason, never
 * claimed again. Answers false when the job was replanned meanwhile (a newer version deserves its own tries).
 */
export async function deadLetterJob(q: Queryable, job: Job, o: { owner: string; error: string }): Promise<boolean> {
  const r = await q.query(
    `UPDATE jobs SET locked_by = NULL, locked_until = NULL, last_error = $3, done_at = now(), dead_at = now()
     WHERE id = $1 AND locked_by = $2 AND version = $4`,
    [job.id, o.owner, o.error.slice(0, 1000), job.version],
  );
  if (r.rowCount === 1) return true;
  await releaseJob(q, job, o.owner);
  return false;
}

/**
 * Queues (kind, key) unless such a job was ever queued, pending or done: a thread line keyed by its
 * timeline event is posted once even when the change that made it is replayed.
 */
export async function enqueueOnce(q: Queryable, j: Omit<NewJob, 'dueAt'> & { dueAt?: Date }): Promise<boolean> {
  const r = await q.query(
    `INSERT INTO jobs (kind, key, incident_id, due_at, payload)
     SELECT $1, $2, $3, COALESCE($4::timestamptz, now()), $5 WHERE NOT EXISTS (SELECT 1 FROM jobs WHERE kind = $1 AND key = $2)
     ON CONFLICT (kind, key) WHERE done_at IS NULL DO NOTHING`,
    [j.kind, j.key, j.incidentId ?? null, j.dueAt ?? null, JSON.stringify(j.payload ?? {})],
  );
  return r.rowCount === 1;
}

/**
 * Coalesced work (a card redraw): one pending job per key, due as soon as possible but no sooner than
 * `gapMs` after the last one finished. A pending one keeps its earlier due time; bumping its version makes
 * a run in progress count as superseded, so the redraw after it shows the latest state.
 */
export async function scheduleCoalesced(q: Queryable, j: { kind: string; key: string; incidentId?: number; gapMs: number }): Promise<void> {
  await q.query(
    `INSERT INTO jobs (kind, key, incident_id, due_at)
     SELECT $1, $2, $3, GREATEST(now(), COALESCE((SELECT max(done_at) FROM jobs WHERE kind = $1 AND key = $2), '-infinity') + $4 * interval '1 millisecond')
     ON CONFLICT (kind, key) WHERE done_at IS NULL DO UPDATE SET version = jobs.version + 1, attempts = 0,
       due_at = CASE WHEN jobs.locked_until > now() THEN GREATEST(jobs.due_at, now() + $4 * interval '1 millisecond') ELSE jobs.due_at END`,
    [j.kind, j.key, j.incidentId ?? null, j.gapMs],
  );
}

/** Whether the jobs (kind, keys) have all been carried out (done and not dead). */
export async function jobsDone(q: Queryable, kind: string, keys: string[]): Promise<boolean> {
  const r = await q.query<{ n: number }>('SELECT count(*)::int AS n FROM jobs WHERE kind = $1 AND key = ANY($2::text[]) AND done_at IS NOT NULL AND dead_at IS NULL', [kind, keys]);
  return r.rows[0]!.n >= keys.length;
}

export async function releaseJob(q: Queryable, job: Job, owner: string): Promise<void> {
  await q.query('UPDATE jobs SET locked_by = NULL, locked_until = NULL WHERE id = $1 AND locked_by = $2', [job.id, owner]);
}

/** On a graceful stop: hand every lease back so another replica picks the jobs up at once. */
export async function releaseAll(q: Queryable, owner: string): Promise<number> {
  const r = await q.query('UPDATE jobs SET locked_by = NULL, locked_until = NULL WHERE locked_by = $1 AND done_at IS NULL', [owner]);
  return r.rowCount;
}

/** Pushes a running job's lease on (a step that takes longer than one lease); throws when it is no longer ours. */
export async function renewLease(q: Queryable, job: Job, owner: string, leaseMs: number): Promise<void> {
  const r = await q.query(`UPDATE jobs SET locked_until = now() + $4 * interval '1 millisecond' WHERE id = $1 AND locked_by = $2 AND version = $3 AND done_at IS NULL`, [job.id, owner, job.version, leaseMs]);
  if (r.rowCount !== 1) throw new LeaseLostError(job.id);
}

export class LeaseLostError extends Error {
  constructor(id: number) {
    super(`job ${id} is no longer ours (lease expired or rescheduled)`);
    this.name = 'LeaseLostError';
  }
}

/** A thread line queued after another of the same incident: what a leader may carry along in its post. */
export interface FollowingLine {
  id: number;
  key: string;
  text: string;
  /** A run of its own already began posting it: it must go (or be adopted) on its own. */
  started: boolean;
}

/**
 * The incident's waiting thread lines after job `afterId`, in order (at most `limit`). Due or not: a line
 * told to look again later (its turn, an earlier line) is still next in the order.
 */
export async function followingLines(q: Queryable, kind: string, incidentId: number, afterId: number, limit: number): Promise<FollowingLine[]> {
  const r = await q.query<FollowingLine>(
    `SELECT id, key, payload->>'text' AS text, payload ? 'postingSince' AS started FROM jobs
     WHERE kind = $1 AND incident_id = $2 AND id > $3 AND done_at IS NULL ORDER BY id LIMIT $4`,
    [kind, incidentId, afterId, limit],
  );
  return r.rows;
}

/** The texts of lines by id (a retried leader re-reads what it carried). */
export async function linesById(q: Queryable, ids: number[]): Promise<Array<{ id: number; key: string; text: string }>> {
  if (ids.length === 0) return [];
  const r = await q.query<{ id: number; key: string; text: string }>(`SELECT id, key, payload->>'text' AS text FROM jobs WHERE id = ANY($1::bigint[]) ORDER BY id`, [ids]);
  return r.rows;
}

/**
 * Lines that went out inside another job's post: done, in one statement. A run of theirs in progress finds
 * its version moved on and stops without acting.
 */
export async function finishCarried(q: Queryable, ids: number[], carrierKey: string): Promise<void> {
  if (ids.length === 0) return;
  await q.query(
    `UPDATE jobs SET done_at = now(), locked_by = NULL, locked_until = NULL, version = version + 1, payload = payload || jsonb_build_object('postedWith', $2::text)
     WHERE id = ANY($1::bigint[]) AND done_at IS NULL`,
    [ids, carrierKey],
  );
}
