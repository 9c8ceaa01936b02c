/** Alert groups from Alertmanager and the proposals they became: the only SQL of alerts in. */
import type { Database, Queryable } from './db.js';

export type ProposalStatus = 'proposed' | 'declared' | 'dismissed' | 'resolved';

export interface AlertState {
  status: 'firing' | 'resolved';
  name: string;
  summary?: string;
  startsAt: string;
  endsAt?: string;
}

export interface AlertProposal {
  id: number;
  groupKey: string;
  status: ProposalStatus;
  ruleIndex: number;
  level: 1 | 2 | 3 | 4;
  services: string[];
  title: string;
  auto: boolean;
  alerts: Record<string, AlertState>;
  link: string | null;
  createdAt: Date;
  decidedBy: string | null;
  decidedAt: Date | null;
  incidentId: number | null;
  channelId: string | null;
  ts: string | null;
  closedAt: Date | null;
}

export interface Notification {
  groupKey: string;
  firing: boolean;
  alerts: Record<string, AlertState>;
  rule: { index: number; level: number; services: string[]; title: string; auto: boolean };
  link: string | null;
  at: Date;
}

export interface Received {
  proposal: AlertProposal;
  created: boolean;
  /** Alerts that were firing and are now resolved. */
  newlyResolved: Array<[string, AlertState]>;
  /** The whole group resolved: this episode is over. */
  closed: boolean;
}

const camel = (k: string) => k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
function rowTo<T>(r: Record<string, unknown>): T {
  return Object.fromEntries(Object.entries(r).map(([k, v]) => [camel(k), v])) as T;
}
const toProposal = (r: Record<string, unknown>) => rowTo<AlertProposal>(r);

export class AlertProposalStore {
  constructor(private readonly db: Database) {}

  async get(id: number, q: Queryable = this.db): Promise<AlertProposal | undefined> {
    const r = await q.query('SELECT * FROM alert_proposals WHERE id = $1', [id]);
    return r.rows[0] && toProposal(r.rows[0]);
  }

  /**
   * One notification of a group, in one transaction with `outbox` (the jobs it calls for). The group's open
   * episode is found by its key (locked, so two notifications of one group are taken one after the other);
   * a firing group with none opens one — `proposed`, or `declared` when its rule auto-declares.
   * A resolved notification of a group we never proposed (no rule matched then) is nothing.
   */
  async receive(n: Notification, outbox: (tx: Queryable, r: Received) => Promise<void>): Promise<Received | undefined> {
    return this.db.transaction(async (tx) => {
      const open = async () => (await tx.query('SELECT * FROM alert_proposals WHERE group_key = $1 AND closed_at IS NULL FOR UPDATE', [n.groupKey])).rows[0];
      let row = await open();
      let created = false;
      if (!row) {
        if (!n.firing) return undefined;
        const ins = await tx.query(
          `INSERT INTO alert_proposals (group_key, status, rule_index, level, services, title, auto, alerts, link, created_at, decided_by, decided_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
           ON CONFLICT (group_key) WHERE closed_at IS NULL DO NOTHING RETURNING *`,
          [n.groupKey, n.rule.auto ? 'declared' : 'proposed', n.rule.index, n.rule.level, n.rule.services, n.rule.title, n.rule.auto, JSON.stringify(n.alerts), n.link, n.at, n.rule.auto ? 'alertmanager' : null, n.rule.auto ? n.at : null],
        );
        row = ins.rows[0] ?? (await open());
        created = ins.rowCount === 1;
        if (created) {
          const r: Received = { proposal: toProposal(row!), created, newlyResolved: [], closed: false };
          await outbox(tx, r);
          return r;
        }
      }
      const was = toProposal(row!);
      const newlyResolved = Object.entries(n.alerts).filter(([fp, a]) => a.status === 'resolved' && was.alerts[fp]?.status === 'firing');
      const closed = !n.firing;
      const upd = await tx.query(
        `UPDATE alert_proposals SET alerts = alerts || $2::jsonb, link = COALESCE($3, link),
                closed_at = CASE WHEN $4 THEN $5::timestamptz ELSE NULL END,
                status = CASE WHEN $4 AND status = 'proposed' THEN 'resolved' ELSE status END
         WHERE id = $1 RETURNING *`,
        [was.id, JSON.stringify(n.alerts), n.link, closed, n.at],
      );
      const r: Received = { proposal: toProposal(upd.rows[0]!), created, newlyResolved, closed };
      await outbox(tx, r);
      return r;
    });
  }

  /** Declare or Dismiss: the conditional update is the decision; of two clicks one gets the row. */
  async decide(id: number, status: 'declared' | 'dismissed', by: string, at: Date, outbox: (tx: Queryable) => Promise<void>): Promise<AlertProposal | undefined> {
    return this.db.transaction(async (tx) => {
      const r = await tx.query("UPDATE alert_proposals SET status = $2, decided_by = $3, decided_at = $4 WHERE id = $1 AND status = 'proposed' RETURNING *", [id, status, by, at]);
      if (r.rows[0]) await outbox(tx);
      return r.rows[0] && toProposal(r.rows[0]);
    });
  }

  /** The declared incident, with the jobs that show it (`outbox`), once. */
  async setIncident(id: number, incidentId: number, outbox: (tx: Queryable) => Promise<void>): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const r = await tx.query('UPDATE alert_proposals SET incident_id = $2 WHERE id = $1 AND incident_id IS NULL', [id, incidentId]);
      if (r.rowCount === 1) await outbox(tx);
      return r.rowCount === 1;
    });
  }

  /** The alerts of the group the incident was declared from (its latest episode), if any. */
  async forIncident(incidentId: number): Promise<{ alerts: Record<string, AlertState> } | undefined> {
    const r = await this.db.query<{ alerts: Record<string, AlertState> }>('SELECT alerts FROM alert_proposals WHERE incident_id = $1 ORDER BY id DESC LIMIT 1', [incidentId]);
    return r.rows[0];
  }

  async setMessage(id: number, channel: string, ts: string): Promise<void> {
    await this.db.query('UPDATE alert_proposals SET channel_id = $2, ts = $3 WHERE id = $1', [id, channel, ts]);
  }

  /** Declared proposals whose incident was never made (a crash between the decision and the declare). */
  async declaredWithoutIncident(groupKey: string): Promise<AlertProposal | undefined> {
    const r = await this.db.query("SELECT * FROM alert_proposals WHERE group_key = $1 AND status = 'declared' AND incident_id IS NULL AND closed_at IS NULL", [groupKey]);
    return r.rows[0] && toProposal(r.rows[0]);
  }
}
