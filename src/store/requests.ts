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
