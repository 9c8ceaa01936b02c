import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createLogger } from '../../src/observability/logger.js';
import { CHANNELS, PEOPLE, SECRET, TOKEN, startHarness, type Harness } from '../helpers/harness.js';
import { incidentWorkDrained, requestsFinished } from '../helpers/drain.js';

const logLines: string[] = [];
let h: Harness;
const unhandled: unknown[] = [];
const onUnhandled = (e: unknown) => unhandled.push(e);

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  // Everything the bot logs, at the most verbose level, is kept to look for secrets in.
  const log = createLogger('trace', new Writable({ write: (c, _e, cb) => (logLines.push(String(c)), cb()) }));
  h = await startHarness({ log });
});
afterAll(async () => {
  process.off('unhandledRejection', onUnhandled);
  await h?.stop();
});

/** A tiny seeded PRNG, so a failing fuzz case can be replayed. */
function prng(seed: number): () => number {
  let x = seed >>> 0;
  return () => ((x = (x * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}
const WORDS = ['declare', 'update', 'assign', 'level', 'status', 'list', 'resolve', 'remind', 'comms', 'timeline', 'close', 'help', 'L1', 'L9', 'critical', 'INC-1', 'INC-999999999', '#0', '--services', '--status', '--drill', '--x=', '"', "'", '\u201c', '<!channel>', '<@U0DBA0001|dmitri>', '<@', '&amp;', '&lt;', 'off', '15m', '0m', 'dba', 'ic', '\u0000', '💥', '-', '--', 'x'.repeat(300)];

describe('faults at the door', () => {
  it('the same slash command delivered again (X-Slack-Retry-Num) declares once', async () => {
    const body = new URLSearchParams({
      token: 'x', team_id: 'T0BOOM', team_domain: 'boomcard', channel_id: CHANNELS.incidents, channel_name: 'incident-response', user_id: PEOPLE.alice,
      user_name: 'alice', command: '/incident', text: 'declare L2 Delivered twice', api_app_id: 'A0BOOM', response_url: `${h.emulator.baseUrl}/response/none`, trigger_id: '1337.42.retried',
    }).toString();
    const first = await h.emulator.postSigned(body);
    const again = await h.emulator.postSigned(body, { headers: { 'X-Slack-Retry-Num': '1', 'X-Slack-Retry-Reason': 'http_timeout' } });
    expect([first.status, again.status]).toEqual([200, 200]);
    await h.emulator.waitFor(() => h.cards().find((m) => m.text.includes('Delivered twice')));
    await requestsFinished(h.bot.store.db);
    await incidentWorkDrained(h.bot.store.db);
    expect(h.cards().filter((m) => m.text.includes('Delivered twice'))).toHaveLength(1);
    const n = await h.bot.store.db.query<{ n: number }>("SELECT count(*)::int AS n FROM incidents WHERE title = 'Delivered twice'");
    expect(n.rows[0]!.n).toBe(1);
  });

  it('10,000 fuzzed /incident texts: every one answered, no unhandled error, the bot still healthy', async () => {
    const rnd = prng(20261125);
    const texts = Array.from({ length: 10_000 }, () => Array.from({ length: 1 + Math.floor(rnd() * 6) }, () => WORDS[Math.floor(rnd() * WORDS.length)]).join(rnd() < 0.1 ? '' : ' '));
    let next = 0;
    const statuses = new Map<number, number>();
    const worker = async () => {
      while (next < texts.length) {
        const text = texts[next++]!;
        const r = await h.run(PEOPLE.georgi, '/incident', text, CHANNELS.general);
        statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
    expect(Object.fromEntries(statuses)).toEqual({ 200: 10_000 });
    expect(unhandled).toEqual([]);
    expect((await fetch(`http://127.0.0.1:${h.port}/healthz`)).status).toBe(200);
    expect(logLines.filter((l) => l.includes('"handler failed"')).slice(0, 3)).toEqual([]);
  }, 240_000);

  it('malformed interaction payloads are answered and change nothing', async () => {
    const before = await h.bot.store.db.query('SELECT count(*)::int AS n FROM timeline');
    const bad = [
      'payload=not-json',
      `payload=${encodeURIComponent(JSON.stringify({ type: 'block_actions', user: { id: PEOPLE.alice }, actions: [{ action_id: 'no_such_action', value: 'x' }] }))}`,
      `payload=${encodeURIComponent(JSON.stringify({ type: 'block_actions', user: { id: PEOPLE.alice }, trigger_id: 't', actions: [{ action_id: 'incident_post_update', value: { not: 'a string' } }] }))}`,
      `payload=${encodeURIComponent(JSON.stringify({ type: 'block_actions', user: { id: PEOPLE.alice }, trigger_id: 't', actions: [{ action_id: 'incident_resolve', value: '9'.repeat(5_000) }] }))}`,
      `payload=${encodeURIComponent(JSON.stringify({ type: 'view_submission', user: { id: PEOPLE.alice }, view: { id: 'V1', callback_id: 'incident_declare', private_metadata: '{', state: { values: { title: 5 } } } }))}`,
      `payload=${encodeURIComponent(JSON.stringify({ type: 'view_submission', user: { id: PEOPLE.alice }, view: { id: 'V2', callback_id: 'incident_update', private_metadata: '{"incident":"DROP TABLE"}', state: { values: {} } } }))}`,
      `payload=${encodeURIComponent(JSON.stringify({ type: 'nonsense' }))}`,
      `payload=${encodeURIComponent('x'.repeat(200_000))}`,
    ];
    for (const body of bad) {
      const r = await h.emulator.postSigned(body);
      expect({ body: body.slice(0, 60), ok: [200, 400, 404, 413].includes(r.status) }).toEqual({ body: body.slice(0, 60), ok: true });
    }
    await requestsFinished(h.bot.store.db);
    expect(unhandled).toEqual([]);
    expect((await h.bot.store.db.query('SELECT count(*)::int AS n FROM timeline')).rows).toEqual(before.rows);
    expect((await fetch(`http://127.0.0.1:${h.port}/healthz`)).status).toBe(200);
  });

  it('the logs of the whole run hold no token, signing secret or password', async () => {
    const all = logLines.join('');
    expect(all.length).toBeGreaterThan(1_000);
    for (const secret of [TOKEN, SECRET, 'xoxb-']) expect(all.includes(secret)).toBe(false);
    expect(/postgres(ql)?:\/\/[^@\s"]*:[^@\s"]+@/.test(all)).toBe(false);
  });
});
