import { describe, expect, it } from '@jest/globals';
import { Pace, POSTS_PER_CHANNEL } from '../../src/core/pace.js';
import { RateLimiter } from '../../src/sandbox/rate-limits.js';

describe("the emulator's Slack rate limits", () => {
  it('chat.postMessage: a short burst into one channel, then about one a second, with Retry-After', () => {
    let now = 0;
    const rl = new RateLimiter({ postBurst: 4 }, () => now);
    for (let i = 0; i < 4; i++) expect(rl.check('chat.postMessage', 'C1')).toBeUndefined();
    expect(rl.check('chat.postMessage', 'C1')).toBe(1);
    // Another channel has its own second.
    expect(rl.check('chat.postMessage', 'C2')).toBeUndefined();
    now += 1_000;
    expect(rl.check('chat.postMessage', 'C1')).toBeUndefined();
    expect(rl.check('chat.postMessage', 'C1')).toBe(1);
    expect(rl.refused['chat.postMessage']).toBe(2);
  });

  it('a refused call takes no token', () => {
    let now = 0;
    const rl = new RateLimiter({ postBurst: 1 }, () => now);
    expect(rl.check('chat.postMessage', 'C1')).toBeUndefined();
    for (let i = 0; i < 5; i++) expect(rl.check('chat.postMessage', 'C1')).toBe(1);
    now += 1_000;
    expect(rl.check('chat.postMessage', 'C1')).toBeUndefined();
  });

  it('tiers per method: chat.update is Tier 3 (50 a minute), Retry-After in whole seconds', () => {
    let now = 0;
    const rl = new RateLimiter({}, () => now);
    for (let i = 0; i < 50; i++) expect(rl.check('chat.update', 'C1')).toBeUndefined();
    expect(rl.check('chat.update', 'C1')).toBe(2); // 60 s / 50 = 1.2 s until the next
    expect(rl.check('views.open', undefined)).toBeUndefined(); // Tier 4, its own bucket
    now += 1_200;
    expect(rl.check('chat.update', 'C1')).toBeUndefined();
    expect(rl.check('some.unlisted', undefined)).toBeUndefined();
  });
});

describe("the bot's turns under the limits (pure)", () => {
  it('a burst goes at once, then one slot a second in the order asked; a booking is kept', () => {
    const p = new Pace();
    const waits = ['a', 'b', 'c', 'd', 'e'].map((t) => p.slot('post:C1', POSTS_PER_CHANNEL, t, 0));
    expect(waits).toEqual([0, 0, 0, 1_100, 2_200]);
    // 'e' comes back early: still waiting; on time: goes, without taking another slot.
    expect(p.slot('post:C1', POSTS_PER_CHANNEL, 'e', 1_500)).toBe(700);
    expect(p.slot('post:C1', POSTS_PER_CHANNEL, 'e', 2_200)).toBe(0);
    expect(p.booked('e')).toBe(false);
    expect(p.slot('post:C1', POSTS_PER_CHANNEL, 'f', 2_200)).toBe(1_100);
  });

  it('never more than the limit: any window of n seconds holds at most burst + n posts', () => {
    const p = new Pace();
    const at: number[] = [];
    for (let i = 0; i < 200; i++) {
      const now = i * 37; // asks far faster than one a second
      // (slots are 1.1 s apart: a tenth under Slack's one a second)
      at.push(now + p.slot('post:C1', POSTS_PER_CHANNEL, `t${i}`, now));
    }
    at.sort((a, b) => a - b);
    for (const start of at) {
      const inWindow = at.filter((t) => t >= start && t < start + 5_000).length;
      expect(inWindow).toBeLessThanOrEqual(POSTS_PER_CHANNEL.burst + 5);
    }
  });

  it('a 429 moves the schedule and its bookings past Retry-After', () => {
    const p = new Pace();
    for (const t of ['a', 'b', 'c']) p.slot('post:C1', POSTS_PER_CHANNEL, t, 0);
    expect(p.slot('post:C1', POSTS_PER_CHANNEL, 'd', 0)).toBe(1_100);
    p.refused('post:C1', 3_000, 0);
    // Its booking (1.1 s) moved by the 3 s it was told to wait.
    expect(p.slot('post:C1', POSTS_PER_CHANNEL, 'd', 1_000)).toBe(3_100);
    expect(p.slot('post:C1', POSTS_PER_CHANNEL, 'e', 1_000)).toBeGreaterThanOrEqual(2_000);
  });
});
