import type { Queryable } from './db.js';

export interface TimelineEntry {
  id: number;
  incidentId: number;
  at: Date;
  actor: string;
  kind: string;
  data: Record<string, unknown>;
}

export interface NewTimelineEntry {
  incidentId: number;
  at: Date;
  actor: string;
  kind: string;
  data?: Record<string, unknown>;
}

export async function appendTimeline(q: Queryable, e: NewTimelineEntry): Promise<void> {
  await appendEvent(q, e);
}

/** Appends one event and answers its id (the thread line that shows it is keyed by it). */
export async function appendEvent(q: Queryable, e: NewTimelineEntry): Promise<number> {
  const r = await q.query<{ id: number }>('INSERT INTO timeline (incident_id, at, actor, kind, data) VALUES ($1, $2, $3, $4, $5) RETURNING id', [
    e.incidentId,
    e.at,
    e.actor,
    e.kind,
    JSON.stringify(e.data ?? {}),
  ]);
  return r.rows[0]!.id;
}

export async function listTimeline(q: Queryable, incidentId: number): Promise<TimelineEntry[]> {
  const r = await q.query<{ id: number; incident_id: number; at: Date; actor: string; kind: string; data: Record<string, unknown> }>(
    'SELECT id, incident_id, at, actor, kind, data FROM timeline WHERE incident_id = $1 ORDER BY id',
    [incidentId],
  );
  return r.rows.map((row) => ({ id: row.id, incidentId: row.incident_id, at: row.at, actor: row.actor, kind: row.kind, data: row.data }));
}
