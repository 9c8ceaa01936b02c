import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createLogger } from '../../src/observability/logger.js';
import { CHANNELS, PEOPLE, startHarness, type Harness } from '../helpers/harness.js';

// Real signed requests through the real Bolt app: payloads with fields missing, names that are members of
// every JavaScript object, and text people really type. Each is answered (HTTP 200) with a clear answer.
const logLines: string[] = [];
let h: Harness;
let cardTs: string;
beforeAll(async () => {
  h = await startHarness({ log: createLogger('info', new Writable({ write: (c, _e, cb) => (logLines.push(String(c)), cb()) })) });
  await h.run(PEOPLE.alice, '/incident', 'declare L2 API gateway partial failure');
  cardTs = (await h.emulator.waitFor(() => h.cards()[0])).ts;
});
afterAll(async () => {
  await h?.stop();
});

const payload = (p: unknown) => `payload=${encodeURIComponent(JSON.stringify(p))}`;
const user = { id: PEOPLE.alice, username: 'alice', team_id: 'T0BOOM' };
// Slack gives every submission a trigger_id of its own; one seen before is a retry, acted on once.
const view = (callbackId: string, o: Record<string, unknown>) => ({ type: 'view_submission', team: { id: 'T0BOOM' }, user, api_app_id: 'A0BOOM', trigger_id: `${Date.now()}.${Math.random().toString(36).slice(2, 10)}`, view: { id: `V${Math.random().toString(36).slice(2, 8)}`, team_id: 'T0BOOM', type: 'modal', callback_id: callbackId, hash: 'h', ...o } });
const broke = () => logLines.filter((l) => l.includes('"handler failed"'));

async function answer(text: string, root = '/incident'): Promise<string> {
  const before = h.emulator.ephemerals({ user: PEOPLE.alice }).length;
  const r = await h.run(PEOPLE.alice, root, text);
  expect(r.status).toBe(200);
  return (await h.emulator.waitFor(() => h.emulator.ephemerals({ user: PEOPLE.alice }).slice(before)[0])).text;
}

describe('payloads with missing fields get a 200 and a clear answer', () => {
  it('a form without state or private_metadata is answered on the form itself', async () => {
    const r = await h.emulator.postSigned(payload(view('incident_update', {})));
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ response_action: 'errors', errors: { text: expect.stringContaining('no longer says which incident'), status: 'Choose a status.' } });
    const d = await h.emulator.postSigned(payload(view('incident_declare', { private_metadata: '{}' })));
    expect(d.status).toBe(200);
    expect(d.body).toMatchObject({ response_action: 'errors', errors: { level: 'Choose a level.', title: expect.stringContaining('The title is empty') } });
  });

  it('a role named like an object member is not a role; a comms form with template __proto__ is ignored and logged', async () => {
    const state = { values: { role: { role: { type: 'static_select', selected_option: { value: 'constructor' } } }, user: { user: { type: 'users_select', selected_user: PEOPLE.dmitri } } } };
    const r = await h.emulator.postSigned(payload(view('incident_assign', { private_metadata: '{"channel":"C0INCIDENT","incident":1}', state })));
    expect(r).toMatchObject({ status: 200, body: { response_action: 'errors', errors: { role: 'Choose a role.' } } });
    const c = await h.emulator.postSigned(payload(view('incident_comms', { private_metadata: '{"channel":"C0INCIDENT","incident":1,"template":"__proto__"}', state: { values: {} } })));
    expect(c.status).toBe(200);
    await h.emulator.waitFor(() => logLines.find((l) => l.includes('comms form with an unknown template')));
    expect(broke()).toEqual([]);
  });

  it('/dr with object-member names: refused by name, nothing sent anywhere', async () => {
    expect(await answer('scale constructor 3', '/dr')).toContain('Unknown deployment "constructor"');
    expect(await answer('recover-service constructor', '/dr')).toContain('No recovery manifest for "constructor"');
    expect(await answer('comms __proto__')).toContain('is not a message kind');
    expect(broke()).toEqual([]);
  });
});

describe('text people really type', () => {
  it("an update with apostrophes is taken as written", async () => {
    expect(await answer("update INC-1 we can't reach the DB, it's the DB's fault")).not.toMatch(/quote|:warning:/);
    await h.emulator.waitFor(() => h.emulator.thread(CHANNELS.incidents, cardTs).find((m) => m.text.includes("we can't reach the DB, it's the DB's fault")));
    expect((await h.bot.store.incidents.get(1))!.lastUpdateText).toBe("we can't reach the DB, it's the DB's fault");
  });

  it('NUL is refused by name (nothing stored); a zero-width title is empty', async () => {
    expect(await answer('update INC-1 lag\u0000high')).toContain('NUL (U+0000)');
    expect(await answer('declare L3 \u200b\u200b\u200b')).toContain('The title is empty');
    expect((await h.bot.store.incidents.get(1))!.lastUpdateText).not.toContain('\u0000');
    expect(broke()).toEqual([]);
  });
});
