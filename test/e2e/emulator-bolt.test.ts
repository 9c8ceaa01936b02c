/**
 * The emulator against a real @slack/bolt App over HTTP: Bolt must accept the driver's signatures
 * and payloads, and its WebClient/respond() must work against the emulator's Web API.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import bolt from '@slack/bolt';
import { SlackEmulator } from '../../src/sandbox/emulator.js';

const SECRET = 'bolt-secret';
const TOKEN = 'xoxb-bolt';
const emu = new SlackEmulator({ signingSecret: SECRET, botToken: TOKEN });
let app: InstanceType<typeof bolt.App>;
const pt = (text: string) => ({ type: 'plain_text' as const, text });

beforeAll(async () => {
  await emu.start();
  emu.addUser({ id: 'U1', name: 'alice' });
  emu.addChannel({ id: 'C1', name: 'incident-response' });
  app = new bolt.App({ token: TOKEN, signingSecret: SECRET, clientOptions: { slackApiUrl: emu.apiUrl, retryConfig: { retries: 0 } }, logLevel: bolt.LogLevel.ERROR });
  app.command('/incident', async ({ ack, body, client, respond, command }) => {
    await ack();
    if (command.text === 'declare') {
      await client.views.open({
        trigger_id: body.trigger_id,
        view: { type: 'modal', callback_id: 'declare', title: pt('Declare'), submit: pt('Go'), blocks: [{ type: 'input', block_id: 'title', label: pt('Title'), element: { type: 'plain_text_input', action_id: 'title_v' } }] },
      });
    } else {
      const card = await client.chat.postMessage({ channel: command.channel_id, text: 'plan', blocks: [{ type: 'actions', elements: [{ type: 'button', action_id: 'confirm', text: pt('Confirm'), value: 'a1' }] }] });
      await respond({ text: `posted ${card.ts}` });
    }
  });
  app.action('confirm', async ({ ack, respond, body }) => {
    await ack();
    await respond({ replace_original: true, text: `confirmed by ${body.user.id}` });
  });
  app.view('declare', async ({ ack, view, client }) => {
    const title = view.state.values.title!.title_v!.value ?? '';
    if (title.length < 3) return ack({ response_action: 'errors', errors: { title: 'Too short' } });
    await ack();
    await client.chat.postMessage({ channel: 'C1', text: `Incident: ${title}` });
  });
  const server = (await app.start(0)) as Server;
  emu.botEndpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
});
afterAll(async () => {
  await app.stop();
  await emu.stop();
});

describe('with a real Bolt app', () => {
  it('runs a command, a response_url answer and a button click', async () => {
    const reply = await emu.slashCommand({ command: '/incident', text: 'plan', user: 'U1', channel: 'C1' });
    expect(reply.status).toBe(200);
    const eph = await emu.waitFor(() => emu.ephemerals({ user: 'U1' }).find((e) => e.text.startsWith('posted')));
    const card = emu.messages('C1')[0]!;
    expect(eph.text).toBe(`posted ${card.ts}`);
    expect((await emu.clickButton({ user: 'U1', actionId: 'confirm', value: 'a1' })).status).toBe(200);
    await emu.waitFor(() => card.text === 'confirmed by U1');
  });
  it('opens a modal, shows field errors, then accepts the submission', async () => {
    await emu.slashCommand({ command: '/incident', text: 'declare', user: 'U1', channel: 'C1' });
    const view = await emu.waitFor(() => emu.openViews('U1')[0]);
    await emu.submitView({ user: 'U1', viewId: view.id, values: { title: 'x' } });
    expect(emu.view(view.id)!.errors).toEqual({ title: 'Too short' });
    await emu.submitView({ user: 'U1', viewId: view.id, values: { title: 'DB down' } });
    expect(emu.openViews('U1')).toEqual([]);
    await emu.waitFor(() => emu.messages('C1').find((m) => m.text === 'Incident: DB down'));
  });
  it('Bolt rejects a forged signature', async () => {
    const body = new URLSearchParams({ command: '/incident', text: 'plan' }).toString();
    expect((await emu.postSigned(body, { signature: 'v0=00' })).status).toBe(401);
  });
});
