import type { Incident, OpenStatus } from '../core/incident.js';
import type { LevelNumber } from '../core/levels.js';
import { JOB } from '../core/job-kinds.js';
import type { Database, Queryable } from './db.js';
import { cancelJob, scheduleJob } from './jobs.js';
import { appendEvent, appendTimeline } from './timeline.js';
import { claimRequest } from './requests.js';
import { TurnBatch } from './turn-batch.js';
import { INCIDENT_SELECT as SELECT, OPEN, toIncident, type IncidentRow } from './incident-row.js';
import { insertIncident, type NewIncident } from './incident-declare.js';

export const REMINDER = 'reminder';

/**
 * What a change writes besides itself, in its transaction (the outbox): the thread line and card edit that
 * show it, the pages it calls for. Given the changed incident and the id of the change's timeline event.
 */
export type Effects<E = object> = (tx: Queryable, change: { incident: Incident; eventId: number } & E) => Promise<void>;

/** A reminder's next due time, decided by the caller: a Date moves it, null cancels it, undefined leaves it. */
type ReminderChange = Date | null | undefined;

async function applyReminder(tx: Queryable, id: number, change: ReminderChange, at: Date, payload?: Record<string, unknown>): Promise<void> {
  if (change === undefined) return;
  if (change === null) await cancelJob(tx, REMINDER, String(id), at);
  else await scheduleJob(tx, { kind: REMINDER, key: String(id), incidentId: id, dueAt: change, payload });
}

export class IncidentStore {
  constructor(private readonly db: Database) {}

  async get(id: number, q: Queryable = this.db): Promise<Incident | undefined> {
    const r = await q.query<IncidentRow>(`${SELECT} WHERE i.id = $1`, [id]);
    return r.rows[0] && toIncident(r.rows[0]);
  }

  /**
   * Reads asked for in the same turn of the event loop go out as ONE statement: the jobs a claim starts
   * together (reminders, cards, redraws) each read their incident, and under load that was a round trip
   * per job. Each caller still gets the incident as it is at that moment; use `get` inside a transaction.
   */
  load(id: number): Promise<Incident | undefined> {
    return this.loads.add(id);
  }

  private readonly loads = new TurnBatch<number, Incident | undefined>(async (ids) => {
    const byId = await this.getMany([...new Set(ids)]);
    return ids.map((id) => byId.get(id));
  });

  private async getMany(ids: number[]): Promise<Map<number, Incident>> {
    const r = await this.db.query<IncidentRow>(`${SELECT} WHERE i.id = ANY($1::bigint[])`, [ids]);
    return new Map(r.rows.map((row) => [row.id, toIncident(row)]));
  }

  /**
   * Where a thread line of the incident goes, and whether an earlier line of it is still waiting (lines go
   * out in order) and until when: one round trip for what a thread-line job reads before posting.
   */
  async threadTarget(
    id: number,
    lineJobId: number,
  ): Promise<{ channelId: string | null; cardTs: string | null; earlierPending: boolean; earlierDueAt: Date | null; cardPending: boolean } | undefined> {
    const r = await this.db.query<{ channel_id: string | null; card_ts: string | null; earlier_due: Date | null; card_pending: boolean }>(
      `SELECT channel_id, card_ts,
              (SELECT max(due_at) FROM jobs WHERE kind = '${JOB.threadLine}' AND incident_id = $1 AND done_at IS NULL AND id < $2) AS earlier_due,
              card_ts IS NULL AND EXISTS (SELECT 1 FROM jobs WHERE kind = '${JOB.postCard}' AND key = $1::text AND done_at IS NULL) AS card_pending
       FROM incidents WHERE id = $1`,
      [id, lineJobId],
    );
    const row = r.rows[0];
    return row && { channelId: row.channel_id, cardTs: row.card_ts, earlierPending: row.earlier_due !== null, earlierDueAt: row.earlier_due, cardPending: row.card_pending };
  }

  async byCard(channelId: string, ts: string): Promise<Incident | undefined> {
    const r = await this.db.query<IncidentRow>(`${SELECT} WHERE i.channel_id = $1 AND i.card_ts = $2`, [channelId, ts]);
    return r.rows[0] && toIncident(r.rows[0]);
  }

  async listOpen(channelId?: string): Promise<Incident[]> {
    const r = await this.db.query<IncidentRow>(
      `${SELECT} WHERE i.status IN ${OPEN} AND ($1::text IS NULL OR i.channel_id = $1) ORDER BY i.level, i.id`,
      [channelId ?? null],
    );
    return r.rows.map(toIncident);
  }

  /**
   * Declares once per request key: a modal submitted twice (same view id) or a retried request gets
   * `created: false` and the incident the first one made.
   */
  async declare(n: NewIncident): Promise<{ incident: Incident; created: boolean }> {
    if (n.requestKey?.startsWith('view:')) {
      // A modal is often submitted twice at once (double click): serialise on the key, so no INC number is burnt.
      return this.db.transaction(async (tx) => {
        await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [n.requestKey]);
        const existing = await this.byRequestKey(n.requestKey!, tx);
        if (existing) return { incident: existing, created: false };
        return { incident: (await insertIncident(tx, n))!, created: true };
      });
    }
    const inserted = await insertIncident(this.db, n);
    if (inserted) return { incident: inserted, created: true };
    return { incident: (await this.byRequestKey(n.requestKey!))!, created: false };
  }

  private async byRequestKey(key: string, q: Queryable = this.db): Promise<Incident | undefined> {
    const r = await q.query<IncidentRow>(`${SELECT} WHERE i.request_key = $1`, [key]);
    return r.rows[0] && toIncident(r.rows[0]);
  }

  /**
   * Records where the card is; only the first caller wins, so a retry never leaves two cards claimed.
   * Answers the incident as it is now, read in the same statement (one round trip, not two), and makes the
   * incident's thread lines that wait for the card due.
   */
  async setCard(id: number, channelId: string, ts: string): Promise<{ won: boolean; incident: Incident | undefined }> {
    const r = await this.db.query<IncidentRow & { won: boolean }>(
      `WITH u AS (UPDATE incidents SET channel_id = $2, card_ts = $3 WHERE id = $1 AND card_ts IS NULL RETURNING *),
       -- Lines that were waiting for the card (written with the declare) are due now, not at their fallback.
       l AS (UPDATE jobs SET due_at = now() WHERE kind = '${JOB.threadLine}' AND incident_id = $1 AND done_at IS NULL AND due_at > now()
               AND (locked_until IS NULL OR locked_until < now()) AND EXISTS (SELECT 1 FROM u))
       SELECT i.*, (SELECT jsonb_object_agg(r.role, r.user_id) FROM incident_roles r WHERE r.incident_id = i.id) AS roles, true AS won FROM u i
       UNION ALL
       SELECT i.*, (SELECT jsonb_object_agg(r.role, r.user_id) FROM incident_roles r WHERE r.incident_id = i.id) AS roles, false AS won
       FROM incidents i WHERE i.id = $1 AND NOT EXISTS (SELECT 1 FROM u)`,
      [id, channelId, ts],
    );
    const row = r.rows[0];
    return { won: row?.won === true, incident: row && toIncident(row) };
  }

  async postUpdate(
    id: number,
    u: { text: string; status?: OpenStatus; by: string; at: Date; reminderAt?: ReminderChange; requestKey?: string; effects?: Effects<{ from: OpenStatus }> },
  ): Promise<Incident | undefined> {
    return this.db.transaction(async (tx) => {
      await claimRequest(tx, u.requestKey);
      const r = await tx.query<{ old_status: string }>(
        `UPDATE incidents i SET last_update_at = $2, last_update_by = $3, last_update_text = $4, status = COALESCE($5, i.status),
           acknowledged_at = COALESCE(i.acknowledged_at, $2),
           mitigated_at = CASE WHEN $5 = 'monitoring' THEN COALESCE(i.mitigated_at, $2) ELSE i.mitigated_at END
         FROM (SELECT id, status AS old_status FROM incidents WHERE id = $1 FOR UPDATE) o
         WHERE i.id = o.id AND i.status IN ${OPEN} RETURNING o.old_status`,
        [id, u.at, u.by, u.text, u.status ?? null],
      );
      if (r.rowCount === 0) return undefined;
      const from = r.rows[0]!.old_status as OpenStatus;
      const eventId = await appendEvent(tx, { incidentId: id, at: u.at, actor: u.by, kind: 'update', data: { text: u.text, status: u.status ?? from } });
      if (u.status && u.status !== from) {
        await appendTimeline(tx, { incidentId: id, at: u.at, actor: u.by, kind: 'status_changed', data: { from, to: u.status } });
      }
      await applyReminder(tx, id, u.reminderAt, u.at);
      const incident = (await this.get(id, tx))!;
      await u.effects?.(tx, { incident, eventId, from });
      return incident;
    });
  }

  /** Gives `role` to `user`; answers the previous holder so the handover can be said. */
  async assignRole(
    id: number,
    a: { role: string; user: string; by: string; at: Date; requestKey?: string; effects?: Effects<{ previous?: string }> },
  ): Promise<{ incident: Incident; previous?: string } | undefined> {
    return this.db.transaction(async (tx) => {
      await claimRequest(tx, a.requestKey);
      const open = await tx.query(`SELECT 1 FROM incidents WHERE id = $1 AND status IN ${OPEN} FOR UPDATE`, [id]);
      if (open.rowCount === 0) return undefined;
      const prev = await tx.query<{ user_id: string }>('SELECT user_id FROM incident_roles WHERE incident_id = $1 AND role = $2', [id, a.role]);
      const previous = prev.rows[0]?.user_id;
      await tx.query(
        `INSERT INTO incident_roles (incident_id, role, user_id, assigned_by, assigned_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (incident_id, role) DO UPDATE SET user_id = EXCLUDED.user_id, assigned_by = EXCLUDED.assigned_by, assigned_at = EXCLUDED.assigned_at`,
        [id, a.role, a.user, a.by, a.at],
      );
      const eventId = await appendEvent(tx, { incidentId: id, at: a.at, actor: a.by, kind: 'role_assigned', data: { role: a.role, user: a.user, previous: previous ?? null } });
      const incident = (await this.get(id, tx))!;
      await a.effects?.(tx, { incident, eventId, previous });
      return { incident, previous };
    });
  }

  async changeLevel(
    id: number,
    c: { level: LevelNumber; by: string; at: Date; reminderAt?: ReminderChange; requestKey?: string; effects?: Effects<{ from: LevelNumber }> },
  ): Promise<{ incident: Incident; from: LevelNumber } | undefined> {
    return this.db.transaction(async (tx) => {
      await claimRequest(tx, c.requestKey);
      const r = await tx.query<{ old_level: number }>(
        `UPDATE incidents i SET level = $2
         FROM (SELECT id, level AS old_level FROM incidents WHERE id = $1 FOR UPDATE) o
         WHERE i.id = o.id AND i.status IN ${OPEN} AND i.level <> $2 RETURNING o.old_level`,
        [id, c.level],
      );
      if (r.rowCount === 0) return undefined;
      const from = r.rows[0]!.old_level as LevelNumber;
      const eventId = await appendEvent(tx, { incidentId: id, at: c.at, actor: c.by, kind: 'level_changed', data: { from, to: c.level } });
      await applyReminder(tx, id, c.reminderAt, c.at);
      const incident = (await this.get(id, tx))!;
      await c.effects?.(tx, { incident, eventId, from });
      return { incident, from };
    });
  }

  async resolve(id: number, r: { by: string; summary: string; at: Date; requestKey?: string; effects?: Effects }): Promise<Incident | undefined> {
    return this.db.transaction(async (tx) => {
      await claimRequest(tx, r.requestKey);
      const u = await tx.query(
        `UPDATE incidents SET status = 'resolved', resolved_at = $2, resolved_by = $3, resolution = $4,
           acknowledged_at = COALESCE(acknowledged_at, $2), mitigated_at = COALESCE(mitigated_at, $2)
         WHERE id = $1 AND status IN ${OPEN}`,
        [id, r.at, r.by, r.summary],
      );
      if (u.rowCount === 0) return undefined;
      const eventId = await appendEvent(tx, { incidentId: id, at: r.at, actor: r.by, kind: 'resolved', data: { summary: r.summary } });
      await applyReminder(tx, id, null, r.at);
      const incident = (await this.get(id, tx))!;
      await r.effects?.(tx, { incident, eventId });
      return incident;
    });
  }

  /** `/incident remind`: this incident's own cadence (0 = off), recorded, and the pending reminder moved. */
  async setReminder(id: number, r: { everyMs: number; by: string; at: Date; reminderAt: Date | null }): Promise<Incident | undefined> {
    return this.db.transaction(async (tx) => {
      const u = await tx.query(`UPDATE incidents SET remind_every_ms = $2 WHERE id = $1 AND status IN ${OPEN}`, [id, r.everyMs]);
      if (u.rowCount === 0) return undefined;
      await appendTimeline(tx, { incidentId: id, at: r.at, actor: r.by, kind: 'reminder_cadence', data: { everyMs: r.everyMs } });
      await applyReminder(tx, id, r.reminderAt, r.at);
      return this.get(id, tx);
    });
  }

  /** Open incidents per level (drills apart), for the `drbot_incidents_open` gauge. */
  async openByLevel(): Promise<Array<{ level: number; drill: boolean; n: number }>> {
    const r = await this.db.query<{ level: number; drill: boolean; n: number }>(
      `SELECT level, drill, count(*)::int AS n FROM incidents WHERE status IN ${OPEN} GROUP BY level, drill`,
    );
    return r.rows;
  }

  /** The first acknowledgement (a page acknowledged in Slack) counts for the time-to-acknowledge objective. */
  async markAcknowledged(id: number, at: Date): Promise<void> {
    await this.db.query('UPDATE incidents SET acknowledged_at = $2 WHERE id = $1 AND (acknowledged_at IS NULL OR acknowledged_at > $2)', [id, at]);
  }
}
