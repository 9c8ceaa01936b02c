import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CHANNELS, PEOPLE, SECRET, startHarness, type Harness } from '../helpers/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

const commandBody = (text: string) =>
  new URLSearchParams({ command: '/incident', text, user_id: PEOPLE.alice, channel_id: CHANNELS.incidents, team_id: 'T0BOOM', trigger_id: 't.1', response_url: `${h.emulator.baseUrl}/response/forged` }).toString();
const sign = (ts: number, body: string) => `v0=${createHmac('sha256', SECRET).update(`v0:${ts}:${body}`).digest('hex')}`;
const count = async () => (await h.bot.store.db.query<{ n: number }>('SELECT count(*)::int AS n FROM incidents')).rows[0]!.n;

describe('only requests Slack signed reach the bot', () => {
  it('a forged signature is refused with 401 and nothing is stored', async () => {
    const body = commandBody('declare L1 Forged incident');
    const now = Math.floor(Date.now() / 1000);
    const forged = await h.emulator.postSigned(body, { contentType: 'application/x-www-form-urlencoded', timestamp: now, signature: `v0=${'0'.repeat(64)}` });
    expect(forged.status).toBe(401);
    const otherSecret = `v0=${createHmac('sha256', 'not-the-secret').update(`v0:${now}:${body}`).digest('hex')}`;
    expect((await h.emulator.postSigned(body, { contentType: 'application/x-www-form-urlencoded', timestamp: now, signature: otherSecret })).status).toBe(401);
    await new Promise((r) => setTimeout(r, 200));
    expect(await count()).toBe(0);
    expect(h.cards()).toHaveLength(0);
  });

  it('a correctly signed request older than 5 minutes is refused (replay)', async () => {
    const body = commandBody('declare L1 Replayed incident');
    const old = Math.floor(Date.now() / 1000) - 6 * 60;
    const r = await h.emulator.postSigned(body, { contentType: 'application/x-www-form-urlencoded', timestamp: old, signature: sign(old, body) });
    expect(r.status).toBe(401);
    await new Promise((r2) => setTimeout(r2, 200));
    expect(await count()).toBe(0);
  });

  it('the same body signed now is accepted', async () => {
    const body = commandBody('declare L4 Properly signed');
    const now = Math.floor(Date.now() / 1000);
    const r = await h.emulator.postSigned(body, { contentType: 'application/x-www-form-urlencoded', timestamp: now, signature: sign(now, body) });
    expect(r.status).toBe(200);
    await h.emulator.waitFor(() => h.cards()[0]);
    expect(await count()).toBe(1);
  });
});

describe('ack first', () => {
  it('with Slack answering after 4 s, every listener still acks in under 1 s', async () => {
    h.emulator.latencyMs = 4_000;
    try {
      const declare = await h.run(PEOPLE.alice, '/incident', 'declare L2 Slow Slack day');
      expect(declare.status).toBe(200);
      expect(declare.ms).toBeLessThan(1_000);
      const modal = await h.run(PEOPLE.alice, '/incident', 'declare');
      expect(modal.ms).toBeLessThan(1_000);
      const card = await h.emulator.waitFor(() => h.cards().find((m) => m.text.includes('Slow Slack day')), 15_000);
      const click = await h.emulator.clickButton({ user: PEOPLE.dmitri, actionId: 'incident_post_update', channel: CHANNELS.incidents, messageTs: card.ts });
      expect(click.status).toBe(200);
      expect(click.ms).toBeLessThan(1_000);
      const update = await h.run(PEOPLE.dmitri, '/incident', 'update INC-2 Still slow');
      expect(update.ms).toBeLessThan(1_000);
      // Thread lines go out in order, each post taking Slack's 4 s: the paging line and the provider
      // failures come first, so the update shows some 20 s later.
      await h.emulator.waitFor(() => h.emulator.thread(CHANNELS.incidents, card.ts).find((m) => m.text.includes('Still slow')), 45_000);
    } finally {
      h.emulator.latencyMs = 0;
    }
  }, 60_000);
});
