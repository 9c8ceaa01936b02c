import type { RecoveryMeasure, StepMeasure } from '../core/recovery-measures.js';
import type { Queryable } from './db.js';

const toMeasure = (r: Record<string, any>): RecoveryMeasure => ({
  actionId: Number(r.action_id),
  kind: r.kind,
  source: r.source,
  valueMs: Number(r.value_ms),
  lagBytes: r.lag_bytes === null ? null : Number(r.lag_bytes),
  restorePoint: r.restore_point ?? null,
  objectiveMs: r.objective_ms === null ? null : Number(r.objective_ms),
  measuredAt: r.measured_at,
});

const COLS = 'action_id, kind, source, value_ms, lag_bytes, restore_point, objective_ms, measured_at';

/**
 * A step's measure, stored once per action: a restore point becomes "incident start − restore point" by
 * the database's own clock and row (the incident's declared_at), never a value carried in from outside.
 */
export async function recordStepMeasure(q: Queryable, a: { actionId: number; incidentId: number }, m: StepMeasure, objectiveMs: number | null): Promise<RecoveryMeasure | undefined> {
  const r =
    m.source === 'replication_lag'
      ? await q.query(
          `INSERT INTO recovery_measures (incident_id, action_id, kind, source, value_ms, lag_bytes, objective_ms) VALUES ($1, $2, 'rpo', 'replication_lag', $3, $4, $5)
           ON CONFLICT (action_id, kind, source) DO NOTHING RETURNING ${COLS}`,
          [a.incidentId, a.actionId, Math.round(m.valueMs), m.lagBytes, objectiveMs],
        )
      : await q.query(
          `INSERT INTO recovery_measures (incident_id, action_id, kind, source, value_ms, restore_point, objective_ms)
           SELECT i.id, $2, 'rpo', 'restore_point', GREATEST(0, round(extract(epoch FROM i.declared_at - $3::timestamptz) * 1000))::bigint, $3::timestamptz, $4
             FROM incidents i WHERE i.id = $1
           ON CONFLICT (action_id, kind, source) DO NOTHING RETURNING ${COLS}`,
          [a.incidentId, a.actionId, m.restorePoint, objectiveMs],
        );
  return r.rows[0] ? toMeasure(r.rows[0]) : undefined;
}

/** Declaration → now (the probes just passed), by the database's clock. */
export async function recordRto(q: Queryable, a: { actionId: number; incidentId: number }, objectiveMs: number | null): Promise<RecoveryMeasure | undefined> {
  const r = await q.query(
    `INSERT INTO recovery_measures (incident_id, action_id, kind, source, value_ms, objective_ms)
     SELECT i.id, $2, 'rto', 'probes_passing', round(extract(epoch FROM now() - i.declared_at) * 1000)::bigint, $3 FROM incidents i WHERE i.id = $1
     ON CONFLICT (action_id, kind, source) DO NOTHING RETURNING ${COLS}`,
    [a.incidentId, a.actionId, objectiveMs],
  );
  return r.rows[0] ? toMeasure(r.rows[0]) : undefined;
}

export async function listMeasures(q: Queryable, incidentId: number): Promise<RecoveryMeasure[]> {
  return (await q.query(`SELECT ${COLS} FROM recovery_measures WHERE incident_id = $1 ORDER BY measured_at, id`, [incidentId])).rows.map(toMeasure);
}

/** For /metrics: the newest measure of each kind and source, and how many met their objective. */
export async function measureFigures(q: Queryable): Promise<Array<{ kind: string; source: string; lastMs: number; met: number; missed: number }>> {
  const r = await q.query<Record<string, any>>(
    `SELECT kind, source,
            (array_agg(value_ms ORDER BY measured_at DESC))[1] AS last_ms,
            count(*) FILTER (WHERE objective_ms IS NOT NULL AND value_ms <= objective_ms)::int AS met,
            count(*) FILTER (WHERE objective_ms IS NOT NULL AND value_ms > objective_ms)::int AS missed
       FROM recovery_measures GROUP BY kind, source`,
  );
  return r.rows.map((x) => ({ kind: x.kind, source: x.source, lastMs: Number(x.last_ms), met: Number(x.met), missed: Number(x.missed) }));
}
