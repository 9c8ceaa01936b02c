/**
 * Block Kit limits: each over-limit case Slack rejects must come back as invalid_blocks (or
 * invalid_arguments for view-level fields), for messages, response_url posts and modals.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SlackEmulator } from '../../src/sandbox/emulator.js';
import { callApi } from '../helpers/emulator-api.js';
import { startStubBot } from '../helpers/emulator-stub-bot.js';

const TOKEN = 'xoxb-bk';
const emu = new SlackEmulator({ signingSecret: 'shh', botToken: TOKEN });
const api = (method: string, args: Record<string, unknown>) => callApi(emu.apiUrl, TOKEN, method, args).then((r) => r.body);
const txt = (text: string, type = 'mrkdwn') => ({ type, text });
const section = (text: string) => ({ type: 'section', text: txt(text) });
const button = (action_id: string, o: { text?: string; value?: string } = {}) => ({ type: 'button', action_id, text: txt(o.text ?? 'Go', 'plain_text'), value: o.value ?? 'v' });
const actions = (...elements: unknown[]) => ({ type: 'actions', elements });
const many = <T>(n: number, f: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => f(i));

let bot: Awaited<ReturnType<typeof startStubBot>>;
beforeAll(async () => {
  await emu.start();
  bot = await startStubBot('shh');
  emu.botEndpoint = bot.url;
  emu.addChannel({ id: 'C1', name: 'incident-response' });
  emu.addUser({ id: 'U1', name: 'alice' });
});
afterAll(async () => {
  await emu.stop();
  await bot.close();
});

const overLimit: Array<[string, unknown[]]> = [
  ['more than 50 blocks', many(51, (i) => section(`s${i}`))],
  ['section text over 3000', [section('x'.repeat(3001))]],
  ['more than 10 section fields', [{ type: 'section', fields: many(11, (i) => txt(`f${i}`)) }]],
  ['a section field over 2000', [{ type: 'section', fields: [txt('x'.repeat(2001))] }]],
  ['header text over 150', [{ type: 'header', text: txt('x'.repeat(151), 'plain_text') }]],
  ['header with mrkdwn', [{ type: 'header', text: txt('x') }]],
  ['more than 25 elements in actions', [actions(...many(26, (i) => button(`b${i}`)))]],
  ['button text over 75', [actions(button('b', { text: 'x'.repeat(76) }))]],
  ['button value over 2000', [actions(button('b', { value: 'x'.repeat(2001) }))]],
  ['action_id over 255', [actions(button('x'.repeat(256)))]],
  ['duplicate action_id in one block', [actions(button('same'), button('same'))]],
  ['duplicate action_id across blocks', [actions(button('same')), actions(button('same'))]],
  ['block_id over 255', [{ ...section('x'), block_id: 'b'.repeat(256) }]],
  ['duplicate block_id', [{ ...section('a'), block_id: 'dup' }, { ...section('b'), block_id: 'dup' }]],
  ['unknown block type', [{ type: 'sectoin', text: txt('x') }]],
  ['empty section text', [section('')]],
];

describe('messages', () => {
  it.each(overLimit)('chat.postMessage rejects %s', async (_name, blocks) => {
    const r = await api('chat.postMessage', { channel: 'C1', text: 'fallback', blocks });
    expect(r).toMatchObject({ ok: false, error: 'invalid_blocks', errors: [expect.stringMatching(/\[json-pointer:\/blocks/)] });
  });
  it('accepts exactly the limits', async () => {
    const blocks = [
      ...many(46, (i) => section(`s${i}`)),
      { type: 'section', text: txt('x'.repeat(3000)), fields: many(10, () => txt('y'.repeat(2000))) },
      { type: 'header', text: txt('h'.repeat(150), 'plain_text') },
      actions(...many(25, (i) => button(`b${i}`, { text: 't'.repeat(75), value: 'v'.repeat(2000) }))),
      { ...section('z'), block_id: 'b'.repeat(255) },
    ];
    expect(await api('chat.postMessage', { channel: 'C1', text: 'ok', blocks })).toMatchObject({ ok: true });
  });
  it('chat.update and chat.postEphemeral validate too, and the message is untouched', async () => {
    const m = await api('chat.postMessage', { channel: 'C1', text: 'v1' });
    expect(await api('chat.update', { channel: 'C1', ts: m.ts, blocks: overLimit[0]![1] })).toMatchObject({ error: 'invalid_blocks' });
    expect(emu.messages('C1').find((x) => x.ts === m.ts)!.text).toBe('v1');
    expect(await api('chat.postEphemeral', { channel: 'C1', user: 'U1', text: 'x', blocks: overLimit[1]![1] })).toMatchObject({ error: 'invalid_blocks' });
  });
  it('explains each problem in human-readable form', async () => {
    const r = await api('chat.postMessage', { channel: 'C1', text: 'x', blocks: [section('x'.repeat(3001))] });
    expect(r.errors).toEqual(['must be less than 3001 characters [json-pointer:/blocks/0/text/text]']);
    expect(await api('chat.postMessage', { channel: 'C1', text: 'x', blocks: 'not json' })).toMatchObject({ error: 'invalid_blocks_format' });
  });
});

describe('action_id scope', () => {
  it('allows the same action_id in different blocks when the emulator is told Slack\'s per-block rule', async () => {
    const loose = new SlackEmulator({ signingSecret: 'shh', botToken: TOKEN, actionIdScope: 'block' });
    await loose.start();
    loose.addChannel({ id: 'C1', name: 'general' });
    try {
      const post = (blocks: unknown[]) => callApi(loose.apiUrl, TOKEN, 'chat.postMessage', { channel: 'C1', text: 'x', blocks }).then((r) => r.body);
      expect(await post([actions(button('same')), actions(button('same'))])).toMatchObject({ ok: true });
      expect(await post([actions(button('same'), button('same'))])).toMatchObject({ error: 'invalid_blocks' });
    } finally {
      await loose.stop();
    }
  });
});

describe('modals', () => {
  const modal = (o: Record<string, unknown> = {}) => ({ type: 'modal', title: txt('Declare', 'plain_text'), blocks: [section('x')], ...o });
  const open = async (view: unknown) => api('views.open', { trigger_id: await trigger(), view });
  // A fresh trigger per call: the trigger_id of a slash command the stub bot just acked.
  const trigger = async (): Promise<string> => {
    await emu.slashCommand({ command: '/incident', text: '', user: 'U1', channel: 'C1' });
    return bot.received.at(-1)!.form.trigger_id!;
  };

  it('accepts a valid modal', async () => {
    expect(await open(modal())).toMatchObject({ ok: true, view: { type: 'modal', state: { values: {} } } });
  });
  it('allows 100 blocks but not 101', async () => {
    expect(await open(modal({ blocks: many(100, (i) => section(`s${i}`)) }))).toMatchObject({ ok: true });
    expect(await open(modal({ blocks: many(101, (i) => section(`s${i}`)) }))).toMatchObject({ error: 'invalid_blocks' });
  });
  it.each([
    ['title over 24', { title: txt('x'.repeat(25), 'plain_text') }],
    ['submit over 24', { submit: txt('x'.repeat(25), 'plain_text') }],
    ['close over 24', { close: txt('x'.repeat(25), 'plain_text') }],
    ['private_metadata over 3000', { private_metadata: 'x'.repeat(3001) }],
    ['no title', { title: undefined }],
    ['input blocks without submit', { blocks: [{ type: 'input', block_id: 'i', label: txt('L', 'plain_text'), element: { type: 'plain_text_input', action_id: 'a' } }] }],
  ])('views.open rejects %s with invalid_arguments', async (_n, o) => {
    expect(await open(modal(o))).toMatchObject({ ok: false, error: 'invalid_arguments', errors: [expect.any(String)] });
  });
  it('rejects block problems in modals with invalid_blocks (views.open and views.update)', async () => {
    expect(await open(modal({ blocks: [actions(button('a'), button('a'))] }))).toMatchObject({ error: 'invalid_blocks' });
    const ok = await open(modal());
    expect(await api('views.update', { view_id: ok.view.id, view: modal({ blocks: overLimit[4]![1] }) })).toMatchObject({ error: 'invalid_blocks' });
  });
});
