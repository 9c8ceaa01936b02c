/**
 * Alerts in: Alertmanager webhook v4 groups into the real bot over HTTP (bearer token); a firing group is
 * ONE proposal with Declare / Dismiss in the incident channel; Declare declares at the rule's level.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { eventually } from '../helpers/eventually.js';
import { CHANNELS, PEOPLE } from '../helpers/harness.js';
import { startPagingHarness, type PagingHarness } from '../helpers/paging.js';
import { post } from '../helpers/webhooks.js';

const AM_TOKEN = 'am-webhook-token-0123456789';
const OUTSIDER = 'U0OUTSIDE1';
let h: PagingHarness;
beforeAll(async () => {
  h = await startPagingHarness({
    tune: (p) => {
      p.checklist = [{ id: 'error-rates', text: 'Error rates < 0.1%', probe: 'alerts' }];
      p.webhooks = {
        alertmanager: {
          tokenEnv: 'AM_WEBHOOK_TOKEN',
          rules: [
            { match: { alertname: 'ApiGateway5xx' }, matchRe: {}, level: 2, services: ['api-gateway'], title: 'api-gateway 5xx > 5%', autoDeclare: false },
            { match: { alertname: 'PaymentsDown' }, matchRe: {}, level: 1, services: ['payment-processing'], autoDeclare: true },
            { match: {}, matchRe: { severity: 'warning|info' }, level: 4, services: ['analytics'], autoDeclare: false },
          ],
        },
      };
    },
    env: { AM_WEBHOOK_TOKEN: AM_TOKEN },
  });
  h.emulator.addUser({ id: OUTSIDER, name: 'mallory', real_name: 'Mallory' });
});
afterAll(async () => {
  await h?.stop();
});

interface A {
  fp: string;
  name?: string;
  status?: 'firing' | 'resolved';
  labels?: Record<string, string>;
}
/** An Alertmanager v4 notification of one group. */
function group(key: string, alerts: A[], extra: { commonLabels?: Record<string, string>; summary?: string } = {}): string {
  const status = alerts.some((a) => (a.status ?? 'firing') === 'firing') ? 'firing' : 'resolved';
  const name = alerts[0]?.name ?? 'ApiGateway5xx';
  return JSON.stringify({
    version: '4',
    groupKey: key,
    truncatedAlerts: 0,
    status,
    receiver: 'dr-bot',
    groupLabels: { alertname: name },
    commonLabels: extra.commonLabels ?? { alertname: name, severity: 'critical' },
    commonAnnotations: extra.summary ? { summary: extra.summary } : {},
    externalURL: 'http://alertmanager.example:9093',
    alerts: alerts.map((a) => ({
      status: a.status ?? 'firing',
      labels: { alertname: name, instance: a.fp, ...a.labels },
      annotations: { summary: `${name} on ${a.fp}` },
      startsAt: '2026-11-30T10:00:00Z',
      endsAt: a.status === 'resolved' ? '2026-11-30T10:20:00Z' : '0001-01-01T00:00:00Z',
      generatorURL: 'http://prometheus.example:9090/graph',
      fingerprint: a.fp,
    })),
  });
}
const send = (raw: string, token = AM_TOKEN) => post(h.port, '/webhooks/alertmanager', raw, { authorization: `Bearer ${token}` });
const proposals = (id: number) => h.emulator.messages(CHANNELS.incidents).filter((m) => (m as { metadata?: { event_payload?: { proposal?: number } } }).metadata?.event_payload?.proposal === id);
const proposalDone = (id: number) => eventually(async () => (await h.bot.store.db.query<{ n: number }>("SELECT count(*)::int AS n FROM jobs WHERE kind = 'alert_proposal' AND key = $1 AND done_at IS NULL", [String(id)])).rows[0]!.n === 0, 15_000);
const count = async () => (await h.bot.store.db.query<{ n: number }>('SELECT count(*)::int AS n FROM alert_proposals')).rows[0]!.n;

describe('Alertmanager groups become proposals', () => {
  it('a firing group posts ONE proposal, however often it is notified; Declare declares with the mapped level and services', async () => {
    const key = '{}:{alertname="ApiGateway5xx"}';
    const first = await send(group(key, [{ fp: 'a1' }]));
    expect(first).toMatchObject({ status: 200, body: { outcome: 'proposed' } });
    const id = first.body.proposal as number;
    // Repeats (repeat_interval) and a second alert joining the group: the same proposal, redrawn.
    const again = await Promise.all([send(group(key, [{ fp: 'a1' }])), send(group(key, [{ fp: 'a1' }, { fp: 'a2' }]))]);
    expect(again.map((r) => [r.body.outcome, r.body.proposal])).toEqual([['updated', id], ['updated', id]]);
    await proposalDone(id);
    const msg = await h.emulator.waitFor(() => proposals(id).find((m) => m.text === 'Declare L2 High: api-gateway 5xx > 5%?'), 15_000);
    await h.emulator.waitFor(() => proposals(id).find((m) => JSON.stringify(m.blocks).includes('*2* firing')), 15_000);
    expect(proposals(id)).toHaveLength(1);

    // Someone with no role in the policy may not declare on a monitoring system's word.
    await h.emulator.clickButton({ user: OUTSIDER, actionId: 'alert_declare', channel: CHANNELS.incidents, messageTs: msg.ts });
    expect((await h.emulator.waitFor(() => h.emulator.ephemerals({ user: OUTSIDER }).at(-1), 10_000)).text).toContain('Declare (alert proposal)');
    expect((await h.bot.store.db.query("SELECT status FROM alert_proposals WHERE id = $1", [id])).rows).toEqual([{ status: 'proposed' }]);

    // Two people click Declare at once: one incident; the other is told who declared it.
    const cardsBefore = h.cards().filter((m) => /INC-\d+/.test(m.text)).length;
    await Promise.all([PEOPLE.alice, PEOPLE.ivan].map((user) => h.emulator.clickButton({ user, actionId: 'alert_declare', channel: CHANNELS.incidents, messageTs: msg.ts })));
    const card = await h.emulator.waitFor(() => h.cards().filter((m) => /INC-\d+/.test(m.text)).slice(cardsBefore)[0], 15_000);
    const incId = Number(/INC-(\d+)/.exec(card.text)![1]);
    const inc = (await h.bot.store.incidents.get(incId))!;
    expect(inc).toMatchObject({ level: 2, title: 'api-gateway 5xx > 5%', services: ['api-gateway'] });
    const winner = inc.declaredBy;
    const loser = winner === PEOPLE.alice ? PEOPLE.ivan : PEOPLE.alice;
    expect([PEOPLE.alice, PEOPLE.ivan]).toContain(winner);
    expect((await h.emulator.waitFor(() => h.emulator.ephemerals({ user: loser }).find((e) => e.text.includes('Already declared')), 10_000)).text).toContain(`by <@${winner}>`);
    await h.emulator.waitFor(() => proposals(id).find((m) => JSON.stringify(m.blocks).includes(`Declared as *INC-${incId}* by <@${winner}>`)), 15_000);
    expect(proposals(id)[0]!.blocks!.some((b) => b.type === 'actions')).toBe(false);
    expect((await h.bot.store.db.query<{ n: number }>("SELECT count(*)::int AS n FROM incidents WHERE title = 'api-gateway 5xx > 5%'")).rows[0]!.n).toBe(1);

    // Alerts resolving: a thread line each time; the incident stays ours to resolve.
    expect((await send(group(key, [{ fp: 'a1', status: 'resolved' }, { fp: 'a2' }]))).body.outcome).toBe('updated');
    await h.emulator.waitFor(() => h.threadText(inc.cardTs ?? card.ts).find((t) => t.includes('Alertmanager: 1 alert resolved')), 15_000);
    const closed = group(key, [{ fp: 'a1', status: 'resolved' }, { fp: 'a2', status: 'resolved' }]);
    expect((await send(closed)).body.outcome).toBe('resolved');
    expect((await send(closed)).body.outcome).toBe('not proposed');
    await h.emulator.waitFor(() => h.threadText(card.ts).find((t) => t.includes('all alerts of this incident’s group resolved')), 15_000);
    await h.settled(incId);
    expect(h.threadText(card.ts).filter((t) => t.includes('Alertmanager:'))).toHaveLength(2);
    expect((await h.bot.store.incidents.get(incId))!.status).toBe('investigating');
    expect(await h.answer(PEOPLE.alice, '/incident', `resolve INC-${incId}`)).toContain('resolved');
    await h.settled(incId);
    // The checklist's "error rates" item reads the group's alert state: all resolved, so it ticks itself.
    const item = await eventually(async () => (await h.bot.store.checklist.list(incId)).find((i) => i.itemId === 'error-rates' && i.checkedAt), 15_000);
    expect(item.evidence).toBe('probe: Alertmanager: all 2 alerts of the group resolved');
  }, 90_000);

  it('Dismiss: the proposal says who dismissed it, loses its buttons, and repeats of the group stay quiet', async () => {
    const key = '{}:{severity="warning"}';
    const r = await send(group(key, [{ fp: 'w1', name: 'DiskFilling', labels: { severity: 'warning' } }], { commonLabels: { alertname: 'DiskFilling', severity: 'warning' }, summary: 'Disk <!channel> 85% full' }));
    const id = r.body.proposal as number;
    const msg = await h.emulator.waitFor(() => proposals(id)[0], 15_000);
    expect(msg.text).toBe('Declare L4 Low: Disk 85% full?');
    await h.emulator.clickButton({ user: PEOPLE.georgi, actionId: 'alert_dismiss', channel: CHANNELS.incidents, messageTs: msg.ts });
    await h.emulator.waitFor(() => proposals(id).find((m) => JSON.stringify(m.blocks).includes(`Dismissed by <@${PEOPLE.georgi}>`)), 15_000);
    expect((await send(group(key, [{ fp: 'w1', name: 'DiskFilling', labels: { severity: 'warning' } }], { commonLabels: { alertname: 'DiskFilling', severity: 'warning' } }))).body).toEqual({ outcome: 'updated', proposal: id });
    expect(proposals(id)[0]!.blocks!.some((b) => b.type === 'actions')).toBe(false);
    await proposalDone(id);
    expect(proposals(id)).toHaveLength(1);
  }, 60_000);

  it('a rule that auto-declares declares at once, once, at its level — and posts no proposal', async () => {
    const key = '{}:{alertname="PaymentsDown"}';
    const r = await send(group(key, [{ fp: 'p1', name: 'PaymentsDown' }], { commonLabels: { alertname: 'PaymentsDown' } }));
    expect(r.body.outcome).toBe('declared');
    const incId = Number(String(r.body.incident).slice(4));
    expect(await h.bot.store.incidents.get(incId)).toMatchObject({ level: 1, title: 'PaymentsDown', services: ['payment-processing'], declaredBy: 'alertmanager' });
    expect((await send(group(key, [{ fp: 'p1', name: 'PaymentsDown' }], { commonLabels: { alertname: 'PaymentsDown' } }))).body).toEqual({ outcome: 'updated', proposal: r.body.proposal, incident: `INC-${incId}` });
    await h.settled(incId);
    const card = h.cards().find((m) => m.text.includes(`INC-${incId}`))!;
    expect(JSON.stringify(card.blocks)).toContain('Declared by Alertmanager (auto-declared by the policy)');
    expect(proposals(r.body.proposal as number)).toHaveLength(0);
    expect((await h.bot.store.db.query<{ n: number }>("SELECT count(*)::int AS n FROM incidents WHERE title = 'PaymentsDown'")).rows[0]!.n).toBe(1);
    expect(await h.answer(PEOPLE.alice, '/incident', `resolve INC-${incId}`)).toContain('resolved');
    await h.settled(incId);
  }, 60_000);

  it('no token, a wrong token or a bad body change nothing; a group no rule maps is answered 202 and not proposed', async () => {
    const before = await count();
    const raw = group('{}:{alertname="ApiGateway5xx",x="1"}', [{ fp: 'z1' }]);
    expect((await post(h.port, '/webhooks/alertmanager', raw)).status).toBe(401);
    expect((await send(raw, 'not-the-token')).status).toBe(401);
    expect((await send(raw.replace('"version":"4"', '"version":"3"'))).status).toBe(400);
    expect((await send('{')).status).toBe(400);
    expect(await count()).toBe(before);
    // Grafana's webhook contact point: the same shape, version "1", with its own extra fields.
    const grafana = JSON.parse(group('{}:{alertname="DiskFilling",grafana="1"}', [{ fp: 'g1', name: 'DiskFilling', labels: { severity: 'warning' } }], { commonLabels: { alertname: 'DiskFilling', severity: 'warning' } }));
    const fromGrafana = await send(JSON.stringify({ ...grafana, version: '1', orgId: 1, state: 'alerting', title: '[FIRING:1] DiskFilling', message: 'Disk filling' }));
    expect(fromGrafana).toMatchObject({ status: 200, body: { outcome: 'proposed' } });
    const unmapped = await send(group('{}:{alertname="Other"}', [{ fp: 'o1', name: 'Other' }], { commonLabels: { alertname: 'Other', severity: 'critical' } }));
    expect(unmapped).toEqual({ status: 202, body: { outcome: 'no rule' } });
    expect(await count()).toBe(before + 1);
  });
});
