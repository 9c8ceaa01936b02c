/**
 * The bot's side of Slack's rate limits, for the jobs that write to the incident channel: each post or card
 * edit takes its turn (core/pace.ts) before it is made. A short wait is waited out in place; a longer one
 * puts the job back until its turn (Deferred), holding its booking. A 429 anyway moves the schedule past
 * Retry-After and defers the job, never retrying into the limit.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Clock } from '../core/clock.js';
import { CARD_EDITS, Pace, POSTS_PER_CHANNEL, type PaceLimit } from '../core/pace.js';
import { Deferred, rateLimitedMs } from './deferred.js';

export type PacedCall = { kind: 'post'; channel: string } | { kind: 'edit' };

/** Waits shorter than this are slept through: cheaper than a round trip through the jobs table. */
const INLINE_WAIT_MS = 300;

const limitOf = (c: PacedCall): [string, PaceLimit] => (c.kind === 'post' ? [`post:${c.channel}`, POSTS_PER_CHANNEL] : ['chat.update', CARD_EDITS]);

export class SlackPacer {
  private readonly pace = new Pace();

  /** `enabled: false` (SLACK_PACE=off): every turn is now; a 429 is still waited out, not retried into. */
  constructor(
    private readonly clock: Clock,
    private readonly o: { enabled: boolean } = { enabled: true },
  ) {}

  /**
   * Resolves when `ticket` (a job) may make the call; throws Deferred when its turn is further off. Answers
   * whether the call had to wait for its turn (the limit is being reached: worth carrying more in one call).
   */
  async turn(ticket: string | number, call: PacedCall): Promise<boolean> {
    if (!this.o.enabled) return false;
    const [key, limit] = limitOf(call);
    const t = `${ticket}|${key}`;
    const hadBooking = this.pace.booked(t);
    const wait = this.pace.slot(key, limit, t, this.clock.now().getTime());
    if (wait === 0) return hadBooking;
    if (wait > INLINE_WAIT_MS) throw new Deferred(wait);
    await sleep(wait);
    this.pace.slot(key, limit, t, this.clock.now().getTime()); // uses up the booking
    return true;
  }

  /**
   * Runs `call` (its turn already taken); a 429 moves the schedule and becomes a Deferred (`restorePayload`:
   * nothing of this run reached Slack, so its checkpoint may be undone).
   */
  async guard<T>(call: PacedCall, fn: () => Promise<T>, o: { restorePayload?: boolean } = {}): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      const ms = rateLimitedMs(err);
      if (ms === undefined) throw err;
      const now = this.clock.now().getTime();
      this.pace.refused(limitOf(call)[0], now + ms, now);
      throw new Deferred(ms, o.restorePayload ?? false);
    }
  }

  /** Its turn, then the call. */
  async paced<T>(ticket: string | number, call: PacedCall, fn: () => Promise<T>): Promise<T> {
    await this.turn(ticket, call);
    return this.guard(call, fn);
  }
}
