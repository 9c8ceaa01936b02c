/**
 * A ticker's checkpoints and outcomes, written in batches (turn-batch.ts): the jobs one claim starts
 * checkpoint at about the same moment and finish at about the same moment, so each of those becomes one
 * statement for all of them. Each job's write keeps its own conditions (its lease, its version): a job
 * that lost its lease or was replanned meanwhile is answered so, as if it had been written alone.
 */
import type { Queryable } from './db.js';
import { LeaseLostError, releaseJob, type Job } from './jobs.js';
import { appendTimeline, type NewTimelineEntry } from './timeline.js';
import { TurnBatch } from './turn-batch.js';

interface Checkpoint {
  id: number;
  owner: string;
  version: number;
  patch: Record<string, unknown>;
}

export interface Outcome {
  owner: string;
  at: Date;
  next?: Date;
  payload?: Record<string, unknown>;
  timeline?: NewTimelineEntry;
}

/**
 * The ids are also given as an array: `j.id = ANY($2)` is what lets PostgreSQL find the rows by index. Joined
 * only with the JSON rows, a cached generic plan scanned the whole jobs table for each batch.
 */
export class JobWrites {
  constructor(private readonly db: Queryable) {}

  /**
   * Records, before a side effect, what is about to be done ("posting reminder 7"), so that a retry after a
   * crash can check whether it happened. Throws LeaseLostError when the job is no longer ours: then the
   * caller must not act.
   */
  async checkpoint(job: Job, owner: string, patch: Record<string, unknown>): Promise<void> {
    if (!(await this.checkpoints.add({ id: job.id, owner, version: job.version, patch }))) throw new LeaseLostError(job.id);
  }

  /**
   * Ends a run the claimer still owns. `next` reschedules, otherwise the job is done. When somebody
   * rescheduled the job meanwhile (version moved on), their plan stands and only the lease is released.
   */
  async finish(job: Job, o: Outcome): Promise<'finished' | 'superseded'> {
    if (await this.outcomes.add({ job, o })) return 'finished';
    // Replanned meanwhile: their plan stands, but what this run did still happened and is recorded.
    if (o.timeline) await appendTimeline(this.db, o.timeline);
    await releaseJob(this.db, job, o.owner);
    return 'superseded';
  }

  private readonly checkpoints = new TurnBatch<Checkpoint, boolean>(async (items) => {
    const r = await this.db.query<{ id: number }>(
      `UPDATE jobs j SET payload = j.payload || v.patch
       FROM jsonb_to_recordset($1::jsonb) AS v(id bigint, owner text, version int, patch jsonb)
       WHERE j.id = ANY($2::bigint[]) AND j.id = v.id AND j.locked_by = v.owner AND j.version = v.version AND j.done_at IS NULL
       RETURNING j.id`,
      [JSON.stringify(items), items.map((c) => c.id)],
    );
    const won = new Set(r.rows.map((row) => row.id));
    return items.map((c) => won.has(c.id));
  });

  private readonly outcomes = new TurnBatch<{ job: Job; o: Outcome }, boolean>(async (items) => {
    const rows = items.map(({ job, o }) => ({
      id: job.id,
      owner: o.owner,
      version: job.version,
      at: o.at.toISOString(),
      next: o.next?.toISOString() ?? null,
      payload: o.payload ?? null,
      t_incident: o.timeline?.incidentId ?? null,
      t_at: o.timeline?.at.toISOString() ?? null,
      t_actor: o.timeline?.actor ?? null,
      t_kind: o.timeline?.kind ?? null,
      t_data: o.timeline ? (o.timeline.data ?? {}) : null,
    }));
    // The runs' timeline events ride in the statement that records their outcomes: written once, with them.
    const r = await this.db.query<{ id: number }>(
      `WITH v AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS v(id bigint, owner text, version int, at timestamptz, next timestamptz, payload jsonb,
                    t_incident bigint, t_at timestamptz, t_actor text, t_kind text, t_data jsonb)),
       f AS (UPDATE jobs j SET locked_by = NULL, locked_until = NULL, attempts = 0, last_error = NULL,
                    due_at = COALESCE(v.next, j.due_at), done_at = CASE WHEN v.next IS NULL THEN v.at ELSE NULL END,
                    payload = COALESCE(v.payload, j.payload), version = j.version + 1
             FROM v WHERE j.id = ANY($2::bigint[]) AND j.id = v.id AND j.locked_by = v.owner AND j.version = v.version RETURNING j.id),
       t AS (INSERT INTO timeline (incident_id, at, actor, kind, data)
             SELECT v.t_incident, v.t_at, v.t_actor, v.t_kind, v.t_data FROM v JOIN f ON f.id = v.id WHERE v.t_kind IS NOT NULL ORDER BY v.id)
       SELECT id FROM f`,
      [JSON.stringify(rows), rows.map((row) => row.id)],
    );
    const done = new Set(r.rows.map((row) => row.id));
    return items.map(({ job }) => done.has(job.id));
  });
}
