/**
 * The recovery adapters, built once by the composition root and handed to commands as `infra`. Addresses
 * and secrets are read from the environment by the NAMES the policy gives, at the moment they are used.
 */
import type { KubernetesTarget, RdsTarget, SqlAccess } from '../runbooks/policy-schema.js';
import { CloudWatchAdapter } from './cloudwatch.js';
import { DataAdapter } from './data/index.js';
import { HttpAdapter } from './http.js';
import { KubernetesAdapter } from './kubernetes.js';
import { KubernetesBatchAdapter } from './kubernetes-batch.js';
import { PostgresAdapter } from './postgres.js';
import { RdsAdapter, type RdsAccess } from './rds.js';
import { sqlConnection, type SqlTarget } from './sql-access.js';
import { RedisAdapter } from './redis.js';

export type Env = Record<string, string | undefined>;

export interface Infra {
  /** The value of an env variable the policy names; undefined when unset or blank. */
  env(name: string | undefined): string | undefined;
  postgres: PostgresAdapter;
  /** The procedures' data recovery: transaction replay, partner copy, QR checks. */
  data: DataAdapter;
  redis: RedisAdapter;
  http: HttpAdapter;
  kubernetes(target: KubernetesTarget): KubernetesAdapter;
  /** batch/v1 (Jobs from CronJobs) on the same cluster. */
  kubernetesBatch(target: KubernetesTarget): KubernetesBatchAdapter;
  rds(target: RdsTarget): RdsAdapter;
  cloudwatch(target: RdsTarget): CloudWatchAdapter;
  /** A SQL URL with the policy's TLS and IAM settings applied (an IAM token is minted per call). */
  sql(url: string, access: SqlAccess | undefined, target: RdsTarget): Promise<SqlTarget>;
  close(): void;
}

export class MissingEnvError extends Error {
  constructor(readonly variable: string, what: string) {
    super(`${what}: the environment variable ${variable} is not set`);
    this.name = 'MissingEnvError';
  }
}

export function createInfra(environment: Env): Infra {
  const env = (name: string | undefined) => (name && environment[name]?.trim() ? environment[name]!.trim() : undefined);
  const kubes = new WeakMap<KubernetesTarget, KubernetesAdapter>();
  const batches = new WeakMap<KubernetesTarget, KubernetesBatchAdapter>();
  const rdses = new Map<RdsTarget, RdsAdapter>();
  const cloudwatches = new Map<RdsTarget, CloudWatchAdapter>();
  const aws = (t: RdsTarget, endpointEnv: string): RdsAccess => ({
    region: env(t.regionEnv) ?? t.region,
    endpoint: env(endpointEnv),
    accessKeyId: env('AWS_ACCESS_KEY_ID'),
    secretAccessKey: env('AWS_SECRET_ACCESS_KEY'),
    sessionToken: env('AWS_SESSION_TOKEN'),
  });
  return {
    env,
    postgres: new PostgresAdapter(),
    data: new DataAdapter(),
    redis: new RedisAdapter(),
    http: new HttpAdapter(),
    kubernetes(t) {
      let k = kubes.get(t);
      if (!k) {
        k = new KubernetesAdapter({ kubeconfigPath: env(t.kubeconfigEnv), server: env(t.serverEnv), token: env(t.tokenEnv) });
        kubes.set(t, k);
      }
      return k;
    },
    kubernetesBatch(t) {
      let b = batches.get(t);
      if (!b) {
        b = new KubernetesBatchAdapter({ kubeconfigPath: env(t.kubeconfigEnv), server: env(t.serverEnv), token: env(t.tokenEnv) });
        batches.set(t, b);
      }
      return b;
    },
    rds(t) {
      let r = rdses.get(t);
      if (!r) {
        r = new RdsAdapter(aws(t, t.endpointEnv));
        rdses.set(t, r);
      }
      return r;
    },
    cloudwatch(t) {
      let c = cloudwatches.get(t);
      if (!c) {
        c = new CloudWatchAdapter(aws(t, t.cloudwatchEndpointEnv));
        cloudwatches.set(t, c);
      }
      return c;
    },
    sql: (url, access, t) => sqlConnection(url, access, aws(t, t.endpointEnv)),
    close() {
      for (const r of rdses.values()) r.destroy();
      for (const c of cloudwatches.values()) c.destroy();
      rdses.clear();
      cloudwatches.clear();
    },
  };
}
