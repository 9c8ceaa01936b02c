import type { Queryable } from './db.js';

export type ActionStatus = 'proposed' | 'running' | 'succeeded' | 'failed' | 'cancelled' | 'expired' | 'interrupted';
export type StepStatus = 'pending' | 'running' | 'ok' | 'failed' | 'interrupted' | 'skipped';

export interface StepRecord {
  id: string;
  title: string;
  status: StepStatus;
  startedAt?: string;
  ms?: number;
  detail?: string;
  error?: string;
}

/** What the plan card shows and the steps run from: stored as JSON, so any replica can run it. */
export interface PlanRecord {
  title: string;
  target: string;
  summary: string;
  facts: Array<[string, string]>;
  warnings: string[];
  data: Record<string, unknown>;
  /**
   * The facts an approval is bound to (target state, lag band, image, replicas, snapshot id): Confirm re-runs
   * the read-only preflight and refuses when these differ. Volatile readings (a key count, a lag in bytes)
   * stay out; their band goes in.
   */
  fingerprint?: Record<string, string | number | boolean | null>;
}

export interface Action {
  id: number;
  kind: string;
  target: string;
  incidentId: number;
  status: ActionStatus;
  destructive: boolean;
  args: Record<string, unknown>;
  plan: PlanRecord;
  steps: StepRecord[];
  requestedBy: string;
  requestedAt: Date;
  expiresAt: Date;
  approvedBy: string | null;
  approvedAt: Date | null;
  startedAt: Date | null;
  heartbeatAt: Date | null;
  runBy: string | null;
  finishedAt: Date | null;
  endedBy: string | null;
  error: string | null;
  channelId: string | null;
  messageTs: string | null;
  /** What the approval is bound to, stored at request time (null on rows older than migration 007). */
  bound: BoundApproval | null;
}

/** The rules and facts an approval is bound to, as they were when the action was requested. */
export interface BoundApproval {
  level: number;
  twoPersonRule: boolean;
  approveRoles: string[];
  fingerprint: Record<string, string | number | boolean | null>;
}

type Row = Record<string, any>;
const toAction = (r: Row): Action => ({
  id: r.id,
  kind: r.kind,
  target: r.target,
  incidentId: r.incident_id,
  status: r.status,
  destructive: r.destructive,
  args: r.args,
  plan: r.plan,
  steps: r.steps,
  requestedBy: r.requested_by,
  requestedAt: r.requested_at,
  expiresAt: r.expires_at,
  approvedBy: r.approved_by,
  approvedAt: r.approved_at,
  startedAt: r.started_at,
  heartbeatAt: r.heartbeat_at,
  runBy: r.run_by,
  finishedAt: r.finished_at,
  endedBy: r.ended_by,
  error: r.error,
  channelId: r.channel_id,
  messageTs: r.message_ts,
  bound:
    r.requested_level === null || r.requested_level === undefined
      ? null
      : { level: Number(r.requested_level), twoPersonRule: r.two_person_rule, approveRoles: r.approve_roles ?? [], fingerprint: r.fingerprint ?? {} },
});

export interface NewAction {
  kind: string;
  target: string;
  incidentId: number;
  destructive: boolean;
  args: Record<string, unknown>;
  plan: PlanRecord;
  steps: StepRecord[];
  requestedBy: string;
  expiresInMs: number;
  bound: BoundApproval;
}

export type ClaimResult = { claimed: Action } | { claimed?: undefined; busyWith?: Action };

/**
 * The actions table. Times that decide (expiry, heartbeat staleness) are the database's `now()`, so every
 * replica judges them by the same clock.
 */
export class ActionStore {
  constructor(readonly db: Queryable) {}

  async create(a: NewAction): Promise<Action> {
    const r = await this.db.query<Row>(
      `INSERT INTO actions (kind, target, incident_id, destructive, args, plan, steps, requested_by, expires_at, requested_level, two_person_rule, approve_roles, fingerprint)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now() + $9 * interval '1 millisecond', $10, $11, $12, $13) RETURNING *`,
      [
        a.kind, a.target, a.incidentId, a.destructive, JSON.stringify(a.args), JSON.stringify(a.plan), JSON.stringify(a.steps), a.requestedBy, a.expiresInMs,
        a.bound.level, a.bound.twoPersonRule, JSON.stringify(a.bound.approveRoles), JSON.stringify(a.bound.fingerprint),
      ],
    );
    return toAction(r.rows[0]!);
  }

  async get(id: number): Promise<Action | undefined> {
    const r = await this.db.query<Row>('SELECT * FROM actions WHERE id = $1', [id]);
    return r.rows[0] && toAction(r.rows[0]);
  }

  async running(target: string): Promise<Action | undefined> {
    const r = await this.db.query<Row>(`SELECT * FROM actions WHERE target = $1 AND status = 'running'`, [target]);
    return r.rows[0] && toAction(r.rows[0]);
  }

  async listForIncident(incidentId: number): Promise<Action[]> {
    const r = await this.db.query<Row>('SELECT * FROM actions WHERE incident_id = $1 ORDER BY id', [incidentId]);
    return r.rows.map(toAction);
  }

  async setMessage(id: number, channelId: string, ts: string): Promise<void> {
    await this.db.query('UPDATE actions SET channel_id = $2, message_ts = $3 WHERE id = $1', [id, channelId, ts]);
  }

  /**
   * The one winner of every Confirm click. A second running action on the same target trips the partial
   * unique index: that is answered with the running one, so the refusal can name it.
   */
  async claim(id: number, o: { approver: string; owner: string }): Promise<ClaimResult> {
    try {
      const r = await this.db.query<Row>(
        `UPDATE actions SET status = 'running', approved_by = $2, approved_at = now(), started_at = now(), heartbeat_at = now(), run_by = $3
         WHERE id = $1 AND status = 'proposed' AND expires_at > now() RETURNING *`,
        [id, o.approver, o.owner],
      );
      return r.rows[0] ? { claimed: toAction(r.rows[0]) } : {};
    } catch (err) {
      if ((err as { code?: string }).code !== '23505') throw err;
      const a = await this.get(id);
      return { busyWith: a && (await this.running(a.target)) };
    }
  }

  /** Progress of a run; false when the run is no longer this process's (interrupted meanwhile): stop. */
  async saveSteps(id: number, owner: string, steps: StepRecord[]): Promise<boolean> {
    const r = await this.db.query(`UPDATE actions SET steps = $3, heartbeat_at = now() WHERE id = $1 AND status = 'running' AND run_by = $2`, [
      id,
      owner,
      JSON.stringify(steps),
    ]);
    return r.rowCount === 1;
  }

  async heartbeat(id: number, owner: string): Promise<boolean> {
    const r = await this.db.query(`UPDATE actions SET heartbeat_at = now() WHERE id = $1 AND status = 'running' AND run_by = $2`, [id, owner]);
    return r.rowCount === 1;
  }

  async finish(id: number, owner: string, o: { status: 'succeeded' | 'failed'; steps: StepRecord[]; error?: string }): Promise<Action | undefined> {
    const r = await this.db.query<Row>(
      `UPDATE actions SET status = $3, steps = $4, error = $5, finished_at = now()
       WHERE id = $1 AND status = 'running' AND run_by = $2 RETURNING *`,
      [id, owner, o.status, JSON.stringify(o.steps), o.error ?? null],
    );
    return r.rows[0] && toAction(r.rows[0]);
  }

  async cancel(id: number, by: string): Promise<Action | undefined> {
    const r = await this.db.query<Row>(
      `UPDATE actions SET status = 'cancelled', ended_by = $2, finished_at = now() WHERE id = $1 AND status = 'proposed' RETURNING *`,
      [id, by],
    );
    return r.rows[0] && toAction(r.rows[0]);
  }

  /** A plan whose facts changed before Confirm: void (shown as cancelled by the bot), a fresh plan replaces it. */
  async supersede(id: number, why: string): Promise<Action | undefined> {
    const r = await this.db.query<Row>(
      `UPDATE actions SET status = 'cancelled', ended_by = 'dr-bot', finished_at = now(), error = $2 WHERE id = $1 AND status = 'proposed' RETURNING *`,
      [id, why],
    );
    return r.rows[0] && toAction(r.rows[0]);
  }

  /** Answers the action when it expired now; undefined when it was confirmed, cancelled or is not due yet. */
  async expire(id: number): Promise<Action | undefined> {
    const r = await this.db.query<Row>(
      `UPDATE actions SET status = 'expired', ended_by = 'dr-bot', finished_at = now()
       WHERE id = $1 AND status = 'proposed' AND expires_at <= now() RETURNING *`,
      [id],
    );
    return r.rows[0] && toAction(r.rows[0]);
  }

  /**
   * Runs whose process stopped heartbeating (killed, partitioned) become `interrupted`, with the step in
   * hand marked so. Never resumed: whether that step took effect is for a person to check.
   */
  async interruptStale(staleMs: number): Promise<Action[]> {
    const r = await this.db.query<Row>(
      `UPDATE actions SET status = 'interrupted', ended_by = 'dr-bot', finished_at = now(),
              error = 'the bot stopped while this ran (no heartbeat for ' || $1 || ' ms)',
              steps = (SELECT coalesce(jsonb_agg(CASE WHEN s->>'status' = 'running' THEN s || '{"status":"interrupted"}'::jsonb ELSE s END ORDER BY n), '[]'::jsonb)
                       FROM jsonb_array_elements(steps) WITH ORDINALITY AS e(s, n))
       WHERE status = 'running' AND heartbeat_at < now() - $1 * interval '1 millisecond' RETURNING *`,
      [staleMs],
    );
    return r.rows.map(toAction);
  }

  /** Seconds left before a proposed action expires (negative when it has), by the database's clock. */
  async secondsLeft(id: number): Promise<number | undefined> {
    const r = await this.db.query<{ left: number }>('SELECT extract(epoch FROM expires_at - now())::float8 AS left FROM actions WHERE id = $1', [id]);
    return r.rows[0]?.left;
  }
}
