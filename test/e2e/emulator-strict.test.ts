/**
 * The emulator refuses what Slack refuses a bot token: channel names outside public channels, private
 * channels it is not in, history and file shares without membership, and methods without their scope
 * (missing_scope with `needed` and `provided`, scopes in x-oauth-scopes). By default it grants exactly
 * manifest.yml's scopes.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { WebClient } from '@slack/web-api';
import { SlackEmulator } from '../../src/sandbox/emulator.js';
import { manifestBotScopes } from '../../src/slack/scopes.js';
import { callApi } from '../helpers/emulator-api.js';

const TOKEN = 'xoxb-strict-token';
let emu: SlackEmulator;
let web: WebClient;
const api = (method: string, args: Record<string, unknown> = {}) => callApi(emu.apiUrl, TOKEN, method, args);

beforeAll(async () => {
  emu = new SlackEmulator({ signingSecret: 'shh', botToken: TOKEN });
  await emu.start();
  web = new WebClient(TOKEN, { slackApiUrl: emu.apiUrl, retryConfig: { retries: 0 } });
  emu.addUser({ id: 'U1', name: 'alice' });
});
afterAll(() => emu.stop());
beforeEach(() => {
  emu.reset();
  for (const s of emu.grantedScopes) emu.revokeScope(s);
  for (const s of manifestBotScopes()) emu.grantScope(s);
  for (const [id, name, isPrivate] of [['C1', 'public-in', false], ['C2', 'public-out', false], ['G1', 'private-in', true], ['G2', 'private-out', true]] as const) {
    if (!emu.channels.has(id)) emu.addChannel({ id, name, is_private: isPrivate, members: ['U1'] });
    emu.channel(id).members = id.endsWith('1') ? ['U1', 'UBOT'] : ['U1'];
  }
});

describe('scopes', () => {
  it('grants exactly the manifest scopes and says so in x-oauth-scopes', async () => {
    const r = await api('auth.test');
    expect(r.headers.get('x-oauth-scopes')!.split(',').sort()).toEqual(manifestBotScopes().sort());
    expect((await web.auth.test()).response_metadata?.scopes?.sort()).toEqual(manifestBotScopes().sort());
    expect((await api('chat.postMessage', { channel: 'C1', text: 'x' })).headers.get('x-accepted-oauth-scopes')).toBe('chat:write');
  });

  it('answers missing_scope with needed and provided, for the scope of the conversation kind', async () => {
    emu.revokeScope('groups:history');
    const r = await api('conversations.history', { channel: 'G1' });
    expect(r.body).toEqual({ ok: false, error: 'missing_scope', needed: 'groups:history', provided: expect.any(String) });
    expect(r.body.provided.split(',')).toEqual(expect.arrayContaining(['chat:write', 'channels:history']));
    expect(r.body.provided.split(',')).not.toContain('groups:history');
    // The public channel still reads: its scope is channels:history.
    expect((await api('conversations.history', { channel: 'C1' })).body.ok).toBe(true);
    await expect(web.conversations.history({ channel: 'G1' })).rejects.toMatchObject({ data: { error: 'missing_scope', needed: 'groups:history' } });
  });

  it('checks scopes every method needs whatever the channel, and scopes the manifest does not ask for', async () => {
    emu.revokeScope('chat:write');
    expect((await api('chat.postMessage', { channel: 'C1', text: 'x' })).body).toMatchObject({ ok: false, error: 'missing_scope', needed: 'chat:write' });
    expect((await api('usergroups.list')).body).toMatchObject({ error: 'missing_scope', needed: 'usergroups:read' });
    // im:write is the manifest's (DMs are read back before a page is re-sent); taking it away is refused by name.
    expect((await api('conversations.open', { users: 'U1' })).body.ok).toBe(true);
    emu.revokeScope('im:write');
    expect((await api('conversations.open', { users: 'U1' })).body).toMatchObject({ error: 'missing_scope', needed: 'im:write' });
    expect((await api('conversations.list', { types: 'public_channel,private_channel' })).body.ok).toBe(true);
    emu.revokeScope('groups:read');
    expect((await api('conversations.list', { types: 'public_channel,private_channel' })).body).toMatchObject({ error: 'missing_scope', needed: 'groups:read' });
    expect((await api('conversations.list', { types: 'public_channel' })).body.ok).toBe(true);
  });
});

describe('names and IDs', () => {
  it('a name works only for a public channel, and only where Slack takes names', async () => {
    expect((await api('chat.postMessage', { channel: 'public-in', text: 'x' })).body).toMatchObject({ ok: true, channel: 'C1' });
    expect((await api('chat.postMessage', { channel: '#public-in', text: 'x' })).body).toMatchObject({ ok: true, channel: 'C1' });
    expect((await api('chat.postMessage', { channel: 'private-in', text: 'x' })).body).toMatchObject({ ok: false, error: 'channel_not_found' });
    expect((await api('chat.postMessage', { channel: 'G1', text: 'x' })).body).toMatchObject({ ok: true, channel: 'G1' });
    expect((await api('conversations.history', { channel: 'public-in' })).body).toMatchObject({ ok: false, error: 'channel_not_found' });
    expect((await api('conversations.info', { channel: 'public-in' })).body).toMatchObject({ ok: false, error: 'channel_not_found' });
    const m = (await api('chat.postMessage', { channel: 'C1', text: 'x' })).body;
    expect((await api('chat.getPermalink', { channel: 'public-in', message_ts: m.ts })).body).toMatchObject({ ok: false, error: 'channel_not_found' });
  });

  it('a file is shared by channel ID only', async () => {
    const named = web.filesUploadV2({ channel_id: 'public-in', filename: 'a.md', content: 'x' });
    await expect(named).rejects.toMatchObject({ data: { error: 'channel_not_found' } });
    await web.filesUploadV2({ channel_id: 'G1', filename: 'a.md', content: 'hello' });
    expect(emu.messages('G1')[0]!.files).toEqual([expect.objectContaining({ name: 'a.md', content: 'hello' })]);
  });
});

describe('membership', () => {
  it('a private channel the bot is not in does not exist for it', async () => {
    for (const method of ['chat.postMessage', 'conversations.info', 'conversations.history']) {
      expect((await api(method, { channel: 'G2', text: 'x' })).body).toMatchObject({ ok: false, error: 'channel_not_found' });
    }
    const list = await web.conversations.list({ types: 'public_channel,private_channel' });
    expect(list.channels!.map((c) => c.id).sort()).toEqual(['C1', 'C2', 'G1']);
  });

  it('a public channel the bot is not in: no posts without chat:write.public, no history, no files', async () => {
    expect((await api('chat.postMessage', { channel: 'C2', text: 'x' })).body).toMatchObject({ ok: false, error: 'not_in_channel' });
    expect((await api('conversations.info', { channel: 'C2' })).body).toMatchObject({ ok: true, channel: { id: 'C2', is_member: false } });
    expect((await api('conversations.history', { channel: 'C2' })).body).toMatchObject({ ok: false, error: 'not_in_channel' });
    await expect(web.filesUploadV2({ channel_id: 'C2', filename: 'a.md', content: 'x' })).rejects.toMatchObject({ data: { error: 'not_in_channel' } });
    emu.grantScope('chat:write.public');
    expect((await api('chat.postMessage', { channel: 'C2', text: 'x' })).body).toMatchObject({ ok: true });
    expect((await api('conversations.history', { channel: 'C2' })).body).toMatchObject({ ok: false, error: 'not_in_channel' });
  });

  it('removeMember takes the bot out: what worked stops working', async () => {
    const card = (await api('chat.postMessage', { channel: 'G1', text: 'card' })).body;
    emu.removeMember('G1');
    expect((await api('chat.postMessage', { channel: 'G1', text: 'x' })).body).toMatchObject({ error: 'channel_not_found' });
    expect((await api('conversations.replies', { channel: 'G1', ts: card.ts })).body).toMatchObject({ error: 'channel_not_found' });
    emu.addMember('G1');
    expect((await api('conversations.replies', { channel: 'G1', ts: card.ts })).body).toMatchObject({ ok: true });
  });
});

describe('pagination', () => {
  it('history and lists page with next_cursor until it is empty', async () => {
    for (let i = 0; i < 7; i++) await api('chat.postMessage', { channel: 'C1', text: `m${i}` });
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const r = await web.conversations.history({ channel: 'C1', limit: 3, ...(cursor ? { cursor } : {}) });
      seen.push(...r.messages!.map((m) => m.text!));
      expect(r.has_more).toBe(Boolean(r.response_metadata?.next_cursor));
      cursor = r.response_metadata?.next_cursor || undefined;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual(['m6', 'm5', 'm4', 'm3', 'm2', 'm1', 'm0']);
    const first = await web.conversations.list({ types: 'public_channel,private_channel', limit: 2 });
    const rest = await web.conversations.list({ types: 'public_channel,private_channel', limit: 2, cursor: first.response_metadata!.next_cursor! });
    expect([...first.channels!, ...rest.channels!].map((c) => c.id).sort()).toEqual(['C1', 'C2', 'G1']);
  });
});
