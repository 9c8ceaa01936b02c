/**
 * The emulator's driver: signed slash commands and interactions as Slack sends them, and what Slack
 * does with the bot's answers (immediate replies, response_url posts, response_action, timeouts).
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { SlackEmulator } from '../../src/sandbox/emulator.js';
import { callApi } from '../helpers/emulator-api.js';
import { startStubBot, type StubBot } from '../helpers/emulator-stub-bot.js';

const TOKEN = 'xoxb-driver';
const emu = new SlackEmulator({ signingSecret: 'sekret', botToken: TOKEN, botTimeoutMs: 400 });
let bot: StubBot;
const api = (method: string, args: Record<string, unknown>) => callApi(emu.apiUrl, TOKEN, method, args).then((r) => r.body);
const pt = (text: string) => ({ type: 'plain_text', text });
const respond = (url: string, body: unknown) => fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
const opt = (value: string) => ({ text: pt(value.toUpperCase()), value });
beforeAll(async () => {
  await emu.start();
  bot = await startStubBot('sekret');
  emu.botEndpoint = bot.url;
  emu.addUser({ id: 'U1', name: 'alice' });
  emu.addUser({ id: 'U2', name: 'bob' });
  emu.addChannel({ id: 'C1', name: 'incident-response' });
});
afterAll(async () => {
  await emu.stop();
  await bot.close();
});
afterEach(() => {
  expect(bot.errors).toEqual([]);
  bot.errors.length = 0;
});
beforeEach(() => {
  emu.reset();
  emu.triggerTtlMs = 3000;
  bot.received.length = 0;
  bot.handler = () => undefined;
});

describe('slash commands', () => {
  it('sends Slack\'s form fields, signed', async () => {
    const reply = await emu.slashCommand({ command: '/incident', text: 'declare "DB down" --level 1', user: 'U1', channel: 'incident-response' });
    expect(reply).toMatchObject({ status: 200, body: '' });
    expect(reply.ms).toBeGreaterThan(0);
    const [r] = bot.received;
    expect(r!.verify).toEqual({ ok: true });
    expect(r!.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(r!.form).toMatchObject({ team_id: 'T0BOOM', channel_id: 'C1', channel_name: 'incident-response', user_id: 'U1', user_name: 'alice', command: '/incident', text: 'declare "DB down" --level 1', api_app_id: 'A0BOOM', is_enterprise_install: 'false' });
    expect(r!.form.response_url).toMatch(new RegExp(`^${emu.baseUrl}/response/`));
    expect(r!.form.trigger_id).toMatch(/^\d+\.\d+\.[0-9a-f]+$/);
    expect(r!.headers['x-slack-retry-num']).toBeUndefined();
  });
  it('adds retry headers when asked', async () => {
    await emu.slashCommand({ command: '/dr', text: 'health', user: 'U1', channel: 'C1', retryNum: 1 });
    expect(bot.received[0]!.headers).toMatchObject({ 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' });
  });
  it('shows an immediate JSON answer as an ephemeral, in_channel as a message, text as ephemeral', async () => {
    bot.handler = () => ({ body: { text: 'usage: /dr …', blocks: [{ type: 'section', text: pt('usage') }] } });
    await emu.slashCommand({ command: '/dr', text: 'bogus', user: 'U1', channel: 'C1' });
    expect(emu.ephemerals({ user: 'U1' })).toEqual([expect.objectContaining({ text: 'usage: /dr …', source: 'command_reply' })]);
    bot.handler = () => ({ body: { response_type: 'in_channel', text: 'all good' } });
    await emu.slashCommand({ command: '/dr', text: 'health', user: 'U1', channel: 'C1' });
    expect(emu.messages('C1').map((m) => m.text)).toEqual(['all good']);
    bot.handler = () => ({ body: 'plain words' });
    await emu.slashCommand({ command: '/dr', text: '', user: 'U2', channel: 'C1' });
    expect(emu.ephemerals({ user: 'U2' })[0]!.text).toBe('plain words');
  });
  it('gives up after the timeout and tells the user, like Slack', async () => {
    bot.handler = () => ({ delayMs: 800 });
    const reply = await emu.slashCommand({ command: '/dr', text: 'health', user: 'U1', channel: 'C1' });
    expect(reply).toMatchObject({ status: 0, slackError: 'operation_timeout' });
    expect(reply.ms).toBeGreaterThanOrEqual(390);
    expect(reply.ms).toBeLessThan(700);
    expect(emu.ephemerals({ user: 'U1' })[0]).toMatchObject({ source: 'slack', text: '/dr failed with the error "operation_timeout"' });
  });
  it('throws on unknown users or channels (a test bug, not a bot bug)', async () => {
    await expect(emu.slashCommand({ command: '/dr', text: '', user: 'U404', channel: 'C1' })).rejects.toThrow(/unknown user "U404"/);
    await expect(emu.slashCommand({ command: '/dr', text: '', user: 'U1', channel: 'nope' })).rejects.toThrow(/no channel "nope"/);
  });
});

describe('postSigned', () => {
  it('lets tests forge signatures and replay stale timestamps', async () => {
    expect((await emu.postSigned('a=1')).status).toBe(200);
    expect(await emu.postSigned('a=1', { signature: 'v0=deadbeef' })).toMatchObject({ status: 401, body: 'bad_signature' });
    expect(await emu.postSigned('a=1', { timestamp: Math.floor(Date.now() / 1000) - 600 })).toMatchObject({ status: 401, body: 'stale_timestamp' });
  });
});

describe('response_url', () => {
  const commandUrl = async (user = 'U1') => {
    await emu.slashCommand({ command: '/incident', text: 'list', user, channel: 'C1' });
    return bot.received.at(-1)!.form.response_url!;
  };
  it('posts ephemeral by default, in_channel on request, into threads', async () => {
    const url = await commandUrl();
    expect((await respond(url, { text: 'just you' })).status).toBe(200);
    expect(emu.ephemerals({ user: 'U1', channel: 'C1' })).toEqual([expect.objectContaining({ text: 'just you', source: 'response_url' })]);
    await respond(url, { response_type: 'in_channel', text: 'everyone' });
    const parent = emu.messages('C1')[0]!;
    expect(parent).toMatchObject({ text: 'everyone', user: 'UBOT' });
    await respond(url, { response_type: 'in_channel', text: 'in thread', thread_ts: parent.ts });
    expect(emu.thread('C1', parent.ts).map((m) => m.text)).toEqual(['in thread']);
  });
  it('validates blocks and stops after 5 uses', async () => {
    const url = await commandUrl();
    const bad = await respond(url, { blocks: [{ type: 'section', text: pt('x'.repeat(3001)) }] });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ ok: false, error: 'invalid_blocks' });
    for (let i = 0; i < 4; i++) expect((await respond(url, { text: `n${i}` })).status).toBe(200);
    expect((await respond(url, { text: 'sixth' })).status).toBe(404);
  });
  it('replaces or deletes the original message of an interaction', async () => {
    const card = await api('chat.postMessage', { channel: 'C1', text: 'plan', blocks: [{ type: 'actions', elements: [{ type: 'button', action_id: 'confirm', text: pt('Confirm'), value: 'a1' }] }] });
    await emu.clickButton({ user: 'U2', actionId: 'confirm' });
    const url = bot.received[0]!.payload.response_url;
    await respond(url, { replace_original: true, text: 'confirmed by bob' });
    expect(emu.messages('C1')).toEqual([expect.objectContaining({ ts: card.ts, text: 'confirmed by bob', blocks: undefined })]);
    await respond(url, { delete_original: true });
    expect(emu.messages('C1')).toEqual([]);
  });
});

describe('block_actions', () => {
  const card = (value: string) => ({
    channel: 'C1',
    text: `action ${value}`,
    blocks: [
      { type: 'section', text: pt(`Plan ${value}`), accessory: { type: 'static_select', action_id: 'level', options: ['1', '2'].map(opt) } },
      { type: 'actions', block_id: `act-${value}`, elements: [{ type: 'button', action_id: 'confirm', text: pt('Confirm'), value, style: 'danger' }, { type: 'users_select', action_id: 'assign' }] },
    ],
  });
  it('sends the full payload for a message button, picking the button by value', async () => {
    const a = await api('chat.postMessage', card('a1'));
    await api('chat.postMessage', card('a2'));
    await emu.clickButton({ user: 'U1', actionId: 'confirm', value: 'a1' });
    const p = bot.received[0]!.payload;
    expect(bot.received[0]!.verify.ok).toBe(true);
    expect(p).toMatchObject({
      type: 'block_actions',
      user: { id: 'U1', username: 'alice', team_id: 'T0BOOM' },
      team: { id: 'T0BOOM' },
      channel: { id: 'C1', name: 'incident-response' },
      container: { type: 'message', message_ts: a.ts, channel_id: 'C1', is_ephemeral: false },
      message: { ts: a.ts, text: 'action a1' },
      actions: [{ type: 'button', action_id: 'confirm', block_id: 'act-a1', value: 'a1', text: pt('Confirm'), action_ts: expect.any(String) }],
    });
    expect(p.trigger_id).toBeDefined();
    expect(p.response_url).toMatch(/\/response\//);
  });
  it('takes the newest matching message, or the one named by messageTs', async () => {
    const a = await api('chat.postMessage', card('a1'));
    await api('chat.postMessage', card('a2'));
    await emu.clickButton({ user: 'U1', actionId: 'confirm' });
    await emu.clickButton({ user: 'U1', actionId: 'confirm', messageTs: a.ts });
    expect(bot.received.map((r) => r.payload.actions[0].value)).toEqual(['a2', 'a1']);
  });
  it('fills selects like Slack', async () => {
    await api('chat.postMessage', card('a1'));
    await emu.clickButton({ user: 'U1', actionId: 'level', selectedOption: '2' });
    await emu.clickButton({ user: 'U1', actionId: 'assign', selectedUser: 'U2' });
    expect(bot.received[0]!.payload.actions[0]).toMatchObject({ type: 'static_select', selected_option: opt('2') });
    expect(bot.received[1]!.payload.actions[0]).toMatchObject({ type: 'users_select', selected_user: 'U2' });
    await expect(emu.clickButton({ user: 'U1', actionId: 'level', selectedOption: '9' })).rejects.toThrow(/option "9" is not in static_select/);
  });
  it('fails loudly when the button is not on screen', async () => {
    await api('chat.postMessage', card('a1'));
    await expect(emu.clickButton({ user: 'U1', actionId: 'confirm', value: 'zzz' })).rejects.toThrow(/no element with action_id "confirm" with value "zzz"[\s\S]*confirm=a1/);
    await expect(emu.clickButton({ user: 'U1', actionId: 'nope' })).rejects.toThrow(/clickButton: no element/);
  });
  it('clicks buttons in ephemerals of that user only', async () => {
    const e = await api('chat.postEphemeral', { channel: 'C1', user: 'U1', text: 'sure?', blocks: [{ type: 'actions', elements: [{ type: 'button', action_id: 'yes', text: pt('Yes') }] }] });
    await expect(emu.clickButton({ user: 'U2', actionId: 'yes' })).rejects.toThrow(/no element/);
    await emu.clickButton({ user: 'U1', actionId: 'yes' });
    const p = bot.received[0]!.payload;
    expect(p.container).toEqual({ type: 'message', message_ts: e.message_ts, channel_id: 'C1', is_ephemeral: true });
    expect(p.message).toBeUndefined();
    await respond(p.response_url, { replace_original: true, text: 'done' });
    expect(emu.ephemerals({ user: 'U1' })[0]!.text).toBe('done');
  });
});
