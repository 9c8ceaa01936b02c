/** Follow-ups (action items) of incidents: the only SQL of them. */
import type { Database, Queryable } from './db.js';
import { appendEvent } from './timeline.js';

export interface FollowUp {
  id: number;
  incidentId: number;
  text: string;
  owner: string | null;
  /** YYYY-MM-DD */
  due: string | null;
  state: 'open' | 'done';
  source: 'manual' | 'checklist';
  createdBy: string;
  createdAt: Date;
  issueUrl: string | null;
  issueNumber: number | null;
}

interface Row {
  id: number;
  incident_id: number;
  text: string;
  owner: string | null;
  due: string | null;
  state: 'open' | 'done';
  source: 'manual' | 'checklist';
  created_by: string;
  created_at: Date;
  issue_url: string | null;
  issue_number: number | null;
}

// `due` is read as text: a DATE column must not shift a day with the client's time zone.
const COLUMNS = 'id, incident_id, text, owner, to_char(due, \'YYYY-MM-DD\') AS due, state, source, created_by, created_at, issue_url, issue_number';
const toFollowUp = (r: Row): FollowUp => ({ id: r.id, incidentId: r.incident_id, text: r.text, owner: r.owner, due: r.due, state: r.state, source: r.source, createdBy: r.created_by, createdAt: r.created_at, issueUrl: r.issue_url, issueNumber: r.issue_number });

export class FollowUpStore {
  constructor(private readonly db: Database) {}

  /** One follow-up, its timeline event and whatever shows it (`outbox`), in one transaction. */
  async add(f: { incidentId: number; text: string; owner?: string; due?: string; by: string; at: Date }, outbox: (tx: Queryable, added: FollowUp, eventId: number) => Promise<void>): Promise<FollowUp> {
    return this.db.transaction(async (tx) => {
      const r = await tx.query<Row>(
        `INSERT INTO follow_ups (incident_id, text, owner, due, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${COLUMNS}`,
        [f.incidentId, f.text, f.owner ?? null, f.due ?? null, f.by, f.at],
      );
      const added = toFollowUp(r.rows[0]!);
      const eventId = await appendEvent(tx, { incidentId: f.incidentId, at: f.at, actor: f.by, kind: 'followup_added', data: { followUp: added.id, text: f.text, owner: f.owner, due: f.due } });
      await outbox(tx, added, eventId);
      return added;
    });
  }

  async list(incidentId: number, q: Queryable = this.db): Promise<FollowUp[]> {
    const r = await q.query<Row>(`SELECT ${COLUMNS} FROM follow_ups WHERE incident_id = $1 ORDER BY id`, [incidentId]);
    return r.rows.map(toFollowUp);
  }

  async get(id: number): Promise<FollowUp | undefined> {
    const r = await this.db.query<Row>(`SELECT ${COLUMNS} FROM follow_ups WHERE id = $1`, [id]);
    return r.rows[0] && toFollowUp(r.rows[0]);
  }

  /** The issue the export made (or found): kept once; a second export of the item finds it here. */
  async setIssue(id: number, url: string, num: number, at: Date): Promise<void> {
    await this.db.query('UPDATE follow_ups SET issue_url = $2, issue_number = $3, synced_at = $4 WHERE id = $1', [id, url, num, at]);
  }

  async setState(id: number, state: 'open' | 'done', at: Date): Promise<boolean> {
    const r = await this.db.query('UPDATE follow_ups SET state = $2, synced_at = $3 WHERE id = $1 AND state <> $2', [id, state, at]);
    return r.rowCount === 1;
  }
}

/**
 * Closing an incident: checklist items nobody ticked become follow-ups owned by its Incident Commander,
 * in the close's own transaction (once per item, however often this runs).
 */
export async function followUpsFromChecklist(tx: Queryable, incidentId: number, by: string, at: Date): Promise<number> {
  const r = await tx.query(
    `INSERT INTO follow_ups (incident_id, text, owner, source, source_key, created_by, created_at)
     SELECT c.incident_id, 'Checklist not verified: ' || c.text || COALESCE(' (' || c.evidence || ')', ''),
            (SELECT user_id FROM incident_roles WHERE incident_id = c.incident_id AND role = 'incident_commander'), 'checklist', c.item_id, $2, $3
     FROM checklist_items c WHERE c.incident_id = $1 AND c.checked_at IS NULL
     ON CONFLICT (incident_id, source_key) WHERE source = 'checklist' DO NOTHING`,
    [incidentId, by, at],
  );
  return r.rowCount;
}
