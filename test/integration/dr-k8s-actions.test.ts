import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { actionDriver } from '../helpers/dr-actions.js';
import { drPolicy } from '../helpers/dr-policy.js';
import { PEOPLE, startHarness, type Harness } from '../helpers/harness.js';
import { K8sPeer, STRATEGIC_MERGE } from '../peers/k8s.js';

// /dr scale, restart and rollback through the real bot against the apps/v1 peer.
const k8s = new K8sPeer();
let h: Harness;
const d = actionDriver(() => h);
const DEP = '/apis/apps/v1/namespaces/production/deployments';

beforeAll(async () => {
  await k8s.start();
  k8s.rolloutMs = 600;
  k8s.add('production', 'api-gateway', { replicas: 3 });
  k8s.add('production', 'consumer-web', { replicas: 2, previousImages: ['boomcard/consumer-web:v0.8', 'boomcard/consumer-web:v0.9'] });
  k8s.add('production', 'analytics', { replicas: 1 });
  h = await startHarness({
    policy: drPolicy({
      targets: {
        kubernetes: {
          namespace: 'production',
          serverEnv: 'KUBE_SERVER',
          rolloutTimeout: '20s',
          deployments: { 'api-gateway': { stableImage: 'boomcard/api-gateway:stable-v1.2.3', maxReplicas: 12 }, 'consumer-web': null, analytics: null },
        },
      },
    }),
    env: { KUBE_SERVER: k8s.url },
  });
  await d.declare(PEOPLE.alice, 'L2 API gateway errors after deploy');
}, 60_000);
afterAll(async () => {
  await h?.stop();
  await k8s.close();
});

const calls = (method: string, name: string) => k8s.calls.filter((c) => c.method === method && c.path.startsWith(`${DEP}/${name}`));

describe('Kubernetes recovery actions', () => {
  it('bad input is answered at once, before any plan is stored', async () => {
    expect(await d.answer(PEOPLE.alice, 'scale payment-gateway 5')).toContain('Unknown deployment "payment-gateway". The policy lists: api-gateway, consumer-web, analytics.');
    expect(await d.answer(PEOPLE.alice, 'scale api-gateway 50')).toContain('50 replicas is outside what the policy allows for api-gateway: 1 to 12.');
    expect(await d.answer(PEOPLE.alice, 'scale api-gateway 0')).toContain('outside what the policy allows');
    expect(await d.answer(PEOPLE.alice, 'scale api-gateway lots')).toContain('"lots" is not a number of replicas.');
    expect(await d.answer(PEOPLE.alice, 'scale api-gateway')).toContain('Usage: `/dr scale &lt;deployment&gt; &lt;replicas&gt;');
    expect(await d.answer(PEOPLE.alice, 'restart nope')).toContain('Unknown deployment "nope"');
    expect(await d.answer(PEOPLE.alice, 'rollback api-gateway "bad image!"')).toContain('is not an image reference');
    expect(await d.answer(PEOPLE.alice, 'rollback')).toContain('Usage: `/dr rollback');
    expect(await d.actionCount()).toBe(0);
    expect(k8s.calls.filter((c) => c.method !== 'GET')).toHaveLength(0);
  });

  it('scale: PUT …/scale with the replicas, then waits until they are ready', async () => {
    await h.run(PEOPLE.alice, '/dr', 'scale api-gateway 10');
    const plan = await d.planCard(1);
    expect(d.cardText(plan.ts)).toContain('3/3 ready');
    await d.confirm(PEOPLE.ivan, 1);
    const text = await d.finished(plan.ts);
    expect(text).toContain('Done in');
    expect(text).toContain('10/10 updated, 10 ready');
    const put = calls('PUT', 'api-gateway');
    expect(put).toHaveLength(1);
    expect(put[0]).toMatchObject({ path: `${DEP}/api-gateway/scale`, body: { apiVersion: 'autoscaling/v1', kind: 'Scale', spec: { replicas: 10 } }, status: 200 });
    expect(put[0]!.contentType).toMatch(/^application\/json/);
    expect(k8s.deployments.get('production/api-gateway')!.replicas).toBe(10);
  }, 45_000);

  it('restart: a strategic-merge patch of the pod template restartedAt annotation, then the rollout', async () => {
    await h.run(PEOPLE.alice, '/dr', 'restart analytics');
    const plan = await d.planCard(2);
    await d.confirm(PEOPLE.ivan, 2);
    expect(await d.finished(plan.ts)).toContain('Done in');
    const [patch] = calls('PATCH', 'analytics');
    expect(patch!.contentType).toBe(STRATEGIC_MERGE);
    const at = patch!.body.spec.template.metadata.annotations['kubectl.kubernetes.io/restartedAt'];
    expect(patch!.body).toEqual({ spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': at } } } } });
    expect(Date.now() - Date.parse(at)).toBeLessThan(60_000);
    expect(k8s.deployments.get('production/analytics')!.containers[0]!.image).toBe('boomcard/analytics:v1'); // only the annotation changed
  }, 45_000);

  it("rollback: the policy's stable image, set with a strategic-merge patch of that container only", async () => {
    await h.run(PEOPLE.alice, '/dr', 'rollback api-gateway');
    const plan = await d.planCard(3);
    expect(d.cardText(plan.ts)).toContain("boomcard/api-gateway:stable-v1.2.3 (the policy's last known good image (stableImage))");
    await d.confirm(PEOPLE.ivan, 3);
    expect(await d.finished(plan.ts)).toContain('Done in');
    const [patch] = calls('PATCH', 'api-gateway');
    expect(patch!.contentType).toBe(STRATEGIC_MERGE);
    expect(patch!.body).toEqual({ spec: { template: { spec: { containers: [{ name: 'api-gateway', image: 'boomcard/api-gateway:stable-v1.2.3' }] } } } });
    expect(k8s.env('production', 'api-gateway')).toEqual({ DB_HOST: 'production-primary', LOG_LEVEL: 'info' });
  }, 45_000);

  it("rollback without a stable image: the previous revision's image, found through the deployment's ReplicaSets", async () => {
    await h.run(PEOPLE.alice, '/dr', 'rollback consumer-web');
    const plan = await d.planCard(4);
    expect(d.cardText(plan.ts)).toContain("boomcard/consumer-web:v0.9 (the previous revision's image (revision 2))");
    const list = k8s.calls.find((c) => c.path === '/apis/apps/v1/namespaces/production/replicasets')!;
    expect(list.query.labelSelector).toBe('app=consumer-web');
    await d.confirm(PEOPLE.ivan, 4);
    expect(await d.finished(plan.ts)).toContain('Done in');
    expect(k8s.deployments.get('production/consumer-web')!.containers[0]!.image).toBe('boomcard/consumer-web:v0.9');
  }, 45_000);

  it('rollback with nothing to go back to is refused before a plan; an explicit image is used as given', async () => {
    const before = await d.actionCount();
    expect(await d.answer(PEOPLE.alice, 'rollback analytics')).toContain('analytics has no earlier revision with another image');
    expect(await d.actionCount()).toBe(before);
    await h.run(PEOPLE.alice, '/dr', 'rollback analytics boomcard/analytics:v0.5');
    const plan = await d.planCard(5);
    await d.confirm(PEOPLE.ivan, 5);
    expect(await d.finished(plan.ts)).toContain('Done in');
    expect(k8s.deployments.get('production/analytics')!.containers[0]!.image).toBe('boomcard/analytics:v0.5');
  }, 45_000);
});
