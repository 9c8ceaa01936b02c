import type { AnyMiddlewareArgs, Middleware } from '@slack/bolt';
import type { Logger } from '../observability/logger.js';
import type { Queryable } from '../store/db.js';

/**
 * How long the door waits for PostgreSQL before letting a request through unchecked: the ack must not
 * wait on a database in trouble (the state changes behind it still claim their own keys in their
 * transactions, so a copy let through this way cannot change anything twice).
 */
const DOOR_BUDGET_MS = 300;

/** Slack's id of one request, the same in every copy it re-sends: the trigger of a command, click or form, or the event id. */
export function requestKeyOf(body: unknown): string | undefined {
  const b = (body ?? {}) as { trigger_id?: unknown; event_id?: unknown; type?: unknown; view?: { id?: unknown; hash?: unknown } };
  if (typeof b.trigger_id === 'string' && b.trigger_id) return `req:${b.trigger_id}`;
  if (typeof b.event_id === 'string' && b.event_id) return `event:${b.event_id}`;
  return undefined;
}

/** A first copy not finished after this long is taken to have died with its process (Slack retries after ~1 min). */
export const DEFAULT_TAKEOVER_MS = 30_000;

/**
 * Every request Slack may deliver again (it re-sends with `x-slack-retry-num` when an answer was late) acts
 * once: the first copy claims its key; any other copy, on this replica or another, is answered 200 at once
 * and dropped, whatever its retry number says — unless the first copy never finished and is older than
 * `takeoverMs` (its process was killed): then the copy does the work (state changes still claim their own
 * keys in their transactions, so what the first copy did commit is not done twice).
 */
export function actOnce(d: { db: Queryable; log: Logger; budgetMs?: number; takeoverMs?: number }): Middleware<AnyMiddlewareArgs> {
  return async (args) => {
    const key = requestKeyOf(args.body);
    if (!key) return args.next();
    const claim = claimWithin(d.db, key, d.takeoverMs ?? DEFAULT_TAKEOVER_MS);
    // A first delivery (no retry number) waits for its claim only briefly (the ack must not wait on a busy
    // database): normally the INSERT is done in a millisecond and a copy racing it is refused; past the
    // budget it goes on. Slack's copies always carry a retry number, and those wait longer for the answer.
    const retry = (args.context.retryNum ?? 0) > 0;
    const outcome = await within(claim, retry ? (d.budgetMs ?? DOOR_BUDGET_MS) : FIRST_COPY_BUDGET_MS);
    if (outcome === 'unknown' && !retry) {
      await args.next().finally(() => markDone(d, key, claim));
      return;
    }
    if (outcome === 'taken') {
      d.log.info({ request: key, retryNum: args.context.retryNum, retryReason: args.context.retryReason }, 'request already handled; this copy is answered and dropped');
      if ('ack' in args && typeof args.ack === 'function') await (args.ack as () => Promise<void>)();
      return;
    }
    if (outcome === 'unknown') d.log.warn({ request: key }, 'could not check the request key in time; handling the request');
    await args.next().finally(() => markDone(d, key, claim));
  };
}

const FIRST_COPY_BUDGET_MS = 50;

async function markDone(d: { db: Queryable; log: Logger }, key: string, claim: Promise<unknown>): Promise<void> {
  await claim; // the claim's INSERT first, or this UPDATE could run before it
  await d.db.query('UPDATE handled_requests SET done = true WHERE key = $1', [key]).catch((err: unknown) => d.log.warn({ err, request: key }, 'could not mark the request handled'));
}

async function within<T>(p: Promise<T>, ms: number): Promise<T | 'unknown'> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'unknown'>((r) => (timer = setTimeout(() => r('unknown'), ms)));
  try {
    return await Promise.race([p, late]);
  } finally {
    clearTimeout(timer);
  }
}

function claimWithin(db: Queryable, key: string, takeoverMs: number): Promise<'mine' | 'taken' | 'unknown'> {
  return db
    .query(
      `INSERT INTO handled_requests (key, done) VALUES ($1, false)
       ON CONFLICT (key) DO UPDATE SET handled_at = now()
       WHERE NOT handled_requests.done AND handled_requests.handled_at < now() - $2 * interval '1 millisecond'`,
      [key, takeoverMs],
    )
    .then((r): 'mine' | 'taken' => (r.rowCount === 1 ? 'mine' : 'taken'))
    .catch((): 'unknown' => 'unknown');
}
