/**
 * Pacing Slack writes to stay under Slack's rate limits instead of running into them (pure: the caller
 * passes the time). Each limit (a channel's ~1 post a second, chat.update's Tier 3) is a GCRA schedule —
 * one slot every `intervalMs`, up to `burst` at once — and every would-be call books the next free slot
 * under a ticket (its job id). A job whose slot is later than it can wait comes back at that time and,
 * holding its booking, goes at once: the calls are spread over time in the order they asked, and none of
 * them is refused. A 429 that happens anyway (another replica, a limit we do not know) moves the schedule
 * past its Retry-After.
 */

export interface PaceLimit {
  intervalMs: number;
  burst: number;
}

/**
 * Slack: about one message a second per channel, short bursts allowed. A tenth slower than that: the
 * calls reach Slack with some jitter, and a schedule at exactly the limit would meet it now and then.
 */
export const POSTS_PER_CHANNEL: PaceLimit = { intervalMs: 1_100, burst: 3 };
/** chat.update is Tier 3 (50+ a minute per workspace): a little under, with a burst well inside the minute. */
export const CARD_EDITS: PaceLimit = { intervalMs: 1_300, burst: 10 };

/** A booking older than this was never used (its job went elsewhere, or another replica ran it). */
const BOOKING_TTL_MS = 10 * 60_000;

export class Pace {
  /** Per limit key: the theoretical arrival time of the next call (GCRA). */
  private readonly tat = new Map<string, number>();
  private readonly bookings = new Map<string, { key: string; at: number }>();

  /**
   * The wait (ms) before the call under `ticket` may go to `key`; 0 = now (its slot is used up). A ticket
   * that booked earlier keeps its slot.
   */
  slot(key: string, limit: PaceLimit, ticket: string, now: number): number {
    const booked = this.bookings.get(ticket);
    if (booked && booked.key === key) {
      if (booked.at <= now) {
        this.bookings.delete(ticket);
        return 0;
      }
      return booked.at - now;
    }
    const tat = Math.max(this.tat.get(key) ?? now, now);
    const at = Math.max(now, tat - (limit.burst - 1) * limit.intervalMs);
    this.tat.set(key, tat + limit.intervalMs);
    if (at <= now) return 0;
    this.prune(now);
    this.bookings.set(ticket, { key, at });
    return at - now;
  }

  /** Slack refused a call to `key` until `until` (Retry-After): the schedule and its bookings move past that. */
  refused(key: string, until: number, now: number): void {
    const d = Math.max(0, until - now);
    this.tat.set(key, Math.max((this.tat.get(key) ?? now) + d, until));
    for (const b of this.bookings.values()) if (b.key === key) b.at += d;
  }

  /** Whether `ticket` holds a booking (it was told to come back for its turn). */
  booked(ticket: string): boolean {
    return this.bookings.has(ticket);
  }

  /** A booking that will not be used (the job found nothing to post) frees nothing but memory. */
  cancel(ticket: string): void {
    this.bookings.delete(ticket);
  }

  private prune(now: number): void {
    if (this.bookings.size < 1_000) return;
    for (const [t, b] of this.bookings) if (b.at < now - BOOKING_TTL_MS) this.bookings.delete(t);
  }
}
