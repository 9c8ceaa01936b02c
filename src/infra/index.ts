/**
 * The recovery adapters, built once by the composition root and handed to commands as `infra`. Addresses
 * and secrets are read from the environment by the NAMES the policy gives, at the moment they are used.
 */
import type { KubernetesTarget, RdsTarget } from '../runbooks/policy-schema.js';
import { HttpAdapter } from './http.js';
import { KubernetesAdapter } from './kubernetes.js';
import { PostgresAdapter } from './postgres.js';
import { RdsAdapter } from './rds.js';
import { RedisAdapter } from './redis.js';

export type Env = Record<string, string | undefined>;

export interface Infra {
  /** The value of an env variable the policy names; undefined when unset or blank. */
  env(name: string | undefined): string | undefined;
  postgres: PostgresAdapter;
  redis: RedisAdapter;
  http: HttpAdapter;
  kubernetes(target: KubernetesTarget): KubernetesAdapter;
  rds(target: RdsTarget): RdsAdapter;
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
  const rdses = new Map<RdsTarget, RdsAdapter>();
  return {
    env,
    postgres: new PostgresAdapter(),
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
    rds(t) {
      let r = rdses.get(t);
      if (!r) {
        r = new RdsAdapter({
          region: env(t.regionEnv) ?? t.region,
          endpoint: env(t.endpointEnv),
          accessKeyId: env('AWS_ACCESS_KEY_ID'),
          secretAccessKey: env('AWS_SECRET_ACCESS_KEY'),
          sessionToken: env('AWS_SESSION_TOKEN'),
        });
        rdses.set(t, r);
      }
      return r;
    },
    close() {
      for (const r of rdses.values()) r.destroy();
      rdses.clear();
    },
  };
}
