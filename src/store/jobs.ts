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
 * Claims up to `limit` due jobs for `owner` until `leaseUntil`. SKIP LOCKED lets every replica claim at
 * once without waiting on each other; an expired lease (its owner died) makes a job claimable again.
 */
export async function claimDueJobs(q: Queryable, o: { owner: string; now: Date; leaseUntil: Date; limit: number }): Promise<Job[]> {
  const r = await q.query<JobRow>(
    `UPDATE jobs SET locked_by = $1, locked_until = $3, attempts = attempts + 1
     WHERE id IN (
       SELECT id FROM jobs
       WHERE done_at IS NULL AND due_at <= $2 AND (locked_until IS NULL OR locked_until < $2)
       ORDER BY due_at
       LIMIT $4
       FOR UPDATE SKIP LOCKED)
     RETURNING id, kind, key, incident_id, due_at, payload, version, attempts`,
    [o.owner, o.now, o.leaseUntil, o.limit],
  );
  return r.rows.map(toJob).sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime());
}

/**
 * Ends a run the claimer still owns. `next` reschedules, otherwise the job is done. When somebody
 * rescheduled the job meanwhile (version moved on), their plan stands and only the lease is released.
 */
export async function finishJob(
  q: Queryable,
  job: Job,
  o: { owner: string; at: Date; next?: Date; payload?: Record<string, unknown> },
): Promise<'finished' | 'superseded'> {
  const r = await q.query(
    `UPDATE jobs SET locked_by = NULL, locked_until = NULL, attempts = 0, last_error = NULL,
                     due_at = COALESCE($4::timestamptz, due_at), done_at = CASE WHEN $4::timestamptz IS NULL THEN $3::timestamptz ELSE NULL END,
                     payload = COALESCE($5, payload), version = version + 1
     WHERE id = $1 AND locked_by = $2 AND version = $6`,
    [job.id, o.owner, o.at, o.next ?? null, o.payload ? JSON.stringify(o.payload) : null, job.version],
  );
  if (r.rowCount === 1) return 'finished';
  await releaseJob(q, job, o.owner);
  return 'superseded';
}

/** A failed run: try again at `retryAt`, keeping the error for whoever looks at the table. */
export async function failJob(q: Queryable, job: Job, o: { owner: string; retryAt: Date; error: string }): Promise<void> {
  await q.query(
    `UPDATE jobs SET locked_by = NULL, locked_until = NULL, last_error = $3,
                     due_at = CASE WHEN version = $5 THEN $4 ELSE due_at END
     WHERE id = $1 AND locked_by = $2`,
    [job.id, o.owner, o.error.slice(0, 1000), o.retryAt, job.version],
  );
}

export async function releaseJob(q: Queryable, job: Job, owner: string): Promise<void> {
  await q.query('UPDATE jobs SET locked_by = NULL, locked_until = NULL WHERE id = $1 AND locked_by = $2', [job.id, owner]);
}

/** On a graceful stop: hand every lease back so another replica picks the jobs up at once. */
export async function releaseAll(q: Queryable, owner: string): Promise<number> {
  const r = await q.query('UPDATE jobs SET locked_by = NULL, locked_until = NULL WHERE locked_by = $1 AND done_at IS NULL', [owner]);
  return r.rowCount;
}

/**
 * Records, before a side effect, what is about to be done ("posting reminder 7"), so that a retry after a
 * crash can check whether it happened. Fails when the lease was lost: then the caller must not act.
 */
export async function checkpointJob(q: Queryable, job: Job, owner: string, patch: Record<string, unknown>): Promise<void> {
  const r = await q.query('UPDATE jobs SET payload = payload || $3::jsonb WHERE id = $1 AND locked_by = $2 AND version = $4 AND done_at IS NULL', [
    job.id,
    owner,
    JSON.stringify(patch),
    job.version,
  ]);
  if (r.rowCount !== 1) throw new LeaseLostError(job.id);
}

export class LeaseLostError extends Error {
  constructor(id: number) {
    super(`job ${id} is no longer ours (lease expired or rescheduled)`);
    this.name = 'LeaseLostError';
  }
}
