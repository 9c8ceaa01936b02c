import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { actionDriver } from '../helpers/dr-actions.js';
import { drPolicy } from '../helpers/dr-policy.js';
import { PEOPLE, startHarness, type Harness } from '../helpers/harness.js';
import { createTestDatabase } from '../helpers/pg.js';
import { CloudWatchPeer } from '../peers/cloudwatch.js';
import { K8sPeer, STRATEGIC_MERGE } from '../peers/k8s.js';
import { RdsPeer } from '../peers/rds.js';
import { tick } from '../peers/rds-model.js';
import { eventually } from '../helpers/eventually.js';

// RDS through the AWS query protocol peer (statuses move as RDS moves them), ReplicaLag through the
// CloudWatch peer, the apps on the Kubernetes peer; the promoted instance's SQL check goes to a database of
// this file's own on the local PostgreSQL.
const rds = new RdsPeer();
const k8s = new K8sPeer();
const cw = new CloudWatchPeer();
let sqlDb: Awaited<ReturnType<typeof createTestDatabase>>;
let h: Harness;
const d = actionDriver(() => h);
const endpoint = (id: string) => `${id}.abc123.eu-central-1.rds.amazonaws.com`;
const stepIds = async (action: number) => (await h.bot.store.timeline(1)).filter((e) => e.kind === 'action_step' && e.data.action === action).map((e) => e.data.step);

beforeAll(async () => {
  await rds.start();
  rds.promoteMs = 1_500;
  rds.add({ id: 'production-primary', status: 'failed', backupRetentionDays: 14 });
  for (const n of [1, 2, 3]) rds.add({ id: `production-replica-${n}`, status: 'available', replicaOf: 'production-primary' });
  await cw.start();
  for (const n of [1, 2, 3]) cw.setLag(`production-replica-${n}`, 0.4 * n);
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
          replicas: [{ name: 'production-replica-1', connectionEnv: 'REPLICA_1_SQL_URL' }, 'production-replica-2', 'production-replica-3'],
          repoint: [{ deployment: 'api-gateway' }, { deployment: 'consumer-web', env: 'DB_HOST' }],
        },
        kubernetes: { namespace: 'production', serverEnv: 'KUBE_SERVER' },
        rds: { region: 'eu-central-1', pollEvery: '200ms', timeouts: { promote: '60s' } },
      },
    }),
    env: { AWS_ENDPOINT_URL_RDS: rds.url, AWS_ENDPOINT_URL_CLOUDWATCH: cw.url, AWS_ACCESS_KEY_ID: 'AKIDTESTTESTTEST', AWS_SECRET_ACCESS_KEY: 'test-secret', KUBE_SERVER: k8s.url, REPLICA_1_SQL_URL: sqlDb.url },
  });
  await d.declare(PEOPLE.maria, 'L1 RDS primary failed');
}, 60_000);
afterAll(async () => {
  await h?.stop();
  await rds.close();
  await k8s.close();
  await cw.close();
  await sqlDb?.drop();
});

describe('/dr failover-db on RDS', () => {
  it('promotes keeping the old primary\'s backup retention, waits through modifying → rebooting → backing-up, repoints to the endpoint on the card, verifies over SQL, creates a new standby', async () => {
    await h.run(PEOPLE.maria, '/dr', 'failover-db production-replica-1');
    const plan = await d.planCard(1);
    const planText = d.cardText(plan.ts);
    expect(planText).toContain('production-replica-1 is available, replicating from production-primary');
    expect(planText).toContain('production-primary is failed');
    // No SQL lag (the configured server is not in recovery), so CloudWatch's ReplicaLag is shown.
    expect(planText).toMatch(/0\.4 s \(CloudWatch ReplicaLag\) \(SQL answers but the server is not in recovery\)/);
    expect(planText).toContain(`${endpoint('production-replica-1')}:5432`);
    expect(planText).toContain(`production/api-gateway DB_HOST → ${endpoint('production-replica-1')}`);
    expect(planText).toContain('backups kept 14 days (as production-primary)');
    const lagCall = cw.calls.at(-1)!;
    expect(lagCall).toMatchObject({ target: 'GraniteServiceVersion20100801.GetMetricStatistics', signed: true });
    expect(lagCall.body).toMatchObject({ Namespace: 'AWS/RDS', MetricName: 'ReplicaLag', Dimensions: [{ Name: 'DBInstanceIdentifier', Value: 'production-replica-1' }], Statistics: ['Maximum'] });
    expect((await h.bot.actions.mustGet(1)).plan.data).toMatchObject({
      lag: { source: 'cloudwatch', seconds: 0.4 },
      host: endpoint('production-replica-1'),
      promote: true,
      fingerprint: { replica: 'production-replica-1', status: 'available', promote: true, host: endpoint('production-replica-1'), lagOverLimit: false, lagKnown: true, replicationBroken: false, repoint: ['production/api-gateway', 'production/consumer-web'], fence: [] },
    });

    await d.confirm(PEOPLE.dmitri, 1);
    const seen = new Set<string>();
    await h.emulator.waitFor(() => {
      const m = /:hourglass_flowing_sand: 2\. Wait until production-replica-1 is available and standalone — ([a-z-]+), \d+ s so far/.exec(d.cardText(plan.ts));
      if (m) seen.add(m[1]!);
      return seen.size ? true : undefined;
    }, 15_000);
    expect([...seen].every((st) => ['modifying', 'rebooting', 'backing-up'].includes(st))).toBe(true);
    const text = await d.finished(plan.ts);
    expect(text).toContain('Done in');
    expect((text.match(/:white_check_mark: \d\./g) ?? []).length).toBe(6);
    expect(text).toContain('over SQL: not in recovery, a write succeeded');

    expect(rds.calls.find((c) => c.action === 'PromoteReadReplica')!.params).toMatchObject({ DBInstanceIdentifier: 'production-replica-1', BackupRetentionPeriod: '14' });
    expect(rds.calls.find((c) => c.action === 'CreateDBInstanceReadReplica')!.params).toMatchObject({ DBInstanceIdentifier: 'production-replica-1-standby', SourceDBInstanceIdentifier: 'production-replica-1', Version: '2014-10-31' });
    expect(rds.calls.every((c) => c.signed && c.contentType.startsWith('application/x-www-form-urlencoded'))).toBe(true);
    expect(rds.instances.get('production-replica-1')).toMatchObject({ status: 'available', replicaOf: undefined, backupRetentionDays: 14 });
    const patches = k8s.calls.filter((c) => c.method === 'PATCH');
    expect(patches.map((p) => p.path)).toEqual(['/apis/apps/v1/namespaces/production/deployments/api-gateway', '/apis/apps/v1/namespaces/production/deployments/consumer-web']);
    for (const p of patches) {
      expect(p.contentType).toBe(STRATEGIC_MERGE);
      expect(p.body.spec.template.spec.containers[0].env).toEqual([{ name: 'DB_HOST', value: endpoint('production-replica-1'), valueFrom: null }]);
    }
    expect(k8s.env('production', 'consumer-web')).toEqual({ DB_HOST: endpoint('production-replica-1'), LOG_LEVEL: 'info' });
    expect(k8s.envEntries('production', 'consumer-web')).toEqual([{ name: 'DB_HOST', value: endpoint('production-replica-1') }, { name: 'LOG_LEVEL', value: 'info' }]);
    // Not done at the first sight of a status other than modifying: the whole modifying → rebooting → backing-up sequence was waited out.
    expect((await h.bot.actions.mustGet(1)).steps.find((st) => st.id === 'wait-available')!.ms!).toBeGreaterThan(rds.promoteMs * 0.8);
    expect(await stepIds(1)).toEqual(['promote', 'wait-available', 'repoint:production/api-gateway', 'repoint:production/consumer-web', 'verify', 'new-standby']);
  }, 60_000);

  it('asking again when everything is done is refused before a plan is stored', async () => {
    expect(await d.answer(PEOPLE.maria, 'failover-db production-replica-1')).toContain('production-replica-1 is already the primary, every listed deployment points at');
    expect(await d.actionCount()).toBe(1);
  });

  it('status checks throttled after PromoteReadReplica: the wait retries them with backoff and the run goes on', async () => {
    await h.run(PEOPLE.maria, '/dr', 'failover-db production-replica-3');
    const plan = await d.planCard(2);
    // Throttled from the promotion on (the Confirm-time re-check before it is answered normally).
    rds.beforeNext('PromoteReadReplica', () => rds.failNext('DescribeDBInstances', 'Throttling', 'Rate exceeded', 400, 4));
    const before = rds.count('DescribeDBInstances');
    await d.confirm(PEOPLE.dmitri, 2);
    const text = await d.finished(plan.ts, 45_000);
    expect(text).toContain('Done in');
    expect(rds.count('PromoteReadReplica')).toBe(2);
    expect(rds.count('DescribeDBInstances') - before).toBeGreaterThanOrEqual(5);
    expect(k8s.env('production', 'api-gateway').DB_HOST).toBe(endpoint('production-replica-3'));
  }, 60_000);

  it('a failed status check after the promotion stops the run in plain words; a fresh plan proposes only the remaining steps and finishes', async () => {
    await h.run(PEOPLE.maria, '/dr', 'failover-db production-replica-2');
    const plan = await d.planCard(3);
    rds.beforeNext('PromoteReadReplica', () =>
      rds.failNext('DescribeDBInstances', 'AccessDenied', 'User: arn:aws:iam::111122223333:user/dr-bot is not authorized to perform: rds:DescribeDBInstances', 403),
    );
    await d.confirm(PEOPLE.dmitri, 3);
    const failed = await d.finished(plan.ts);
    expect(failed).toContain('Failed');
    expect(failed).toMatch(/:x: 2\. Wait until production-replica-2 is available and standalone — [\d.]+ s — \*The bot's AWS identity may not check on production-replica-2: its IAM policy lacks the permission/);
    expect(k8s.env('production', 'api-gateway').DB_HOST).toBe(endpoint('production-replica-3')); // nothing repointed
    const promotions = rds.count('PromoteReadReplica');

    // RDS finishes the promotion on its own; the bot's next plan sees it standalone and proposes what is left.
    await eventually(async () => {
      const i = tick(rds.instances.get('production-replica-2')!);
      return i.status === 'available' && !i.replicaOf;
    }, 10_000);
    await h.run(PEOPLE.maria, '/dr', 'failover-db production-replica-2');
    const resumed = await d.planCard(4);
    const text = d.cardText(resumed.ts);
    expect(text).toContain('a previous failover got that far. Only the remaining steps are proposed');
    expect(text).not.toContain('Promote production-replica-2 (PromoteReadReplica');
    expect((await h.bot.actions.mustGet(4)).steps.map((s) => s.id)).toEqual(['wait-available', 'repoint:production/api-gateway', 'repoint:production/consumer-web', 'verify', 'new-standby']);
    await d.confirm(PEOPLE.dmitri, 4);
    expect(await d.finished(resumed.ts, 45_000)).toContain('Done in');
    expect(rds.count('PromoteReadReplica')).toBe(promotions);
    expect(k8s.env('production', 'consumer-web').DB_HOST).toBe(endpoint('production-replica-2'));
  }, 60_000);

  it('a failing repoint stops the run, nothing is retried; the fresh plan repoints only the deployment that was not moved', async () => {
    rds.add({ id: 'production-replica-1-standby', status: 'available', replicaOf: 'production-replica-1' });
    k8s.failNext('PATCH', 500, 'etcdserver: request timed out');
    // Back to replica-1 (already promoted, standby exists): only the repoints and the verify are left.
    await h.run(PEOPLE.maria, '/dr', 'failover-db production-replica-1');
    const plan = await d.planCard(5);
    expect((await h.bot.actions.mustGet(5)).steps.map((s) => s.id)).toEqual(['wait-available', 'repoint:production/api-gateway', 'repoint:production/consumer-web', 'verify']);
    await d.confirm(PEOPLE.dmitri, 5);
    const text = await d.finished(plan.ts);
    expect(text).toMatch(/:x: 2\. Point production\/api-gateway DB_HOST at the new primary — [\d.]+ s — \*Kubernetes answered 500 to PATCH production\/api-gateway: etcdserver: request timed out\*/);
    expect(text).toMatch(/:black_small_square: 3\./);
    const a = await h.bot.actions.mustGet(5);
    expect(a.status).toBe('failed');
  }, 60_000);
});
