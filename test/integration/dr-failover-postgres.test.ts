import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { drPolicy } from '../helpers/dr-policy.js';
import { eventually } from '../helpers/eventually.js';
import { CHANNELS, PEOPLE, startHarness, type Harness } from '../helpers/harness.js';
import { createPgPair, type PgPair } from '../helpers/pg-pair.js';
import { blockText } from '../helpers/slack-views.js';
import { K8sPeer, STRATEGIC_MERGE } from '../peers/k8s.js';

// A real primary + streaming standby; the apps are a deployment on the Kubernetes peer.
let pair: PgPair;
let h: Harness;
let cardTs: string;
const k8s = new K8sPeer();

beforeAll(async () => {
  pair = await createPgPair();
  await k8s.start();
  k8s.add('production', 'api-gateway', { replicas: 3 });
  h = await startHarness({
    policy: drPolicy({
      targets: {
        database: {
          provider: 'postgres',
          primary: 'production-primary',
          replicas: [{ name: 'production-replica-1', connectionEnv: 'PG_REPLICA_1_URL' }],
          connectionEnv: 'PLATFORM_DATABASE_URL',
          repoint: [{ deployment: 'api-gateway', env: 'DB_HOST' }],
        },
        kubernetes: { namespace: 'production', serverEnv: 'KUBE_SERVER', deployments: { 'api-gateway': null } },
      },
    }),
    env: { PLATFORM_DATABASE_URL: pair.primary.url(), PG_REPLICA_1_URL: pair.standby.url(), KUBE_SERVER: k8s.url },
  });
  await h.run(PEOPLE.alice, '/incident', 'declare L1 Primary database unreachable');
  cardTs = (await h.emulator.waitFor(() => h.cards().find((m) => m.text.includes('Primary database unreachable')))).ts;
  await eventually(async () => (await h.bot.store.incidents.get(1))?.cardTs);
}, 60_000);
afterAll(async () => {
  await h?.stop();
  await k8s.close();
  pair?.destroy();
});

const actionCount = async () => (await h.bot.store.db.query<{ n: number }>('SELECT count(*)::int AS n FROM actions')).rows[0]!.n;
const ackText = (r: { body: unknown }) => JSON.stringify(r.body);

describe('/dr failover-db on a real PostgreSQL pair', () => {
  it('an unknown replica is answered at once, and nothing is stored', async () => {
    const r = await h.run(PEOPLE.alice, '/dr', 'failover-db production-replica-9');
    expect(ackText(r)).toContain('Unknown replica \\"production-replica-9\\". The policy lists: production-replica-1.');
    expect(await actionCount()).toBe(0);
  });

  it('the primary dies; the standby is promoted after a second person confirms (50 clicks, one promotion), the apps repointed', async () => {
    await pair.query(pair.primary.url(), 'CREATE TABLE orders (id int PRIMARY KEY, total numeric); INSERT INTO orders VALUES (1, 12.50)');
    await pair.caughtUp();
    pair.primary.stop('immediate'); // the failure this runbook is for

    await h.run(PEOPLE.alice, '/dr', 'failover-db production-replica-1');
    const plan = await h.emulator.waitFor(() => h.emulator.thread(CHANNELS.incidents, cardTs).find((m) => m.text.startsWith('Action #1')), 10_000);
    const planText = blockText(plan);
    expect(planText).toContain('production-replica-1 (127.0.0.1) answers and is in recovery');
    expect(planText).toContain('production-primary does not answer');
    expect(planText).toContain('production/api-gateway DB_HOST → 127.0.0.1');
    expect(planText).toMatch(/Promote production-replica-1 \(pg_promote\)[\s\S]*Verify production-replica-1 is the new primary[\s\S]*Point production\/api-gateway DB_HOST/);

    const approvers = [PEOPLE.dmitri, PEOPLE.maria];
    const clicks = await Promise.all(Array.from({ length: 50 }, (_, i) => h.emulator.clickButton({ user: approvers[i % 2]!, actionId: 'dr_action_confirm', value: '1', channel: CHANNELS.incidents })));
    expect(clicks.every((c) => c.status === 200)).toBe(true);
    const done = await h.emulator.waitFor(() => {
      const m = h.emulator.thread(CHANNELS.incidents, cardTs).find((x) => x.ts === plan.ts)!;
      return /Done in|Failed/.test(blockText(m)) ? m : undefined;
    }, 30_000);
    const text = blockText(done);
    expect(text).toContain('Done in');
    expect((text.match(/:white_check_mark: \d\./g) ?? []).length).toBe(3);

    // The standby is the new primary: out of recovery, takes writes, kept the data.
    const [st] = await pair.query<{ rec: boolean }>(pair.standby.url(), 'SELECT pg_is_in_recovery() AS rec');
    expect(st!.rec).toBe(false);
    await pair.query(pair.standby.url(), 'INSERT INTO orders VALUES (2, 7.00)');
    expect(await pair.query(pair.standby.url(), 'SELECT id FROM orders ORDER BY id')).toEqual([{ id: 1 }, { id: 2 }]);
    expect(pair.standby.log().match(/received promote request/g) ?? []).toHaveLength(1);

    // The apps: one strategic-merge PATCH of DB_HOST, the other variables kept, rolled out.
    const patches = k8s.calls.filter((c) => c.method === 'PATCH');
    expect(patches).toHaveLength(1);
    expect(patches[0]!.contentType).toBe(STRATEGIC_MERGE);
    expect(patches[0]!.body).toEqual({ spec: { template: { spec: { containers: [{ name: 'api-gateway', env: [{ name: 'DB_HOST', value: '127.0.0.1', valueFrom: null }] }] } } } });
    expect(k8s.env('production', 'api-gateway')).toEqual({ DB_HOST: '127.0.0.1', LOG_LEVEL: 'info' });

    // The timeline: request, approval, each step, the result; the 49 losing clicks were told why.
    const tl = (await h.bot.store.timeline(1)).filter((e) => e.kind.startsWith('action_'));
    expect(tl.map((e) => `${e.kind}${e.data.step ? `:${e.data.step}` : ''}`)).toEqual([
      'action_requested',
      'action_approved',
      'action_step:promote',
      'action_step:verify',
      'action_step:repoint:production/api-gateway',
      'action_succeeded',
    ]);
    expect(tl[0]!.actor).toBe(PEOPLE.alice);
    expect(approvers).toContain(tl[1]!.actor);
    await h.emulator.waitFor(() => approvers.flatMap((u) => h.emulator.ephemerals({ user: u })).filter((e) => /Plan #1 (was already confirmed|already ran)/.test(e.text)).length === 49 || undefined, 15_000);
  }, 60_000);

  it('a replica that is not in recovery (already promoted) is refused before any plan is stored', async () => {
    const before = await actionCount();
    await h.run(PEOPLE.alice, '/dr', 'failover-db production-replica-1');
    await h.emulator.waitFor(() => h.emulator.ephemerals({ user: PEOPLE.alice }).find((e) => e.text.includes('production-replica-1 is not in recovery')), 10_000);
    expect(await actionCount()).toBe(before);
  });
});
