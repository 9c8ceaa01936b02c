import type { Queryable } from './db.js';

/** The same request (a modal submitted twice, a retry) arrived again; the first one already acted. */
export class DuplicateRequestError extends Error {
  constructor(readonly key: string) {
    super(`request ${key} was already handled`);
    this.name = 'DuplicateRequestError';
  }
}

/**
 * Claims a request key inside the caller's transaction. A concurrent duplicate waits on the key's index
 * entry until the first commits, then finds it taken: exactly one of them acts.
 */
export async function claimRequest(tx: Queryable, key: string | undefined): Promise<void> {
  if (!key) return;
  const r = await tx.query('INSERT INTO handled_requests (key) VALUES ($1) ON CONFLICT DO NOTHING', [key]);
  if (r.rowCount === 0) throw new DuplicateRequestError(key);
}

/**
 * The door's claim of a request Slack may re-send: true when this copy is the first, or takes over a first
 * copy that never finished and is older than `takeoverMs` (its process died).
 */
export async function claimDelivery(q: Queryable, key: string, takeoverMs: number): Promise<boolean> {
  const r = await q.query(
    `INSERT INTO handled_requests (key, done) VALUES ($1, false)
     ON CONFLICT (key) DO UPDATE SET handled_at = now()
     WHERE NOT handled_requests.done AND handled_requests.handled_at < now() - $2 * interval '1 millisecond'`,
    [key, takeoverMs],
  );
  return r.rowCount === 1;
}

/** Requests whose handling ended, marked in one statement. */
export async function markDeliveriesDone(q: Queryable, keys: readonly string[]): Promise<void> {
  if (keys.length === 0) return;
  await q.query('UPDATE handled_requests SET done = true WHERE key = ANY($1::text[])', [keys]);
}
