/**
 * The bot as a Socket Mode app (SLACK_APP_TOKEN), reached only through the WebSocket the emulator hands
 * out: apps.connections.open, hello, envelopes acked by envelope_id, Slack's `disconnect`
 * (refresh_requested) and a socket that simply dies — in the middle of one incident's life.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { WebSocket } from 'ws';
import { actionDriver } from '../helpers/dr-actions.js';
import { drPolicy } from '../helpers/dr-policy.js';
import { APP_TOKEN, CHANNELS, PEOPLE, startHarness, TOKEN, type Harness } from '../helpers/harness.js';
import { blockText } from '../helpers/slack-views.js';

const REDIS = 'redis://127.0.0.1:6379';
const REDIS_DB = 9; // this file's own Redis database
const redis = new Redis(`${REDIS}/${REDIS_DB}`, { lazyConnect: true });
let h: Harness;
const d = actionDriver(() => h);
const socket = () => h.socket!;
let cardTs = '';
const thread = () => h.emulator.thread(CHANNELS.incidents, cardTs).map((m) => m.text);

beforeAll(async () => {
  await redis.connect();
  await redis.flushdb();
  h = await startHarness({
    socketMode: true,
    policy: drPolicy({ targets: { redis: { urlEnv: 'PLATFORM_REDIS_URL', db: REDIS_DB } } }),
    env: { PLATFORM_REDIS_URL: REDIS },
  });
}, 60_000);
afterAll(async () => {
  await h?.stop();
  await redis.flushdb().catch(() => undefined);
  await redis.quit();
});

/** Waits until the bot has opened a new connection after `hellosBefore`, as the Socket Mode client does. */
async function reconnected(hellosBefore: number): Promise<void> {
  await socket().waitConnected({ afterHellos: hellosBefore, timeoutMs: 30_000 });
  expect(socket().connections).toBe(1);
}

describe('apps.connections.open, as Slack answers it', () => {
  const open = (headers: Record<string, string>, body = '') =>
    fetch(`${h.emulator.apiUrl}apps.connections.open`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers }, body }).then((r) => r.json() as Promise<Record<string, unknown>>);

  it('wants the app-level token in the Authorization header: a bot token, a wrong one or a POST field are refused', async () => {
    expect(await open({ Authorization: `Bearer ${TOKEN}` })).toEqual({ ok: false, error: 'not_allowed_token_type' });
    expect(await open({ Authorization: 'Bearer xapp-1-wrong' })).toEqual({ ok: false, error: 'invalid_auth' });
    expect(await open({}, `token=${APP_TOKEN}`)).toEqual({ ok: false, error: 'invalid_auth' });
    expect(await open({})).toEqual({ ok: false, error: 'not_authed' });
  });

  it('answers a one-use WebSocket URL that greets with hello', async () => {
    const r = await open({ Authorization: `Bearer ${APP_TOKEN}` });
    expect(r).toMatchObject({ ok: true, url: expect.stringMatching(/^ws:\/\/127\.0\.0\.1:\d+\/link\/\?ticket=\w+&app_id=A0BOOM$/) });
    const ws = new WebSocket(r.url as string);
    const hello = await new Promise<Record<string, any>>((resolve, reject) => {
      ws.once('message', (m) => resolve(JSON.parse(m.toString())));
      ws.once('error', reject);
    });
    expect(hello).toMatchObject({ type: 'hello', connection_info: { app_id: 'A0BOOM' } });
    ws.close();
    await new Promise((r) => ws.once('close', r));
    // The same ticket again: refused before the upgrade.
    const again = new WebSocket(r.url as string);
    const refused = await new Promise<Error>((resolve) => again.once('error', resolve));
    expect(refused.message).toBe('Unexpected server response: 401');
  });
});

describe('an incident over Socket Mode, with reconnects in the middle', () => {
  it('the bot connected with its app token and still serves /healthz on PORT', async () => {
    expect(socket().opened).toBeGreaterThanOrEqual(1);
    await socket().waitConnected();
    expect((await fetch(`http://127.0.0.1:${h.port}/healthz`)).status).toBe(200);
  });

  it('declare: the slash_commands envelope is acked by its envelope_id, then the card is posted', async () => {
    const reply = await h.run(PEOPLE.alice, '/incident', 'declare L1 Stale prices served from cache --services api-gateway');
    expect(reply.status).toBe(200);
    const card = await h.emulator.waitFor(() => h.cards().find((m) => m.text.includes('Stale prices served from cache')), 10_000);
    cardTs = card.ts;
    expect(blockText(card)).toContain('INC-1 · L1 Critical');
  });

  it('Slack asks for a refresh (disconnect, refresh_requested): the bot reconnects and an update still lands', async () => {
    const hellos = socket().hellos;
    socket().askToReconnect('refresh_requested');
    await reconnected(hellos);
    expect((await h.run(PEOPLE.alice, '/incident', 'update INC-1 Cache node restarted --status identified')).status).toBe(200);
    await h.emulator.waitFor(() => thread().find((t) => t.includes('Cache node restarted')), 10_000);
  }, 45_000);

  it('a modal: the interactive envelopes (button, then view_submission) are acked, the submission closes the modal', async () => {
    const click = await h.emulator.clickButton({ user: PEOPLE.dmitri, actionId: 'incident_post_update', channel: CHANNELS.incidents, messageTs: cardTs });
    expect(click.status).toBe(200);
    const view = await h.emulator.waitFor(() => h.emulator.openViews(PEOPLE.dmitri).find((v) => v.callback_id === 'incident_update'), 10_000);
    const empty = await h.emulator.submitView({ user: PEOPLE.dmitri, viewId: view.id, values: { text: '  ' } });
    // A response payload over the socket works like the HTTP answer: the error shows in the modal.
    expect(empty.body).toMatchObject({ response_action: 'errors', errors: { text: 'The update is empty.' } });
    const ok = await h.emulator.submitView({ user: PEOPLE.dmitri, viewId: view.id, values: { status: 'monitoring', text: 'Prices re-read from the database' } });
    expect(ok.status).toBe(200);
    expect(h.emulator.openViews(PEOPLE.dmitri)).toHaveLength(0);
    await h.emulator.waitFor(() => thread().find((t) => t.includes('Prices re-read from the database')), 10_000);
  });

  it('the socket dies without a close frame: nothing reaches the bot meanwhile, then it reconnects by itself', async () => {
    const hellos = socket().hellos;
    socket().dropSockets();
    await h.emulator.waitFor(() => socket().connections === 0, 5_000);
    const lost = await h.run(PEOPLE.alice, '/incident', 'update INC-1 said while the link was down');
    expect(lost.slackError).toMatch(/^dispatch_failed/);
    await reconnected(hellos);
    await h.run(PEOPLE.alice, '/incident', 'update INC-1 Link back');
    await h.emulator.waitFor(() => thread().find((t) => t.includes('Link back')), 10_000);
    expect(thread().some((t) => t.includes('said while the link was down'))).toBe(false);
  }, 45_000);

  it('a guarded action: plan, the requester may not confirm (two-person rule), a second person confirms, it runs', async () => {
    await redis.mset({ 'price:1': '10', 'price:2': '20', 'session:a': 'x' });
    await h.run(PEOPLE.alice, '/dr', `flush-cache ${REDIS_DB} INC-1`);
    const plan = await h.emulator.waitFor(() => h.emulator.thread(CHANNELS.incidents, cardTs).find((m) => m.text.startsWith('Action #1')), 15_000);
    await d.confirm(PEOPLE.alice, 1);
    await h.emulator.waitFor(() => h.emulator.ephemerals({ user: PEOPLE.alice }).find((e) => /second person|two-person|not the one who asked|own plan/i.test(e.text)), 10_000);
    expect(await redis.dbsize()).toBe(3);
    const confirm = await d.confirm(PEOPLE.ivan, 1);
    expect(confirm.status).toBe(200);
    await h.emulator.waitFor(() => (/Done in|Failed/.test(blockText(h.emulator.thread(CHANNELS.incidents, cardTs).find((m) => m.ts === plan.ts)!)) ? true : undefined), 30_000);
    expect(blockText(h.emulator.thread(CHANNELS.incidents, cardTs).find((m) => m.ts === plan.ts)!)).toContain('3 keys before, 0 after');
    expect(await redis.dbsize()).toBe(0);
  }, 60_000);

  it('a page and its acknowledgement from the DM', async () => {
    const before = h.emulator.ephemerals({ user: PEOPLE.alice }).length;
    await h.run(PEOPLE.alice, '/incident', `page INC-1 <@${PEOPLE.maria}|maria> Customer-facing for 20 min`);
    expect((await h.emulator.waitFor(() => h.emulator.ephemerals({ user: PEOPLE.alice }).slice(before)[0], 10_000)).text).toContain(`Paged <@${PEOPLE.maria}>`);
    const dm = await h.emulator.waitFor(() => h.emulator.messages(PEOPLE.maria).find((m) => m.text.includes('INC-1 ')), 15_000);
    await h.emulator.clickButton({ user: PEOPLE.maria, actionId: 'page_acknowledge', channel: dm.channel, messageTs: dm.ts });
    await h.emulator.waitFor(() => thread().find((t) => t.includes(`<@${PEOPLE.maria}> acknowledged the page`)), 10_000);
  }, 30_000);

  it('events_api: app_home_opened arrives as an envelope, is acked, and the Home tab is published', async () => {
    const r = await h.emulator.sendEvent({ type: 'app_home_opened', user: PEOPLE.alice, channel: 'D0ALICE', tab: 'home' });
    expect(r.status).toBe(200);
    await h.emulator.waitFor(() => h.emulator.home(PEOPLE.alice), 10_000);
  });

  it('every envelope sent was acked once, by its own envelope_id', () => {
    const sent = socket().sent.map((e) => e.envelope_id);
    const acked = socket().acks.map((a) => a.envelope_id);
    expect(sent.length).toBeGreaterThanOrEqual(10);
    expect(new Set(sent).size).toBe(sent.length);
    expect([...acked].sort()).toEqual([...sent].sort());
    expect(new Set(socket().sent.map((e) => e.type))).toEqual(new Set(['slash_commands', 'interactive', 'events_api']));
  });
});
