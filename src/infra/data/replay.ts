/**
 * The procedures' "Transaction Recovery" on the platform database: the last transaction known before a
 * time, the audit-log rows after it that need a replay, and the replay itself — batch by batch, each batch
 * ONE transaction that calls the replay function for its rows and writes them to the bot's ledger table
 * (and clears `needs_replay`). A run killed half-way leaves whole batches done and marked, never a row
 * replayed but unmarked, so a second run or a fresh plan only sees the rest.
 */
import pg from 'pg';
import { pgOptions, type SqlTarget } from '../sql-access.js';

export interface ReplayNames {
  fn: string;
  audit: string;
  transactions: string;
  ledger: string;
}

export interface AuditPoint {
  auditId: number;
  transactionId: number;
  at: Date;
}

export interface ReplayFacts {
  /** MAX(transaction_id) of the transactions before `since`; null when there is none. */
  lastKnownId: number | null;
  /** Rows that need a replay and are not in the ledger. */
  pending: number;
  /** The sum of `transaction_data->>'amount'` over them (text: numeric). */
  amount: string;
  first?: AuditPoint;
  last?: AuditPoint;
  /** The highest audit id the plan covers: a run never goes past it (what was confirmed is what runs). */
  maxAuditId: number | null;
  /** Rows after the last known transaction that the ledger says were replayed already. */
  alreadyReplayed: number;
}

export interface ReplayWindow {
  lastKnownId: number | null;
  maxAuditId: number;
}

type Client = pg.Client;

export async function connect(url: SqlTarget, statementTimeoutMs: number): Promise<Client> {
  const c = new pg.Client({ ...pgOptions(url), connectionTimeoutMillis: 10_000, statement_timeout: statementTimeoutMs });
  c.on('error', () => undefined); // a server dying under us surfaces through the query's rejection
  await c.connect();
  return c;
}

const ledgerExists = async (c: Client, ledger: string): Promise<boolean> => (await c.query('SELECT to_regclass($1) IS NOT NULL AS ok', [ledger])).rows[0].ok === true;

/** Rows of the window that still need a replay: after the last known transaction, flagged, not in the ledger. */
const pendingWhere = (n: ReplayNames, withLedger: boolean) =>
  `a.transaction_id > COALESCE($1::bigint, 0) AND a.needs_replay` + (withLedger ? ` AND NOT EXISTS (SELECT 1 FROM ${n.ledger} l WHERE l.audit_id = a.id)` : '');

const point = (r: Record<string, any> | undefined): AuditPoint | undefined =>
  r ? { auditId: Number(r.id), transactionId: Number(r.transaction_id), at: r.created_at as Date } : undefined;

/** The plan's figures, in one read-only transaction (a consistent snapshot). */
export async function replayFacts(url: SqlTarget, n: ReplayNames, since: Date, timeoutMs = 30_000): Promise<ReplayFacts> {
  const c = await connect(url, timeoutMs);
  try {
    await c.query('BEGIN TRANSACTION READ ONLY');
    const last = await c.query(`SELECT MAX(transaction_id)::text AS id FROM ${n.transactions} WHERE created_at < $1`, [since]);
    const lastKnownId = last.rows[0].id === null ? null : Number(last.rows[0].id);
    const withLedger = await ledgerExists(c, n.ledger);
    const where = pendingWhere(n, withLedger);
    const agg = await c.query(
      `SELECT count(*)::bigint AS n, max(a.id)::text AS max_id,
              COALESCE(sum(CASE WHEN jsonb_typeof(a.transaction_data->'amount') = 'number' THEN (a.transaction_data->>'amount')::numeric END), 0)::text AS amount
         FROM ${n.audit} a WHERE ${where}`,
      [lastKnownId],
    );
    const first = await c.query(`SELECT a.id, a.transaction_id, a.created_at FROM ${n.audit} a WHERE ${where} ORDER BY a.created_at, a.id LIMIT 1`, [lastKnownId]);
    const lastRow = await c.query(`SELECT a.id, a.transaction_id, a.created_at FROM ${n.audit} a WHERE ${where} ORDER BY a.created_at DESC, a.id DESC LIMIT 1`, [lastKnownId]);
    const done = withLedger
      ? Number((await c.query(`SELECT count(*)::bigint AS n FROM ${n.audit} a JOIN ${n.ledger} l ON l.audit_id = a.id WHERE a.transaction_id > COALESCE($1::bigint, 0)`, [lastKnownId])).rows[0].n)
      : 0;
    await c.query('COMMIT');
    const a = agg.rows[0];
    return {
      lastKnownId,
      pending: Number(a.n),
      amount: a.amount,
      first: point(first.rows[0]),
      last: point(lastRow.rows[0]),
      maxAuditId: a.max_id === null ? null : Number(a.max_id),
      alreadyReplayed: done,
    };
  } finally {
    await c.end().catch(() => undefined);
  }
}

/** The ledger: created on the first replay (the bot's own table, like the failover's write-check table). */
export async function ensureLedger(url: SqlTarget, n: ReplayNames): Promise<void> {
  const c = await connect(url, 10_000);
  try {
    await c.query(`CREATE TABLE IF NOT EXISTS ${n.ledger} (audit_id bigint PRIMARY KEY, transaction_id bigint, replayed_at timestamptz NOT NULL DEFAULT now(), replayed_by text NOT NULL)`);
  } finally {
    await c.end().catch(() => undefined);
  }
}

export interface ReplayProgress {
  batch: number;
  replayed: number;
  /** The batch's audit-id range, for the message when the next one fails. */
  lastAuditId: number | null;
}

export class ReplayBatchError extends Error {
  constructor(readonly batch: number, readonly replayedBefore: number, cause: Error) {
    super(`batch ${batch} was rolled back (${cause.message}); the ${replayedBefore} rows replayed before it stay replayed and marked`);
    this.name = 'ReplayBatchError';
  }
}

/**
 * Replays the window in batches. Each batch: lock the next rows (ordered as the procedures order them),
 * call the function for each in that order, write them to the ledger and clear `needs_replay` — one
 * statement, one transaction. Answers how many rows were replayed.
 */
export async function replayWindow(
  url: SqlTarget,
  n: ReplayNames,
  w: ReplayWindow,
  o: { batchSize: number; by: string; statementTimeoutMs: number; onBatch?: (p: ReplayProgress) => Promise<void> },
): Promise<number> {
  const c = await connect(url, o.statementTimeoutMs);
  let replayed = 0;
  let batch = 0;
  try {
    for (;;) {
      batch++;
      let r;
      try {
        await c.query('BEGIN');
        // The CTE that calls the function is materialized in the batch's order; the ledger INSERT and the
        // UPDATE consume it, so a row is replayed exactly when it is marked, in the same commit.
        r = await c.query(
          `WITH batch AS (
             SELECT a.id, a.transaction_id, a.transaction_data FROM ${n.audit} a
              WHERE ${pendingWhere(n, true)} AND a.id <= $2
              ORDER BY a.created_at, a.id LIMIT $3 FOR UPDATE OF a SKIP LOCKED),
           replayed AS (SELECT id, transaction_id, ${n.fn}(transaction_data) AS result FROM batch),
           marked AS (INSERT INTO ${n.ledger} (audit_id, transaction_id, replayed_by) SELECT id, transaction_id, $4 FROM replayed RETURNING audit_id),
           cleared AS (UPDATE ${n.audit} SET needs_replay = false WHERE id IN (SELECT audit_id FROM marked) RETURNING id)
           SELECT count(*)::int AS n, max(id)::text AS last_id FROM cleared`,
          [w.lastKnownId, w.maxAuditId, o.batchSize, o.by],
        );
        await c.query('COMMIT');
      } catch (err) {
        await c.query('ROLLBACK').catch(() => undefined);
        throw new ReplayBatchError(batch, replayed, err as Error);
      }
      const done = Number(r.rows[0].n);
      if (done === 0) return replayed;
      replayed += done;
      await o.onBatch?.({ batch, replayed, lastAuditId: r.rows[0].last_id === null ? null : Number(r.rows[0].last_id) });
    }
  } finally {
    await c.end().catch(() => undefined);
  }
}

/** After a run: how many rows of the window still need a replay, and how many the ledger holds for it. */
export async function replayLeft(url: SqlTarget, n: ReplayNames, w: ReplayWindow): Promise<{ left: number; marked: number }> {
  const c = await connect(url, 30_000);
  try {
    const left = await c.query(`SELECT count(*)::bigint AS n FROM ${n.audit} a WHERE ${pendingWhere(n, true)} AND a.id <= $2`, [w.lastKnownId, w.maxAuditId]);
    const marked = await c.query(`SELECT count(*)::bigint AS n FROM ${n.ledger} l JOIN ${n.audit} a ON a.id = l.audit_id WHERE a.transaction_id > COALESCE($1::bigint, 0) AND a.id <= $2`, [w.lastKnownId, w.maxAuditId]);
    return { left: Number(left.rows[0].n), marked: Number(marked.rows[0].n) };
  } finally {
    await c.end().catch(() => undefined);
  }
}
