/**
 * Follow-ups: recorded with an owner and a due date, on the card after resolve, in the postmortem; unticked
 * checklist items become follow-ups at close; the GitHub Issues export (a strict local peer) is idempotent.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { exportPostmortem } from '../../src/comms/export.js';
import { drPolicy } from '../helpers/dr-policy.js';
import { eventually } from '../helpers/eventually.js';
import { incidentWorkDrained } from '../helpers/drain.js';
import { CHANNELS, PEOPLE, startHarness, type Harness } from '../helpers/harness.js';
import { GitHubPeer } from '../peers/github.js';

const OUTSIDER = 'U0OUTSIDE2';
let h: Harness;
let gh: GitHubPeer;
beforeAll(async () => {
  gh = await new GitHubPeer('boomcard/platform', 'ghp_test_token_0123456789').start();
  const policy = drPolicy();
  policy.followUps.github = { repo: 'boomcard/platform', tokenEnv: 'GH_FOLLOWUP_TOKEN', apiUrl: gh.url, labels: ['dr-followup', 'incident'], timeout: 1_000 };
  h = await startHarness({ policy, env: { GH_FOLLOWUP_TOKEN: 'ghp_test_token_0123456789' }, scheduler: { tickMs: 50, leaseMs: 5_000 } });
  h.emulator.addUser({ id: OUTSIDER, name: 'mallory', real_name: 'Mallory' });
});
afterAll(async () => {
  await h?.stop();
  await gh?.close();
});

const answer = async (user: string, text: string, command = '/incident') => {
  const before = h.emulator.ephemerals({ user }).length;
  await h.run(user, command, text);
  return (await h.emulator.waitFor(() => h.emulator.ephemerals({ user }).slice(before)[0], 15_000)).text;
};
const declare = async (title: string) => {
  const before = h.cards().length;
  await h.run(PEOPLE.alice, '/incident', `declare L3 ${title}`);
  const card = await h.emulator.waitFor(() => h.cards().slice(before).find((m) => /INC-\d+/.test(m.text)), 15_000);
  return { id: Number(/INC-(\d+)/.exec(card.text)![1]), ts: card.ts };
};
const rows = async (id: number) => (await h.bot.store.db.query<{ text: string; owner: string | null; due: string | null; source: string; issue_number: number | null }>("SELECT text, owner, to_char(due, 'YYYY-MM-DD') AS due, source, issue_number FROM follow_ups WHERE incident_id = $1 ORDER BY id", [id])).rows;

describe('follow-ups', () => {
  it('bad input is refused with the reason and nothing is stored; people without a role may not add them', async () => {
    const inc = await declare('Follow-up input checks');
    expect(await answer(PEOPLE.alice, `followup INC-${inc.id}`)).toContain('Say what should be done.');
    expect(await answer(PEOPLE.alice, `followup INC-${inc.id} Fix alerts --due 2026-02-30`)).toContain('"2026-02-30" is not a date');
    expect(await answer(PEOPLE.alice, `followup INC-${inc.id} Fix alerts --due 2020-01-01`)).toContain('2020-01-01 is in the past');
    expect(await answer(PEOPLE.alice, `followup INC-${inc.id} Fix alerts --due`)).toContain('--due needs a date');
    expect(await answer(PEOPLE.alice, `followup INC-${inc.id} Fix alerts @bob`)).toContain('Nobody called @bob');
    expect(await answer(PEOPLE.alice, `followup INC-${inc.id} Fix alerts --owner x`)).toContain('Unknown option --owner');
    expect(await answer(OUTSIDER, `followup INC-${inc.id} Sneak in`)).toContain('Only');
    expect(await rows(inc.id)).toEqual([]);
    expect(await answer(PEOPLE.alice, `resolve INC-${inc.id} Nothing to do`)).toContain('resolved');
    expect(await answer(PEOPLE.alice, `close INC-${inc.id} Input checks only`)).toContain('closed');
    await incidentWorkDrained(h.bot.store.db, inc.id);
  });

  it('recorded with owner and due date; on the card after resolve; in the postmortem; unticked checklist items become follow-ups at close', async () => {
    const inc = await declare('Replica lag alerts missing');
    expect(await answer(PEOPLE.alice, `followup INC-${inc.id} Alert on replica lag above 30 s <@${PEOPLE.dmitri}> --due 2099-12-15`)).toMatch(/Follow-up \*F\d+\* recorded for \*INC-\d+\*, owned by <@U0DBA0001>, due 2099-12-15/);
    await h.emulator.waitFor(() => h.emulator.thread(CHANNELS.incidents, inc.ts).find((m) => m.text.includes('added a follow-up')), 15_000);
    // While the incident is open the card does not list them.
    await incidentWorkDrained(h.bot.store.db, inc.id);
    expect(JSON.stringify(h.cards().find((m) => m.ts === inc.ts)!.blocks)).not.toContain('Follow-ups');

    expect(await answer(PEOPLE.alice, `resolve INC-${inc.id} Lag alert added by hand`)).toContain('resolved');
    await h.emulator.waitFor(() => h.cards().find((m) => m.ts === inc.ts && JSON.stringify(m.blocks).includes('*Follow-ups* (1 open)')), 15_000);
    // Written after the fact, without naming the incident: the one resolved incident is meant.
    expect(await answer(PEOPLE.ivan, 'followup Runbook: how to read the <!channel> lag graph')).toContain(`for *INC-${inc.id}*`);
    const card = await h.emulator.waitFor(() => h.cards().find((m) => m.ts === inc.ts && JSON.stringify(m.blocks).includes('*Follow-ups* (2 open)')), 15_000);
    expect(JSON.stringify(card.blocks)).toContain('&lt;!channel&gt;');
    expect(JSON.stringify(card.blocks)).toContain(`<@${PEOPLE.dmitri}> · due 2099-12-15`);

    expect(await answer(PEOPLE.alice, `close INC-${inc.id} Rest moved to follow-ups`)).toContain('closed');
    const all = await rows(inc.id);
    expect(all.slice(0, 2)).toEqual([
      { text: 'Alert on replica lag above 30 s', owner: PEOPLE.dmitri, due: '2099-12-15', source: 'manual', issue_number: null },
      { text: 'Runbook: how to read the <!channel> lag graph', owner: null, due: null, source: 'manual', issue_number: null },
    ]);
    const fromChecklist = all.filter((f) => f.source === 'checklist');
    expect(fromChecklist.length).toBeGreaterThan(0);
    expect(fromChecklist.map((f) => f.text)).toContain('Checklist not verified: Payment processing functional');
    const commander = (await h.bot.store.incidents.get(inc.id))!.roles.incident_commander;
    expect(fromChecklist.every((f) => f.owner === commander)).toBe(true);

    const md = (await exportPostmortem(h.bot.store, h.bot.policy, inc.id, new Date()))!;
    expect(md).toContain('## Follow-ups');
    expect(md).toMatch(/\| F\d+ \| Alert on replica lag above 30 s \| @U0DBA0001 \| 2099-12-15 \| open \| – \|/);
    expect(md).toContain('Checklist not verified: Payment processing functional _(checklist)_');
    // Closed: no more follow-ups on it.
    expect(await answer(PEOPLE.alice, `followup INC-${inc.id} Too late`)).toContain('is closed');
  });

  it('GitHub export: one issue per follow-up, once — a lost answer is adopted, not re-created; a second export adds nothing; states sync when listed', async () => {
    const inc = await declare('Export checks');
    for (const t of ['Add a lag alert', 'Rotate the replica credentials', 'Write the runbook page']) expect(await answer(PEOPLE.alice, `followup INC-${inc.id} ${t}`)).toContain('recorded');
    expect(await answer(OUTSIDER, `followups INC-${inc.id} export`)).toContain('Only');
    gh.loseAnswers = 1; // GitHub creates the first issue, but its answer never arrives.
    expect(await answer(PEOPLE.alice, `followups INC-${inc.id} export`)).toContain('Exporting 3 follow-ups');
    expect(await answer(PEOPLE.alice, `followups INC-${inc.id} export`)).toMatch(/Exporting|already exported/);
    await eventually(async () => (await rows(inc.id)).every((f) => f.issue_number !== null), 30_000);
    await incidentWorkDrained(h.bot.store.db, inc.id);
    expect(gh.issues).toHaveLength(3);
    expect(gh.requests.filter((r) => r.method === 'POST' && r.answered === 'timeout')).toHaveLength(1);
    expect(gh.issues.map((i) => i.title).sort()).toEqual([`[INC-${inc.id}] Add a lag alert`, `[INC-${inc.id}] Rotate the replica credentials`, `[INC-${inc.id}] Write the runbook page`]);
    expect(gh.issues.every((i) => i.labels.map((l) => l.name).join(',') === 'dr-followup,incident' && /<!-- dr-bot follow-up F\d+ INC-\d+ -->/.test(i.body ?? ''))).toBe(true);
    expect(await answer(PEOPLE.alice, `followups INC-${inc.id} export`)).toContain('already exported');
    await incidentWorkDrained(h.bot.store.db, inc.id);
    expect(gh.issues).toHaveLength(3);
    expect(h.emulator.thread(CHANNELS.incidents, inc.ts).filter((m) => m.text.includes('is GitHub issue'))).toHaveLength(3);

    gh.closeIssue(2);
    const listed = await answer(PEOPLE.ivan, `followups INC-${inc.id}`);
    expect(listed.split('\n').filter((l) => l.startsWith(':ballot_box_with_check:'))).toHaveLength(1);
    expect(listed).toContain(`<https://github.com/boomcard/platform/issues/2|#2>`);
    expect(await answer(PEOPLE.alice, `resolve INC-${inc.id} Done`)).toContain('resolved');
    await incidentWorkDrained(h.bot.store.db, inc.id);
  }, 90_000);
});
