import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { onCallAt } from '../../src/core/oncall.js';
import { rotationOf, type PagingTeam } from '../../src/paging/schema.js';
import { PEOPLE } from '../helpers/harness.js';
import { KEYS, startPagingHarness, type PagingHarness } from '../helpers/paging.js';
import { sleep } from '../helpers/reminders.js';

// The paging test policy with a 1.2 s acknowledgement timeout for L1 and L2.
const ACK_MS = 1_200;
let h: PagingHarness;
beforeAll(async () => {
  h = await startPagingHarness({
    tune: (p) => {
      p.levels[1].ackTimeoutMs = ACK_MS;
      p.levels[2].ackTimeoutMs = ACK_MS;
    },
  });
});
afterAll(async () => {
  await h?.stop();
});

const core = () => {
  const team = h.bot.policy.teams.core as PagingTeam;
  return onCallAt('core', { members: team.members, rotation: rotationOf(team) }, new Date());
};
const dmFor = (user: string, id: number) => h.dms(user).filter((m) => m.text.includes(`INC-${id} `));
const escalations = (ts: string) => h.threadText(ts).filter((t) => t.includes('No acknowledgement from'));

describe('no acknowledgement within the level’s ack timeout', () => {
  it('pages the secondary, then management (through its PagerDuty), each after the timeout, and says so in the thread', async () => {
    const { primary, secondary } = core();
    const started = Date.now();
    const inc = await h.declare('L2 Primary database offline');
    await h.emulator.waitFor(() => dmFor(primary!, inc.id).length > 0);

    const first = await h.emulator.waitFor(() => escalations(inc.ts)[0], 6_000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(ACK_MS - 100);
    expect(first).toContain(`No acknowledgement from *Core team* (<@${primary}>)`);
    expect(first).toContain(`paging the secondary <@${secondary}> (Slack)`);
    const secondaryDm = await h.emulator.waitFor(() => dmFor(secondary!, inc.id).find((m) => JSON.stringify(m.blocks).includes('as secondary for *Core team*')));
    expect(secondaryDm).toBeDefined();

    const second = await h.emulator.waitFor(() => escalations(inc.ts)[1], 6_000);
    expect(second).toContain(`paging management <@${PEOPLE.maria}> (PagerDuty, Slack)`);
    await h.emulator.waitFor(() => h.pd.events({ action: 'trigger', dedupKey: `drbot-INC-${inc.id}-core-management` }).length === 1);
    const mgmt = h.pd.events({ action: 'trigger', dedupKey: `drbot-INC-${inc.id}-core-management` })[0]!;
    expect(mgmt.routing_key).toBe(KEYS.PD_KEY_MGMT);
    expect(mgmt.payload.summary).toContain('(escalated: Core team did not acknowledge)');
    await h.emulator.waitFor(() => dmFor(PEOPLE.maria, inc.id).some((m) => JSON.stringify(m.blocks).includes('as management: *Core team* did not acknowledge')));

    // Management is the last tier: nothing more, however long nobody answers.
    await sleep(ACK_MS * 2);
    expect(escalations(inc.ts)).toHaveLength(2);

    // The secondary acknowledges: the whole group is acknowledged, both alerts acknowledged in PagerDuty.
    await h.emulator.clickButton({ user: secondary!, actionId: 'page_acknowledge', channel: secondaryDm.channel, messageTs: secondaryDm.ts });
    await h.emulator.waitFor(() => h.pd.events({ action: 'acknowledge' }).length === 2);
    expect(h.pd.events({ action: 'acknowledge' }).map((e) => e.dedup_key).sort()).toEqual([`drbot-INC-${inc.id}-core`, `drbot-INC-${inc.id}-core-management`]);
    const pages = await h.bot.store.db.query<{ tier: number; status: string; acked_by: string }>("SELECT tier, status, acked_by FROM pages WHERE incident_id = $1 AND target = 'core' ORDER BY tier", [inc.id]);
    expect(pages.rows).toEqual([0, 1, 2].map((tier) => ({ tier, status: 'acknowledged', acked_by: secondary })));
    expect(await h.answer(PEOPLE.alice, '/incident', `resolve INC-${inc.id}`)).toContain('resolved');
    await h.settled(inc.id);
  });

  it('an acknowledgement in time stops the escalation', async () => {
    const { primary } = core();
    const inc = await h.declare('L2 Authentication service failure');
    const dm = await h.emulator.waitFor(() => dmFor(primary!, inc.id)[0]);
    await h.emulator.clickButton({ user: primary!, actionId: 'page_acknowledge', channel: dm.channel, messageTs: dm.ts });
    await h.emulator.waitFor(() => h.threadText(inc.ts).find((t) => t.includes('acknowledged the page for *Core team*')));
    await sleep(ACK_MS * 2.5);
    expect(escalations(inc.ts).filter((t) => t.includes('Core team'))).toHaveLength(0);
    expect(await h.answer(PEOPLE.alice, '/incident', `resolve INC-${inc.id}`)).toContain('resolved');
    await h.settled(inc.id);
  });

  it('lowered to a level that pages nobody, its pages stop escalating', async () => {
    const inc = await h.declare('L2 Partner dashboard inaccessible');
    await h.run(PEOPLE.alice, '/incident', `level INC-${inc.id} L3`);
    await sleep(ACK_MS * 2.5);
    expect(escalations(inc.ts)).toHaveLength(0);
    expect(await h.answer(PEOPLE.alice, '/incident', `resolve INC-${inc.id}`)).toContain('resolved');
    await h.settled(inc.id);
  });
});
