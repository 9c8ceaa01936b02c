/**
 * Acknowledgements made in the pager apps come back: PagerDuty V3 webhooks (signed) and Opsgenie's
 * outgoing webhook (bearer token) into the real bot over HTTP, against the paging peers.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { onCallAt } from '../../src/core/oncall.js';
import { rotationOf, type PagingTeam } from '../../src/paging/schema.js';
import { incidentWorkDrained } from '../helpers/drain.js';
import { eventually } from '../helpers/eventually.js';
import { PEOPLE } from '../helpers/harness.js';
import { startPagingHarness, type PagingHarness } from '../helpers/paging.js';
import { OG_TOKEN, PD_SECRET, PD_SECRET_OLD, ogEvent, pdEvent, pdSignature, post, postOpsgenie, postPagerDuty } from '../helpers/webhooks.js';

// The policy's acknowledgement timeouts (L1 5 min, L2 15 min): a test moves the escalations' due time itself.
let h: PagingHarness;
beforeAll(async () => {
  h = await startPagingHarness({
    tune: (p) => {
      p.webhooks = {
        pagerduty: { secretEnv: ['PD_WEBHOOK_SECRET', 'PD_WEBHOOK_SECRET_OLD'], users: { PMARIA1: PEOPLE.maria } },
        opsgenie: { tokenEnv: 'OG_WEBHOOK_TOKEN', users: { 'dmitri@boomcard.bg': PEOPLE.dmitri } },
      };
    },
    env: { PD_WEBHOOK_SECRET: PD_SECRET, PD_WEBHOOK_SECRET_OLD: PD_SECRET_OLD, OG_WEBHOOK_TOKEN: OG_TOKEN },
  });
});
afterAll(async () => {
  await h?.stop();
});

const key = (id: number, target: string) => `drbot-INC-${id}-${target}`;
const q = <T>(sql: string, params: unknown[]) => h.bot.store.db.query<T>(sql, params).then((r) => r.rows);
const corePrimary = () => {
  const team = h.bot.policy.teams.core as PagingTeam;
  return onCallAt('core', { members: team.members, rotation: rotationOf(team) }, new Date()).primary!;
};
const pages = (id: number, target: string) => q<{ tier: number; status: string; acked_by: string | null; acked_via: string | null }>('SELECT tier, status, acked_by, acked_via FROM pages WHERE incident_id = $1 AND target = $2 ORDER BY tier', [id, target]);
const timeline = async (id: number, kind: string) => (await h.bot.store.timeline(id)).filter((e) => e.kind === kind);
const card = (ts: string, text: string) => h.emulator.waitFor(() => h.cards().find((m) => m.ts === ts && JSON.stringify(m.blocks).includes(text)), 15_000);
const line = (ts: string, text: string) => h.emulator.waitFor(() => h.threadText(ts).find((t) => t.includes(text)), 15_000);
const resolve = async (id: number) => {
  expect(await h.answer(PEOPLE.alice, '/incident', `resolve INC-${id}`)).toContain('resolved');
  await h.settled(id);
};

describe('an acknowledgement made in PagerDuty', () => {
  it('acceptance: a signed webhook acknowledges the page — the card shows who, and no escalation follows', async () => {
    const inc = await h.declare('L2 Primary database offline');
    await h.emulator.waitFor(() => h.pd.events({ action: 'trigger', dedupKey: key(inc.id, 'core') }).length === 1, 15_000);

    const r = await postPagerDuty(h.port, pdEvent({ type: 'incident.acknowledged', incidentKey: key(inc.id, 'core') }));
    expect(r).toEqual({ status: 200, body: { outcome: 'acknowledged', incident: `INC-${inc.id}` } });

    const shown = await card(inc.ts, '*Acknowledged*');
    expect(JSON.stringify(shown.blocks)).toContain('*Tenex Engineer* in PagerDuty for Core team after');
    expect(await line(inc.ts, 'acknowledged the page for *Core team*')).toContain('*Tenex Engineer* in PagerDuty acknowledged');
    expect(await pages(inc.id, 'core')).toEqual([{ tier: 0, status: 'acknowledged', acked_by: 'pagerduty:PLH1HKV', acked_via: 'pagerduty' }]);
    expect(await timeline(inc.id, 'page_acknowledged')).toHaveLength(1);
    // The on-call person's DM loses its Acknowledge button.
    await h.emulator.waitFor(() => h.dms(corePrimary()).filter((m) => m.text.includes(`INC-${inc.id} `)).every((m) => !m.blocks!.some((b) => b.type === 'actions')) || undefined, 15_000);

    // Time passes: every escalation still pending for this incident is made due now, and the scheduler is
    // drained. Management's own group (paged at the same moment, not acknowledged) has its escalation run;
    // core's was cancelled by the acknowledgement, so nothing of it is left to run.
    expect(await q("SELECT 1 FROM jobs WHERE kind = 'page_escalation' AND key = $1 AND done_at IS NULL", [`${inc.id}:core`])).toHaveLength(0);
    await q("UPDATE jobs SET due_at = now() WHERE incident_id = $1 AND kind = 'page_escalation' AND done_at IS NULL", [inc.id]);
    await eventually(async () => (await q<{ n: number }>("SELECT count(*)::int AS n FROM jobs WHERE incident_id = $1 AND kind = 'page_escalation' AND done_at IS NULL", [inc.id]))[0]!.n === 0, 30_000);
    await incidentWorkDrained(h.bot.store.db, inc.id);
    expect(await pages(inc.id, 'core')).toHaveLength(1);
    expect(h.threadText(inc.ts).filter((t) => t.includes('No acknowledgement from *Core team*'))).toHaveLength(0);
    // PagerDuty told us; it is not told back. The acknowledgement is ours alone to keep.
    expect(h.pd.events({ action: 'acknowledge', dedupKey: key(inc.id, 'core') })).toHaveLength(0);
    await resolve(inc.id);
  }, 90_000);

  it('forged, unsigned, tampered and wrong-secret webhooks get 401 and change nothing; a replay changes nothing either', async () => {
    const inc = await h.declare('L1 Payments failing at checkout');
    await h.emulator.waitFor(() => h.pd.events({ action: 'trigger', dedupKey: key(inc.id, 'core') }).length === 1, 15_000);
    const raw = pdEvent({ type: 'incident.acknowledged', incidentKey: key(inc.id, 'core'), agent: { id: 'PMARIA1', summary: 'Maria' } });
    const events = async () => (await q<{ n: number }>('SELECT count(*)::int AS n FROM webhook_events', []))[0]!.n;
    const before = await events();
    const refused = [
      await post(h.port, '/webhooks/pagerduty', raw),
      await post(h.port, '/webhooks/pagerduty', raw, { 'x-pagerduty-signature': pdSignature(raw, ['someone-elses-secret']) }),
      await post(h.port, '/webhooks/pagerduty', raw.replace('Maria', 'Mallory'), { 'x-pagerduty-signature': pdSignature(raw, [PD_SECRET]) }),
      await post(h.port, '/webhooks/pagerduty', raw, { 'x-pagerduty-signature': pdSignature(raw, [PD_SECRET]).replace('v1=', 'v0=') }),
    ];
    expect(refused.map((r) => r.status)).toEqual([401, 401, 401, 401]);
    expect(refused[0]!.body.error).toBe('no X-PagerDuty-Signature header');
    expect(await events()).toBe(before);
    expect((await pages(inc.id, 'core')).map((p) => p.status)).toEqual(['open']);
    expect(await q("SELECT 1 FROM jobs WHERE kind = 'page_escalation' AND key = $1 AND done_at IS NULL", [`${inc.id}:core`])).toHaveLength(1);

    // PagerDuty rotating its secret signs with both: one valid signature is enough. We may hold the old one too.
    const ok = await postPagerDuty(h.port, raw, ['retired-secret', PD_SECRET]);
    expect(ok).toEqual({ status: 200, body: { outcome: 'acknowledged', incident: `INC-${inc.id}` } });
    const again = await Promise.all([postPagerDuty(h.port, raw), postPagerDuty(h.port, raw, [PD_SECRET_OLD])]);
    expect(again.map((r) => r.body.outcome)).toEqual(['duplicate', 'duplicate']);
    // A new event about the same, already acknowledged alert: nothing new to say.
    const later = await postPagerDuty(h.port, pdEvent({ type: 'incident.acknowledged', incidentKey: key(inc.id, 'core'), agent: { id: 'POTHER', summary: 'Other' } }));
    expect(later.body.outcome).toBe('already acknowledged');

    // A person the policy maps is named as the Slack user.
    expect(JSON.stringify((await card(inc.ts, '*Acknowledged*')).blocks)).toContain(`<@${PEOPLE.maria}> in PagerDuty for Core team`);
    await incidentWorkDrained(h.bot.store.db, inc.id);
    expect(h.threadText(inc.ts).filter((t) => t.includes('acknowledged the page for *Core team*'))).toHaveLength(1);
    expect(await timeline(inc.id, 'page_acknowledged')).toHaveLength(1);
    expect(await pages(inc.id, 'core')).toEqual([{ tier: 0, status: 'acknowledged', acked_by: PEOPLE.maria, acked_via: 'pagerduty' }]);
    await resolve(inc.id);
  }, 90_000);

  it('resolved in PagerDuty: a thread line, the page counts as acknowledged, our incident stays open; reassigned: a line', async () => {
    const inc = await h.declare('L1 Card authorisations timing out');
    await h.emulator.waitFor(() => h.pd.events({ action: 'trigger', dedupKey: key(inc.id, 'dba') }).length === 1, 15_000);
    expect((await postPagerDuty(h.port, pdEvent({ type: 'incident.reassigned', incidentKey: key(inc.id, 'dba'), assignees: ['Maeve <!channel>'] }))).body.outcome).toBe('noted');
    expect(await line(inc.ts, 'was reassigned to')).toContain('Maeve &lt;!channel&gt;');
    expect((await postPagerDuty(h.port, pdEvent({ type: 'incident.resolved', incidentKey: key(inc.id, 'dba') }))).body.outcome).toBe('resolved');
    expect(await line(inc.ts, 'resolved the PagerDuty alert for *DBA team*')).toContain('stays open here');
    expect((await h.bot.store.incidents.get(inc.id))!.status).toBe('investigating');
    expect((await pages(inc.id, 'dba')).map((p) => p.status)).toEqual(['acknowledged']);
    // DBA is paged through Opsgenie too: that alert is acknowledged there, so nobody keeps getting paged.
    await h.emulator.waitFor(() => h.opsEu.calls().some((c) => c.action === 'acknowledge' && c.alias === key(inc.id, 'dba')) || undefined, 15_000);
    await resolve(inc.id);
  }, 90_000);

  it('Slack failing when the acknowledgement comes in: the webhook is still answered 200 and kept; the card and thread follow once Slack is back', async () => {
    const inc = await h.declare('L1 Settlement batch stuck');
    await h.emulator.waitFor(() => h.pd.events({ action: 'trigger', dedupKey: key(inc.id, 'core') }).length === 1, 15_000);
    await incidentWorkDrained(h.bot.store.db, inc.id);
    h.emulator.failNext('chat.update', { status: 503, count: 3 });
    h.emulator.failNext('chat.postMessage', { status: 503, count: 3 });
    const r = await postPagerDuty(h.port, pdEvent({ type: 'incident.acknowledged', incidentKey: key(inc.id, 'core') }));
    expect(r.body.outcome).toBe('acknowledged');
    expect((await pages(inc.id, 'core')).map((p) => p.status)).toEqual(['acknowledged']);
    await card(inc.ts, '*Tenex Engineer* in PagerDuty for Core team');
    await line(inc.ts, 'acknowledged the page for *Core team*');
    await incidentWorkDrained(h.bot.store.db, inc.id);
    expect(h.threadText(inc.ts).filter((t) => t.includes('acknowledged the page for *Core team*'))).toHaveLength(1);
    await resolve(inc.id);
  }, 90_000);

  it('a signed body that is not JSON or not a PagerDuty event is refused 400; an alert that is not ours is answered and ignored', async () => {
    const notJson = 'ack!';
    expect((await postPagerDuty(h.port, notJson)).status).toBe(400);
    const wrong = await postPagerDuty(h.port, JSON.stringify({ event: { id: 'x' } }));
    expect(wrong.status).toBe(400);
    expect(wrong.body.problems.join(' ')).toContain('event.event_type');
    expect((await postPagerDuty(h.port, pdEvent({ type: 'incident.acknowledged', incidentKey: 'someone-elses-alert' }))).body.outcome).toBe('not our alert');
    expect((await post(h.port, '/webhooks/pagerduty', 'x'.repeat(300 * 1024), { 'x-pagerduty-signature': 'v1=00' })).status).toBe(413);
  });
});

describe('an acknowledgement made in Opsgenie', () => {
  it('bearer token checked; Acknowledge acknowledges by alias and tells PagerDuty (not Opsgenie); AddNote adds an escaped line', async () => {
    const inc = await h.declare('L1 Ledger replication broken');
    await h.emulator.waitFor(() => h.opsEu.calls().some((c) => c.action === 'create' && c.alias === key(inc.id, 'dba')) || undefined, 15_000);
    const raw = ogEvent({ action: 'Acknowledge', alias: key(inc.id, 'dba'), username: 'dmitri@boomcard.bg' });
    const refused = [await post(h.port, '/webhooks/opsgenie', raw), await postOpsgenie(h.port, raw, 'wrong-token'), await post(h.port, '/webhooks/opsgenie', raw, { authorization: OG_TOKEN })];
    expect(refused.map((r) => r.status)).toEqual([401, 401, 401]);
    expect((await pages(inc.id, 'dba')).map((p) => p.status)).toEqual(['open']);

    expect((await postOpsgenie(h.port, raw)).body.outcome).toBe('acknowledged');
    expect((await postOpsgenie(h.port, raw)).body.outcome).toBe('duplicate');
    expect(JSON.stringify((await card(inc.ts, 'in Opsgenie for DBA team')).blocks)).toContain(`<@${PEOPLE.dmitri}> in Opsgenie for DBA team`);
    await h.emulator.waitFor(() => h.pd.events({ action: 'acknowledge', dedupKey: key(inc.id, 'dba') }).length === 1, 15_000);

    expect((await postOpsgenie(h.port, ogEvent({ action: 'AddNote', alias: key(inc.id, 'dba'), note: 'failing over now <!channel>' }))).body.outcome).toBe('noted');
    expect(await line(inc.ts, 'Note from')).toContain('failing over now &lt;!channel&gt;');
    await incidentWorkDrained(h.bot.store.db, inc.id);
    expect(h.opsEu.calls().filter((c) => c.action === 'acknowledge' && c.alias === key(inc.id, 'dba'))).toHaveLength(0);
    expect(h.threadText(inc.ts).filter((t) => t.includes('acknowledged the page for *DBA team*'))).toHaveLength(1);

    // Taken back, then closed in Opsgenie: lines in the thread; our acknowledgement and our incident stand.
    expect((await postOpsgenie(h.port, ogEvent({ action: 'UnAcknowledge', alias: key(inc.id, 'dba'), username: 'dmitri@boomcard.bg' }))).body.outcome).toBe('noted');
    expect(await line(inc.ts, 'took back the acknowledgement')).toContain(`<@${PEOPLE.dmitri}> in Opsgenie`);
    expect((await postOpsgenie(h.port, ogEvent({ action: 'Close', alias: key(inc.id, 'dba') }))).body.outcome).toBe('resolved');
    expect(await line(inc.ts, 'resolved the Opsgenie alert for *DBA team*')).toContain('stays open here');
    expect((await pages(inc.id, 'dba')).map((p) => p.status)).toEqual(['acknowledged']);
    expect((await h.bot.store.incidents.get(inc.id))!.status).toBe('investigating');
    await resolve(inc.id);
  }, 90_000);
});
