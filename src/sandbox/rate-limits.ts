/**
 * Slack's Web API rate limits, as documented (api.slack.com/apis/rate-limits and each method's page):
 * - tiers, per method per workspace: Tier 1 1+/min, Tier 2 20+/min, Tier 3 50+/min, Tier 4 100+/min,
 *   "evaluated per minute, with occasional bursts allowed";
 * - chat.postMessage ("Special"): about one message per second per channel, short bursts allowed, and
 *   several hundred a minute per workspace.
 * Past a limit Slack answers HTTP 429 with `Retry-After: <seconds>` and does nothing.
 *
 * Each limit is a token bucket: it refills at the documented rate and holds `burst` tokens. A call that
 * finds its bucket empty is refused (and takes no token). Off unless the emulator is asked for it.
 */

export type Tier = 1 | 2 | 3 | 4;

/** The documented tier of each method the bot (or a test) calls; chat.postMessage is special, below. */
export const METHOD_TIERS: Readonly<Record<string, Tier>> = {
  'auth.test': 4,
  'chat.update': 3,
  'chat.delete': 3,
  'chat.postEphemeral': 4,
  'chat.getPermalink': 4,
  'conversations.history': 3,
  'conversations.replies': 3,
  'conversations.info': 3,
  'conversations.list': 2,
  'conversations.members': 4,
  'conversations.open': 3,
  'conversations.join': 3,
  'users.info': 4,
  'users.list': 2,
  'users.lookupByEmail': 3,
  'usergroups.list': 2,
  'usergroups.users.list': 2,
  'views.open': 4,
  'views.update': 4,
  'views.push': 4,
  'views.publish': 4,
  'files.getUploadURLExternal': 4,
  'files.completeUploadExternal': 4,
  'reactions.add': 3,
};

export const TIER_PER_MINUTE: Readonly<Record<Tier, number>> = { 1: 1, 2: 20, 3: 50, 4: 100 };

export interface RateLimitOptions {
  /** chat.postMessage into one channel: messages per second (Slack: about 1). */
  postsPerChannelPerS?: number;
  /** How many posts one channel takes at once before the per-second pace applies (Slack: "short bursts"). */
  postBurst?: number;
  /** chat.postMessage across the workspace, per minute (Slack: "several hundred"). */
  postsPerMinute?: number;
  /** A tier's bucket holds this share of its per-minute limit (1 = the whole minute at once). */
  tierBurstShare?: number;
}

export const SLACK_RATE_LIMITS: Required<RateLimitOptions> = { postsPerChannelPerS: 1, postBurst: 4, postsPerMinute: 600, tierBurstShare: 1 };

class Bucket {
  private tokens: number;
  private at: number;

  constructor(
    private readonly perMs: number,
    private readonly size: number,
    now: number,
  ) {
    this.tokens = size;
    this.at = now;
  }

  private refill(now: number): void {
    this.tokens = Math.min(this.size, this.tokens + (now - this.at) * this.perMs);
    this.at = now;
  }

  /** ms until a token is there (0 = there is one now). */
  waitMs(now: number): number {
    this.refill(now);
    return this.tokens >= 1 ? 0 : (1 - this.tokens) / this.perMs;
  }

  take(): void {
    this.tokens -= 1;
  }
}

export class RateLimiter {
  private readonly o: Required<RateLimitOptions>;
  private readonly buckets = new Map<string, Bucket>();
  /** Calls refused with 429, by method. */
  readonly refused: Record<string, number> = {};

  constructor(o: RateLimitOptions = {}, private readonly clock: () => number = Date.now) {
    this.o = { ...SLACK_RATE_LIMITS, ...o };
  }

  private bucket(key: string, perMinute: number, size: number, now: number): Bucket {
    let b = this.buckets.get(key);
    if (!b) this.buckets.set(key, (b = new Bucket(perMinute / 60_000, Math.max(1, size), now)));
    return b;
  }

  /** The buckets a call draws on; none for methods with no documented limit here. */
  private bucketsFor(method: string, channel: string | undefined, now: number): Bucket[] {
    if (method === 'chat.postMessage') {
      const o = this.o;
      const out = [this.bucket('post', o.postsPerMinute, o.postsPerMinute * o.tierBurstShare, now)];
      if (channel) out.push(this.bucket(`post:${channel}`, o.postsPerChannelPerS * 60, o.postBurst, now));
      return out;
    }
    const tier = METHOD_TIERS[method];
    if (!tier) return [];
    const perMinute = TIER_PER_MINUTE[tier];
    return [this.bucket(`tier:${method}`, perMinute, perMinute * this.o.tierBurstShare, now)];
  }

  /**
   * Takes a token for the call, or answers how many whole seconds to wait (Retry-After) when it must be
   * refused. A refused call takes nothing.
   */
  check(method: string, channel: string | undefined): number | undefined {
    const now = this.clock();
    const buckets = this.bucketsFor(method, channel, now);
    const wait = buckets.reduce((m, b) => Math.max(m, b.waitMs(now)), 0);
    if (wait > 0) {
      this.refused[method] = (this.refused[method] ?? 0) + 1;
      return Math.max(1, Math.ceil(wait / 1000));
    }
    for (const b of buckets) b.take();
    return undefined;
  }
}
