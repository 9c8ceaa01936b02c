/**
 * Modals in the emulator: trigger_id rules, views.open/push/update with hashes, typed submission
 * state, response_action handling and view_closed — driven like Slack drives a bot.
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
const declareModal = {
  type: 'modal',
  callback_id: 'declare',
  title: pt('Declare incident'),
  submit: pt('Declare'),
  notify_on_close: true,
  private_metadata: '{"channel":"C1"}',
  blocks: [
    { type: 'input', block_id: 'title', label: pt('Title'), element: { type: 'plain_text_input', action_id: 'title_v' } },
    { type: 'input', block_id: 'level', label: pt('Level'), element: { type: 'static_select', action_id: 'level_v', options: ['1', '2', '3'].map(opt), initial_option: opt('3') } },
    { type: 'input', block_id: 'services', label: pt('Services'), element: { type: 'multi_static_select', action_id: 'services_v', options: ['api', 'web'].map(opt) } },
    { type: 'input', block_id: 'ic', label: pt('Commander'), element: { type: 'users_select', action_id: 'ic_v' } },
    { type: 'input', block_id: 'checks', optional: true, label: pt('Checks'), element: { type: 'checkboxes', action_id: 'checks_v', options: ['db', 'dns'].map(opt) } },
    { type: 'input', block_id: 'notes', optional: true, label: pt('Notes'), element: { type: 'plain_text_input', action_id: 'notes_v' } },
    { type: 'input', block_id: 'kind', optional: true, label: pt('Kind'), element: { type: 'radio_buttons', action_id: 'kind_v', options: ['outage', 'degraded'].map(opt) } },
    { type: 'actions', block_id: 'more', elements: [{ type: 'button', action_id: 'add_step', text: pt('Add step'), value: 'x' }] },
  ],
};

/** Opens the declare modal the way a bot does: slash command → views.open with its trigger_id. */
async function openDeclare(user = 'U1'): Promise<string> {
  bot.handler = async (r) => {
    const res = await api('views.open', { trigger_id: r.form.trigger_id, view: declareModal });
    if (!res.ok) throw new Error(`views.open failed: ${JSON.stringify(res)}`);
    return undefined;
  };
  await emu.slashCommand({ command: '/incident', text: 'declare', user, channel: 'C1' });
  bot.handler = () => undefined; // later requests (the submission) just get acked
  return emu.openViews(user)[0]!.id;
}

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

describe('views', () => {
  it('opens a modal with the trigger_id once, within the TTL', async () => {
    const viewId = await openDeclare();
    expect(emu.view(viewId)).toMatchObject({ callback_id: 'declare', user: 'U1', root_view_id: viewId, state: { values: {} } });
    const trigger = bot.received[0]!.form.trigger_id;
    expect(await api('views.open', { trigger_id: trigger, view: declareModal })).toMatchObject({ error: 'exchanged_trigger_id' });
    expect(await api('views.open', { trigger_id: 'made-up', view: declareModal })).toMatchObject({ error: 'invalid_trigger_id' });
  });
  it('expires trigger ids', async () => {
    emu.triggerTtlMs = 30;
    await emu.slashCommand({ command: '/incident', text: 'declare', user: 'U1', channel: 'C1' });
    await new Promise((r) => setTimeout(r, 60));
    expect(await api('views.open', { trigger_id: bot.received[0]!.form.trigger_id, view: declareModal })).toMatchObject({ error: 'expired_trigger_id' });
  });
  it('updates by id or external_id with hash checks, pushes from an interaction', async () => {
    const viewId = await openDeclare();
    const { hash } = emu.view(viewId)!;
    const next = { ...declareModal, title: pt('Declare (2)'), external_id: 'decl-1' };
    const u = await api('views.update', { view_id: viewId, hash, view: next });
    expect(u).toMatchObject({ ok: true, view: { id: viewId, title: pt('Declare (2)') } });
    expect(u.view.hash).not.toBe(hash);
    expect(await api('views.update', { view_id: viewId, hash, view: next })).toMatchObject({ error: 'hash_conflict' });
    expect((await api('views.update', { external_id: 'decl-1', view: next })).ok).toBe(true);
    expect(await api('views.update', { view_id: 'V404', view: next })).toMatchObject({ error: 'not_found' });
    bot.handler = async (r) => {
      expect(r.payload).toMatchObject({ type: 'block_actions', container: { type: 'view', view_id: viewId }, view: { id: viewId, state: { values: { title: { title_v: { type: 'plain_text_input', value: 'typed' } } } } } });
      expect(r.payload.response_url).toBeUndefined();
      await api('views.push', { trigger_id: r.payload.trigger_id, view: { type: 'modal', title: pt('Step'), blocks: [] } });
      return undefined;
    };
    await emu.clickButton({ user: 'U1', viewId, actionId: 'add_step', values: { title: 'typed' } });
    expect(emu.openViews('U1').map((v) => v.previous_view_id)).toEqual([null, viewId]);
  });
  it('submits typed state, with initial values and nulls for empty inputs', async () => {
    const viewId = await openDeclare();
    await emu.submitView({ user: 'U1', viewId, values: { title: 'DB down', services: ['api', 'web'], ic: 'U2', checks: ['db'] } });
    const p = bot.received.at(-1)!.payload;
    expect(p).toMatchObject({ type: 'view_submission', user: { id: 'U1' }, response_urls: [], view: { id: viewId, callback_id: 'declare', private_metadata: '{"channel":"C1"}', hash: expect.any(String) } });
    expect(p.view.state.values).toEqual({
      title: { title_v: { type: 'plain_text_input', value: 'DB down' } },
      level: { level_v: { type: 'static_select', selected_option: opt('3') } },
      services: { services_v: { type: 'multi_static_select', selected_options: [opt('api'), opt('web')] } },
      ic: { ic_v: { type: 'users_select', selected_user: 'U2' } },
      checks: { checks_v: { type: 'checkboxes', selected_options: [opt('db')] } },
      notes: { notes_v: { type: 'plain_text_input', value: null } },
      kind: { kind_v: { type: 'radio_buttons', selected_option: null } },
    });
    expect(emu.openViews('U1')).toEqual([]); // empty ack closes it
  });
  it('refuses what Slack would not send: unknown block ids, empty required inputs', async () => {
    const viewId = await openDeclare();
    await expect(emu.submitView({ user: 'U1', viewId, values: { titel: 'x' } })).rejects.toThrow(/unknown block_id "titel"/);
    await expect(emu.submitView({ user: 'U1', viewId, values: { title: 'x' } })).rejects.toThrow(/"Services" \(block_id services\) is required/);
  });
  it('applies response_action errors, update, push and clear', async () => {
    const viewId = await openDeclare();
    const values = { title: 'x', services: ['api'], ic: 'U1' };
    bot.handler = () => ({ body: { response_action: 'errors', errors: { title: 'Too short' } } });
    await emu.submitView({ user: 'U1', viewId, values });
    expect(emu.view(viewId)!.errors).toEqual({ title: 'Too short' });
    bot.handler = () => ({ body: { response_action: 'update', view: { type: 'modal', title: pt('Declared'), blocks: [{ type: 'section', text: pt('ok') }] } } });
    await emu.submitView({ user: 'U1', viewId, values });
    expect(emu.view(viewId)).toMatchObject({ title: pt('Declared'), errors: undefined });
    bot.handler = () => ({ body: { response_action: 'push', view: { type: 'modal', title: pt('More'), blocks: [] } } });
    await emu.submitView({ user: 'U1', viewId });
    expect(emu.openViews('U1')).toHaveLength(2);
    bot.handler = () => ({ body: { response_action: 'push', view: { type: 'modal', title: pt('x'.repeat(30)), blocks: [] } } });
    expect((await emu.submitView({ user: 'U1', viewId: emu.openViews('U1')[1]!.id })).slackError).toMatch(/invalid_arguments/);
    bot.handler = () => ({ body: { response_action: 'clear' } });
    await emu.submitView({ user: 'U1', viewId: emu.openViews('U1')[1]!.id });
    expect(emu.openViews('U1')).toEqual([]);
  });
  it('keeps the modal open when the bot fails to answer', async () => {
    const viewId = await openDeclare();
    bot.handler = () => ({ status: 500 });
    const r = await emu.submitView({ user: 'U1', viewId, values: { title: 'x', services: ['api'], ic: 'U1' } });
    expect(r).toMatchObject({ status: 500, slackError: 'http_error_500' });
    expect(emu.view(viewId)).toBeDefined();
  });
  it('sends view_closed only when notify_on_close is set', async () => {
    const viewId = await openDeclare();
    await emu.closeView({ user: 'U1', viewId });
    expect(bot.received.at(-1)!.payload).toMatchObject({ type: 'view_closed', view: { id: viewId }, is_cleared: false });
    expect(emu.openViews('U1')).toEqual([]);
    bot.handler = async (r) => {
      await api('views.open', { trigger_id: r.form.trigger_id, view: { type: 'modal', title: pt('Quiet'), blocks: [] } });
      return undefined;
    };
    await emu.slashCommand({ command: '/incident', text: 'x', user: 'U1', channel: 'C1' });
    const count = bot.received.length;
    expect(await emu.closeView({ user: 'U1', viewId: emu.openViews('U1')[0]!.id })).toMatchObject({ status: 0, body: '' });
    expect(bot.received).toHaveLength(count);
  });
});
