import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { actionDriver } from '../helpers/dr-actions.js';
import { drPolicy } from '../helpers/dr-policy.js';
import { PEOPLE, startHarness, type Harness } from '../helpers/harness.js';
import { CloudWatchPeer } from '../peers/cloudwatch.js';
import { K8sPeer } from '../peers/k8s.js';
import { RdsPeer } from '../peers/rds.js';

// What the RDS failover refuses or flags before anyone confirms (lag, backups in progress, replication
// errors, writers nobody moves), and failure states RDS reaches while the bot waits.
const rds = new RdsPeer();
const k8s = new K8sPeer();
const cw = new CloudWatchPeer();
let h: Harness;
const d = actionDriver(() => h);
const endpoint = (id: string) => `${id}.abc123.eu-central-1.rds.amazonaws.com`;
const REPLICAS = ['replica-ok', 'replica-lagging', 'replica-busy', 'replica-broken', 'replica-params', 'replica-cluster', 'replica-moved'];

beforeAll(async () => {
  await rds.start();
  rds.promoteMs = 900;
  rds.modifyMs = 600;
  rds.add({ id: 'production-primary', status: 'storage-full', backupRetentionDays: 7 });
  for (const id of REPLICAS) rds.add({ id, status: 'available', replicaOf: 'production-primary' });
  rds.instances.get('replica-cluster')!.replicaOf = undefined;
  rds.instances.get('replica-cluster')!.replicaOfCluster = 'production-maz-cluster';
  rds.instances.get('replica-busy')!.status = 'backing-up';
  rds.instances.get('replica-broken')!.statusInfos = [{ type: 'read replication', status: 'error', normal: false, message: 'Replication has stopped: requested WAL segment has already been removed' }];
  await cw.start();
  for (const id of REPLICAS) cw.setLag(id, 1);
  cw.setLag('replica-lagging', 240);
  cw.setLag('replica-broken', -1);
  await k8s.start();
  k8s.add('production', 'api-gateway', { replicas: 2 });
  // A writer the policy does not repoint: it still points at the old primary.
  k8s.add('production', 'payment-service', { replicas: 2, containers: [{ name: 'app', image: 'boomcard/payment:v1', env: [{ name: 'DATABASE_HOST', value: endpoint('production-primary') }] }] });
  h = await startHarness({
    policy: drPolicy({
      targets: {
        database: {
          provider: 'rds',
          primary: 'production-primary',
          replicas: REPLICAS,
          repoint: [{ deployment: 'api-gateway' }],
          maxLagSeconds: 30,
          forceRoles: ['dba'],
          promotion: { multiAZ: true },
          fence: [{ deployment: 'api-gateway' }],
        },
        kubernetes: { namespace: 'production', serverEnv: 'KUBE_SERVER', deployments: { 'api-gateway': {}, 'payment-service': {} } },
        rds: { pollEvery: '150ms', timeouts: { promote: '60s', modify: '60s' } },
      },
    }),
    env: { AWS_ENDPOINT_URL_RDS: rds.url, AWS_ENDPOINT_URL_CLOUDWATCH: cw.url, AWS_ACCESS_KEY_ID: 'AKIDTESTTESTTEST', AWS_SECRET_ACCESS_KEY: 'test-secret', KUBE_SERVER: k8s.url },
  });
  await d.declare(PEOPLE.maria, 'L1 RDS storage full');
}, 60_000);
afterAll(async () => {
  await h?.stop();
  await rds.close();
  await k8s.close();
  await cw.close();
});

describe('/dr failover-db on RDS: what is refused or flagged before a confirmation', () => {
  it('a replica lagging beyond maxLagSeconds is refused; --force only by the policy\'s forceRoles, and then the plan says who forced it', async () => {
    expect(await d.answer(PEOPLE.maria, 'failover-db replica-lagging')).toMatch(/replica-lagging is 240\.0 s behind \(limit 30 s\): promoting it now loses the writes it has not replayed\. Wait for it to catch up, or ask again with `--force` \(dba\)/);
    expect(await d.answer(PEOPLE.maria, 'failover-db replica-lagging --force')).toMatch(/--force: Only a Database Administrator can do that/);
    expect(await d.actionCount()).toBe(0);
    await h.run(PEOPLE.dmitri, '/dr', 'failover-db replica-lagging --force');
    const plan = await d.planCard(1);
    expect(d.cardText(plan.ts)).toContain('Forced past the lag limit by the requester: 240.0 s behind (limit 30 s)');
    expect((await h.bot.actions.mustGet(1)).plan.data).toMatchObject({ forcedBy: PEOPLE.dmitri, lag: { source: 'cloudwatch', seconds: 240 } });
    await h.emulator.clickButton({ user: PEOPLE.maria, actionId: 'dr_action_cancel', value: '1', channel: 'C0INCIDENT' });
    await h.emulator.waitFor(async () => ((await h.bot.actions.mustGet(1)).status === 'cancelled' ? true : undefined));
  }, 30_000);

  it('a replica taking a backup is refused in plain words; one whose replication broke shows RDS\' StatusInfos; writers not listed are named', async () => {
    expect(await d.answer(PEOPLE.maria, 'failover-db replica-busy')).toContain('replica-busy is taking a backup (backing-up); RDS refuses to promote until it finishes');
    await h.run(PEOPLE.maria, '/dr', 'failover-db replica-broken --dry-run');
    const text = await h.emulator.waitFor(() => h.emulator.ephemerals({ user: PEOPLE.maria }).map((e) => JSON.stringify(e)).find((t) => t.includes('replica-broken')), 10_000);
    expect(text).toContain('read replication error: Replication has stopped: requested WAL segment has already been removed');
    expect(text).toContain('ReplicaLag -1: not replicating (CloudWatch)');
    expect(text).toContain('production/payment-service will keep writing to the old primary');
    expect(text).toContain('Multi-AZ');
  }, 30_000);

  it('a replica of a Multi-AZ DB cluster is promoted like any other; the Multi-AZ step follows the verify', async () => {
    await h.run(PEOPLE.maria, '/dr', 'failover-db replica-cluster');
    const plan = await d.planCard(2);
    expect(d.cardText(plan.ts)).toContain('replicating from the Multi-AZ DB cluster production-maz-cluster');
    await d.confirm(PEOPLE.dmitri, 2);
    const text = await d.finished(plan.ts, 45_000);
    expect(text).toContain('Done in');
    expect(d.cardText(plan.ts)).toContain('Fence: production/api-gateway to 0 before the promotion, back to 2 after the repoint');
    expect((await h.bot.actions.mustGet(2)).steps.map((s) => s.id)).toEqual(['fence:production/api-gateway', 'promote', 'wait-available', 'repoint:production/api-gateway', 'unfence:production/api-gateway', 'verify', 'multi-az', 'new-standby']);
    // Steps run in order: the writer was at 0 before RDS was asked to promote, and back at 2 after the repoint.
    const scales = k8s.calls.filter((c) => c.method === 'PUT' && c.path.endsWith('/api-gateway/scale'));
    expect(scales.map((c) => c.body.spec.replicas)).toEqual([0, 2]);
    expect(scales.every((c) => c.status === 200)).toBe(true);
    expect(rds.calls.find((c) => c.action === 'ModifyDBInstance')!.params).toMatchObject({ DBInstanceIdentifier: 'replica-cluster', MultiAZ: 'true', ApplyImmediately: 'true' });
    expect(rds.instances.get('replica-cluster')).toMatchObject({ multiAZ: true, replicaOfCluster: undefined });
  }, 60_000);

  it('a promotion that ends in incompatible-parameters is reported at once, not at the timeout', async () => {
    await h.run(PEOPLE.maria, '/dr', 'failover-db replica-params');
    const plan = await d.planCard(3);
    rds.instances.get('replica-params')!.endsIn = 'incompatible-parameters';
    const t0 = Date.now();
    await d.confirm(PEOPLE.dmitri, 3);
    const text = await d.finished(plan.ts);
    expect(Date.now() - t0).toBeLessThan(20_000); // the promote timeout is 60 s
    expect(text).toMatch(/:x: 3\. Wait until replica-params is available and standalone — [\d.]+ s — \*replica-params is incompatible-parameters: its DB parameter group has settings the engine cannot start with/);
    expect(k8s.env('production', 'api-gateway').DB_HOST).toBe(endpoint('replica-cluster')); // not moved
  }, 45_000);

  it('a backup started after the plan: Confirm re-checks and does nothing; started after Confirm, RDS refuses the promotion in plain words and nothing else runs', async () => {
    await h.run(PEOPLE.maria, '/dr', 'failover-db replica-ok');
    const voided = await d.planCard(4);
    rds.instances.get('replica-ok')!.status = 'backing-up';
    const promotions = rds.count('PromoteReadReplica');
    await d.confirm(PEOPLE.dmitri, 4);
    const said = await h.emulator.waitFor(() => h.emulator.ephemerals({ user: PEOPLE.dmitri }).find((e) => e.text.includes('Nothing was done')), 15_000);
    expect(said.text).toMatch(/checked again at Confirm, the plan no longer holds — replica-ok is taking a backup/);
    expect(rds.count('PromoteReadReplica')).toBe(promotions);
    // The card is redrawn by an outbox job, just after the answer.
    await h.emulator.waitFor(() => (/Void/.test(d.cardText(voided.ts)) ? true : undefined), 15_000);

    rds.instances.get('replica-ok')!.status = 'available';
    await h.run(PEOPLE.maria, '/dr', 'failover-db replica-ok');
    const plan = await d.planCard(5);
    // The backup starts between Confirm and the promotion: only RDS's answer can tell.
    rds.beforeNext('PromoteReadReplica', () => (rds.instances.get('replica-ok')!.status = 'backing-up'));
    await d.confirm(PEOPLE.dmitri, 5);
    const text = await d.finished(plan.ts);
    expect(text).toMatch(/:x: 1\. Promote replica-ok .*RDS cannot promote replica-ok while replica-ok is busy \(taking a backup, being modified or rebooted\): it must be available\. .*\(RDS: InvalidDBInstanceState: /);
    expect(text).toMatch(/:black_small_square: 2\./);
    // The failed run before this one left api-gateway fenced at 0: this plan only scales it back (to the policy's minimum).
    expect(text).toContain('Fence: production/api-gateway is at 0 (fenced earlier): back to 1 after the repoint');
    rds.instances.get('replica-ok')!.status = 'available';
  }, 60_000);

  it('what was confirmed is what is patched: an endpoint that changed after Confirm stops the run before any repoint', async () => {
    await h.run(PEOPLE.maria, '/dr', 'failover-db replica-moved');
    const plan = await d.planCard(6);
    expect(d.cardText(plan.ts)).toContain(`Endpoint: ${endpoint('replica-moved')}:5432 — what the deployments below are patched to`);
    rds.beforeNext('PromoteReadReplica', () => (rds.instances.get('replica-moved')!.address = 'replica-moved.zzz999.eu-central-1.rds.amazonaws.com'));
    const patches = k8s.calls.filter((c) => c.method === 'PATCH').length;
    await d.confirm(PEOPLE.dmitri, 6);
    const text = await d.finished(plan.ts, 45_000);
    expect(text).toContain(`RDS now gives replica-moved the endpoint replica-moved.zzz999.eu-central-1.rds.amazonaws.com, not ${endpoint('replica-moved')} as planned; nothing was repointed`);
    expect(k8s.calls.filter((c) => c.method === 'PATCH').length).toBe(patches);
  }, 60_000);
});
