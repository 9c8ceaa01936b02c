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

  it('the readiness the image declares is the Deployment\'s: /healthz', () => {
    const runtime = dockerStages(readFileSync('Dockerfile', 'utf8')).at(-1)!;
    const check = runtime.find((i) => i.op === 'HEALTHCHECK')!;
    expect(check.args).toContain('/healthz');
    expect(container.livenessProbe.httpGet.path).toBe('/healthz');
  });
});

interface Instruction {
  op: string;
  args: string;
}

/** Dockerfile → stages of instructions (continuation lines joined, comments dropped), as `docker build` reads it. */
function dockerStages(text: string): Instruction[][] {
  const lines = text.replace(/\\\n/g, ' ').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  const stages: Instruction[][] = [];
  for (const line of lines) {
    const [, op, args] = /^(\S+)\s+(.*)$/.exec(line)!;
    if (op!.toUpperCase() === 'FROM') stages.push([]);
    stages.at(-1)!.push({ op: op!.toUpperCase(), args: args! });
  }
  return stages;
}

describe('the image', () => {
  const stages = dockerStages(readFileSync('Dockerfile', 'utf8'));
  const runtime = stages.at(-1)!;
  const all = (stage: Instruction[], op: string) => stage.filter((i) => i.op === op).map((i) => i.args);
  const pkg = JSON.parse(readFileSync('package.json', 'utf8'));

  it('builds in a stage of its own with the dev dependencies, and the runtime copies only dist/ from it', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    const build = stages[0]!;
    expect(build[0]!.args).toMatch(/^node:\S+ AS build$/);
    expect(all(build, 'RUN')).toContain('npm ci --no-audit --no-fund');
    // The local workspace's embedded-database template stays out of the image (it needs DATABASE_URL).
    expect(all(build, 'RUN')).toContain('npm run build -- --no-embedded-template');
    expect(all(runtime, 'COPY')).toContain('--from=build /app/dist ./dist');
    expect(all(runtime, 'COPY').filter((c) => c.startsWith('--from='))).toHaveLength(1);
  });

  it('runs on a current Node LTS, slim, with production dependencies only and no tsx', () => {
    const [, major] = /^node:(\d+)-bookworm-slim AS runtime$/.exec(runtime[0]!.args) ?? [];
    expect(Number(major)).toBeGreaterThanOrEqual(24);
    expect(all(runtime, 'RUN').join(' ')).toMatch(/npm ci --omit=dev/);
    expect(runtime.map((i) => i.args).join('\n')).not.toMatch(/tsx|typescript/);
    expect(pkg.dependencies.tsx).toBeUndefined();
    expect(pkg.dependencies.typescript).toBeUndefined();
  });

  it('starts dist/src/main.js with node directly (signals reach it), as non-root, with a sized heap', () => {
    const cmd = JSON.parse(all(runtime, 'CMD').at(-1)!);
    // V8's --optimize-for-size may not go in NODE_OPTIONS, so the CMD carries it (bench/image.ts reads it).
    expect(cmd).toEqual(['node', '--optimize-for-size', 'dist/src/main.js']);
    // exec: the shell npm runs the script in is replaced by node, so Ctrl-C and SIGTERM to npm reach the bot.
    // The image's memory settings too, so the local workspace a newcomer starts is as lean.
    expect(pkg.scripts.start).toBe('exec node --max-semi-space-size=1 --optimize-for-size dist/src/main.js');
    expect(existsSync('src/main.ts')).toBe(true);
    expect(all(runtime, 'USER').at(-1)).toBe('node');
    expect(all(runtime, 'ENV').join(' ')).toMatch(/NODE_OPTIONS="?--max-old-space-size=\d+/);
    expect(all(runtime, 'HEALTHCHECK')).toHaveLength(1);
  });

  it('copies what exists and what the compiled bot reads at run time', () => {
    for (const stage of stages) {
      for (const c of all(stage, 'COPY').filter((x) => !x.startsWith('--from='))) {
        for (const path of c.split(/\s+/).slice(0, -1)) expect(existsSync(path)).toBe(true);
      }
    }
    expect(all(runtime, 'COPY')).toEqual(expect.arrayContaining(['dr-policy.yml ./', 'templates ./templates']));
  });

  it('supports Node 22 and newer', () => {
    expect(pkg.engines.node).toBe('>=22');
  });
});
