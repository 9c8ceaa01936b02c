/**
 * The outbox: the jobs a state change writes in its own transaction, so that what it promises (a card, a
 * thread line, a page) is carried out by the scheduler even if this process dies right after the commit.
 */
import { JOB } from '../core/job-kinds.js';
import type { Queryable } from './db.js';
import { enqueueOnce, scheduleCoalesced } from './jobs.js';

/** Slack's documented pace for editing one message is about one a second. */
export const CARD_EDIT_GAP_MS = 1_000;

export interface ThreadLinePayload {
  text: string;
}

/** One line in the incident's thread, queued once per `key` (a timeline event id, a page round…). */
export async function queueThreadLine(tx: Queryable, l: { incidentId: number; key: string; text: string }): Promise<void> {
  const payload: ThreadLinePayload = { text: l.text };
  await enqueueOnce(tx, { kind: JOB.threadLine, key: `${l.incidentId}:${l.key}`, incidentId: l.incidentId, payload: { ...payload } });
}

/** Redraw the card from the database: coalesced, so ten changes in a second make one or two edits. */
/** Thread lines of the incident queued and not yet in Slack. */
export async function unsentThreadLines(db: Queryable, incidentId: number): Promise<number> {
  const r = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM jobs WHERE incident_id = $1 AND kind = $2 AND done_at IS NULL', [incidentId, JOB.threadLine]);
  return r.rows[0]!.n;
}

export async function queueCardEdit(tx: Queryable, incidentId: number): Promise<void> {
  await scheduleCoalesced(tx, { kind: JOB.editCard, key: String(incidentId), incidentId, gapMs: CARD_EDIT_GAP_MS });
}

/** A guarded action's plan card, posted once (its key is the action). */
export async function queueActionCard(tx: Queryable, a: { id: number; incidentId: number }): Promise<void> {
  await enqueueOnce(tx, { kind: JOB.actionCard, key: String(a.id), incidentId: a.incidentId });
}

/** Redraw an action's card from its row: coalesced, so a run's progress makes at most one edit a second. */
export async function queueActionCardEdit(tx: Queryable, a: { id: number; incidentId: number }): Promise<void> {
  await scheduleCoalesced(tx, { kind: JOB.actionCardEdit, key: String(a.id), incidentId: a.incidentId, gapMs: CARD_EDIT_GAP_MS });
}

export type RoundReason = 'declared' | 'level_raised';

/** Page the incident's level; `key` makes a replayed change page once. */
export async function queuePageRound(tx: Queryable, r: { incidentId: number; key: string; reason: RoundReason; actor: string }): Promise<void> {
  await enqueueOnce(tx, { kind: JOB.pageRound, key: `${r.incidentId}:${r.key}`, incidentId: r.incidentId, payload: { reason: r.reason, actor: r.actor } });
}

/** After a resolve: the providers' alerts resolved, the DMs closed, the checklist posted. */
export async function queueResolveFollowUps(tx: Queryable, incidentId: number): Promise<void> {
  await enqueueOnce(tx, { kind: JOB.pageResolve, key: String(incidentId), incidentId });
  await enqueueOnce(tx, { kind: JOB.postChecklist, key: String(incidentId), incidentId });
}

/**
 * On start-up: every incident without a card gets a card job (a dead one is revived: Slack may be back),
 * and every page delivery or DM that never went out gets its job again.
 */
export async function sweepUnsent(q: Queryable): Promise<{ cards: number; deliveries: number; dms: number }> {
  const cards = await q.query(
    `INSERT INTO jobs (kind, key, incident_id, due_at)
     SELECT '${JOB.postCard}', i.id::text, i.id, now() FROM incidents i
     WHERE i.card_ts IS NULL AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.kind = '${JOB.postCard}' AND j.key = i.id::text AND j.done_at IS NULL)
     ON CONFLICT (kind, key) WHERE done_at IS NULL DO NOTHING`,
  );
  const deliveries = await q.query(
    `INSERT INTO jobs (kind, key, incident_id, due_at)
     SELECT '${JOB.pageDelivery}', d.id::text, p.incident_id, now() FROM page_deliveries d JOIN pages p ON p.id = d.page_id
     WHERE d.status = 'pending' AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.kind = '${JOB.pageDelivery}' AND j.key = d.id::text AND j.done_at IS NULL)
     ON CONFLICT (kind, key) WHERE done_at IS NULL DO NOTHING`,
  );
  const dms = await q.query(
    `INSERT INTO jobs (kind, key, incident_id, due_at)
     SELECT DISTINCT '${JOB.pageDm}', p.incident_id || ':' || p.user_id, p.incident_id, now() FROM pages p
     WHERE p.status = 'open' AND p.user_id IS NOT NULL AND p.dm_ts IS NULL AND p.dm_error IS NULL
       -- Only people a DM was meant for (the job was written with the page) whose DM job died.
       AND EXISTS (SELECT 1 FROM jobs j WHERE j.kind = '${JOB.pageDm}' AND j.key = p.incident_id || ':' || p.user_id AND j.dead_at IS NOT NULL)
       AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.kind = '${JOB.pageDm}' AND j.key = p.incident_id || ':' || p.user_id AND j.done_at IS NULL)
     ON CONFLICT (kind, key) WHERE done_at IS NULL DO NOTHING`,
  );
  return { cards: cards.rowCount, deliveries: deliveries.rowCount, dms: dms.rowCount };
}

/** Handled request keys are needed for Slack's retries (minutes), not forever. */
export async function pruneHandledRequests(q: Queryable, olderThanMs: number): Promise<number> {
  const r = await q.query(`DELETE FROM handled_requests WHERE handled_at < now() - $1 * interval '1 millisecond'`, [olderThanMs]);
  return r.rowCount;
}
