import type { Queryable } from './db.js';

export interface OutcomeCounts {
  actions: Array<{ kind: string; status: string; n: number }>;
  pages: Array<{ status: string; n: number }>;
  deliveries: Array<{ provider: string; status: string; n: number }>;
  /** Time to acknowledge a page, in ms, at the 50th/90th/99th percentile (null when none acknowledged). */
  ackMs: { p50: number | null; p90: number | null; p99: number | null; count: number };
}

/** What /metrics reports about actions and pages, read at scrape time so every replica tells the same truth. */
export async function outcomeCounts(q: Queryable): Promise<OutcomeCounts> {
  const [actions, pages, deliveries, ack] = await Promise.all([
    q.query<{ kind: string; status: string; n: number }>('SELECT kind, status, count(*)::int AS n FROM actions GROUP BY kind, status'),
    q.query<{ status: string; n: number }>('SELECT status, count(*)::int AS n FROM pages GROUP BY status'),
    q.query<{ provider: string; status: string; n: number }>("SELECT provider, status, count(*)::int AS n FROM page_deliveries WHERE action = 'trigger' GROUP BY provider, status"),
    q.query<{ p50: number | null; p90: number | null; p99: number | null; count: number }>(
      `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY ack_ms) AS p50, percentile_cont(0.9) WITHIN GROUP (ORDER BY ack_ms) AS p90,
              percentile_cont(0.99) WITHIN GROUP (ORDER BY ack_ms) AS p99, count(ack_ms)::int AS count
       FROM pages WHERE ack_ms IS NOT NULL`,
    ),
  ]);
  return { actions: actions.rows, pages: pages.rows, deliveries: deliveries.rows, ackMs: ack.rows[0]! };
}
