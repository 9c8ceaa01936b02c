import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createInfra } from '../../src/infra/index.js';
import { KubernetesError } from '../../src/infra/kubernetes.js';
import { drPolicy } from '../helpers/dr-policy.js';
import { K8sPeer, STRATEGIC_MERGE } from '../peers/k8s.js';

// The Kubernetes adapter (client-node 1.4.0) straight against the apps/v1 peer.
const peer = new K8sPeer();
beforeAll(async () => {
  await peer.start();
  peer.add('production', 'api-gateway', { replicas: 2 });
});
afterAll(async () => {
  await peer.close();
});

const k8s = () => {
  const policy = drPolicy({ targets: { kubernetes: { namespace: 'production', serverEnv: 'KUBE_SERVER', tokenEnv: 'KUBE_TOKEN' } } });
  return createInfra({ KUBE_SERVER: peer.url, KUBE_TOKEN: 'test-token' }).kubernetes(policy.targets.kubernetes!);
};

describe('the Kubernetes adapter', () => {
  it('reads, patches env with a strategic merge, waits for the rollout, scales with PUT', async () => {
    const api = k8s();
    expect(await api.get('production', 'api-gateway')).toMatchObject({ desired: 2, ready: 2, env: { 'api-gateway': { DB_HOST: 'production-primary' } } });
    const patched = await api.setEnv('production', 'api-gateway', ['api-gateway'], { DB_HOST: 'db-2.internal' });
    expect(patched.generation).toBe(2);
    const seen: string[] = [];
    const done = await api.waitRollout('production', 'api-gateway', { timeoutMs: 5_000, pollMs: 50, onProgress: (s) => void seen.push(`${s.observedGeneration}/${s.updated}`) });
    expect(done).toMatchObject({ observedGeneration: 2, updated: 2, available: 2 });
    expect(seen.length).toBeGreaterThan(0);
    const patch = peer.calls.find((c) => c.method === 'PATCH')!;
    expect(patch.contentType).toBe(STRATEGIC_MERGE);
    await api.scale('production', 'api-gateway', 5);
    expect(peer.calls.at(-1)).toMatchObject({ method: 'PUT', path: '/apis/apps/v1/namespaces/production/deployments/api-gateway/scale', body: { spec: { replicas: 5 } }, status: 200 });
    expect((await api.get('production', 'api-gateway')).desired).toBe(5);
  });

  it('an env entry with both value and valueFrom is refused, as the API server does; setEnv replaces a ConfigMap reference', async () => {
    peer.add('production', 'from-configmap', {
      replicas: 1,
      containers: [{ name: 'app', image: 'boomcard/app:v1', env: [{ name: 'DB_HOST', valueFrom: { configMapKeyRef: { name: 'platform-db', key: 'host' } } }] }],
    });
    // A patch that only sets `value` leaves the reference in place: both together are invalid (HTTP 422).
    const naive = await fetch(`${peer.url}/apis/apps/v1/namespaces/production/deployments/from-configmap`, {
      method: 'PATCH',
      headers: { 'content-type': STRATEGIC_MERGE },
      body: JSON.stringify({ spec: { template: { spec: { containers: [{ name: 'app', env: [{ name: 'DB_HOST', value: 'db-2.internal' }] }] } } } }),
    });
    expect(naive.status).toBe(422);
    expect(((await naive.json()) as { message: string }).message).toBe(
      'Deployment.apps "from-configmap" is invalid: spec.template.spec.containers[0].env[0].valueFrom: Invalid value: "": may not be specified when `value` is not empty',
    );
    expect(peer.envEntries('production', 'from-configmap')).toEqual([{ name: 'DB_HOST', valueFrom: { configMapKeyRef: { name: 'platform-db', key: 'host' } } }]);

    const patched = await k8s().setEnv('production', 'from-configmap', ['app'], { DB_HOST: 'db-2.internal' });
    expect(patched.env).toEqual({ app: { DB_HOST: 'db-2.internal' } });
    expect(peer.envEntries('production', 'from-configmap')).toEqual([{ name: 'DB_HOST', value: 'db-2.internal' }]);
  });

  it('turns an API error into one readable line', async () => {
    await expect(k8s().get('production', 'nope')).rejects.toThrow(new KubernetesError(404, 'Kubernetes answered 404 to GET production/nope: deployments.apps "nope" not found'));
  });
});
