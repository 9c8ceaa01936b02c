import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createLogger } from '../../src/observability/logger.js';
import { Scheduler } from '../../src/scheduler/ticker.js';
import { eventually } from '../helpers/eventually.js';
import { CHANNELS, PEOPLE, startHarness, type Harness } from '../helpers/harness.js';
import { DEMO_PEOPLE } from '../../src/sandbox/demo-workspace.js';

/** A clock the test moves, so every duration in the postmortem is known exactly. */
const clock = { t: Date.parse('2026-11-25T10:00:00Z'), now: () => new Date(clock.t), advance: (min: number) => (clock.t += min * 60_000) };

let h: Harness;
let scheduler: Scheduler;
beforeAll(async () => {
  h = await startHarness({ clock, scheduler: false });
  // Cards and thread lines are jobs; reminders are left out (this clock stands still between steps).
  const { reminder: _reminder, ...jobs } = h.bot.jobs;
  scheduler = new Scheduler({ db: h.bot.store.db, clock, log: createLogger('silent'), jobs, tickMs: 50 });
  scheduler.start();
});
afterAll(async () => {
  await scheduler?.stop();
  await h?.stop();
});

async function step(min: number, user: string, text: string, until: () => Promise<unknown>): Promise<void> {
  clock.advance(min);
  await h.run(user, '/incident', text);
  await eventually(until as () => Promise<boolean>);
}
const kinds = async () => (await h.bot.store.timeline(1)).map((e) => e.kind);
const has = (k: string, n = 1) => async () => (await kinds()).filter((x) => x === k).length >= n;

describe('a scripted incident exported as a postmortem', () => {
  it('holds every event in order with the right durations; the CLI prints the same', async () => {
    await step(0, PEOPLE.alice, 'declare L2 Primary database offline --services payment-processing --description "Primary unreachable since 09:58"', has('declared'));
    await step(2, PEOPLE.dmitri, 'update INC-1 Looking at the primary; replica is healthy', has('update'));
    await step(3, PEOPLE.alice, `assign dba <@${PEOPLE.dmitri}|dmitri> INC-1`, has('role_assigned'));
    await step(5, PEOPLE.alice, 'level INC-1 L1', has('level_changed'));
    await step(10, PEOPLE.dmitri, 'update INC-1 Promoted production-replica-1; apps repointed --status monitoring', has('update', 2));
    clock.advance(5);
    await h.run(PEOPLE.georgi, '/incident', 'comms customer INC-1');
    const view = await h.emulator.waitFor(() => h.emulator.openViews(PEOPLE.georgi).find((v) => v.callback_id === 'incident_comms'));
    await h.emulator.submitView({ user: PEOPLE.georgi, viewId: view.id, values: { expected: 'within the hour' } });
    await eventually(has('comms_prepared'));
    await step(15, PEOPLE.alice, 'resolve INC-1 Failed over to production-replica-1', async () => (await h.bot.store.checklist.list(1)).length === 8);
    clock.advance(5);
    const card = h.cards()[0]!;
    const checklist = await h.emulator.waitFor(() => h.emulator.thread(CHANNELS.incidents, card.ts).find((m) => m.text.includes('post-recovery checklist')));
    const ids = (await h.bot.store.checklist.list(1)).map((i) => i.itemId);
    await h.emulator.clickButton({ user: PEOPLE.dmitri, channel: CHANNELS.incidents, messageTs: checklist.ts, actionId: 'checklist_toggle_0', selectedOptions: ids });
    await eventually(has('closed'));

    clock.advance(60);
    await h.run(PEOPLE.alice, '/incident', 'timeline INC-1');
    const file = await h.emulator.waitFor(() => h.emulator.thread(CHANNELS.incidents, card.ts).find((m) => m.files?.[0]?.name === 'INC-1-postmortem.md'));
    const md = file.files![0]!.content!;

    const rows = md.split('## Timeline')[1]!.split('\n## ')[0]!.split('\n').filter((l) => /^\| \d\d:/.test(l));
    const expected: Array<[string, string, RegExp]> = [
      ['10:00:00', '0 s', /Declared L2 High by @U0IC00001: "Primary database offline"/],
      ['10:02:00', '2 min', /Update by @U0DBA0001 \[investigating\]: Looking at the primary/],
      ['10:05:00', '5 min', /@U0DBA0001 became Database Administrator, by @U0IC00001/],
      ['10:10:00', '10 min', /Escalated from L2 High to L1 Critical by @U0IC00001/],
      ['10:20:00', '20 min', /Update by @U0DBA0001 \[monitoring\]: Promoted production-replica-1/],
      ['10:20:00', '20 min', /Status investigating → monitoring/],
      ['10:25:00', '25 min', /customer message prepared by @U0COM0001/],
      ['10:40:00', '40 min', /Resolved by @U0IC00001: Failed over to production-replica-1/],
    ];
    for (const [i, [time, since, what]] of expected.entries()) {
      expect(rows[i]).toMatch(new RegExp(`^\\| ${time} \\| ${since} \\| `));
      expect(rows[i]).toMatch(what);
    }
    const ticks = rows.slice(expected.length, expected.length + 8);
    expect(ticks.every((r) => /^\| 10:45:00 \| 45 min \| Checklist ".+" ticked by @U0DBA0001/.test(r))).toBe(true);
    expect(rows[expected.length + 8]).toMatch(/^\| 10:45:00 \| 45 min \| Closed by @U0DBA0001 \(checklist complete\)/);
    expect(rows).toHaveLength(expected.length + 9);

    // Against the L1 objectives (ack 5 min, mitigate 1 h, resolve 4 h) after the escalation.
    expect(md).toContain('| Acknowledged | 2 min | 5 min | yes |');
    expect(md).toContain('| Mitigated | 20 min | 1 h | yes |');
    expect(md).toContain('| Resolved | 40 min | 4 h | yes |');
    expect(md).toContain('- [x] Database replication lag < 1 second — @U0DBA0001');
    expect(md).toContain('## Communications');

    const cli = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/postmortem-cli.ts', 'INC-1'], {
      env: { ...process.env, NODE_OPTIONS: '', DATABASE_URL: h.databaseUrl },
    });
    // The same postmortem, with the people's names where the file has their ids (no Slack here: the local workspace's people).
    expect(cli.stdout).toBe(md.replace(/@(U[A-Z0-9]+)\b/g, (id, u: string) => `@${DEMO_PEOPLE.find((p) => p.id === u)?.name ?? id.slice(1)}`));
    expect(cli.stdout).toContain('Resolved by @alice: Failed over to production-replica-1');
    expect(cli.stdout).not.toMatch(/@U0(IC|DBA)/);
  }, 60_000);
});
