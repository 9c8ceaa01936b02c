import { incidentWorkDrained } from '../helpers/drain.js';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CHANNELS, PEOPLE, startHarness, type Harness } from '../helpers/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  await h.run(PEOPLE.alice, '/incident', 'declare L2 API gateway partial failure');
  await h.emulator.waitFor(() => h.cards()[0]);
  await settled();
});

const settled = () => incidentWorkDrained(h.bot.store.db);
afterAll(async () => {
  await h?.stop();
});

/** Rows in every table the commands write: bad input must leave them exactly as they were. */
async function footprint(): Promise<string> {
  const q = await h.bot.store.db.query<{ i: number; r: number; t: number; u: string | null }>(
    `SELECT (SELECT count(*) FROM incidents)::int AS i, (SELECT count(*) FROM incident_roles)::int AS r,
            (SELECT count(*) FROM timeline)::int AS t, (SELECT string_agg(coalesce(last_update_text, '-'), ',') FROM incidents) AS u`,
  );
  return JSON.stringify(q.rows[0]) + h.cards().length + h.emulator.allMessages().length;
}

/** The answer the user sees, whether it came with the ack or later through response_url. */
async function answer(user: string, text: string, channel: string = CHANNELS.incidents): Promise<string> {
  const before = h.emulator.ephemerals({ user }).length;
  const reply = await h.run(user, '/incident', text, channel);
  expect(reply.status).toBe(200);
  const e = await h.emulator.waitFor(() => h.emulator.ephemerals({ user }).slice(before)[0]);
  return e.text;
}

describe('bad input gets a private answer naming the problem and the usage; nothing is written', () => {
  const cases: Array<[string, string, RegExp]> = [
    ['unknown level', 'declare L7 Payments down', /"L7" is not a level\. Start with one of L1 Critical \(immediate\)/],
    ['no level', 'declare Payments down', /"Payments" is not a level/],
    ['empty title', 'declare L1', /The title is empty/],
    ['5,000-character title', `declare L1 ${'x'.repeat(5000)}`, /5000 characters long; keep it to 150/],
    ['@channel in a title', 'declare L1 Payments down <!channel>', /cannot contain mentions/],
    ['a user mention in a title', 'declare L1 Ask <@U123|bob> about payments', /cannot contain mentions/],
    ['unknown service', 'declare L1 Payments down --services mainframe', /Unknown service "mainframe"/],
    ['unknown option', 'declare L1 Payments down --sevrity 1', /Unknown option --sevrity/],
    ['a control character', 'declare L1 Payments\u0000down', /contains NUL \(U\+0000\), an invisible control character/],
    ['unknown subcommand', 'delcare L1 Payments down', /`\/incident delcare` is not a command\. Did you mean `\/incident declare`\?/],
    ['mistyped service', 'declare L1 Payments down --services payment-procesing', /Unknown service "payment-procesing"\. Did you mean `payment-processing`\?/],
    ['mistyped role', `assign dab <@${PEOPLE.dmitri}|dmitri>`, /"dab" is not a role\. Did you mean `dba`\?/],
    ['an @name that names nobody', 'assign dba @bob', /Nobody called @bob is in this workspace/],
    ['unknown role', `assign janitor <@${PEOPLE.dmitri}|dmitri>`, /"janitor" is not a role\. Roles: Incident Commander, Technical Lead/],
    ['assign without a person', 'assign dba', /Say which role and who/],
    ['assign to a non-mention', 'assign dba dmitri', /"dmitri" is not a person/],
    ['a user that does not exist', 'assign dba <@U0NOBODY1|ghost> INC-1', /There is no user U0NOBODY1 in this workspace/],
    ['a bot as a role holder', 'assign dba <@U0ROBOT01|deploybot> INC-1', /is a bot; roles go to people/],
    ['unknown incident', 'update INC-999 Still broken', /INC-999 does not exist/],
    ['unknown incident for level', 'level INC-999 L1', /INC-999 does not exist/],
    ['bad level value', 'level INC-1 L9', /"L9" is not a level; use L1, L2, L3 or L4/],
    ['same level', 'level INC-1 L2', /INC-1 is already L2/],
    ['empty update', 'update INC-1', /The update is empty/],
    ['bad status', 'update INC-1 Looking --status fixed', /"fixed" is not a status; use investigating, identified, monitoring/],
    ['not an incident ref', 'status payments', /"payments" is not an incident/],
    ['list with arguments', 'list everything', /`list` takes no arguments/],
  ];

  it.each(cases)('%s', async (_name, text, problem) => {
    const before = await footprint();
    // A standing Incident Commander, so that what is tested is the input, not the permission.
    const said = await answer(PEOPLE.maria, text);
    expect(said).toMatch(problem);
    expect(said).toMatch(/Usage: `\/incident /);
    expect(await footprint()).toBe(before);
  });

  it('a command outside the incident channel with no INC-n lists the candidates', async () => {
    await h.run(PEOPLE.alice, '/incident', 'declare L3 Reporting system offline');
    await h.emulator.waitFor(() => h.cards().length === 2 || undefined);
    await settled();
    const before = await footprint();
    const elsewhere = await answer(PEOPLE.georgi, 'update Looking into it', CHANNELS.general);
    expect(elsewhere).toContain('No open incident belongs to this channel; name one:');
    expect(elsewhere).toContain('*INC-1* (L2) API gateway partial failure');
    expect(elsewhere).toContain('*INC-2* (L3) Reporting system offline');
    const ambiguous = await answer(PEOPLE.maria, 'resolve');
    expect(ambiguous).toContain('Several incidents are open here, so say which one');
    expect(await footprint()).toBe(before);
  });

  it('text as Slack sends it (& < > escaped) is stored as typed and shown once-escaped', async () => {
    await h.run(PEOPLE.georgi, '/incident', 'update INC-1 p99 &gt; 5s &amp; error rate &lt; 1%');
    const card = h.cards()[0]!;
    const reply = await h.emulator.waitFor(() => h.emulator.thread(CHANNELS.incidents, card.ts).find((m) => m.text.includes('p99')));
    expect(reply.text).toContain('p99 &gt; 5s &amp; error rate &lt; 1%');
    expect((await h.bot.store.incidents.get(1))!.lastUpdateText).toBe('p99 > 5s & error rate < 1%');
  });

  it('user text never pings anyone: mentions in updates are shown, escaped', async () => {
    await h.run(PEOPLE.georgi, '/incident', 'update INC-1 Tell <!channel> and <@U0MGR0001> & <!subteam^S123> now');
    const card = h.cards()[0]!;
    const reply = await h.emulator.waitFor(() => h.emulator.thread(CHANNELS.incidents, card.ts).find((m) => m.text.includes('Tell')));
    expect(reply.text).toContain('Tell &lt;!channel&gt; and &lt;@U0MGR0001&gt; &amp; &lt;!subteam^S123&gt; now');
    expect(reply.text).not.toMatch(/<!channel>|<@U0MGR0001>|<!subteam/);
    const updated = await h.emulator.waitFor(() => (h.cards()[0]!.edited ? h.cards()[0] : undefined));
    expect(JSON.stringify(updated!.blocks)).not.toMatch(/<!channel>|<@U0MGR0001>/);
  });
});
