import type { Queryable } from '../../src/store/db.js';
import { eventually } from './eventually.js';

/** Timers meant to wait (a reminder, an escalation, a plan's expiry): never "work left to do". */
const TIMERS = "('reminder', 'page_escalation', 'action_expiry')";

/**
 * Everything the bot queued for incidents (all, or one) has been carried out or dead-lettered: cards, thread
 * lines, DMs, pages. Drained work, not a quiet period, so a slow machine can't fool an exactly-once check.
 */
export async function incidentWorkDrained(db: Queryable, incidentId?: number, timeoutMs = 15_000): Promise<void> {
  await eventually(async () => {
    const r = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM jobs WHERE incident_id IS NOT NULL AND ($1::bigint IS NULL OR incident_id = $1)
         AND kind NOT IN ${TIMERS} AND done_at IS NULL AND dead_at IS NULL`,
      [incidentId ?? null],
    );
    return r.rows[0]!.n === 0;
  }, timeoutMs);
}

/** Every Slack request copy the bot accepted has finished its work (a copy that acted would still be open). */
export async function requestsFinished(db: Queryable, timeoutMs = 10_000): Promise<void> {
  await eventually(async () => (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM handled_requests WHERE NOT done')).rows[0]!.n === 0, timeoutMs);
}
