import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { parse, parseAllDocuments } from 'yaml';

const doc = (file: string) => parse(readFileSync(`deploy/${file}`, 'utf8')) as Record<string, any>;

describe('running as several replicas', () => {
  const deployment = doc('deployment.yaml');
  const pod = deployment.spec.template.spec;
  const container = pod.containers[0];

  it('the Deployment runs several replicas, ready only when /healthz (the database) answers', () => {
    expect(deployment.kind).toBe('Deployment');
    expect(deployment.spec.replicas).toBeGreaterThanOrEqual(2);
    expect(container.readinessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(container.ports).toContainEqual({ name: 'http', containerPort: 3000 });
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(15);
    expect(deployment.spec.selector.matchLabels).toEqual(deployment.spec.template.metadata.labels);
  });

  it('secrets come from a Secret by reference, and several replicas get a shared database', () => {
    const env = Object.fromEntries(container.env.map((e: { name: string; value?: string; valueFrom?: unknown }) => [e.name, e]));
    for (const name of ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'DATABASE_URL']) {
      expect(env[name].value).toBeUndefined();
      expect(env[name].valueFrom.secretKeyRef.name).toBe('dr-bot-secrets');
    }
    const secret = parseAllDocuments(readFileSync('deploy/secret.example.yaml', 'utf8'))[0]!.toJS();
    for (const e of container.env.filter((x: any) => x.valueFrom?.secretKeyRef && !x.valueFrom.secretKeyRef.optional)) {
      expect(Object.keys(secret.stringData)).toContain(e.valueFrom.secretKeyRef.key);
    }
    expect(env.DR_POLICY.value).toBe('/etc/dr-bot/dr-policy.yml');
    expect(pod.volumes.find((v: any) => v.name === 'policy').configMap.name).toBe('dr-bot-policy');
  });

  it('the PodDisruptionBudget and the Service select the Deployment\'s pods', () => {
    const pdb = doc('pdb.yaml');
    expect(pdb.kind).toBe('PodDisruptionBudget');
    expect(pdb.spec.selector.matchLabels).toEqual(deployment.spec.template.metadata.labels);
    expect(pdb.spec.minAvailable).toBeLessThan(deployment.spec.replicas);
    const svc = doc('service.yaml');
    expect(svc.spec.selector).toEqual(deployment.spec.template.metadata.labels);
  });

  it('the Dockerfile runs the same entry as npm start, as non-root, and copies what it needs', () => {
    const dockerfile = readFileSync('Dockerfile', 'utf8');
    expect(dockerfile).toMatch(/^FROM node:20/m);
    expect(dockerfile).toMatch(/CMD \["node", "--import", "tsx", "src\/main.ts"\]/);
    expect(dockerfile).toMatch(/^USER node$/m);
    for (const path of ['src', 'commands', 'templates', 'dr-policy.yml', 'package-lock.json']) {
      expect(dockerfile).toContain(path);
      expect(existsSync(path)).toBe(true);
    }
    const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
    expect(pkg.dependencies.tsx).toBeDefined(); // the runtime, installed by npm ci --omit=dev
  });
});
