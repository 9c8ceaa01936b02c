/** The status page's side of our incidents, and the shared request pacing: the only SQL of status page out. */
import type { Database } from './db.js';

export interface PublishedState {
  incidentId: number;
  requestedBy: string | null;
  pageIncidentId: string | null;
  shortlink: string | null;
  publishedHash: string | null;
  publishedStatus: string | null;
}

export class StatuspageStore {
  constructor(private readonly db: Database) {}

  async get(incidentId: number): Promise<PublishedState | undefined> {
    const r = await this.db.query<{ incident_id: number; requested_by: string | null; page_incident_id: string | null; shortlink: string | null; published_hash: string | null; published_status: string | null }>(
      'SELECT incident_id, requested_by, page_incident_id, shortlink, published_hash, published_status FROM statuspage_incidents WHERE incident_id = $1',
      [incidentId],
    );
    const x = r.rows[0];
    return x && { incidentId: x.incident_id, requestedBy: x.requested_by, pageIncidentId: x.page_incident_id, shortlink: x.shortlink, publishedHash: x.published_hash, publishedStatus: x.published_status };
  }

  /** Someone asked to publish (L3–L4 need it); the first request is kept. */
  async request(incidentId: number, by: string, at: Date): Promise<void> {
    await this.db.query(
      `INSERT INTO statuspage_incidents (incident_id, requested_by, requested_at) VALUES ($1, $2, $3)
       ON CONFLICT (incident_id) DO UPDATE SET requested_by = COALESCE(statuspage_incidents.requested_by, EXCLUDED.requested_by),
                                               requested_at = COALESCE(statuspage_incidents.requested_at, EXCLUDED.requested_at)`,
      [incidentId, by, at],
    );
  }

  async published(incidentId: number, p: { pageIncidentId: string; shortlink: string | null; hash: string; status: string; at: Date }): Promise<void> {
    await this.db.query(
      `INSERT INTO statuspage_incidents (incident_id, page_incident_id, shortlink, published_hash, published_status, published_at) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (incident_id) DO UPDATE SET page_incident_id = EXCLUDED.page_incident_id, shortlink = COALESCE(EXCLUDED.shortlink, statuspage_incidents.shortlink),
         published_hash = EXCLUDED.published_hash, published_status = EXCLUDED.published_status, published_at = EXCLUDED.published_at`,
      [incidentId, p.pageIncidentId, p.shortlink, p.hash, p.status, p.at],
    );
  }

  /** The latest status-page text a person reviewed and submitted, with the incident status it was written for. */
  async reviewed(incidentId: number): Promise<{ body: string; status: string } | undefined> {
    const r = await this.db.query<{ data: { body?: unknown; status?: unknown } }>(
      "SELECT data FROM timeline WHERE incident_id = $1 AND kind = 'statuspage_reviewed' ORDER BY id DESC LIMIT 1",
      [incidentId],
    );
    const d = r.rows[0]?.data;
    return d && typeof d.body === 'string' && typeof d.status === 'string' ? { body: d.body, status: d.status } : undefined;
  }

  /**
   * Takes the next request slot of `name` (one per `gapMs`): answers 0 when this caller may send now, else
   * how many milliseconds until its turn. Atomic in one statement, so replicas never send two at once.
   */
  async takeSlot(name: string, gapMs: number): Promise<number> {
    await this.db.query("INSERT INTO rate_slots (name, next_at) VALUES ($1, '-infinity') ON CONFLICT (name) DO NOTHING", [name]);
    // Under concurrent callers the row lock serialises them; each re-reads next_at, so one wins per slot.
    const won = await this.db.query("UPDATE rate_slots SET next_at = now() + $2 * interval '1 millisecond' WHERE name = $1 AND next_at <= now()", [name, gapMs]);
    if (won.rowCount === 1) return 0;
    const r = await this.db.query<{ wait_ms: number }>("SELECT GREATEST(1, ceil(extract(epoch FROM (next_at - now())) * 1000))::int AS wait_ms FROM rate_slots WHERE name = $1", [name]);
    return r.rows[0]?.wait_ms ?? gapMs;
  }
}
