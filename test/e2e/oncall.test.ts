import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { onCallAt } from '../../src/core/oncall.js';
import { rotationOf, type PagingTeam } from '../../src/paging/schema.js';
import { PEOPLE } from '../helpers/harness.js';
import { KEYS, startPagingHarness, type PagingHarness } from '../helpers/paging.js';
import { sleep } from '../helpers/reminders.js';

let h: PagingHarness;
beforeAll(async () => {
  h = await startPagingHarness();
});
afterAll(async () => {
  await h?.stop();
});

const coreNow = () => {
  const team = h.bot.policy.teams.core as PagingTeam;
  return onCallAt('core', { members: team.members, rotation: rotationOf(team) }, new Date());
};

describe('/oncall', () => {
  it('lists every team: who is on call, the secondary, the next hand-over, the routes', async () => {
    const text = JSON.stringify((await answerBlocks(PEOPLE.georgi, '/oncall', '')).blocks);
    const { primary, secondary, nextHandover } = coreNow();
    expect(text).toContain(`*Core team* (\`core\`) — on call: <@${primary}> · secondary <@${secondary}> · next hand-over <!date^${Math.floor(nextHandover!.at.getTime() / 1000)}`);
    expect(text).toContain(`→ <@${nextHandover!.to}> (Mondays 09:00 Europe/Sofia)`);
    expect(text).toContain(`*DBA team* (\`dba\`) — on call: <@${PEOPLE.dmitri}> · secondary <@${PEOPLE.ivan}> · no rotation: the first member · pages via PagerDuty, Opsgenie (EU), Slack DM`);
    for (const team of ['Infrastructure team', 'Management', 'Communications', 'On-call team', 'Standard support']) expect(text).toContain(`*${team}*`);
  });

  it('/oncall <team> shows one team; an unknown team is answered at once with the list', async () => {
    const one = JSON.stringify((await answerBlocks(PEOPLE.georgi, '/oncall', 'DBA')).blocks);
    expect(one).toContain('*DBA team*');
    expect(one).not.toContain('*Core team*');
    expect(await h.answer(PEOPLE.georgi, '/oncall', 'janitors')).toMatch(/"janitors" is not a team\. Teams: core, dba, infrastructure, management[\s\S]*Usage: `\/oncall \[team\]`/);
    expect(await h.answer(PEOPLE.georgi, '/oncall', 'help')).toBe('/oncall commands');
  });

  it('override: a team member hands the pager over for a while; recorded; /oncall and pages follow it', async () => {
    expect(await h.answer(PEOPLE.dmitri, '/oncall', `override dba <@${PEOPLE.georgi}|georgi> 2h`)).toMatch(new RegExp(`<@${PEOPLE.georgi}> is on call for \\*DBA team\\* instead of <@${PEOPLE.dmitri}> until .* \\(2 h\\)\\. Recorded`));
    const row = (await h.bot.store.db.query<{ team: string; user_id: string; created_by: string; hours: number }>(
      'SELECT team, user_id, created_by, extract(epoch FROM ends_at - starts_at)::int / 3600 AS hours FROM oncall_overrides',
    )).rows;
    expect(row).toEqual([{ team: 'dba', user_id: PEOPLE.georgi, created_by: PEOPLE.dmitri, hours: 2 }]);
    const shown = JSON.stringify((await answerBlocks(PEOPLE.alice, '/oncall', 'dba')).blocks);
    expect(shown).toMatch(new RegExp(`on call: <@${PEOPLE.georgi}> _\\(override until <!date\\^\\d+.*secondary <@${PEOPLE.dmitri}>`));

    const inc = await h.declare('L3 Replication lag on the reporting replica');
    expect(await h.answer(PEOPLE.alice, '/incident', `page INC-${inc.id} dba Replica lag 40 s, need a DBA`)).toMatch(new RegExp(`Paged \\*DBA team\\*: <@${PEOPLE.georgi}> through PagerDuty, Opsgenie, Slack for \\*INC-${inc.id}\\*`));
    const dm = await h.emulator.waitFor(() => h.dms(PEOPLE.georgi).find((m) => m.text.includes(`INC-${inc.id} `)));
    expect(JSON.stringify(dm.blocks)).toContain(`<@${PEOPLE.alice}> says:\\n> Replica lag 40 s, need a DBA`);
    await h.emulator.waitFor(() => h.pd.events({ action: 'trigger', dedupKey: `drbot-INC-${inc.id}-dba` }).length === 1);
    // An L3 manual page is a warning in PagerDuty, P3 in Opsgenie.
    expect(h.pd.events({ dedupKey: `drbot-INC-${inc.id}-dba` })[0]).toMatchObject({ routing_key: KEYS.PD_KEY_DBA, payload: { severity: 'warning', custom_details: { message: 'Replica lag 40 s, need a DBA' } } });
    await h.emulator.waitFor(() => h.opsEu.calls().some((c) => c.alias === `drbot-INC-${inc.id}-dba` && c.body.priority === 'P3'));
    const line = await h.emulator.waitFor(() => h.threadText(inc.ts).find((t) => t.includes(`<@${PEOPLE.alice}> paged`) && t.includes('*DBA team*')));
    expect(line).toContain(`*DBA team* <@${PEOPLE.georgi}> (PagerDuty, Opsgenie, Slack)`);
    expect(line).toContain('> Replica lag 40 s, need a DBA');

    // The same team again while its page is open: said, not sent twice.
    expect(await h.answer(PEOPLE.alice, '/incident', `page INC-${inc.id} dba`)).toMatch(/DBA team was already paged for INC-\d+ .* and has not acknowledged yet/);
    expect(await h.answer(PEOPLE.alice, '/incident', `resolve INC-${inc.id}`)).toContain('resolved');
    await h.settled(inc.id);
  });

  it('override is refused to people outside the team (unless Incident Commander) and for bad input', async () => {
    expect(await h.answer(PEOPLE.georgi, '/oncall', `override dba <@${PEOPLE.georgi}|georgi> 1h`)).toMatch(/Only members of the DBA team or an Incident Commander/);
    expect(await h.answer(PEOPLE.alice, '/oncall', `override nope <@${PEOPLE.georgi}|georgi> 1h`)).toMatch(/"nope" is not a team/);
    expect(await h.answer(PEOPLE.alice, '/oncall', `override dba georgi 1h`)).toMatch(/"georgi" is not a person/);
    expect(await h.answer(PEOPLE.alice, '/oncall', `override dba <@${PEOPLE.georgi}|georgi> soon`)).toMatch(/"soon" is not a duration/);
    expect(await h.answer(PEOPLE.alice, '/oncall', `override dba <@${PEOPLE.georgi}|georgi> 30d`)).toMatch(/between 1 min and 14 d/);
    expect(await h.answer(PEOPLE.alice, '/oncall', `override dba <@U0NOBODY1|ghost> 1h`)).toMatch(/There is no user U0NOBODY1 in this workspace/);
    const n = await h.bot.store.db.query<{ n: number }>('SELECT count(*)::int AS n FROM oncall_overrides');
    expect(n.rows[0]!.n).toBe(1);
  });
});

describe('/incident page', () => {
  it('pages one person by DM with the message; the DM’s Acknowledge works; nothing reaches a provider', async () => {
    const inc = await h.declare('L3 Analytics engine failure');
    const before = h.pd.requests.length + h.opsEu.requests.length + h.opsUs.requests.length;
    expect(await h.answer(PEOPLE.alice, '/incident', `page INC-${inc.id} <@${PEOPLE.maria}|maria> Customer-facing for 20 min`)).toContain(`Paged <@${PEOPLE.maria}> through Slack for *INC-${inc.id}*`);
    const dm = await h.emulator.waitFor(() => h.dms(PEOPLE.maria).find((m) => m.text.includes(`INC-${inc.id} `)));
    expect(JSON.stringify(dm.blocks)).toContain('You are paged directly');
    await h.emulator.clickButton({ user: PEOPLE.maria, actionId: 'page_acknowledge', channel: dm.channel, messageTs: dm.ts });
    await h.emulator.waitFor(() => h.threadText(inc.ts).find((t) => t.includes(`<@${PEOPLE.maria}> acknowledged the page for *<@${PEOPLE.maria}>*`)));
    await sleep(300);
    expect(h.pd.requests.length + h.opsEu.requests.length + h.opsUs.requests.length).toBe(before);
    expect(await h.answer(PEOPLE.alice, '/incident', `resolve INC-${inc.id}`)).toContain('resolved');
    await h.settled(inc.id);
  });

  it('bad input: unknown team, nobody named, a user outside the workspace, a bot, a resolved incident', async () => {
    const inc = await h.declare('L4 Scheduled maintenance issue');
    expect(await h.answer(PEOPLE.alice, '/incident', 'page janitors now please')).toMatch(/"janitors" is neither a team nor an @person\. Teams: core, dba[\s\S]*Usage: `\/incident page/);
    expect(await h.answer(PEOPLE.alice, '/incident', 'page')).toMatch(/Say whom to page: a team \(core, dba/);
    expect(await h.answer(PEOPLE.alice, '/incident', `page INC-${inc.id} <@U0NOBODY1|ghost> hello`)).toMatch(/There is no user U0NOBODY1 in this workspace/);
    expect(await h.answer(PEOPLE.alice, '/incident', `page INC-${inc.id} <@U0ROBOT01|deploybot>`)).toMatch(/is a bot; pages go to people/);
    expect(await h.answer(PEOPLE.alice, '/incident', `page INC-${inc.id} dba ${'x'.repeat(1_100)}`)).toMatch(/keep it to 1000/);
    expect(await h.answer(PEOPLE.alice, '/incident', `resolve INC-${inc.id}`)).toContain('resolved');
    expect(await h.answer(PEOPLE.alice, '/incident', `page INC-${inc.id} dba`)).toMatch(/INC-\d+ is resolved; there is nobody to page for it/);
    const pages = await h.bot.store.db.query<{ n: number }>('SELECT count(*)::int AS n FROM pages WHERE incident_id = $1', [inc.id]);
    expect(pages.rows[0]!.n).toBe(0);
  });
});

async function answerBlocks(user: string, command: string, text: string) {
  const before = h.emulator.ephemerals({ user }).length;
  await h.run(user, command, text);
  return h.emulator.waitFor(() => h.emulator.ephemerals({ user }).slice(before)[0]);
}
