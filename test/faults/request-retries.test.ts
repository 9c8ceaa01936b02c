import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CHANNELS, PEOPLE } from '../helpers/harness.js';
import { startPagingHarness, type PagingHarness } from '../helpers/paging.js';
import { requestsFinished } from '../helpers/drain.js';
import { K8sPeer } from '../peers/k8s.js';
import { targetsSchema } from '../../src/runbooks/policy-schema.js';

/**
 * Slack re-sends a request whose answer it thinks was late, with X-Slack-Retry-Num 1, 2. Every command,
 * button and form is sent once and then re-delivered twice (same body, both retries at once): one effect.
 */
let h: PagingHarness;
// A deployment to plan a guarded action on: `/dr scale` is the plan request re-sent below.
const k8s = new K8sPeer();
beforeAll(async () => {
  await k8s.start();
  k8s.add('production', 'api-gateway', { replicas: 3 });
  h = await startPagingHarness({
    tune: (p) => {
      p.targets = targetsSchema.parse({ kubernetes: { namespace: 'production', serverEnv: 'KUBE_SERVER', deployments: { 'api-gateway': { maxReplicas: 12 } } } });
      // The customer draft names the support contact; the paging policy has none of its own.
      p.contacts = { ...p.contacts, support: 'support@boomcard.example' };
    },
    env: { KUBE_SERVER: k8s.url },
  });
}, 60_000);
afterAll(async () => {
  await h?.stop();
  await k8s.close();
});

const events = async (id: number, kind: string) => (await h.bot.store.timeline(id)).filter((e) => e.kind === kind).length;
const requestsDone = () => requestsFinished(h.bot.store.db);
const answers = (user: string) => h.emulator.ephemerals({ user }).filter((e) => e.source !== 'slack').length;

/** The last request the driver sent, delivered again as retries 1 and 2 at the same time; both answered 200. */
async function retryLast(): Promise<void> {
  const body = h.emulator.delivered.at(-1)!;
  const replies = await Promise.all([h.emulator.redeliver(body, 1), h.emulator.redeliver(body, 2, 'http_error')]);
  // 200, not the emulator's timeout: acked inside Slack's 3 s (how fast is the benches' business, not a test's).
  expect(replies.map((r) => r.status)).toEqual([200, 200]);
}

/** A command, its two retries, then the incident's queued work carried out; answers how many answers alice got. */
async function commandRetried(user: string, text: string, id?: number, root = '/incident'): Promise<number> {
  const before = answers(user);
  await h.run(user, root, text);
  await retryLast();
  if (id) await h.settled(id);
  await h.emulator.waitFor(() => answers(user) > before || undefined, 10_000);
  // Give a wrongly duplicated answer the time to arrive: the work is drained, so any second one is out.
  if (id) await h.settled(id);
  return answers(user) - before;
}

describe('every command, button and form re-sent by Slack acts once', () => {
  let inc: { id: number; ts: string };

  it('declare: one incident, one card, one page round', async () => {
    await h.run(PEOPLE.alice, '/incident', 'declare L2 Retried declare', CHANNELS.general);
    await retryLast();
    const card = await h.emulator.waitFor(() => h.cards().find((m) => m.text.includes('Retried declare')));
    inc = { id: Number(/INC-(\d+)/.exec(card.text)![1]), ts: card.ts };
    await h.settled(inc.id);
    expect(h.cards().filter((m) => m.text.includes('Retried declare'))).toHaveLength(1);
    const n = await h.bot.store.db.query<{ n: number }>("SELECT count(*)::int AS n FROM incidents WHERE title = 'Retried declare'");
    expect(n.rows[0]!.n).toBe(1);
    expect(h.threadText(inc.ts).filter((t) => t.includes('*Paging*'))).toHaveLength(1);
  });

  it('update, assign, level, remind, page: one timeline event, one thread line, one answer each', async () => {
    expect(await commandRetried(PEOPLE.alice, `update INC-${inc.id} Replica promoted --status identified`, inc.id)).toBe(1);
    expect(await events(inc.id, 'update')).toBe(1);
    expect(h.threadText(inc.ts).filter((t) => t.includes('Replica promoted'))).toHaveLength(1);

    expect(await commandRetried(PEOPLE.alice, `assign dba <@${PEOPLE.dmitri}|dmitri> INC-${inc.id}`, inc.id)).toBe(1);
    expect(await events(inc.id, 'role_assigned')).toBe(1);
    expect(h.threadText(inc.ts).filter((t) => t.includes('is now *'))).toHaveLength(1);

    expect(await commandRetried(PEOPLE.alice, `level INC-${inc.id} L1`, inc.id)).toBe(1);
    expect(await events(inc.id, 'level_changed')).toBe(1);
    expect(h.threadText(inc.ts).filter((t) => t.includes('*Escalated*'))).toHaveLength(1);

    expect(await commandRetried(PEOPLE.alice, `remind INC-${inc.id} 15m`, inc.id)).toBe(1);
    expect(await events(inc.id, 'reminder_cadence')).toBe(1);

    const pagesBefore = (await h.bot.store.db.query<{ n: number }>("SELECT count(*)::int AS n FROM pages WHERE reason = 'manual'")).rows[0]!.n;
    expect(await commandRetried(PEOPLE.alice, `page INC-${inc.id} <@${PEOPLE.georgi}|georgi> Need comms`, inc.id)).toBe(1);
    expect((await h.bot.store.db.query<{ n: number }>("SELECT count(*)::int AS n FROM pages WHERE reason = 'manual'")).rows[0]!.n).toBe(pagesBefore + 1);
  });

  it('timeline: one upload', async () => {
    const files = () => h.emulator.calls.filter((c) => c.method.startsWith('files.') && c.method !== 'files.info').length;
    const before = files();
    expect(await commandRetried(PEOPLE.alice, `timeline INC-${inc.id}`)).toBe(1);
    await h.emulator.waitFor(() => files() > before || undefined);
    await h.settled(inc.id);
    const uploads = h.emulator.calls.filter((c) => c.method === 'files.completeUploadExternal').length;
    expect(uploads).toBe(1);
  });

  it('the update form submitted, then re-sent twice: one update', async () => {
    await h.emulator.clickButton({ user: PEOPLE.dmitri, actionId: 'incident_post_update', channel: CHANNELS.incidents, messageTs: inc.ts });
    const view = await h.emulator.waitFor(() => h.emulator.openViews(PEOPLE.dmitri).find((v) => v.callback_id === 'incident_update'));
    await h.emulator.submitView({ user: PEOPLE.dmitri, viewId: view.id, values: { status: 'monitoring', text: 'Form sent three times' } });
    await retryLast();
    await h.settled(inc.id);
    await h.emulator.waitFor(() => h.threadText(inc.ts).find((t) => t.includes('Form sent three times')));
    await h.settled(inc.id);
    expect(h.threadText(inc.ts).filter((t) => t.includes('Form sent three times'))).toHaveLength(1);
    expect((await h.bot.store.timeline(inc.id)).filter((e) => e.kind === 'update' && JSON.stringify(e.data).includes('Form sent three times'))).toHaveLength(1);
  });

  it('the Acknowledge button clicked, then re-sent twice: one acknowledgement, one answer', async () => {
    const dm = await h.emulator.waitFor(() => h.dms(PEOPLE.maria).find((m) => m.text.includes(`INC-${inc.id} `) && JSON.stringify(m.blocks).includes('page_acknowledge')));
    const before = answers(PEOPLE.maria);
    await h.emulator.clickButton({ user: PEOPLE.maria, actionId: 'page_acknowledge', channel: dm.channel, messageTs: dm.ts });
    await retryLast();
    await h.settled(inc.id);
    await h.emulator.waitFor(() => h.threadText(inc.ts).find((t) => t.includes('acknowledged the page')));
    await h.settled(inc.id);
    expect(await events(inc.id, 'page_acknowledged')).toBe(1);
    expect(h.threadText(inc.ts).filter((t) => t.includes('acknowledged the page'))).toHaveLength(1);
    expect(answers(PEOPLE.maria) - before).toBeLessThanOrEqual(1);
  });

  it('a /dr plan request re-sent twice: one plan, one card, one answer', async () => {
    const before = answers(PEOPLE.alice);
    await h.run(PEOPLE.alice, '/dr', 'scale api-gateway 5');
    await retryLast();
    const plan = await h.emulator.waitFor(() => h.emulator.thread(CHANNELS.incidents, inc.ts).find((m) => m.text.startsWith('Action #')), 15_000);
    await h.emulator.waitFor(() => answers(PEOPLE.alice) > before || undefined, 10_000);
    await requestsDone();
    await h.settled(inc.id);
    const actions = await h.bot.store.db.query<{ n: number }>("SELECT count(*)::int AS n FROM actions WHERE kind = 'scale'");
    expect(actions.rows[0]!.n).toBe(1);
    expect(h.emulator.thread(CHANNELS.incidents, inc.ts).filter((m) => m.text.startsWith('Action #'))).toHaveLength(1);
    expect(plan.text).toContain('Action #');
    expect(await events(inc.id, 'action_requested')).toBe(1);
    expect(answers(PEOPLE.alice) - before).toBe(1);
    // Planning only reads the deployment: nothing was changed by any copy.
    expect(k8s.calls.filter((c) => c.method !== 'GET')).toHaveLength(0);
  });

  it('the comms form submitted, then re-sent twice: one draft, one timeline event', async () => {
    const drafts = () => h.threadText(inc.ts).filter((t) => t.includes('draft for') && t.includes(`INC-${inc.id}`));
    const before = drafts().length;
    await h.run(PEOPLE.alice, '/incident', `comms customer INC-${inc.id}`);
    // The form opens at once and is filled in from the incident just after: the filled-in one is submitted.
    const view = await h.emulator.waitFor(() => h.emulator.openViews(PEOPLE.alice).find((v) => v.callback_id === 'incident_comms' && v.blocks.some((b) => b.block_id === 'expected')));
    const sent = await h.emulator.submitView({ user: PEOPLE.alice, viewId: view.id, values: { services: ['payment-processing'], description: 'Card payments are slow', expected: 'within the hour' } });
    expect(sent.body).toBeFalsy();
    await retryLast();
    await h.emulator.waitFor(() => drafts().length > before || undefined, 10_000);
    await requestsDone();
    await h.settled(inc.id);
    expect(drafts().length - before).toBe(1);
    expect(await events(inc.id, 'comms_prepared')).toBe(1);
  });

  it('resolve: one resolution, one line, one resolve per provider alert', async () => {
    expect(await commandRetried(PEOPLE.alice, `resolve INC-${inc.id} Failed over`, inc.id)).toBe(1);
    expect(await events(inc.id, 'resolved')).toBe(1);
    await h.emulator.waitFor(() => h.threadText(inc.ts).find((t) => t.includes('*Resolved*')));
    await h.settled(inc.id);
    expect(h.threadText(inc.ts).filter((t) => t.includes('*Resolved*'))).toHaveLength(1);
    const resolves = h.pd.events({ action: 'resolve' }).map((e) => e.dedup_key);
    expect(resolves.length).toBeGreaterThan(0);
    expect(new Set(resolves).size).toBe(resolves.length);
  });

  it('close, status, list, /oncall and /oncall override: one effect and one answer each', async () => {
    expect(await commandRetried(PEOPLE.alice, `close INC-${inc.id} Mobile app check moved to the postmortem`, inc.id)).toBe(1);
    expect((await h.bot.store.incidents.get(inc.id))!.status).toBe('closed');
    await h.emulator.waitFor(() => h.threadText(inc.ts).find((t) => t.includes(':lock:')));
    await h.settled(inc.id);
    expect(h.threadText(inc.ts).filter((t) => t.includes(':lock:'))).toHaveLength(1);
    await requestsDone();
    expect(await commandRetried(PEOPLE.alice, `status INC-${inc.id}`)).toBe(1);
    expect(await commandRetried(PEOPLE.alice, 'list')).toBe(1);
    expect(await commandRetried(PEOPLE.alice, 'core', undefined, '/oncall')).toBe(1);
    const overrides = async () => (await h.bot.store.db.query<{ n: number }>('SELECT count(*)::int AS n FROM oncall_overrides')).rows[0]!.n;
    const before = await overrides();
    expect(await commandRetried(PEOPLE.alice, `override core <@${PEOPLE.dmitri}|dmitri> 1h`, undefined, '/oncall')).toBe(1);
    await requestsDone();
    expect((await overrides()) - before).toBe(1);
  });
});
