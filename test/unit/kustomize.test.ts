import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { parseAllDocuments } from 'yaml';
import { loadPolicy } from '../../src/policy.js';

// The README's deploy route, run as written: `kubectl kustomize deploy/` (Debian's kubernetes-client; .ci/run installs it).
describe('the deploy route in the README', () => {
  it('`kubectl kustomize deploy/` builds, and its ConfigMap holds the shipped policy, which loads', () => {
    const out = execFileSync('kubectl', ['kustomize', 'deploy/'], { encoding: 'utf8' });
    const docs = parseAllDocuments(out).map((d) => d.toJS() as { kind: string; metadata: { name: string }; data?: Record<string, string>; spec?: any });
    expect(docs.map((d) => d.kind).sort()).toEqual(['ConfigMap', 'Deployment', 'PodDisruptionBudget', 'Service']);
    const cm = docs.find((d) => d.kind === 'ConfigMap')!;
    expect(cm.metadata.name).toMatch(/^dr-bot-policy-/);
    expect(cm.data!['dr-policy.yml']).toBe(readFileSync('dr-policy.yml', 'utf8'));
    // The Deployment mounts the generated (hashed) name, so a policy change rolls the pods.
    const volumes = docs.find((d) => d.kind === 'Deployment')!.spec.template.spec.volumes as Array<{ configMap?: { name: string } }>;
    expect(volumes.map((v) => v.configMap?.name)).toContain(cm.metadata.name);
    expect(() => loadPolicy('deploy/dr-policy.yml')).not.toThrow();
  });

  it('the README counts the example URLs the manifest really has', () => {
    const count = readFileSync('manifest.yml', 'utf8').split('\n').filter((l) => !l.trim().startsWith('#') && l.includes('https://dr-bot.example.com')).length;
    const words = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven'];
    expect(readFileSync('README.md', 'utf8')).toContain(`Replace \`https://dr-bot.example.com\` (${words[count]} places`);
  });
});
