import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { HealthEndpoint } from '../../src/sandbox/estate/health-endpoint.js';
import { recordStepMeasure } from '../../src/store/recovery-measures.js';
import { actionDriver } from '../helpers/dr-actions.js';
import { drPolicy } from '../helpers/dr-policy.js';
import { eventually } from '../helpers/eventually.js';
import { CHANNELS, PEOPLE, startHarness, type Harness } from '../helpers/harness.js';
import { createPgPair, type PgPair } from '../helpers/pg-pair.js';
import { blockText } from '../helpers/slack-views.js';

// RPO and RTO measured by a real recovery: a failover of a real PostgreSQL pair (the lag at promotion),
// then the health probes (a local endpoint that answers 503 until the test says the service is back).
let pair: PgPair;
let h: Harness;
let healthy = false;
const health = new HealthEndpoint(() => (healthy ? { status: 200, body: 'ok' } : { status: 503, body: 'down' }));
const d = actionDriver(() => h);

beforeAll(async () => {
  pair = await createPgPair();
  await health.start();
  h = await startHarness({
    policy: drPolicy({
      targets: {
        database: { provider: 'postgres', primary: 'production-primary', replicas: [{ name: 'production-replica-1', connectionEnv: 'PG_REPLICA_1_URL' }], connectionEnv: 'PLATFORM_DATABASE_URL' },
        health: [{ name: 'API Gateway', urlEnv: 'API_HEALTH_URL' }],
        healthTimeout: '2s',
      },
    }),
    // The apps' address follows the primary (a DNS name in production): here, the standby's URL.
    env: { PLATFORM_DATABASE_URL: pair.standby.url(), PG_REPLICA_1_URL: pair.standby.url(), API_HEALTH_URL: health.urlFor('api') },
  });
  await d.declare(PEOPLE.alice, 'L1 Primary database lost');
}, 90_000);
afterAll(async () => {
  await h?.stop();
  await health.close();
  pair?.destroy();
});

const measures = async () => (await h.bot.store.db.query<Record<string, any>>('SELECT kind, source, value_ms, lag_bytes, objective_ms FROM recovery_measures ORDER BY id')).rows;

describe('RPO and RTO, measured by the recovery itself', () => {
  it('a failover records the lag at promotion (RPO); the probes passing record declaration → recovered (RTO); card, postmortem and /metrics show both', async () => {
    await pair.query(pair.primary.url(), 'CREATE TABLE orders (id int PRIMARY KEY); INSERT INTO orders SELECT generate_series(1, 1000)');
    await pair.caughtUp();
    pair.primary.stop('immediate');
    await h.run(PEOPLE.alice, '/dr', 'failover-db production-replica-1');
    const plan = await d.planCard(1);
    await d.confirm(PEOPLE.dmitri, 1);
    expect(await d.finished(plan.ts, 60_000)).toContain('Done in');

    // RPO: stored with the run's end. The standby had replayed everything it received: 0 bytes behind.
    const rpo = await eventually(async () => (await measures()).find((m) => m.kind === 'rpo'), 15_000);
    expect(rpo).toMatchObject({ source: 'replication_lag', lag_bytes: 0, objective_ms: 5 * 60_000 });
    expect(Number(rpo.value_ms)).toBeLessThan(5 * 60_000);
    // RTO: not while the probes fail.
    expect((await measures()).filter((m) => m.kind === 'rto')).toEqual([]);
    const inc = (await h.bot.store.incidents.get(1))!;
    healthy = true;
    const flippedAfterMs = Date.now() - inc.declaredAt.getTime();
    const rto = await eventually(async () => (await measures()).find((m) => m.kind === 'rto'), 30_000);
    expect(rto).toMatchObject({ source: 'probes_passing', objective_ms: 60 * 60_000 });
    expect(Number(rto.value_ms)).toBeGreaterThanOrEqual(flippedAfterMs - 1_000);

    // The card: one line with both, against the L1 objectives (RPO 5 min, RTO 1 h).
    const card = () => blockText(h.cards().find((m) => m.text.includes('Primary database lost'))!);
    await h.emulator.waitFor(() => (/:dart: Measured: RPO .* · RTO .*/.test(card()) ? true : undefined), 15_000);
    expect(card()).toMatch(/RPO \d+ ms \(replication lag at the promotion, 0 bytes\) :white_check_mark: ≤ 5 min · RTO [\d.]+ s \(declaration → health probes passing\) :white_check_mark: ≤ 1 h/);

    // /metrics
    const text = await (await fetch(`http://127.0.0.1:${h.port}/metrics`)).text();
    expect(text).toMatch(/drbot_recovery_last_seconds\{kind="rto",source="probes_passing"\} [\d.]+/);
    expect(text).toMatch(/drbot_recovery_last_seconds\{kind="rpo",source="replication_lag"\} [\d.]+/);
    expect(text).toContain('drbot_recovery_objective{kind="rpo",outcome="met"} 1');
    expect(text).toContain('drbot_recovery_objective{kind="rto",outcome="met"} 1');

    // The postmortem: the objectives table and the timeline.
    await h.run(PEOPLE.alice, '/incident', 'timeline INC-1');
    const cardTs = h.cards().find((m) => m.text.includes('Primary database lost'))!.ts;
    const file = await h.emulator.waitFor(() => h.emulator.thread(CHANNELS.incidents, cardTs).find((m) => m.files?.[0]?.name === 'INC-1-postmortem.md'), 15_000);
    const md = file.files![0]!.content!;
    expect(md).toMatch(/\| RPO measured \(replication lag\) \| .* \| 5 min \| yes \|/);
    expect(md).toMatch(/\| RTO measured \(declaration → probes passing\) \| .* \| 1 h \| yes \|/);
    expect(md).toContain('Measured after action #1: RTO');
  }, 120_000);

  it('a restore point is measured against the incident start by the database, once per action', async () => {
    const inc = (await h.bot.store.incidents.get(1))!;
    const point = new Date(inc.declaredAt.getTime() - 7 * 60_000).toISOString();
    const first = await recordStepMeasure(h.bot.store.db, { actionId: 1, incidentId: 1 }, { kind: 'rpo', source: 'restore_point', restorePoint: point }, 5 * 60_000);
    expect(first).toMatchObject({ kind: 'rpo', source: 'restore_point', valueMs: 7 * 60_000, objectiveMs: 5 * 60_000 });
    expect(await recordStepMeasure(h.bot.store.db, { actionId: 1, incidentId: 1 }, { kind: 'rpo', source: 'restore_point', restorePoint: point }, 5 * 60_000)).toBeUndefined();
  });
});
