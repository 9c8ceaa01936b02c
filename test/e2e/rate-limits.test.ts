import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { incidentWorkDrained, requestsFinished } from '../helpers/drain.js';
import { CHANNELS, PEOPLE, startHarness, type Harness } from '../helpers/harness.js';

// The emulator enforces Slack's documented rate limits (about one post a second per channel, a burst of
// four; chat.update Tier 3) and the bot paces itself under them (SLACK_PACE=on): what production meets.
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ rateLimits: true, scheduler: { tickMs: 100, leaseMs: 10_000 } });
});
afterAll(async () => {
  await h?.stop();
});

async function declare(title: string): Promise<{ id: number; ts: string }> {
  await h.run(PEOPLE.alice, '/incident', `declare L3 ${title}`);
  const card = await h.emulator.waitFor(() => h.cards().find((m) => m.text.includes(title)), 20_000);
  return { id: Number(/INC-(\d+)/.exec(card.text)![1]), ts: card.ts };
}

const thread = (ts: string) => h.emulator.thread(CHANNELS.incidents, ts).map((m) => m.text);
const refused = (method: string) => h.emulator.rateLimiter?.refused[method] ?? 0;
const channelPosts = () => h.emulator.calls.filter((c) => c.method === 'chat.postMessage' && c.args.channel === CHANNELS.incidents && c.ok);

describe("within Slack's rate limits", () => {
  it('a burst of updates on several incidents: every line in its thread once, spread and batched, never refused', async () => {
    const incs = [];
    for (const n of [1, 2, 3, 4]) incs.push(await declare(`Rate storm ${n}`));
    const postsBefore = channelPosts().length;
    const sent: Array<{ inc: { id: number; ts: string }; tag: string }> = [];
    for (let i = 0; i < 24; i++) {
      const inc = incs[i % incs.length]!;
      const tag = `storm-line-${i}`;
      const r = await h.run(PEOPLE.alice, '/incident', `update INC-${inc.id} ${tag} progress`);
      expect(r.status).toBe(200);
      sent.push({ inc, tag });
    }
    // Every update written (answered), then everything it queued carried out.
    await requestsFinished(h.bot.store.db, 30_000);
    await incidentWorkDrained(h.bot.store.db, undefined, 90_000);
    for (const { inc, tag } of sent) {
      const hits = thread(inc.ts).flatMap((t) => t.split('\n')).filter((l) => l.includes(`${tag} `));
      expect(hits).toHaveLength(1);
    }
    // Lines of one incident stay in the order they were written (their jobs' order).
    for (const inc of incs) {
      const written = await h.bot.store.db.query<{ text: string }>("SELECT payload->>'text' AS text FROM jobs WHERE kind = 'thread_line' AND incident_id = $1 ORDER BY id", [inc.id]);
      const tags = (texts: string[]) => texts.join('\n').match(/storm-line-\d+/g) ?? [];
      expect(tags(thread(inc.ts))).toEqual(tags(written.rows.map((r) => r.text)));
    }
    // 24 lines in fewer posts: the lines that had to wait went out together.
    expect(channelPosts().length - postsBefore).toBeLessThan(24);
    expect(refused('chat.postMessage')).toBe(0);
    expect(refused('chat.update')).toBe(0);
  }, 150_000);

  it('a 429 with Retry-After: the line waits as told (no attempt used up) and lands once', async () => {
    const inc = await declare('Rate refused');
    await incidentWorkDrained(h.bot.store.db, inc.id, 60_000);
    h.emulator.failNext('chat.postMessage', { status: 429, retryAfterSec: 2 });
    await h.run(PEOPLE.alice, '/incident', `update INC-${inc.id} after-429 progress`);
    await requestsFinished(h.bot.store.db, 30_000);
    await incidentWorkDrained(h.bot.store.db, inc.id, 60_000);
    expect(thread(inc.ts).filter((t) => t.includes('after-429'))).toHaveLength(1);
    const calls = h.emulator.calls.filter((c) => c.method === 'chat.postMessage' && c.args.channel === CHANNELS.incidents);
    const limited = calls.findIndex((c) => c.error === 'ratelimited');
    expect(limited).toBeGreaterThanOrEqual(0);
    // Nothing was posted into the channel before Retry-After had passed.
    const next = calls[limited + 1]!;
    expect(next.at - calls[limited]!.at).toBeGreaterThanOrEqual(1_900);
    const job = await h.bot.store.db.query<{ attempts: number; dead: boolean; error: string | null }>(
      "SELECT attempts, dead_at IS NOT NULL AS dead, last_error AS error FROM jobs WHERE kind = 'thread_line' AND incident_id = $1 ORDER BY id DESC LIMIT 1",
      [inc.id],
    );
    expect(job.rows[0]).toMatchObject({ dead: false, error: null });
  }, 120_000);
});
