import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { PagingTeam } from '../../src/paging/schema.js';
import { PEOPLE } from '../helpers/harness.js';
import { startPagingHarness, type PagingHarness } from '../helpers/paging.js';

// What Opsgenie and PagerDuty are told, checked against their API specs: who an Opsgenie alert goes to
// (only responders a route declares) and PagerDuty's severity and source through a level change.
const ACK_MS = 1_000;
let h: PagingHarness;
beforeAll(async () => {
  h = await startPagingHarness({
    tune: (p) => {
      p.levels[2].ackTimeoutMs = ACK_MS;
      // Management is also paged through Opsgenie (US), with no responders of its own on the route.
      (p.teams.management as PagingTeam).opsgenie = { apiKeyEnv: 'OG_KEY', region: 'us' };
    },
  });
});
afterAll(async () => {
  await h?.stop();
});

const ogCreate = (alias: string) => h.opsUs.calls().find((c) => c.action === 'create' && c.alias === alias);

describe('Opsgenie responders', () => {
  it('the escalation to management goes over management’s route and never names the team that did not answer; management’s own page names no invented team', async () => {
    const inc = await h.declare('L2 Card authorisations timing out --services payment-processing');
    // Management's own page (L2 notifies core + management).
    const own = await h.emulator.waitFor(() => ogCreate(`drbot-INC-${inc.id}-management`), 10_000);
    expect(own.body).not.toHaveProperty('responders');
    // Core does not answer: secondary, then management for core, through management's routes.
    const escalated = await h.emulator.waitFor(() => ogCreate(`drbot-INC-${inc.id}-core-management`), 15_000);
    expect(escalated.body).not.toHaveProperty('responders');
    expect(JSON.stringify(escalated.body.responders ?? [])).not.toContain('Core team');
    expect(escalated.body.message).toContain('(escalated: Core team did not acknowledge)');
    expect(await h.answer(PEOPLE.alice, '/incident', `resolve INC-${inc.id}`)).toContain('resolved');
    await h.settled(inc.id);
  }, 40_000);
});

describe('PagerDuty through a level change', () => {
  it('a raise from L2 to L1 re-triggers the open alerts under the same dedup_key with the new severity; source is the affected service', async () => {
    const inc = await h.declare('L2 Checkout failing for partners --services payment-processing,api-gateway');
    const key = `drbot-INC-${inc.id}-core`;
    const first = await h.emulator.waitFor(() => h.pd.events({ action: 'trigger', dedupKey: key })[0], 10_000);
    expect(first.payload).toMatchObject({ severity: 'error', source: 'payment-processing, api-gateway' });

    // The answer is waited for, so that a late one is not read as the resolve's below.
    expect(await h.answer(PEOPLE.alice, '/incident', `level INC-${inc.id} L1`)).toContain('L1');
    const again = await h.emulator.waitFor(() => h.pd.events({ action: 'trigger', dedupKey: key })[1], 10_000);
    expect(again.payload).toMatchObject({ severity: 'critical', source: 'payment-processing, api-gateway' });
    expect(again.payload.summary).toContain('L1 Critical');
    // Same alert, not a new one: one dedup_key, and the raise pages the teams L1 adds once each.
    expect(h.pd.events({ action: 'trigger', dedupKey: key })).toHaveLength(2);
    await h.emulator.waitFor(() => h.pd.events({ action: 'trigger', dedupKey: `drbot-INC-${inc.id}-dba` }).length === 1, 10_000);
    const pages = await h.bot.store.db.query<{ level: number }>("SELECT level FROM pages WHERE incident_id = $1 AND target = 'core' AND tier = 0", [inc.id]);
    expect(pages.rows).toEqual([{ level: 1 }]);
    expect(await h.answer(PEOPLE.alice, '/incident', `resolve INC-${inc.id}`)).toContain('resolved');
    await h.settled(inc.id);
  }, 40_000);
});
