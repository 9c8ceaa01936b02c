import type { Override } from '../core/oncall.js';
import type { Database, Queryable } from './db.js';
import { cancelJob, scheduleJob } from './jobs.js';

/** Job kinds: a provider call, a person's DM, and the no-acknowledgement escalation of a group. */
export const PAGE_DELIVERY = 'page_delivery';
export const PAGE_DM = 'page_dm';
export const PAGE_ESCALATION = 'page_escalation';

export type PageStatus = 'open' | 'acknowledged' | 'resolved';
export type PageReason = 'declared' | 'level_raised' | 'manual' | 'no_ack';
export type DeliveryStatus = 'pending' | 'sent' | 'failed' | 'skipped';

export interface Page {
  id: number;
  incidentId: number;
  target: string;
  targetKind: 'team' | 'user';
  tier: number;
  team: string | null;
  userId: string | null;
  level: number;
  reason: PageReason;
  message: string | null;
  drill: boolean;
  pagedBy: string;
  createdAt: Date;
  status: PageStatus;
  ackedBy: string | null;
  ackedAt: Date | null;
  /** Acknowledged in the pager app (a webhook), not with the Slack button. */
  ackedVia: 'pagerduty' | 'opsgenie' | null;
  /** The provider's name for whoever acknowledged there. */
  ackedByName: string | null;
  ackMs: number | null;
  resolvedAt: Date | null;
  dmChannel: string | null;
  dmTs: string | null;
  dmError: string | null;
}

export interface Delivery {
  id: number;
  pageId: number;
  provider: 'pagerduty' | 'opsgenie';
  action: 'trigger' | 'acknowledge' | 'resolve';
  route: string;
  dedupKey: string;
  status: DeliveryStatus;
  attempts: number;
  lastError: string | null;
  sentAt: Date | null;
  reported: boolean;
}

export interface NewPage {
  target: string;
  targetKind: 'team' | 'user';
  tier: number;
  team?: string;
  userId?: string;
  level: number;
  reason: PageReason;
  message?: string;
  drill: boolean;
  pagedBy: string;
  dedupKey: string;
  /** Provider routes to trigger (none for drills): provider + the env NAME of its key. */
  routes: Array<{ provider: Delivery['provider']; route: string }>;
  dm: boolean;
  /** When the group escalates if nobody acknowledges; none = no escalation job. */
  escalateAt?: Date;
}

const camel = (k: string) => k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
function rowTo<T>(r: Record<string, unknown>): T {
  return Object.fromEntries(Object.entries(r).map(([k, v]) => [camel(k), v])) as T;
}
export const toPage = (r: Record<string, unknown>) => rowTo<Page>(r);
const toDelivery = (r: Record<string, unknown>) => rowTo<Delivery>(r);
const groupKey = (incidentId: number, target: string) => `${incidentId}:${target}`;

/** The only place with paging SQL: pages, their provider deliveries, and on-call overrides. */
export class PageStore {
  constructor(private readonly db: Database) {}

  /**
   * Creates the pages that are not already open (same incident, group and tier), their trigger
   * deliveries, and the jobs that send them — in one transaction, so a page is never half-made.
   */
  async create(
    incidentId: number,
    pages: NewPage[],
    at: Date,
    /** More of the same transaction (the outbox): the thread line saying who was paged. */
    after?: (tx: Queryable, r: { created: Page[]; existing: Page[] }) => Promise<void>,
  ): Promise<{ created: Page[]; existing: Page[] }> {
    return this.db.transaction(async (tx) => {
      const created: Page[] = [];
      const existing: Page[] = [];
      for (const p of pages) {
        const r = await tx.query(
          `INSERT INTO pages (incident_id, target, target_kind, tier, team, user_id, level, reason, message, drill, paged_by, created_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
           ON CONFLICT (incident_id, target, tier) WHERE status = 'open' DO NOTHING RETURNING *`,
          [incidentId, p.target, p.targetKind, p.tier, p.team ?? null, p.userId ?? null, p.level, p.reason, p.message ?? null, p.drill, p.pagedBy, at],
        );
        if (r.rowCount === 0) {
          const e = await tx.query("SELECT * FROM pages WHERE incident_id = $1 AND target = $2 AND tier = $3 AND status = 'open'", [incidentId, p.target, p.tier]);
          if (e.rows[0]) existing.push(toPage(e.rows[0]));
          continue;
        }
        const page = toPage(r.rows[0]!);
        created.push(page);
        for (const route of p.routes) {
          const d = await tx.query<{ id: number }>(
            `INSERT INTO page_deliveries (page_id, provider, action, route, dedup_key) VALUES ($1, $2, 'trigger', $3, $4) RETURNING id`,
            [page.id, route.provider, route.route, p.dedupKey],
          );
          await scheduleJob(tx, { kind: PAGE_DELIVERY, key: String(d.rows[0]!.id), incidentId, dueAt: at });
        }
        if (p.dm && p.userId) await scheduleJob(tx, { kind: PAGE_DM, key: `${incidentId}:${p.userId}`, incidentId, dueAt: at });
        if (p.escalateAt) await scheduleJob(tx, { kind: PAGE_ESCALATION, key: groupKey(incidentId, p.target), incidentId, dueAt: p.escalateAt, payload: { target: p.target } });
      }
      await after?.(tx, { created, existing });
      return { created, existing };
    });
  }

  async byIds(ids: number[]): Promise<Page[]> {
    const r = await this.db.query('SELECT * FROM pages WHERE id = ANY($1::int[]) ORDER BY id', [ids]);
    return r.rows.map(toPage);
  }

  async forIncident(incidentId: number): Promise<Page[]> {
    const r = await this.db.query('SELECT * FROM pages WHERE incident_id = $1 ORDER BY id', [incidentId]);
    return r.rows.map(toPage);
  }

  async group(incidentId: number, target: string): Promise<Page[]> {
    const r = await this.db.query('SELECT * FROM pages WHERE incident_id = $1 AND target = $2 ORDER BY id', [incidentId, target]);
    return r.rows.map(toPage);
  }

  /** A person's open pages on an incident that no DM has told them about yet. */
  async awaitingDm(incidentId: number, userId: string): Promise<Page[]> {
    const r = await this.db.query(
      "SELECT * FROM pages WHERE incident_id = $1 AND user_id = $2 AND status = 'open' AND dm_ts IS NULL AND dm_error IS NULL ORDER BY id",
      [incidentId, userId],
    );
    return r.rows.map(toPage);
  }

  async setDm(ids: number[], o: { channel?: string; ts?: string; error?: string }): Promise<void> {
    await this.db.query('UPDATE pages SET dm_channel = $2, dm_ts = $3, dm_error = $4 WHERE id = ANY($1::int[])', [ids, o.channel ?? null, o.ts ?? null, o.error ?? null]);
  }

  /**
   * Acknowledges the groups of the clicked pages. The conditional update is the decision: of two
   * clicks (or two replicas) exactly one gets the rows back; the other gets none and says who won.
   * Provider acknowledgements are queued and the groups' escalations cancelled in the same transaction.
   */
  async acknowledge(pageIds: number[], by: string, at: Date): Promise<Page[]> {
    return this.db.transaction(async (tx) => {
      const r = await tx.query(
        `UPDATE pages p SET status = 'acknowledged', acked_by = $2, acked_at = $3,
                ack_ms = GREATEST(0, round(extract(epoch FROM ($3::timestamptz - p.created_at)) * 1000))::int
         FROM (SELECT DISTINCT incident_id, target FROM pages WHERE id = ANY($1::int[])) g
         WHERE p.incident_id = g.incident_id AND p.target = g.target AND p.status = 'open'
         RETURNING p.*`,
        [pageIds, by, at],
      );
      const acked = r.rows.map(toPage);
      await queueFollowUps(tx, acked, 'acknowledge', at);
      return acked;
    });
  }

  /** The incident is resolved: every page closes, providers get `resolve`, nothing escalates any more. */
  async resolveIncident(incidentId: number, at: Date): Promise<Page[]> {
    return this.db.transaction(async (tx) => {
      const r = await tx.query(
        `UPDATE pages SET status = 'resolved', resolved_at = $2 WHERE incident_id = $1 AND status IN ('open', 'acknowledged') RETURNING *`,
        [incidentId, at],
      );
      const closed = r.rows.map(toPage);
      await queueFollowUps(tx, closed, 'resolve', at);
      return closed;
    });
  }

  /**
   * A raised level: the PagerDuty alerts of the incident's open pages are triggered again under the same
   * dedup_key, so the provider shows the new severity (the event is built from the incident when sent).
   * Opsgenie does not change an open alert's priority on a repeated create, so only PagerDuty is re-sent.
   */
  async retrigger(incidentId: number, level: number, at: Date): Promise<number> {
    return this.db.transaction(async (tx) => {
      await tx.query("UPDATE pages SET level = $2 WHERE incident_id = $1 AND status = 'open' AND level > $2", [incidentId, level]);
      const d = await tx.query<{ id: number }>(
        `UPDATE page_deliveries d SET status = 'pending', attempts = 0, last_error = NULL, sent_at = NULL, reported = false
         FROM pages p
         WHERE d.page_id = p.id AND p.incident_id = $1 AND p.status = 'open' AND NOT p.drill
           AND d.action = 'trigger' AND d.provider = 'pagerduty' AND d.status = 'sent'
         RETURNING d.id`,
        [incidentId],
      );
      for (const row of d.rows) await scheduleJob(tx, { kind: PAGE_DELIVERY, key: String(row.id), incidentId, dueAt: at });
      return d.rows.length;
    });
  }

  async delivery(id: number): Promise<{ delivery: Delivery; page: Page } | undefined> {
    const d = await this.db.query('SELECT * FROM page_deliveries WHERE id = $1', [id]);
    if (!d.rows[0]) return undefined;
    const delivery = toDelivery(d.rows[0]);
    const [page] = await this.byIds([delivery.pageId]);
    return page && { delivery, page };
  }

  async deliveriesOf(pageIds: number[]): Promise<Delivery[]> {
    const r = await this.db.query('SELECT * FROM page_deliveries WHERE page_id = ANY($1::int[]) ORDER BY id', [pageIds]);
    return r.rows.map(toDelivery);
  }

  /** The trigger a follow-up (acknowledge/resolve) depends on: the same alert's first trigger. */
  async triggerOf(d: Delivery): Promise<Delivery | undefined> {
    const r = await this.db.query(
      `SELECT * FROM page_deliveries WHERE action = 'trigger' AND provider = $1 AND route = $2 AND dedup_key = $3 ORDER BY (status = 'sent') DESC, id LIMIT 1`,
      [d.provider, d.route, d.dedupKey],
    );
    return r.rows[0] && toDelivery(r.rows[0]);
  }

  /** Records an attempt's outcome while the delivery is still pending; answers whether it was. */
  async settle(id: number, o: { status: DeliveryStatus; attempts: number; error?: string; at: Date }): Promise<boolean> {
    const r = await this.db.query(
      `UPDATE page_deliveries SET status = $2, attempts = $3, last_error = COALESCE($4, last_error), sent_at = CASE WHEN $2 = 'sent' THEN $5::timestamptz ELSE sent_at END
       WHERE id = $1 AND status = 'pending'`,
      [id, o.status, o.attempts, o.error?.slice(0, 500) ?? null, o.at],
    );
    return r.rowCount === 1;
  }

  /** Claims the one report of a failed delivery in the thread; false when it was already posted. */
  async claimReport(id: number): Promise<boolean> {
    const r = await this.db.query("UPDATE page_deliveries SET reported = true WHERE id = $1 AND status = 'failed' AND NOT reported", [id]);
    return r.rowCount === 1;
  }

  async unclaimReport(id: number): Promise<void> {
    await this.db.query('UPDATE page_deliveries SET reported = false WHERE id = $1', [id]);
  }

  async addOverride(o: { team: string; user: string; startsAt: Date; endsAt: Date; by: string; at: Date }): Promise<Override & { id: number }> {
    const r = await this.db.query<{ id: number }>(
      'INSERT INTO oncall_overrides (team, user_id, starts_at, ends_at, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id',
      [o.team, o.user, o.startsAt, o.endsAt, o.by, o.at],
    );
    return { id: r.rows[0]!.id, team: o.team, user: o.user, startsAt: o.startsAt, endsAt: o.endsAt, createdAt: o.at };
  }

  /** Overrides that have not ended by `at` (current and future). */
  async overrides(at: Date): Promise<Override[]> {
    const r = await this.db.query<{ team: string; user_id: string; starts_at: Date; ends_at: Date; created_at: Date }>(
      'SELECT team, user_id, starts_at, ends_at, created_at FROM oncall_overrides WHERE ends_at > $1 ORDER BY created_at',
      [at],
    );
    return r.rows.map((x) => ({ team: x.team, user: x.user_id, startsAt: x.starts_at, endsAt: x.ends_at, createdAt: x.created_at }));
  }
}

/**
 * One acknowledge/resolve call per alert (provider, route, dedup key) the pages triggered, and the groups'
 * escalations cancelled. `except` is the alert a provider told us about itself: it needs no echo.
 */
export async function queueFollowUps(tx: Queryable, pages: Page[], action: 'acknowledge' | 'resolve', at: Date, except?: { provider: Delivery['provider']; dedupKey: string }): Promise<void> {
  if (pages.length === 0) return;
  const ids = pages.map((p) => p.id);
  const d = await tx.query<{ id: number; incident_id: number }>(
    `INSERT INTO page_deliveries (page_id, provider, action, route, dedup_key)
     SELECT DISTINCT ON (d.provider, d.route, d.dedup_key) d.page_id, d.provider, $2, d.route, d.dedup_key
     FROM page_deliveries d
     WHERE d.page_id = ANY($1::int[]) AND d.action = 'trigger' AND d.status IN ('pending', 'sent')
       AND NOT (d.provider = $3 AND d.dedup_key = $4)
       AND NOT EXISTS (SELECT 1 FROM page_deliveries x
                       WHERE x.action = $2 AND x.provider = d.provider AND x.route = d.route AND x.dedup_key = d.dedup_key AND x.status <> 'failed')
     ORDER BY d.provider, d.route, d.dedup_key, d.page_id
     ON CONFLICT (page_id, provider, action) DO NOTHING
     RETURNING id, (SELECT incident_id FROM pages WHERE id = page_id) AS incident_id`,
    [ids, action, except?.provider ?? '', except?.dedupKey ?? ''],
  );
  for (const row of d.rows) await scheduleJob(tx, { kind: PAGE_DELIVERY, key: String(row.id), incidentId: row.incident_id, dueAt: at });
  for (const key of new Set(pages.map((p) => groupKey(p.incidentId, p.target)))) await cancelJob(tx, PAGE_ESCALATION, key, at);
}
