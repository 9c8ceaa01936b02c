/**
 * Events from the pager apps (webhooks), acted on once: the event's row and everything it changes (pages
 * acknowledged, escalations cancelled, the timeline, the thread line and card edit jobs) are one transaction.
 */
import type { Database, Queryable } from './db.js';
import { queueFollowUps, toPage, type Delivery, type Page } from './pages.js';

export interface ProviderAck {
  provider: Delivery['provider'];
  dedupKey: string;
  /** The Slack user the policy maps the provider's person to, else the provider's user id. */
  by: string;
  byName: string;
  at: Date;
}

export class ProviderEventStore {
  constructor(private readonly db: Database) {}

  /**
   * Claims the event (provider, id) and runs `fn` in the same transaction; `duplicate` when it was
   * claimed before: a replay or a re-delivery changes nothing.
   */
  async once<T extends { incidentId?: number; outcome: string }>(e: { provider: string; eventId: string; kind: string; at: Date }, fn: (tx: Queryable) => Promise<T>): Promise<T | 'duplicate'> {
    return this.db.transaction(async (tx) => {
      const claim = await tx.query(
        `INSERT INTO webhook_events (provider, event_id, kind, received_at, outcome) VALUES ($1, $2, $3, $4, 'claimed')
         ON CONFLICT (provider, event_id) DO NOTHING`,
        [e.provider, e.eventId, e.kind, e.at],
      );
      if (claim.rowCount === 0) return 'duplicate';
      const r = await fn(tx);
      await tx.query('UPDATE webhook_events SET outcome = $3, incident_id = $4 WHERE provider = $1 AND event_id = $2', [e.provider, e.eventId, r.outcome, r.incidentId ?? null]);
      return r;
    });
  }

  /** Our pages (every tier of their groups) that the provider's alert `dedupKey` was raised for. */
  async pagesOfAlert(tx: Queryable, provider: Delivery['provider'], dedupKey: string): Promise<Page[]> {
    const r = await tx.query(
      `SELECT p.* FROM pages p
       WHERE (p.incident_id, p.target) IN (SELECT g.incident_id, g.target FROM pages g JOIN page_deliveries d ON d.page_id = g.id
                                           WHERE d.provider = $1 AND d.dedup_key = $2 AND d.action = 'trigger')
       ORDER BY p.id FOR UPDATE OF p`,
      [provider, dedupKey],
    );
    return r.rows.map(toPage);
  }

  /**
   * Acknowledges the open pages among `pages` (conditional: a Slack click that won first keeps its
   * acknowledgement), cancels their escalations, and tells the other providers; the reporting one needs no echo.
   */
  async acknowledge(tx: Queryable, pages: Page[], a: ProviderAck): Promise<Page[]> {
    const r = await tx.query(
      `UPDATE pages SET status = 'acknowledged', acked_by = $2, acked_at = $3, acked_via = $4, acked_by_name = $5,
              ack_ms = GREATEST(0, round(extract(epoch FROM ($3::timestamptz - created_at)) * 1000))::int
       WHERE id = ANY($1::int[]) AND status = 'open' RETURNING *`,
      [pages.map((p) => p.id), a.by, a.at, a.provider, a.byName.slice(0, 200)],
    );
    const acked = r.rows.map(toPage);
    await queueFollowUps(tx, acked, 'acknowledge', a.at, { provider: a.provider, dedupKey: a.dedupKey });
    if (acked.length > 0) {
      await tx.query('UPDATE incidents SET acknowledged_at = $2 WHERE id = $1 AND (acknowledged_at IS NULL OR acknowledged_at > $2)', [acked[0]!.incidentId, a.at]);
    }
    return acked;
  }

  async incidentOpen(tx: Queryable, incidentId: number): Promise<boolean> {
    const r = await tx.query<{ open: boolean }>("SELECT status NOT IN ('resolved', 'closed') AS open FROM incidents WHERE id = $1", [incidentId]);
    return r.rows[0]?.open ?? false;
  }
}
