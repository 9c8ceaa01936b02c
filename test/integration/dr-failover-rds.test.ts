import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { drPolicy } from '../helpers/dr-policy.js';
import { eventually } from '../helpers/eventually.js';
import { CHANNELS, PEOPLE, startHarness, type Harness } from '../helpers/harness.js';
import { createTestDatabase } from '../helpers/pg.js';
import { blockText } from '../helpers/slack-views.js';
import { K8sPeer, STRATEGIC_MERGE } from '../peers/k8s.js';
import { RdsPeer } from '../peers/rds.js';

// RDS through the AWS query protocol peer, the apps on the Kubernetes peer; the promoted instance's SQL
// check goes to a database of this file's own on the local PostgreSQL.
const rds = new RdsPeer();
const k8s = new K8sPeer();
let sqlDb: Awaited<ReturnType<typeof createTestDatabase>>;
let h: Harness;
let cardTs: string;
const ENDPOINT = 'production-replica-1.abc123.eu-central-1.rds.amazonaws.com';

beforeAll(async () => {
  await rds.start();
  rds.promoteMs = 1_200;
  rds.add({ id: 'production-primary', status: 'failed' });
  rds.add({ id: 'production-replica-1', status: 'available', replicaOf: 'production-primary' });
  rds.add({ id: 'production-replica-2', status: 'available', replicaOf: 'production-primary' });
  await k8s.start();
  k8s.add('production', 'api-gateway', { replicas: 3 });
  // consumer-web reads DB_HOST from a ConfigMap: the repoint must replace that reference, not sit beside it.
  k8s.add('production', 'consumer-web', {
    replicas: 2,
    containers: [{ name: 'consumer-web', image: 'boomcard/consumer-web:v1', env: [{ name: 'DB_HOST', valueFrom: { configMapKeyRef: { name: 'platform-db', key: 'host' } } }, { name: 'LOG_LEVEL', value: 'info' }] }],
  });
  sqlDb = await createTestDatabase('drrds');
  h = await startHarness({
    policy: drPolicy({
      targets: {
        database: {
          provider: 'rds',
          primary: 'production-primary',
          replicas: [{ name: 'production-replica-1', connectionEnv: 'REPLICA_1_SQL_URL' }, 'production-replica-2'],
          repoint: [{ deployment: 'api-gateway' }, { deployment: 'consumer-web', env: 'DB_HOST' }],
        },
        kubernetes: { namespace: 'production', serverEnv: 'KUBE_SERVER' },
        rds: { region: 'eu-central-1', pollEvery: '200ms', availableTimeout: '30s' },
      },
    }),
    env: { AWS_ENDPOINT_URL_RDS: rds.url, AWS_ACCESS_KEY_ID: 'AKIDTESTTESTTEST', AWS_SECRET_ACCESS_KEY: 'test-secret', KUBE_SERVER: k8s.url, REPLICA_1_SQL_URL: sqlDb.url },
  });
  await h.run(PEOPLE.maria, '/incident', 'declare L1 RDS primary failed');
  cardTs = (await h.emulator.waitFor(() => h.cards().find((m) => m.text.includes('RDS primary failed')))).ts;
  await eventually(async () => (await h.bot.store.incidents.get(1))?.cardTs);
}, 60_000);
afterAll(async () => {
  await h?.stop();
  await rds.close();
  await k8s.close();
  await sqlDb?.drop();
});

const planCard = (n: number) => h.emulator.waitFor(() => h.emulator.thread(CHANNELS.incidents, cardTs).find((m) => m.text.startsWith(`Action #${n}`)), 10_000);
const cardNow = (ts: string) => blockText(h.emulator.thread(CHANNELS.incidents, cardTs).find((m) => m.ts === ts)!);

describe('/dr failover-db on RDS', () => {
  it('promotes the read replica, shows progress while RDS is modifying, repoints the apps, verifies over SQL, creates a new standby', async () => {
    await h.run(PEOPLE.maria, '/dr', 'failover-db production-replica-1');
    const plan = await planCard(1);
    expect(blockText(plan)).toContain('production-replica-1 is available, replicating from production-primary');
    expect(blockText(plan)).toContain('production-primary is failed');
    await h.emulator.clickButton({ user: PEOPLE.dmitri, actionId: 'dr_action_confirm', value: '1', channel: CHANNELS.incidents });

    // Live progress while the instance is `modifying`.
    await h.emulator.waitFor(() => (/:hourglass_flowing_sand: 2\. Wait until production-replica-1 is available — modifying, \d+ s so far/.test(cardNow(plan.ts)) ? true : undefined), 10_000);
    await h.emulator.waitFor(() => (/Done in|Failed/.test(cardNow(plan.ts)) ? true : undefined), 30_000);
    const text = cardNow(plan.ts);
    expect(text).toContain('Done in');
    expect((text.match(/:white_check_mark: \d\./g) ?? []).length).toBe(6);
    expect(text).toContain('over SQL: not in recovery, a write succeeded');

    expect(rds.count('PromoteReadReplica')).toBe(1);
    const create = rds.calls.find((c) => c.action === 'CreateDBInstanceReadReplica')!;
    expect(create.params).toMatchObject({ DBInstanceIdentifier: 'production-replica-1-standby', SourceDBInstanceIdentifier: 'production-replica-1', Version: '2014-10-31' });
    expect(rds.calls.every((c) => c.signed && c.contentType.startsWith('application/x-www-form-urlencoded'))).toBe(true);
    expect(rds.instances.get('production-replica-1')).toMatchObject({ status: 'available', replicaOf: undefined });

    const patches = k8s.calls.filter((c) => c.method === 'PATCH');
    expect(patches.map((p) => p.path)).toEqual(['/apis/apps/v1/namespaces/production/deployments/api-gateway', '/apis/apps/v1/namespaces/production/deployments/consumer-web']);
    for (const p of patches) {
      expect(p.contentType).toBe(STRATEGIC_MERGE);
      expect(p.body.spec.template.spec.containers[0].env).toEqual([{ name: 'DB_HOST', value: ENDPOINT, valueFrom: null }]);
    }
    expect(k8s.env('production', 'consumer-web')).toEqual({ DB_HOST: ENDPOINT, LOG_LEVEL: 'info' });
    expect(k8s.envEntries('production', 'consumer-web')).toEqual([{ name: 'DB_HOST', value: ENDPOINT }, { name: 'LOG_LEVEL', value: 'info' }]);
    const steps = (await h.bot.store.timeline(1)).filter((e) => e.kind === 'action_step').map((e) => e.data.step);
    expect(steps).toEqual(['promote', 'wait-available', 'repoint:production/api-gateway', 'repoint:production/consumer-web', 'verify', 'new-standby']);
  }, 45_000);

  it('the promoted instance is no longer a replica: asking again is refused before a plan is stored', async () => {
    await h.run(PEOPLE.maria, '/dr', 'failover-db production-replica-1');
    await h.emulator.waitFor(() => h.emulator.ephemerals({ user: PEOPLE.maria }).find((e) => e.text.includes('production-replica-1 is not a read replica')), 10_000);
    expect((await h.bot.actions.mustGet(1)).status).toBe('succeeded');
    await expect(h.bot.actions.mustGet(2)).rejects.toThrow('no longer exists');
  });

  it('a failing step stops the run and shows the error; nothing after it runs, nothing is retried', async () => {
    k8s.failNext('PATCH', 500, 'etcdserver: request timed out');
    const before = { promote: rds.count('PromoteReadReplica'), create: rds.count('CreateDBInstanceReadReplica'), patch: k8s.calls.filter((c) => c.method === 'PATCH').length };
    await h.run(PEOPLE.maria, '/dr', 'failover-db production-replica-2');
    const plan = await planCard(2);
    await h.emulator.clickButton({ user: PEOPLE.dmitri, actionId: 'dr_action_confirm', value: '2', channel: CHANNELS.incidents });
    await h.emulator.waitFor(() => (/Failed/.test(cardNow(plan.ts)) ? true : undefined), 30_000);
    const text = cardNow(plan.ts);
    expect(text).toMatch(/:x: 3\. Point production\/api-gateway DB_HOST at the new primary — [\d.]+ s — \*Kubernetes answered 500 to PATCH production\/api-gateway: etcdserver: request timed out\*/);
    expect(text).toMatch(/:black_small_square: 4\./);
    expect(rds.count('PromoteReadReplica')).toBe(before.promote + 1);
    expect(rds.count('CreateDBInstanceReadReplica')).toBe(before.create);
    expect(k8s.calls.filter((c) => c.method === 'PATCH').length).toBe(before.patch + 1);
    const a = await h.bot.actions.mustGet(2);
    expect(a.status).toBe('failed');
    expect(a.error).toContain('etcdserver: request timed out');
    await h.emulator.waitFor(() => h.emulator.thread(CHANNELS.incidents, cardTs).find((m) => m.text.includes('Action #2 (Fail over the database) failed at step 3')));
  }, 45_000);
});
