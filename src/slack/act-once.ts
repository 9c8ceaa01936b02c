import type { AnyMiddlewareArgs, Middleware } from '@slack/bolt';
import type { Logger } from '../observability/logger.js';
import type { Queryable } from '../store/db.js';
import { claimDelivery, markDeliveriesDone } from '../store/requests.js';

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
export function actOnce(d: { db: Queryable; log: Logger; budgetMs?: number; takeoverMs?: number }): Middleware<AnyMiddlewareArgs> & { flush(): Promise<void> } {
  const done = new DoneMarks(d);
  const middleware: Middleware<AnyMiddlewareArgs> = async (args) => {
    const key = requestKeyOf(args.body);
    if (!key) return args.next();
    const claim = claimWithin(d.db, key, d.takeoverMs ?? DEFAULT_TAKEOVER_MS);
    // A first delivery (no retry number) waits for its claim only briefly (the ack must not wait on a busy
    // database): normally the INSERT is done in a millisecond and a copy racing it is refused; past the
    // budget it goes on. Slack's copies always carry a retry number, and those wait longer for the answer.
    const retry = (args.context.retryNum ?? 0) > 0;
    const outcome = await within(claim, retry ? (d.budgetMs ?? DOOR_BUDGET_MS) : FIRST_COPY_BUDGET_MS);
    if (outcome === 'unknown' && !retry) {
      await args.next().finally(() => done.mark(key, claim));
      return;
    }
    if (outcome === 'taken') {
      d.log.info({ request: key, retryNum: args.context.retryNum, retryReason: args.context.retryReason }, 'request already handled; this copy is answered and dropped');
      if ('ack' in args && typeof args.ack === 'function') await (args.ack as () => Promise<void>)();
      return;
    }
    if (outcome === 'unknown') d.log.warn({ request: key }, 'could not check the request key in time; handling the request');
    await args.next().finally(() => done.mark(key, claim));
  };
  return Object.assign(middleware, { flush: () => done.flush() });
}

const FIRST_COPY_BUDGET_MS = 50;

/** How long finished requests gather before one statement marks them all done. */
const MARK_EVERY_MS = 100;

/**
 * "Handled" marks, written together: one UPDATE for every request that finished in the last 100 ms instead
 * of a round trip each (under load, a tenth of a declare's database work). A mark only lets a copy arriving
 * after `takeoverMs` be dropped instead of taking over; 100 ms more before it is written changes nothing a
 * copy could see. `flush` writes what is waiting (on a graceful stop).
 */
class DoneMarks {
  private keys: string[] = [];
  private timer?: NodeJS.Timeout;
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly d: { db: Queryable; log: Logger }) {}

  async mark(key: string, claim: Promise<unknown>): Promise<void> {
    await claim; // the claim's INSERT first, or the UPDATE could run before it
    this.keys.push(key);
    this.timer ??= setTimeout(() => void this.flush(), MARK_EVERY_MS).unref();
  }

  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const keys = this.keys;
    this.keys = [];
    this.writing = this.writing.then(() =>
      markDeliveriesDone(this.d.db, keys).catch((err: unknown) => this.d.log.warn({ err, requests: keys.length }, 'could not mark requests handled')),
    );
    return this.writing;
  }
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
  return claimDelivery(db, key, takeoverMs)
    .then((mine): 'mine' | 'taken' => (mine ? 'mine' : 'taken'))
    .catch((): 'unknown' => 'unknown');
}
