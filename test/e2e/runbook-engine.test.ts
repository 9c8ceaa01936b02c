import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { UserError } from '../../src/core/errors.js';
import type { Runbook } from '../../src/runbooks/types.js';
import type { Action } from '../../src/store/actions.js';
import { drPolicy } from '../helpers/dr-policy.js';
import { eventually } from '../helpers/eventually.js';
import { CHANNELS, PEOPLE, startHarness, type Harness } from '../helpers/harness.js';
import { blockText } from '../helpers/slack-views.js';

// A trivial runbook that records what ran: the engine's guarantees, without a database to fail over.
const ran: string[] = [];
let release: () => void = () => undefined;
const testRunbook: Runbook<{ target?: string; fail?: boolean; block?: boolean; bad?: boolean }> = {
  id: 'test-noop',
  title: 'Test action',
  destructive: true,
  requestRoles: ['incident_commander', 'dba'],
  approveRoles: ['incident_commander', 'dba'],
  async plan(_ctx, a) {
    if (a.bad) throw new UserError('That replica does not exist.');
    return { target: a.target ?? 'thing', summary: 'Does two harmless things', facts: [['Thing', 'answers']], warnings: ['Only a test'], data: { ...a } };
  },
  steps: (plan) => [
    {
      id: 'one',
      title: 'Step one',
      run: async () => {
        ran.push(`one:${plan.target}`);
        return 'did one';
      },
    },
    {
      id: 'two',
      title: 'Step two',
      run: async () => {
        if (plan.data.block) await new Promise<void>((r) => (release = r));
        if (plan.data.fail) throw new Error('disk full');
        ran.push(`two:${plan.target}`);
      },
    },
  ],
};

let h: Harness;
let cardTs: string;
beforeAll(async () => {
  h = await startHarness({ policy: drPolicy(), env: { SCHEDULER_TICK_MS: '100' } });
  h.bot.actions.register(testRunbook);
  await h.run(PEOPLE.alice, '/incident', 'declare L1 Primary database down');
  cardTs = (await h.emulator.waitFor(() => h.cards().find((m) => m.text.includes('Primary database down')))).ts;
  // The card is recorded on the incident just after it is posted; plans go to its thread.
  await eventually(async () => (await h.bot.store.incidents.get(1))?.cardTs);
});
afterAll(async () => {
  release();
  await h?.stop();
});

async function propose(user: string, args: Record<string, unknown> = {}, dryRun = false): Promise<{ action?: Action; replies: string[] }> {
  const replies: string[] = [];
  const reply = async (m: string | { text: string; blocks?: unknown[] }) => void replies.push(typeof m === 'string' ? m : `${m.text}\n${blockText(m as never)}`);
  const action = await h.bot.actions.propose({ userId: user, channelId: CHANNELS.incidents, reply }, 'test-noop', args, { dryRun, usage: '/dr test' });
  return { action, replies };
}
const card = (a: Action) => h.emulator.thread(CHANNELS.incidents, cardTs).find((m) => m.ts === a.messageTs)!;
const click = (user: string, a: Action, what: 'confirm' | 'cancel' = 'confirm') =>
  h.emulator.clickButton({ user, actionId: `dr_action_${what}`, value: String(a.id), channel: CHANNELS.incidents });
const ephemeral = (user: string, text: string) => h.emulator.waitFor(() => h.emulator.ephemerals({ user }).find((e) => e.text.includes(text)));
const kinds = async (a: Action) => (await h.bot.store.timeline(a.incidentId)).filter((e) => e.data.action === a.id).map((e) => `${e.kind}:${e.actor}`);

describe('guarded actions: plan, confirm, run', () => {
  it('posts the plan card in the incident thread; the requester alone and a person without the role are refused; a second person runs it', async () => {
    const { action: a, replies } = await propose(PEOPLE.alice);
    expect(a!.status).toBe('proposed');
    expect(replies[0]).toContain(`Plan #${a!.id}`);
    const plan = blockText(card(a!));
    expect(plan).toContain('Test action');
    expect(plan).toContain('Only a test');
    expect(plan).toContain('two-person rule');
    expect(plan).toMatch(/white_small_square: 1\. Step one/);

    await click(PEOPLE.alice, a!);
    await ephemeral(PEOPLE.alice, 'L1 incidents need a second person');
    await click(PEOPLE.georgi, a!);
    await ephemeral(PEOPLE.georgi, 'Only an Incident Commander or a Database Administrator');
    expect(ran).toEqual([]);
    expect((await h.bot.actions.mustGet(a!.id)).status).toBe('proposed');

    await click(PEOPLE.dmitri, a!);
    const done = await h.emulator.waitFor(() => (blockText(card(a!)).includes('Done in') ? card(a!) : undefined));
    expect((blockText(done).match(/:white_check_mark: \d\./g) ?? []).length).toBe(2);
    expect(done.blocks?.some((b) => b.type === 'actions')).toBe(false);
    expect(ran).toEqual(['one:thing', 'two:thing']);
    const row = await h.bot.actions.mustGet(a!.id);
    expect(row).toMatchObject({ status: 'succeeded', approvedBy: PEOPLE.dmitri, steps: [{ status: 'ok', detail: 'did one' }, { status: 'ok' }] });
    expect(await kinds(a!)).toEqual([
      `action_requested:${PEOPLE.alice}`,
      `action_refused:${PEOPLE.alice}`,
      `action_refused:${PEOPLE.georgi}`,
      `action_approved:${PEOPLE.dmitri}`,
      'action_step:dr-bot',
      'action_step:dr-bot',
      'action_succeeded:dr-bot',
    ]);
    await h.emulator.waitFor(() => h.emulator.thread(CHANNELS.incidents, cardTs).find((m) => m.text.includes(`Action #${a!.id} (Test action) is done`)));
  });

  it('50 concurrent Confirm clicks run it exactly once; every other click is told why', async () => {
    ran.length = 0;
    const { action: a } = await propose(PEOPLE.alice, { target: 'fifty' });
    const approvers = [PEOPLE.dmitri, PEOPLE.maria, PEOPLE.ivan];
    const replies = await Promise.all(Array.from({ length: 50 }, (_, i) => click(approvers[i % 3]!, a!)));
    expect(replies.every((r) => r.status === 200)).toBe(true);
    await h.emulator.waitFor(() => (blockText(card(a!)).includes('Done in') ? true : undefined), 15_000);
    await h.emulator.waitFor(() => approvers.flatMap((u) => h.emulator.ephemerals({ user: u })).filter((e) => new RegExp(`Plan #${a!.id} (was already confirmed|already ran)`).test(e.text)).length === 49 || undefined, 15_000);
    expect(ran).toEqual(['one:fifty', 'two:fifty']);
    expect((await kinds(a!)).filter((k) => k.startsWith('action_approved'))).toHaveLength(1);
  }, 30_000);

  it('a failing step stops the run, shows the error, and runs nothing after it', async () => {
    const { action: a } = await propose(PEOPLE.dmitri, { target: 'failing', fail: true });
    await click(PEOPLE.alice, a!);
    const failed = await h.emulator.waitFor(() => (blockText(card(a!)).includes('Failed') ? card(a!) : undefined));
    expect(blockText(failed)).toMatch(/:x: 2\. Step two — [\d.]+ s — \*disk full\*/);
    expect(await h.bot.actions.mustGet(a!.id)).toMatchObject({ status: 'failed', error: 'Step two: disk full' });
    expect(await kinds(a!)).toContain('action_failed:dr-bot');
  });

  it('one running action per target: a second plan is refused naming the running one, at the plan and at the click', async () => {
    const { action: early } = await propose(PEOPLE.alice, { target: 'db' });
    const { action: a } = await propose(PEOPLE.alice, { target: 'db', block: true });
    await click(PEOPLE.dmitri, a!);
    await h.emulator.waitFor(() => (blockText(card(a!)).includes(':hourglass_flowing_sand: 2. Step two') ? true : undefined));
    await expect(propose(PEOPLE.alice, { target: 'db' })).rejects.toThrow(`Action #${a!.id} (Test action) is running on db right now`);
    await click(PEOPLE.dmitri, early!);
    await ephemeral(PEOPLE.dmitri, `Action #${a!.id} (Test action) is running on db right now`);
    expect((await h.bot.actions.mustGet(early!.id)).status).toBe('proposed');
    release();
    await h.emulator.waitFor(() => (blockText(card(a!)).includes('Done in') ? true : undefined));
  });

  it('an expired plan is refused and the expiry job marks the card', async () => {
    const { action: a } = await propose(PEOPLE.alice, { target: 'late' });
    await h.bot.store.db.query(`UPDATE actions SET expires_at = now() - interval '1 second' WHERE id = $1`, [a!.id]);
    await click(PEOPLE.dmitri, a!);
    await ephemeral(PEOPLE.dmitri, `Plan #${a!.id} expired`);
    expect((await h.bot.actions.mustGet(a!.id)).status).toBe('expired');
    // The card is redrawn by its job, a moment after the refusal.
    await h.emulator.waitFor(() => (blockText(card(a!)).includes('Expired') ? true : undefined));

    // The timer path: the job row falls due and the ticker voids the plan by itself.
    const { action: b } = await propose(PEOPLE.alice, { target: 'later' });
    await h.bot.store.db.query(`UPDATE actions SET expires_at = now() WHERE id = $1`, [b!.id]);
    await h.bot.store.db.query(`UPDATE jobs SET due_at = now() WHERE kind = 'action_expiry' AND key = $1`, [String(b!.id)]);
    await h.emulator.waitFor(() => (blockText(card(b!)).includes('Expired') ? true : undefined));
    expect(await kinds(b!)).toEqual([`action_requested:${PEOPLE.alice}`, 'action_expired:dr-bot']);
    expect(ran.filter((r) => r.endsWith('late') || r.endsWith('later'))).toEqual([]);
  });

  it('cancel: refused to others, done by the requester; a later Confirm says it was cancelled', async () => {
    const { action: a } = await propose(PEOPLE.dmitri, { target: 'cancel-me' });
    await click(PEOPLE.georgi, a!, 'cancel');
    await ephemeral(PEOPLE.georgi, 'can cancel this plan');
    const confirmLater = card(a!); // the card as it was, buttons and all
    await click(PEOPLE.dmitri, a!, 'cancel');
    await h.emulator.waitFor(() => (blockText(card(a!)).includes('Cancelled by') ? true : undefined));
    expect(confirmLater).toBeDefined();
    await expect(h.bot.actions.confirm(a!.id, PEOPLE.alice)).rejects.toThrow('was cancelled by');
  });

  it('bad input and dry runs store nothing', async () => {
    const before = (await h.bot.store.db.query<{ n: number }>('SELECT count(*)::int AS n FROM actions')).rows[0]!.n;
    await expect(propose(PEOPLE.alice, { bad: true })).rejects.toThrow('That replica does not exist.');
    const { action, replies } = await propose(PEOPLE.alice, { target: 'dry' }, true);
    expect(action).toBeUndefined();
    expect(replies[0]).toContain('Dry run');
    expect(replies[0]).not.toContain('Confirm');
    await expect(propose(PEOPLE.georgi)).rejects.toThrow('Only an Incident Commander or a Database Administrator');
    const after = (await h.bot.store.db.query<{ n: number }>('SELECT count(*)::int AS n FROM actions')).rows[0]!.n;
    expect(after).toBe(before);
  });

  it('/dr failover-db with no database target in the policy is answered at once, privately', async () => {
    const r = await h.run(PEOPLE.alice, '/dr', 'failover-db production-replica-1');
    expect(JSON.stringify(r.body)).toContain('The policy has no database target');
  });

  it('a run whose process stopped heartbeating is marked interrupted and announced, never resumed', async () => {
    const { action: a } = await propose(PEOPLE.alice, { target: 'stale' });
    await h.bot.store.db.query(
      `UPDATE actions SET status = 'running', approved_by = $2, run_by = 'dead-process', started_at = now(), heartbeat_at = now() - interval '10 minutes',
              steps = '[{"id":"one","title":"Step one","status":"ok","ms":5},{"id":"two","title":"Step two","status":"running"}]' WHERE id = $1`,
      [a!.id, PEOPLE.dmitri],
    );
    await h.bot.jobs.stale_actions!.run({ id: 0, kind: 'stale_actions', key: 'sweep', incidentId: null, dueAt: new Date(), payload: {}, version: 1, attempts: 1 }, { checkpoint: async () => undefined });
    const row = await h.bot.actions.mustGet(a!.id);
    expect(row.status).toBe('interrupted');
    expect(row.steps[1]!.status).toBe('interrupted');
    await h.emulator.waitFor(() => h.emulator.thread(CHANNELS.incidents, cardTs).find((m) => m.text.includes(`Action #${a!.id} (Test action) was interrupted during step 2, "Step two"`)));
    // The card is redrawn by its own job, alongside the thread line.
    await h.emulator.waitFor(() => (blockText(card(a!)).includes('Interrupted') ? true : undefined));
    expect(blockText(card(a!))).toContain('Interrupted');
    expect(ran.filter((r) => r.endsWith('stale'))).toEqual([]);
  });
});
