/**
 * A declare's one statement: the incident, its commander, the timeline row, the first reminder and what the
 * declare starts (its card job, and its page round or mention line), written together.
 */
import { JOB } from '../core/job-kinds.js';
import type { Incident } from '../core/incident.js';
import type { LevelNumber } from '../core/levels.js';
import type { Queryable } from './db.js';
import { toIncident, type IncidentRow } from './incident-row.js';

export interface NewIncident {
  level: LevelNumber;
  title: string;
  description: string;
  services: string[];
  drill: boolean;
  declaredBy: string;
  commander: string;
  requestKey?: string;
  at: Date;
  reminderAt?: Date | null;
  /** What the declare starts besides the card (default: a page round). */
  opening?: DeclareOpening;
}

/**
 * What a declare starts besides its card, decided before the statement: a level that only mentions gets
 * its line (whom it names) written with the incident; a level that pages gets its page round job; a level
 * reaching nobody gets neither.
 */
export type DeclareOpening = { line: string } | { pageRound: boolean };

/**
 * A line written with the declare waits for its card: the statement that records the card makes it due
 * (setCard); this is only the fallback if that never happens here (the line then looks for the card itself).
 */
const LINE_WAITS_FOR_CARD_S = 5;

/**
 * The incident, its commander, the timeline row and the first reminder in ONE statement: atomic
 * without a transaction's extra round trips, which is most of what a declare costs the database.
 */
export async function insertIncident(q: Queryable, n: NewIncident): Promise<Incident | undefined> {
  const opening: DeclareOpening = n.opening ?? { pageRound: true };
  const r = await q.query<IncidentRow>(
    `WITH i AS (
       INSERT INTO incidents (level, title, description, services, drill, declared_by, declared_at, request_key)
       SELECT $1, $2, $3, $4, $5, $6, $7, $8
       WHERE $8::text IS NULL OR NOT EXISTS (SELECT 1 FROM incidents WHERE request_key = $8)
       ON CONFLICT (request_key) DO NOTHING RETURNING *),
     r AS (INSERT INTO incident_roles (incident_id, role, user_id, assigned_by, assigned_at)
       SELECT id, 'incident_commander', $9, $6, $7 FROM i),
     t AS (INSERT INTO timeline (incident_id, at, actor, kind, data) SELECT id, $7, $6, 'declared', $10::jsonb FROM i),
     j AS (INSERT INTO jobs (kind, key, incident_id, due_at, payload)
       SELECT '${JOB.reminder}', id::text, id, $11, '{"seq":0}' FROM i WHERE $11::timestamptz IS NOT NULL),
     -- The outbox: the card and the level's page round are jobs written with the incident, so a crash
     -- right after the commit still ends with one card and the pages sent.
     c AS (INSERT INTO jobs (kind, key, incident_id, due_at) SELECT '${JOB.postCard}', id::text, id, now() FROM i),
     p AS (INSERT INTO jobs (kind, key, incident_id, due_at, payload)
       SELECT '${JOB.pageRound}', id || ':declared', id, now(), jsonb_build_object('reason', 'declared', 'actor', $6::text) FROM i WHERE $12),
     -- The key is the one the page round gives its line (outbox.ts queueThreadLine: "<id>:round:<round key>").
     l AS (INSERT INTO jobs (kind, key, incident_id, due_at, payload)
       SELECT '${JOB.threadLine}', id || ':round:' || id || ':declared', id, now() + interval '${LINE_WAITS_FOR_CARD_S} seconds', jsonb_build_object('text', $13::text)
       FROM i WHERE $13::text IS NOT NULL)
     SELECT i.*, jsonb_build_object('incident_commander', $9::text) AS roles FROM i`,
    [
      n.level, n.title, n.description, n.services, n.drill, n.declaredBy, n.at, n.requestKey ?? null, n.commander,
      JSON.stringify({ level: n.level, title: n.title, services: n.services, drill: n.drill, commander: n.commander }),
      n.reminderAt ?? null,
      'pageRound' in opening ? opening.pageRound : false,
      'line' in opening ? opening.line : null,
    ],
  );
  return r.rows[0] && toIncident(r.rows[0]);
}
