import type { Incident } from '../core/incident.js';
import { followUpsFromChecklist } from './follow-ups.js';
import type { Database, Queryable } from './db.js';
import { appendTimeline } from './timeline.js';

export interface ChecklistItem {
  itemId: string;
  text: string;
  probe: string | null;
  checkedBy: string | null;
  checkedAt: Date | null;
  evidence: string | null;
}

interface Row {
  item_id: string;
  text: string;
  probe: string | null;
  checked_by: string | null;
  checked_at: Date | null;
  evidence: string | null;
}

const toItem = (r: Row): ChecklistItem => ({ itemId: r.item_id, text: r.text, probe: r.probe, checkedBy: r.checked_by, checkedAt: r.checked_at, evidence: r.evidence });

/** The post-recovery checklist of each incident: ticked by people or by probes, then the incident closes. */
export class ChecklistStore {
  constructor(private readonly db: Database) {}

  /** Copies the policy's items for the incident, once (a second call changes nothing). */
  async create(incidentId: number, items: Array<{ id: string; text: string; probe?: string }>): Promise<boolean> {
    if (items.length === 0) return false;
    const r = await this.db.query(
      `INSERT INTO checklist_items (incident_id, item_id, position, text, probe)
       SELECT $1, x.id, x.pos, x.text, x.probe FROM jsonb_to_recordset($2::jsonb) AS x(id text, pos int, text text, probe text)
       ON CONFLICT DO NOTHING`,
      [incidentId, JSON.stringify(items.map((it, i) => ({ id: it.id, pos: i, text: it.text, probe: it.probe ?? null })))],
    );
    return r.rowCount > 0;
  }

  async list(incidentId: number, q: Queryable = this.db): Promise<ChecklistItem[]> {
    const r = await q.query<Row>('SELECT * FROM checklist_items WHERE incident_id = $1 ORDER BY position', [incidentId]);
    return r.rows.map(toItem);
  }

  async setMessage(incidentId: number, ts: string): Promise<void> {
    await this.db.query('UPDATE incidents SET checklist_ts = $2 WHERE id = $1 AND checklist_ts IS NULL', [incidentId, ts]);
  }

  /** Ticks or unticks items; each change that actually happens is one timeline row. Answers the changes made. */
  async mark(incidentId: number, changes: Array<{ itemId: string; checked: boolean; evidence?: string }>, by: string, at: Date): Promise<number> {
    return this.db.transaction(async (tx) => {
      let changed = 0;
      for (const c of changes) {
        const r = c.checked
          ? await tx.query('UPDATE checklist_items SET checked_by = $3, checked_at = $4, evidence = $5 WHERE incident_id = $1 AND item_id = $2 AND checked_at IS NULL', [incidentId, c.itemId, by, at, c.evidence ?? null])
          : await tx.query('UPDATE checklist_items SET checked_by = NULL, checked_at = NULL, evidence = NULL WHERE incident_id = $1 AND item_id = $2 AND checked_at IS NOT NULL', [incidentId, c.itemId]);
        if (r.rowCount === 1) {
          changed++;
          await appendTimeline(tx, { incidentId, at, actor: by, kind: c.checked ? 'checklist_ticked' : 'checklist_unticked', data: { item: c.itemId, ...(c.evidence ? { evidence: c.evidence } : {}) } });
        }
      }
      return changed;
    });
  }

  /** Probe evidence for an item nobody ticked (a failed probe says why it stays open). */
  async note(incidentId: number, itemId: string, evidence: string): Promise<void> {
    await this.db.query('UPDATE checklist_items SET evidence = $3 WHERE incident_id = $1 AND item_id = $2 AND checked_at IS NULL', [incidentId, itemId, evidence]);
  }

  /** resolved → closed, only when every item is ticked — or, with a reason, when the IC says so. */
  async close(incidentId: number, o: { by: string; at: Date; reason?: string }): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const r = await tx.query(
        `UPDATE incidents SET status = 'closed', closed_at = $2, closed_by = $3, close_reason = $4
         WHERE id = $1 AND status = 'resolved'
           AND ($4::text IS NOT NULL OR NOT EXISTS (SELECT 1 FROM checklist_items WHERE incident_id = $1 AND checked_at IS NULL))`,
        [incidentId, o.at, o.by, o.reason ?? null],
      );
      if (r.rowCount !== 1) return false;
      const followUps = await followUpsFromChecklist(tx, incidentId, o.by, o.at);
      await appendTimeline(tx, { incidentId, at: o.at, actor: o.by, kind: 'closed', data: o.reason ? { reason: o.reason, ...(followUps ? { followUpsFromChecklist: followUps } : {}) } : { checklist: 'complete' } });
      return true;
    });
  }
}

