import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { actionDriver } from '../helpers/dr-actions.js';
import { drPolicy } from '../helpers/dr-policy.js';
import { PEOPLE, startHarness, type Harness } from '../helpers/harness.js';
import { APPLY_PATCH, K8sPeer } from '../peers/k8s.js';

// /dr recover-service: server-side apply of the policy's recovery manifest against the apps/v1 peer.
const k8s = new K8sPeer();
let h: Harness;
const d = actionDriver(() => h);
const dir = mkdtempSync(join(tmpdir(), 'drbot-manifests-'));
const manifest = (name: string, image: string, extra = '') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  labels: { app: ${name} }
spec:
  replicas: 2
  selector: { matchLabels: { app: ${name} } }
  template:
    metadata: { labels: { app: ${name} } }
    spec:
      containers:
        - name: ${name}
          image: ${image}
          env: [{ name: MODE, value: recovery }]
${extra}`;

beforeAll(async () => {
  writeFileSync(join(dir, 'payment.yaml'), manifest('payment-service', 'boomcard/payment-service:stable-v2.0.1'));
  writeFileSync(join(dir, 'partner.yaml'), manifest('partner-service', 'boomcard/partner-service:v3', '---\napiVersion: v1\nkind: Service\nmetadata: { name: partner-service }\n'));
  await k8s.start();
  k8s.add('production', 'analytics', { replicas: 1 });
  h = await startHarness({
    policy: drPolicy({
      targets: {
        kubernetes: {
          namespace: 'production',
          serverEnv: 'KUBE_SERVER',
          deployments: { analytics: null },
          recovery: {
            'payment-service': { manifest: join(dir, 'payment.yaml'), deployment: 'payment-service' },
            'partner-service': { manifest: join(dir, 'partner.yaml'), deployment: 'partner-service' },
          },
        },
      },
    }),
    env: { KUBE_SERVER: k8s.url },
  });
  await d.declare(PEOPLE.alice, 'L2 Payment service pods gone');
}, 60_000);
afterAll(async () => {
  await h?.stop();
  await k8s.close();
});

describe('/dr recover-service', () => {
  it('an unknown service, or a manifest with more than the deployment, is refused before any plan', async () => {
    expect(await d.answer(PEOPLE.alice, 'recover-service consumer-service')).toContain('No recovery manifest for "consumer-service". The policy has: payment-service, partner-service.');
    expect(await d.answer(PEOPLE.alice, 'recover-service')).toContain('Usage: `/dr recover-service &lt;service&gt;');
    expect(await d.answer(PEOPLE.alice, 'recover-service partner-service')).toContain('it also has Service/partner-service (the bot applies deployments only)');
    expect(await d.actionCount()).toBe(0);
    expect(k8s.calls.filter((c) => c.method !== 'GET')).toHaveLength(0);
  });

  it('applies the manifest server-side (apply-patch+yaml, fieldManager, force) and waits for the deployment', async () => {
    await h.run(PEOPLE.alice, '/dr', 'recover-service payment-service');
    const plan = await d.planCard(1);
    expect(d.cardText(plan.ts)).toContain('the deployment does not exist: apply creates it');
    await d.confirm(PEOPLE.ivan, 1);
    const text = await d.finished(plan.ts);
    expect(text).toContain('Done in');
    expect(text).toContain('2/2 updated, 2 ready');
    const [apply] = k8s.calls.filter((c) => c.method === 'PATCH');
    expect(apply).toMatchObject({ path: '/apis/apps/v1/namespaces/production/deployments/payment-service', contentType: APPLY_PATCH, status: 200 });
    expect(apply!.query).toMatchObject({ fieldManager: 'dr-bot', force: 'true' });
    expect(apply!.body).toMatchObject({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'payment-service', namespace: 'production' }, spec: { replicas: 2 } });
    expect(apply!.body.spec.template.spec.containers[0]).toEqual({ name: 'payment-service', image: 'boomcard/payment-service:stable-v2.0.1', env: [{ name: 'MODE', value: 'recovery' }] });
    expect(k8s.deployments.get('production/payment-service')).toMatchObject({ replicas: 2, appliedBy: 'dr-bot' });
  }, 45_000);

  it('/dr help lists every recovery command', async () => {
    const help = JSON.stringify((await h.run(PEOPLE.alice, '/dr', 'help')).body); // the blocks hold the list
    for (const c of ['health', 'failover-db', 'restore-db', 'rollback', 'scale', 'restart', 'flush-cache', 'recover-service', 'verify-integrity', 'verify-backup']) expect(help).toContain(`/dr ${c}`);
  });
});
