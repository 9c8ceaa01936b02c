import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { onCallAt } from '../../src/core/oncall.js';
import { rotationOf, type PagingTeam } from '../../src/paging/schema.js';
import { eventually } from '../helpers/eventually.js';
import { CHANNELS, PEOPLE } from '../helpers/harness.js';
import { KEYS, startPagingHarness, type PagingHarness } from '../helpers/paging.js';
import { incidentWorkDrained, requestsFinished } from '../helpers/drain.js';

let h: PagingHarness;
beforeAll(async () => {
  h = await startPagingHarness();
});
afterAll(async () => {
  await h?.stop();
});
beforeEach(() => [h.pd, h.opsEu, h.opsUs].forEach((p) => p.reset()));

/** Who the core team's rotation says is on call now (the test policy hands over Mondays 09:00 Sofia). */
const coreOnCall = () => {
  const team = h.bot.policy.teams.core as PagingTeam;
  return onCallAt('core', { members: team.members, rotation: rotationOf(team) }, new Date()).primary!;
};
const key = (id: number, target: string) => `drbot-INC-${id}-${target}`;
/** Everything queued has been carried out (pages, DMs, thread lines): a late duplicate would have shown by now. */
const drained = async () => {
  await requestsFinished(h.bot.store.db);
  await incidentWorkDrained(h.bot.store.db);
};
const providerCalls = () => h.pd.requests.length + h.opsEu.requests.length + h.opsUs.requests.length;
const ackButton = (user: string, id?: number) => {
  const dm = h.dms(user).filter((m) => !id || m.text.includes(`INC-${id} `)).at(-1)!;
  return { user, actionId: 'page_acknowledge', channel: dm.channel, messageTs: dm.ts };
};
async function resolve(id: number): Promise<void> {
  // The answer to this command, not a late one to the command before it.
  const before = h.emulator.ephemerals({ user: PEOPLE.alice }).length;
  await h.run(PEOPLE.alice, '/incident', `resolve INC-${id} done`);
  await h.emulator.waitFor(() => h.emulator.ephemerals({ user: PEOPLE.alice }).slice(before).find((e) => e.text.includes('resolved')));
  await h.settled(id);
}

describe('who a level pages', () => {
  it('L1 pages every team’s on-call: PagerDuty critical with a link to the card, Opsgenie P1 by region, one DM each; resolve resolves and closes', async () => {
    const inc = await h.declare('L1 Payments failing at checkout --services payment-processing');
    const pdKeys = ['core', 'dba', 'management'].map((t) => key(inc.id, t));
    await h.emulator.waitFor(() => h.pd.events({ action: 'trigger' }).length === 3 && h.opsEu.calls().length === 1 && h.opsUs.calls().length === 1);
    const triggers = h.pd.events({ action: 'trigger' });
    expect(triggers.map((e) => e.dedup_key).sort()).toEqual(pdKeys.sort());
    expect(triggers.map((e) => e.routing_key).sort()).toEqual([KEYS.PD_KEY_CORE, KEYS.PD_KEY_DBA, KEYS.PD_KEY_MGMT].sort());
    const dba = triggers.find((e) => e.dedup_key === key(inc.id, 'dba'))!;
    expect(dba.payload).toMatchObject({ severity: 'critical', summary: `INC-${inc.id} L1 Critical: Payments failing at checkout`, custom_details: { incident: `INC-${inc.id}`, services: 'Payment Processing System', paged_for: 'DBA team' } });
    expect(dba.links[0].href).toMatch(new RegExp(`/archives/${CHANNELS.incidents}/p${inc.ts.replace('.', '')}$`));
    expect(h.opsEu.calls()[0]).toMatchObject({ action: 'create', alias: key(inc.id, 'dba'), body: { priority: 'P1', responders: [{ type: 'team', name: 'DBA' }] } });
    expect(h.opsUs.calls()[0]).toMatchObject({ action: 'create', alias: key(inc.id, 'infrastructure'), body: { priority: 'P1' } });

    // Everyone on call for some team gets exactly one DM, however many teams they are on call for.
    const onCall = new Set([coreOnCall(), PEOPLE.dmitri, PEOPLE.ivan, PEOPLE.maria, PEOPLE.georgi]);
    for (const u of onCall) await h.emulator.waitFor(() => h.dms(u).some((m) => m.text.includes(`INC-${inc.id} `)));
    await drained();
    for (const u of onCall) expect(h.dms(u).filter((m) => m.text.includes(`INC-${inc.id} `))).toHaveLength(1);
    const line = await h.emulator.waitFor(() => h.threadText(inc.ts).find((t) => t.includes('*Paging*')));
    for (const team of ['Core team', 'DBA team', 'Infrastructure team', 'Management', 'Communications', 'On-call team', 'Standard support']) expect(line).toContain(`*${team}*`);
    expect(line).toContain('(PagerDuty, Opsgenie, Slack)');

    await resolve(inc.id);
    await h.emulator.waitFor(() => h.pd.events({ action: 'resolve' }).length === 3 && h.opsEu.alerts.get(key(inc.id, 'dba'))?.status === 'closed' && h.opsUs.alerts.get(key(inc.id, 'infrastructure'))?.status === 'closed');
    expect(h.pd.events({ action: 'resolve' }).map((e) => e.dedup_key).sort()).toEqual(pdKeys.sort());
    // The DMs lose their button and say why.
    await h.emulator.waitFor(() => h.dms(PEOPLE.maria).at(-1)!.blocks!.every((b) => b.type !== 'actions'));
    expect(JSON.stringify(h.dms(PEOPLE.maria).at(-1)!.blocks)).toContain('is resolved; no acknowledgement needed');
  });

  it('L2 pages the core team and management only, severity error / P2', async () => {
    const inc = await h.declare('L2 Primary database offline');
    await h.emulator.waitFor(() => h.pd.events({ action: 'trigger' }).length === 2);
    await drained();
    expect(h.pd.events({ action: 'trigger' }).map((e) => e.dedup_key).sort()).toEqual([key(inc.id, 'core'), key(inc.id, 'management')]);
    expect(h.pd.events().every((e) => e.payload.severity === 'error')).toBe(true);
    expect(h.opsEu.requests.length + h.opsUs.requests.length).toBe(0);
    await h.emulator.waitFor(() => h.dms(PEOPLE.maria).some((m) => m.text.includes(`INC-${inc.id} `)));
    expect(h.dms(PEOPLE.georgi).some((m) => m.text.includes(`INC-${inc.id} `))).toBe(false);
    await resolve(inc.id);
  });

  it('L3 and L4 page nobody: the thread mentions the on-call team, or standard support', async () => {
    const l3 = await h.declare('L3 Reporting system offline');
    const l4 = await h.declare('L4 Minor performance degradation');
    const m3 = await h.emulator.waitFor(() => h.threadText(l3.ts).find((t) => t.includes('No page for this level')));
    const m4 = await h.emulator.waitFor(() => h.threadText(l4.ts).find((t) => t.includes('No page for this level')));
    expect(m3).toContain('On-call team');
    expect(m3).toContain(`<@${PEOPLE.ivan}>`);
    expect(m3).toContain(`<@${PEOPLE.dmitri}>`);
    expect(m4).toContain('Standard support');
    expect(m4).toContain(`<@${PEOPLE.georgi}>`);
    await drained();
    expect(providerCalls()).toBe(0);
    expect([...h.dms(PEOPLE.ivan), ...h.dms(PEOPLE.georgi)].some((m) => m.text.includes(`INC-${l3.id} `) || m.text.includes(`INC-${l4.id} `))).toBe(false);
    await resolve(l3.id);
    await resolve(l4.id);
  });

  it('raising L3 → L2 pages core + management then; → L1 pages the rest, not them again', async () => {
    const inc = await h.declare('L3 Single microservice failure');
    // Each answer is waited for, so that a late one is not read as the next command's.
    expect(await h.answer(PEOPLE.alice, '/incident', `level INC-${inc.id} L2`)).toContain('L2');
    await h.emulator.waitFor(() => h.pd.events({ action: 'trigger' }).length === 2);
    expect(await h.answer(PEOPLE.alice, '/incident', `level INC-${inc.id} L1`)).toContain('L1');
    // L1 pages DBA (new); core's and management's open alerts are re-triggered under their dedup_key with the new severity.
    await h.emulator.waitFor(() => h.pd.events({ action: 'trigger' }).length === 5 && h.opsUs.calls().length === 1);
    await drained();
    const triggers = h.pd.events({ action: 'trigger' });
    expect([...new Set(triggers.map((e) => e.dedup_key))].sort()).toEqual([key(inc.id, 'core'), key(inc.id, 'dba'), key(inc.id, 'management')]);
    expect(triggers.slice(2).map((e) => e.payload.severity)).toEqual(['critical', 'critical', 'critical']);
    await h.emulator.waitFor(() => h.threadText(inc.ts).some((t) => t.includes('Already paged: Core team, Management')) || undefined);
    await resolve(inc.id);
  });

  it('drills never call a provider and say DRILL in the thread and the DMs', async () => {
    const inc = await h.declare('L1 DR drill: complete platform outage --drill');
    await h.emulator.waitFor(() => h.dms(PEOPLE.maria).some((m) => m.text.includes(`INC-${inc.id} `)));
    await h.settled(inc.id); // every queued job of the drill has run: none of them called a provider
    expect(providerCalls()).toBe(0);
    const dm = h.dms(PEOPLE.maria).find((m) => m.text.includes(`INC-${inc.id} `))!;
    expect(dm.text).toMatch(/^\[DRILL\]/);
    expect(JSON.stringify(dm.blocks)).toContain('*DRILL*');
    expect(await h.emulator.waitFor(() => h.threadText(inc.ts).find((t) => t.includes('Paging')))).toMatch(/DRILL[\s\S]*Slack only/);
    const deliveries = await h.bot.store.db.query("SELECT count(*)::int AS n FROM page_deliveries d JOIN pages p ON p.id = d.page_id WHERE p.incident_id = $1", [inc.id]);
    expect(deliveries.rows[0]).toEqual({ n: 0 });
    await h.emulator.clickButton(ackButton(PEOPLE.maria, inc.id));
    await h.emulator.waitFor(() => h.threadText(inc.ts).find((t) => t.includes('acknowledged the page')));
    await resolve(inc.id);
    await drained();
    expect(providerCalls()).toBe(0);
  });
});

describe('acknowledging in Slack', () => {
  it('stops the escalation, sends acknowledge to the provider, stores the time to acknowledge, shows it on the card', async () => {
    const inc = await h.declare('L2 API Gateway partial failure');
    await h.emulator.waitFor(() => h.dms(PEOPLE.maria).some((m) => m.text.includes(`INC-${inc.id} `)));
    const escalation = () => h.bot.store.db.query<{ done: boolean }>("SELECT done_at IS NOT NULL AS done FROM jobs WHERE kind = 'page_escalation' AND key = $1", [`${inc.id}:management`]);
    expect((await escalation()).rows).toEqual([{ done: false }]);

    await h.emulator.clickButton(ackButton(PEOPLE.maria, inc.id));
    await h.emulator.waitFor(() => h.pd.events({ action: 'acknowledge' }).length === 1);
    expect(h.pd.events({ action: 'acknowledge' })[0]).toEqual({ routing_key: KEYS.PD_KEY_MGMT, event_action: 'acknowledge', dedup_key: key(inc.id, 'management') });
    expect((await escalation()).rows).toEqual([{ done: true }]);
    const page = (await h.bot.store.db.query<{ status: string; acked_by: string; ack_ms: number }>("SELECT status, acked_by, ack_ms FROM pages WHERE incident_id = $1 AND target = 'management'", [inc.id])).rows[0]!;
    expect(page).toMatchObject({ status: 'acknowledged', acked_by: PEOPLE.maria });
    expect(page.ack_ms).toBeGreaterThanOrEqual(0);
    expect(page.ack_ms).toBeLessThan(30_000);

    const card = await h.emulator.waitFor(() => h.cards().find((m) => m.ts === inc.ts && JSON.stringify(m.blocks).includes('*Acknowledged*')));
    expect(JSON.stringify(card.blocks)).toContain(`<@${PEOPLE.maria}> for Management after`);
    await h.emulator.waitFor(() => h.threadText(inc.ts).some((t) => t.includes(`<@${PEOPLE.maria}> acknowledged the page for *Management*`)) || undefined);
    // The DM loses its button just after the card and thread are updated.
    await h.emulator.waitFor(() => !h.dms(PEOPLE.maria).at(-1)!.blocks!.some((b) => b.type === 'actions') || undefined);
    expect((await h.bot.store.timeline(inc.id)).filter((e) => e.kind === 'page_acknowledged')).toHaveLength(1);
    // The core team's page is still open: acknowledging one group leaves the others alone.
    expect(h.pd.events({ action: 'acknowledge', dedupKey: key(inc.id, 'core') })).toHaveLength(0);
    await resolve(inc.id);
    // Acknowledged alerts are still resolved at the end.
    expect(h.pd.events({ action: 'resolve' }).map((e) => e.dedup_key).sort()).toEqual([key(inc.id, 'core'), key(inc.id, 'management')]);
  });

  it('two Acknowledge clicks at once: one acknowledgement, the other click is told who won', async () => {
    const inc = await h.declare('L2 Authentication service failure');
    await h.emulator.waitFor(() => h.dms(PEOPLE.maria).some((m) => m.text.includes(`INC-${inc.id} `)));
    const target = ackButton(PEOPLE.maria, inc.id);
    const replies = await Promise.all([h.emulator.clickButton(target), h.emulator.clickButton(target)]);
    expect(replies.map((r) => r.status)).toEqual([200, 200]);
    const told = await h.emulator.waitFor(() => h.emulator.ephemerals({ user: PEOPLE.maria }).find((e) => e.text.includes('already acknowledged by you')));
    expect(told.text).toContain(`INC-${inc.id}`);
    await h.emulator.waitFor(() => h.pd.events({ action: 'acknowledge' }).length === 1);
    await drained();
    expect(h.pd.events({ action: 'acknowledge' })).toHaveLength(1);
    expect((await h.bot.store.timeline(inc.id)).filter((e) => e.kind === 'page_acknowledged')).toHaveLength(1);
    expect(h.threadText(inc.ts).filter((t) => t.includes('acknowledged the page'))).toHaveLength(1);
    await resolve(inc.id);
  });

  it('an Acknowledge on a page whose incident is resolved is answered clearly and sends nothing', async () => {
    const inc = await h.declare('L2 Partner dashboard inaccessible');
    await h.emulator.waitFor(() => h.dms(PEOPLE.maria).some((m) => m.text.includes(`INC-${inc.id} `)));
    const dm = h.dms(PEOPLE.maria).find((m) => m.text.includes(`INC-${inc.id} `))!;
    const shown = structuredClone(dm.blocks);
    await resolve(inc.id);
    await h.emulator.waitFor(() => !dm.blocks!.some((b) => b.type === 'actions'));
    // A phone that still shows the old DM, button and all.
    dm.blocks = shown;
    const before = h.pd.requests.length;
    await h.emulator.clickButton({ user: PEOPLE.maria, actionId: 'page_acknowledge', channel: dm.channel, messageTs: dm.ts });
    const told = await h.emulator.waitFor(() => h.emulator.ephemerals({ user: PEOPLE.maria }).find((e) => e.text.includes(`INC-${inc.id} is already resolved`)));
    expect(told.text).toContain('nothing left to acknowledge');
    await drained();
    expect(h.pd.requests.length).toBe(before);
  });
});

describe('a provider that fails', () => {
  it('down (503): retried with backoff, then the failure is posted in the thread; the Slack DM still goes', async () => {
    h.pd.down();
    const inc = await h.declare('L2 Database corruption suspected');
    await h.emulator.waitFor(() => h.dms(PEOPLE.maria).some((m) => m.text.includes(`INC-${inc.id} `)));
    const failure = await h.emulator.waitFor(() => h.threadText(inc.ts).find((t) => t.includes('PagerDuty page to Management failed')), 10_000);
    expect(failure).toContain('503 Service Unavailable — reached by Slack only');
    await h.emulator.waitFor(() => h.threadText(inc.ts).find((t) => t.includes('PagerDuty page to the Core team failed')), 10_000);
    // attempts: 3 in the test policy, backoff from 200 ms
    const mgmt = h.pd.requests.filter((r) => r.body.dedup_key === key(inc.id, 'management'));
    expect(mgmt).toHaveLength(3);
    expect(mgmt[2]!.at - mgmt[0]!.at).toBeGreaterThanOrEqual(400);
    const row = (await h.bot.store.db.query<{ status: string; attempts: number; last_error: string }>("SELECT d.status, d.attempts, d.last_error FROM page_deliveries d JOIN pages p ON p.id = d.page_id WHERE p.incident_id = $1 AND p.target = 'management'", [inc.id])).rows[0];
    expect(row).toEqual({ status: 'failed', attempts: 3, last_error: '503 Service Unavailable' });
    h.pd.up();
    await resolve(inc.id);
    // Nothing was triggered, so nothing is resolved.
    expect(h.pd.events({ action: 'resolve' })).toHaveLength(0);
  });

  it('a refused routing key (400) fails at once with the provider’s reason; no answer in time is retried and then succeeds', async () => {
    await h.stop();
    h = await startPagingHarness({ env: { PD_KEY_MGMT: 'not-a-routing-key' } });
    h.pd.failNext(1, { timeout: true }, (r) => r.body.routing_key === KEYS.PD_KEY_CORE);
    const inc = await h.declare('L2 Payment processing degraded');
    const failure = await h.emulator.waitFor(() => h.threadText(inc.ts).find((t) => t.includes('PagerDuty page to Management failed')), 10_000);
    expect(failure).toContain("400 Length of 'routing_key' is incorrect (should be 32 characters) — reached by Slack only");
    expect(h.pd.requests.filter((r) => r.body.routing_key === 'not-a-routing-key')).toHaveLength(1);
    // The core team's first call got no answer within the 1 s timeout; the retry went through.
    await h.emulator.waitFor(() => h.pd.events({ action: 'trigger', dedupKey: key(inc.id, 'core') }).length === 1, 10_000);
    // The peer records the first call's event before not answering it: wait for the retry to be recorded as sent.
    const core = await eventually(async () => {
      const r = (await h.bot.store.db.query<{ status: string; attempts: number; last_error: string }>("SELECT d.status, d.attempts, d.last_error FROM page_deliveries d JOIN pages p ON p.id = d.page_id WHERE p.incident_id = $1 AND p.target = 'core'", [inc.id])).rows[0];
      return r?.status === 'pending' ? undefined : r;
    }, 10_000);
    expect(core).toEqual({ status: 'sent', attempts: 2, last_error: 'no answer within 1 s' });
    await resolve(inc.id);
  });
});
