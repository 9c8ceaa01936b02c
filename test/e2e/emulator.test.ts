/**
 * The Slack emulator's Web API: answers like Slack (ok:false errors with HTTP 200, Block Kit limits,
 * rate limits), reached both with fetch and with the real @slack/web-api WebClient the bot uses.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { WebClient } from '@slack/web-api';
import { SlackEmulator } from '../../src/sandbox/emulator.js';
import { computeSignature, signRequest, verifySignature } from '../../src/sandbox/signer.js';
import { callApi } from '../helpers/emulator-api.js';
import { manifestBotScopes } from '../../src/slack/scopes.js';

const TOKEN = 'xoxb-test-token';
// More than the bot's manifest grants, so that the methods only other apps use can be exercised too.
const emu = new SlackEmulator({ signingSecret: 'shh', botToken: TOKEN, scopes: [...manifestBotScopes(), 'channels:manage', 'groups:write', 'usergroups:read'] });
let web: WebClient;
const api = (method: string, args: Record<string, unknown> = {}) => callApi(emu.apiUrl, TOKEN, method, args).then((r) => r.body);
const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });
const button = (action_id: string, text = 'Go', value = 'v') => ({ type: 'button', action_id, text: { type: 'plain_text', text }, value });

beforeAll(async () => {
  await emu.start();
  web = new WebClient(TOKEN, { slackApiUrl: emu.apiUrl, retryConfig: { retries: 0 } });
  emu.addUser({ id: 'U1', name: 'alice', real_name: 'Alice A', tz: 'Europe/Sofia' });
  emu.addUser({ id: 'U2', name: 'bob' });
  emu.addChannel({ id: 'C1', name: 'incident-response' });
  emu.addChannel({ id: 'C2', name: 'secret', is_private: true, members: ['U1'] });
  emu.addUsergroup({ id: 'S1', handle: 'dba', users: ['U1', 'U2'] });
});
afterAll(() => emu.stop());
beforeEach(() => emu.reset());

describe('signer', () => {
  it('signs v0:timestamp:body with HMAC-SHA256 hex, as Slack documents', () => {
    // Slack's documented example (https://api.slack.com/authentication/verifying-requests-from-slack).
    const body = 'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
    expect(computeSignature('8f742231b10e8888abcd99yyyzzz85a5', 1531420618, body)).toBe('v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503');
  });
  it('verifies good requests and detects stale or forged ones', () => {
    const now = Math.floor(Date.now() / 1000);
    const h = signRequest('shh', 'a=1', now);
    const ok = { signingSecret: 'shh', rawBody: 'a=1', timestamp: h['X-Slack-Request-Timestamp'], signature: h['X-Slack-Signature'] };
    expect(verifySignature(ok)).toEqual({ ok: true });
    expect(verifySignature({ ...ok, rawBody: 'a=2' })).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verifySignature({ ...ok, signingSecret: 'other' })).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verifySignature({ ...ok, nowSec: now + 301 })).toEqual({ ok: false, reason: 'stale_timestamp' });
    expect(verifySignature({ ...ok, signature: undefined })).toEqual({ ok: false, reason: 'missing_headers' });
  });
});

describe('auth and routing', () => {
  it('auth.test answers who the bot is (WebClient, form-encoded)', async () => {
    const r = await web.auth.test();
    expect(r).toMatchObject({ ok: true, user_id: 'UBOT', bot_id: 'B0BOT', team_id: 'T0BOOM' });
  });
  it('rejects calls without or with a wrong token, accepts a token field', async () => {
    expect((await callApi(emu.apiUrl, undefined, 'auth.test')).body).toEqual({ ok: false, error: 'not_authed' });
    expect((await callApi(emu.apiUrl, 'xoxb-wrong', 'auth.test')).body).toEqual({ ok: false, error: 'invalid_auth' });
    expect((await callApi(emu.apiUrl, undefined, 'auth.test', { token: TOKEN })).body.ok).toBe(true);
  });
  it('answers unknown_method and missing arguments like Slack', async () => {
    expect(await api('chat.fly')).toEqual({ ok: false, error: 'unknown_method' });
    expect(await api('chat.postMessage', { text: 'x' })).toMatchObject({ ok: false, error: 'channel_not_found' });
    expect(await api('files.getUploadURLExternal', { filename: 'a' })).toMatchObject({ ok: false, error: 'invalid_arguments' });
    expect(await api('views.open', { trigger_id: 'x' })).toMatchObject({ ok: false, error: 'invalid_arguments' });
  });
  it('records every call and emits call/change', async () => {
    const seen: string[] = [];
    emu.once('call', (c: { method: string }) => seen.push(c.method));
    await api('chat.postMessage', { channel: 'nope', text: 'x' });
    expect(seen).toEqual(['chat.postMessage']);
    expect(emu.calls).toEqual([expect.objectContaining({ method: 'chat.postMessage', ok: false, error: 'channel_not_found', args: { channel: 'nope', text: 'x' } })]);
  });
  it('accepts JSON bodies', async () => {
    const r = await callApi(emu.apiUrl, TOKEN, 'chat.postMessage', { channel: 'C1', text: 'json' }, true);
    expect(r.body).toMatchObject({ ok: true, channel: 'C1' });
  });
});

describe('chat', () => {
  it('posts by id, name or #name, in increasing unique ts order', async () => {
    const a = await web.chat.postMessage({ channel: 'C1', text: 'one' });
    const b = await web.chat.postMessage({ channel: 'incident-response', text: 'two', blocks: [section('*two*')] });
    const c = await web.chat.postMessage({ channel: '#incident-response', text: 'three' });
    expect([a.channel, b.channel, c.channel]).toEqual(['C1', 'C1', 'C1']);
    expect(Number(b.ts) > Number(a.ts) && Number(c.ts) > Number(b.ts)).toBe(true);
    expect(a.ts).toMatch(/^\d{10}\.\d{6}$/);
    expect(emu.messages('incident-response').map((m) => m.text)).toEqual(['one', 'two', 'three']);
    expect(emu.messages('C1')[1]).toMatchObject({ user: 'UBOT', blocks: [expect.objectContaining({ type: 'section', block_id: expect.any(String) })] });
  });
  it('needs text or blocks, a known channel, and the bot in private channels', async () => {
    expect(await api('chat.postMessage', { channel: 'C1' })).toMatchObject({ error: 'no_text' });
    expect(await api('chat.postMessage', { channel: 'C404', text: 'x' })).toMatchObject({ error: 'channel_not_found' });
    // A private channel the bot is not in does not exist for it (and names never work for private channels).
    expect(await api('chat.postMessage', { channel: 'secret', text: 'x' })).toMatchObject({ error: 'channel_not_found' });
    expect(await api('chat.postMessage', { channel: 'C2', text: 'x' })).toMatchObject({ error: 'channel_not_found' });
    await expect(web.chat.postMessage({ channel: 'C404', text: 'x' })).rejects.toMatchObject({ data: { error: 'channel_not_found' } });
  });
  it('threads replies under the parent, with reply_count and broadcast', async () => {
    const parent = await web.chat.postMessage({ channel: 'C1', text: 'card' });
    const r1 = await web.chat.postMessage({ channel: 'C1', text: 'update 1', thread_ts: parent.ts! });
    await web.chat.postMessage({ channel: 'C1', text: 'update 2', thread_ts: r1.ts!, reply_broadcast: true });
    expect(emu.thread('C1', parent.ts!).map((m) => m.text)).toEqual(['update 1', 'update 2']);
    expect(emu.messages('C1').map((m) => m.text)).toEqual(['card', 'update 2']);
    expect(emu.messages('C1')[0]).toMatchObject({ reply_count: 2, thread_ts: parent.ts, reply_users: ['UBOT'] });
    const replies = await web.conversations.replies({ channel: 'C1', ts: parent.ts! });
    expect(replies.messages?.map((m) => m.text)).toEqual(['card', 'update 1', 'update 2']);
    const history = await web.conversations.history({ channel: 'C1' });
    expect(history.messages?.map((m) => m.text)).toEqual(['update 2', 'card']);
    expect(await api('chat.postMessage', { channel: 'C1', text: 'x', thread_ts: '1.000001' })).toMatchObject({ error: 'thread_not_found' });
  });
  it('updates the message in place and marks it edited', async () => {
    const m = await web.chat.postMessage({ channel: 'C1', text: 'v1', blocks: [section('v1')] });
    const u = await web.chat.update({ channel: 'C1', ts: m.ts!, text: 'v2' });
    expect(u).toMatchObject({ ok: true, channel: 'C1', ts: m.ts, text: 'v2' });
    expect(emu.messages('C1')).toHaveLength(1);
    expect(emu.messages('C1')[0]).toMatchObject({ text: 'v2', blocks: [expect.objectContaining({ type: 'section' })], edited: { user: 'UBOT' } });
    expect(await api('chat.update', { channel: 'C1', ts: '1.000001', text: 'x' })).toMatchObject({ error: 'message_not_found' });
  });
  it('posts ephemerals for one user and gives permalinks', async () => {
    const e = await web.chat.postEphemeral({ channel: 'C1', user: 'U1', text: 'only you' });
    expect(e.message_ts).toBeDefined();
    expect(emu.ephemerals({ user: 'U1' })).toEqual([expect.objectContaining({ text: 'only you', channel: 'C1', source: 'chat.postEphemeral' })]);
    expect(emu.ephemerals({ user: 'U2' })).toEqual([]);
    expect(await api('chat.postEphemeral', { channel: 'C1', user: 'U404', text: 'x' })).toMatchObject({ error: 'user_not_found' });
    const m = await web.chat.postMessage({ channel: 'C1', text: 'x' });
    const p = await web.chat.getPermalink({ channel: 'C1', message_ts: m.ts! });
    expect(p.permalink).toBe(`${emu.baseUrl}/archives/C1/p${m.ts!.replace('.', '')}`);
  });
  it('DMs a user when the channel is a user id', async () => {
    const r = await web.chat.postMessage({ channel: 'U1', text: 'you are paged' });
    expect(r.channel).toBe('DU1');
    expect(emu.messages('U1').map((m) => m.text)).toEqual(['you are paged']);
  });
});

describe('conversations, users, usergroups', () => {
  it('creates channels with Slack naming rules', async () => {
    const c = await web.conversations.create({ name: 'inc-42-db-down' });
    expect(c.channel).toMatchObject({ name: 'inc-42-db-down', is_member: true });
    expect(emu.channel('inc-42-db-down').id).toBe(c.channel!.id);
    expect(await api('conversations.create', { name: 'inc-42-db-down' })).toMatchObject({ error: 'name_taken' });
    expect(await api('conversations.create', { name: 'Bad Name!' })).toMatchObject({ error: 'invalid_name_specials' });
    expect(await api('conversations.create', { name: 'x'.repeat(81) })).toMatchObject({ error: 'invalid_name_maxlength' });
  });
  it('invites users, already_in_channel only when all are in', async () => {
    const c = await web.conversations.create({ name: 'inc-invite' });
    const id = c.channel!.id!;
    expect((await web.conversations.invite({ channel: id, users: 'U1' })).ok).toBe(true);
    expect((await web.conversations.invite({ channel: id, users: 'U1,U2' })).ok).toBe(true);
    expect(await api('conversations.invite', { channel: id, users: 'U1,U2' })).toMatchObject({ error: 'already_in_channel' });
    expect(await api('conversations.invite', { channel: id, users: 'U404' })).toMatchObject({ error: 'user_not_found' });
    expect(await api('conversations.invite', { channel: 'C404', users: 'U1' })).toMatchObject({ error: 'channel_not_found' });
    expect(emu.channel(id).members).toEqual(['UBOT', 'U1', 'U2']);
  });
  it('info and list', async () => {
    expect((await web.conversations.info({ channel: 'C1' })).channel).toMatchObject({ id: 'C1', name: 'incident-response' });
    expect(await api('conversations.info', { channel: 'C404' })).toMatchObject({ error: 'channel_not_found' });
    const list = await web.conversations.list({ types: 'public_channel,private_channel' });
    // Private channels are listed only to members.
    expect(list.channels?.map((c) => c.name)).toContain('incident-response');
    expect(list.channels?.map((c) => c.name)).not.toContain('secret');
  });
  it('users.info, users.list and usergroups.users.list', async () => {
    const u = await web.users.info({ user: 'U1' });
    expect(u.user).toMatchObject({ id: 'U1', name: 'alice', real_name: 'Alice A', tz: 'Europe/Sofia', is_bot: false, profile: { real_name: 'Alice A', display_name: 'alice' } });
    expect(await api('users.info', { user: 'U404' })).toMatchObject({ error: 'user_not_found' });
    expect((await web.users.list({})).members?.map((m) => m.id)).toEqual(expect.arrayContaining(['UBOT', 'U1', 'U2']));
    expect((await web.usergroups.users.list({ usergroup: 'S1' })).users).toEqual(['U1', 'U2']);
    expect(await api('usergroups.users.list', { usergroup: 'S404' })).toMatchObject({ error: 'no_such_subteam' });
  });
});

describe('files upload v2', () => {
  it('works with WebClient.filesUploadV2 into a thread', async () => {
    const parent = await web.chat.postMessage({ channel: 'C1', text: 'card' });
    await web.filesUploadV2({ channel_id: 'C1', thread_ts: parent.ts!, filename: 'timeline.md', title: 'Timeline', content: '# INC-1\n- 10:00 declared', initial_comment: 'timeline attached' });
    const [reply] = emu.thread('C1', parent.ts!);
    expect(reply).toMatchObject({ text: 'timeline attached', files: [{ title: 'Timeline', name: 'timeline.md', content: '# INC-1\n- 10:00 declared' }] });
  });
  it('runs the three steps by hand and refuses unfinished uploads', async () => {
    const step1 = await api('files.getUploadURLExternal', { filename: 'a.txt', length: '5' });
    expect(step1.upload_url).toBe(`${emu.baseUrl}/upload/${step1.file_id}`);
    expect(await api('files.completeUploadExternal', { files: [{ id: step1.file_id }], channel_id: 'C1' })).toMatchObject({ error: 'file_upload_not_complete' });
    expect((await fetch(step1.upload_url, { method: 'POST', body: 'hello' })).status).toBe(200);
    const done = await api('files.completeUploadExternal', { files: [{ id: step1.file_id, title: 'A' }], channel_id: 'C1' });
    expect(done).toMatchObject({ ok: true, files: [{ id: step1.file_id, title: 'A' }] });
    expect(emu.messages('C1')[0]!.files).toEqual([{ id: step1.file_id, title: 'A', name: 'a.txt', content: 'hello' }]);
  });
});

describe('faults and latency', () => {
  it('answers 429 with Retry-After, then recovers', async () => {
    emu.failNext('chat.postMessage', { status: 429, retryAfterSec: 1 });
    const r = await callApi(emu.apiUrl, TOKEN, 'chat.postMessage', { channel: 'C1', text: 'x' });
    expect(r.status).toBe(429);
    expect(r.headers.get('retry-after')).toBe('1');
    expect(r.body).toEqual({ ok: false, error: 'ratelimited' });
    expect((await api('chat.postMessage', { channel: 'C1', text: 'x' })).ok).toBe(true);
  });
  it('WebClient sees the rate limit', async () => {
    emu.failNext('chat.postMessage', { status: 429, retryAfterSec: 7 });
    const strict = new WebClient(TOKEN, { slackApiUrl: emu.apiUrl, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true });
    await expect(strict.chat.postMessage({ channel: 'C1', text: 'x' })).rejects.toMatchObject({ code: 'slack_webapi_rate_limited_error', retryAfter: 7 });
  });
  it('answers 500s and Slack errors, count times, for one method or all', async () => {
    emu.failNext('*', { status: 500, count: 2 });
    expect((await callApi(emu.apiUrl, TOKEN, 'auth.test')).status).toBe(500);
    expect((await callApi(emu.apiUrl, TOKEN, 'users.list')).status).toBe(500);
    expect((await callApi(emu.apiUrl, TOKEN, 'auth.test')).status).toBe(200);
    emu.failNext('conversations.info', { error: 'channel_not_found' });
    expect(await api('conversations.info', { channel: 'C1' })).toEqual({ ok: false, error: 'channel_not_found' });
  });
  it('delays every call by latencyMs', async () => {
    emu.latencyMs = 120;
    const t = Date.now();
    await api('auth.test');
    emu.latencyMs = 0;
    expect(Date.now() - t).toBeGreaterThanOrEqual(110);
  });
  it('waitFor resolves on change and explains a timeout', async () => {
    const waiting = emu.waitFor(() => emu.messages('C1').find((m) => m.text === 'later'));
    setTimeout(() => void api('chat.postMessage', { channel: 'C1', text: 'later' }), 30);
    expect((await waiting).text).toBe('later');
    await expect(emu.waitFor(() => emu.messages('nowhere').length > 0, 120)).rejects.toThrow(/timed out after 120 ms[\s\S]*no channel "nowhere"[\s\S]*messages \(1/);
  });
});
