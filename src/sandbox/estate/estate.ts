/**
 * The simulated estate of the local workspace: what the policy's targets name (the platform database's
 * RDS primary and replica, the Kubernetes deployments, the cache, the health URLs), served in-process
 * behind the same wire protocols production uses — the RDS query protocol, Kubernetes apps/v1 REST,
 * Redis' RESP, HTTP — so the bot's own adapters and every /dr runbook act on it unchanged. A target the
 * environment already configures (AWS credentials or endpoint, KUBECONFIG/serverEnv, the Redis URL, a
 * health URL) is left alone: the drill then acts on that real one.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Policy } from '../../policy.js';
import { rdsDefaults } from '../../runbooks/policy-schema.js';
import { HealthEndpoint } from './health-endpoint.js';
import { K8sPeer } from './kubernetes-api.js';
import { RdsApi } from './rds-api.js';
import { RedisResp } from './redis-resp.js';

export type Env = Record<string, string | undefined>;

/** The "Break something" menu: the procedures' scenarios. */
export const FAULTS = {
  'primary-down': 'Primary database down',
  'bad-deploy': 'Bad deploy (API gateway crash-looping)',
  'corrupted-cache': 'Corrupted cache',
  'replica-lag': 'Replica lag',
} as const;
export type Fault = keyof typeof FAULTS;

export interface EstateLine {
  what: string;
  state: string;
  ok: boolean;
}

export class SimulatedEstate {
  rds?: RdsApi;
  k8s?: K8sPeer;
  redis?: RedisResp;
  health?: HealthEndpoint;
  /** The variables handed to the bot's adapters (the names the policy gives), for the simulated targets only. */
  readonly env: Env = {};
  /** What is simulated, for the start-up line and the page. */
  readonly simulated: string[] = [];
  private replicaLagSeconds = 0;
  private readonly badImage = 'boomcard/api-gateway:v1.3.0-rc1';

  constructor(private readonly policy: Policy) {}

  private get db() {
    const d = this.policy.targets.database;
    return d?.provider === 'rds' ? d : undefined;
  }

  private get kube() {
    return this.policy.targets.kubernetes;
  }

  /** Where the simulated kubeconfig is written (a temporary directory, removed on stop). */
  private kubeDir?: string;

  /** Starts a server for each target the environment leaves unconfigured. */
  async start(environment: Env): Promise<this> {
    const set = (name: string | undefined) => Boolean(name && environment[name]?.trim());
    const t = this.policy.targets;
    const rdsT = t.rds ?? rdsDefaults;
    const awsSet = set(rdsT.endpointEnv) || ['AWS_ACCESS_KEY_ID', 'AWS_PROFILE', 'AWS_WEB_IDENTITY_TOKEN_FILE', 'AWS_CONTAINER_CREDENTIALS_FULL_URI'].some(set);
    if (this.db && !awsSet) {
      this.rds = await new RdsApi().start();
      this.rds.add({ id: this.db.primary, status: 'available' });
      for (const r of this.db.replicas) this.rds.add({ id: r.name, status: 'available', replicaOf: this.db.primary });
      const nightly = `rds:${this.db.primary}-nightly`;
      this.rds.snapshots.set(nightly, { id: nightly, instance: this.db.primary, createdAt: Date.now() - 6 * 3_600_000 });
      Object.assign(this.env, { [rdsT.regionEnv]: environment[rdsT.regionEnv] ?? rdsT.region ?? 'eu-central-1', [rdsT.endpointEnv]: this.rds.url, AWS_ACCESS_KEY_ID: 'simulated', AWS_SECRET_ACCESS_KEY: 'simulated' });
      this.simulated.push('RDS');
    }
    const k = this.kube;
    if (k && !set(k.kubeconfigEnv ?? 'KUBECONFIG') && !set(k.serverEnv)) {
      this.k8s = await new K8sPeer().start();
      this.k8s.rolloutMs = 3_000;
      this.k8s.crashingImages.add(this.badImage);
      const host = this.db && this.rds ? this.rds.addressOf(this.db.primary) : 'platform-db';
      const names = new Set([...Object.keys(k.deployments), ...(this.db?.repoint ?? []).map((r) => r.deployment)]);
      for (const name of names) {
        const stable = k.deployments[name]?.stableImage ?? `boomcard/${name}:stable`;
        this.k8s.add(k.namespace, name, { replicas: 3, previousImages: [stable.replace(/(\d+)$/, (n) => String(Math.max(0, Number(n) - 1)))], containers: [{ name, image: stable, env: [{ name: 'DB_HOST', value: host }, { name: 'LOG_LEVEL', value: 'info' }] }] });
      }
      this.kubeDir = await mkdtemp(join(tmpdir(), 'dr-estate-'));
      const file = join(this.kubeDir, 'simulated-kubeconfig.yaml');
      await writeFile(file, kubeconfig(this.k8s.url), { mode: 0o600 });
      this.env[k.kubeconfigEnv ?? 'KUBECONFIG'] = file;
      this.simulated.push('Kubernetes');
    }
    if (t.redis && !set(t.redis.urlEnv)) {
      this.redis = await new RedisResp().start();
      this.env[t.redis.urlEnv] = this.redis.url;
      this.simulated.push('Redis');
    }
    const unset = t.health.filter((h) => h.urlEnv && !set(h.urlEnv));
    if (unset.length) {
      this.health = await new HealthEndpoint((name) => this.healthOf(name)).start();
      for (const h of unset) this.env[h.urlEnv!] = this.health.urlFor(h.name);
      this.simulated.push('health URLs');
    }
    return this;
  }

  /** A health URL answers 200 when the API can reach a writable database and has ready pods. */
  private healthOf(_name: string): { status: number; body: string } {
    const gateway = this.gateway();
    if (gateway && gateway.ready === 0) return { status: 503, body: `no ready pods (${gateway.image})` };
    const db = this.database(gateway?.dbHost);
    if (db && !db.ok) return { status: 503, body: `database ${db.state}` };
    return { status: 200, body: 'ok' };
  }

  private gateway() {
    const k = this.kube;
    const name = this.db?.repoint[0]?.deployment ?? Object.keys(k?.deployments ?? {})[0];
    const d = k && name && this.k8s?.read(this.db?.repoint[0]?.namespace ?? k.namespace, name);
    if (!d) return undefined;
    const c = d.spec.template.spec.containers[0]!;
    return { name, ready: d.status.readyReplicas, desired: d.spec.replicas, image: c.image, dbHost: c.env?.find((e) => e.name === 'DB_HOST')?.value };
  }

  /** The instance the apps point at (by its address), and whether it takes writes. */
  private database(host: string | undefined): { id: string; ok: boolean; state: string } | undefined {
    if (!this.rds) return undefined;
    const id = [...this.rds.instances.keys()].find((i) => this.rds!.addressOf(i) === host || i === host) ?? this.db?.primary;
    const inst = id ? this.rds.get(id) : undefined;
    if (!inst) return { id: host ?? '?', ok: false, state: 'not found' };
    if (inst.replicaOf) return { id: inst.id, ok: false, state: `${inst.id} is a read-only replica` };
    return { id: inst.id, ok: inst.status === 'available', state: `${inst.id} is ${inst.status}` };
  }

  /** Which faults make sense here: those whose target is simulated. */
  faults(): Array<{ id: Fault; label: string }> {
    const can: Record<Fault, boolean> = { 'primary-down': Boolean(this.rds), 'bad-deploy': Boolean(this.k8s), 'corrupted-cache': Boolean(this.redis), 'replica-lag': Boolean(this.rds && this.db?.replicas.length) };
    return (Object.keys(FAULTS) as Fault[]).filter((f) => can[f]).map((id) => ({ id, label: FAULTS[id] }));
  }

  /** Breaks something; answers one line saying what happened, as monitoring would. */
  break(fault: Fault): string {
    switch (fault) {
      case 'primary-down': {
        const inst = this.db && this.rds?.get(this.db.primary);
        if (!inst) throw new Error('no simulated primary database');
        Object.assign(inst, { status: 'failed', readyAt: undefined });
        return `RDS reports ${inst.id} as failed: the platform database primary is down.`;
      }
      case 'bad-deploy': {
        const g = this.gateway();
        if (!g || !this.k8s || !this.kube) throw new Error('no simulated deployment');
        this.k8s.deploy(this.db?.repoint[0]?.namespace ?? this.kube.namespace, g.name, this.badImage);
        return `${g.name} was deployed with ${this.badImage}; its pods crash-loop.`;
      }
      case 'corrupted-cache':
        if (!this.redis) throw new Error('no simulated cache');
        this.redis.setCorrupted(true);
        return 'The cache serves corrupted entries: the hit rate fell to about 40%.';
      case 'replica-lag': {
        this.replicaLagSeconds = 47;
        return `${this.db?.replicas[0]?.name ?? 'The replica'} is ${this.replicaLagSeconds} s behind the primary.`;
      }
    }
  }

  /** One line per simulated part, for the page's "Simulated estate" panel. */
  status(): EstateLine[] {
    const out: EstateLine[] = [];
    if (this.rds) {
      for (const id of this.rds.instances.keys()) {
        const i = this.rds.get(id)!;
        const lag = i.replicaOf && this.replicaLagSeconds ? `, ${this.replicaLagSeconds} s behind` : '';
        out.push({ what: `RDS ${i.id}`, state: `${i.status}${i.replicaOf ? ` · replica of ${i.replicaOf}${lag}` : ' · primary'}`, ok: i.status === 'available' && !lag });
      }
    }
    const g = this.gateway();
    if (g) out.push({ what: `Deployment ${g.name}`, state: `${g.ready}/${g.desired} ready · ${g.image.split(':').pop()} · DB_HOST ${g.dbHost?.split('.')[0] ?? '?'}`, ok: g.ready >= g.desired });
    if (this.redis) out.push({ what: 'Cache', state: this.redis.corrupted ? 'corrupted · hit rate ~40%' : 'healthy · hit rate ~97%', ok: !this.redis.corrupted });
    if (this.health) {
      const h = this.healthOf('');
      out.push({ what: 'API health URL', state: `${h.status} ${h.body}`, ok: h.status === 200 });
    }
    return out;
  }

  async stop(): Promise<void> {
    await Promise.all([this.rds?.close(), this.k8s?.close(), this.redis?.close(), this.health?.close()]);
    if (this.kubeDir) await rm(this.kubeDir, { recursive: true, force: true });
  }
}

/** A kubeconfig for the simulated API server: plain HTTP on loopback, so no TLS to verify. */
function kubeconfig(server: string): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    `- name: simulated\n  cluster:\n    server: ${server}\n    insecure-skip-tls-verify: true`,
    'users:',
    '- name: dr-bot\n  user:\n    token: simulated',
    'contexts:',
    '- name: simulated\n  context:\n    cluster: simulated\n    user: dr-bot',
    'current-context: simulated',
    '',
  ].join('\n');
}
