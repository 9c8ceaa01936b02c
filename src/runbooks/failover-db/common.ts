/** What both providers of /dr failover-db share: choosing the replica, and repointing the apps. */
import { UserError } from '../../core/errors.js';
import { escapeMrkdwn } from '../../core/mrkdwn.js';
import type { Policy } from '../../policy.js';
import type { DatabaseTarget } from '../policy-schema.js';
import type { Step, StepContext } from '../types.js';

export type Replica = DatabaseTarget['replicas'][number];

export interface RepointPlan {
  namespace: string;
  deployment: string;
  container?: string;
  env: string;
}

export function databaseTarget(policy: Policy): DatabaseTarget {
  const db = policy.targets.database;
  if (!db) throw new UserError('The policy has no database target (`targets.database` in dr-policy.yml), so there is nothing to fail over.');
  return db;
}

/** The replica asked for, or the policy's first one; a name the policy does not list is refused. */
export function chooseReplica(db: DatabaseTarget, name: string | undefined): Replica {
  if (name === undefined) return db.replicas[0]!;
  const r = db.replicas.find((x) => x.name === name);
  if (!r) {
    throw new UserError(`Unknown replica "${escapeMrkdwn(name)}". The policy lists: ${db.replicas.map((x) => x.name).join(', ')}.`);
  }
  return r;
}

export function repointPlans(db: DatabaseTarget, policy: Policy): RepointPlan[] {
  const ns = policy.targets.kubernetes?.namespace ?? 'default';
  return db.repoint.map((r) => ({ namespace: r.namespace ?? ns, deployment: r.deployment, container: r.container, env: r.env }));
}

export const repointFact = (plans: RepointPlan[], host: string): Array<[string, string]> =>
  plans.length ? [['Repoint', plans.map((p) => `${p.namespace}/${p.deployment} ${p.env} → ${host}`).join(', ')]] : [];

/** The replica lag as a band against the policy's limit: the fact an approval is bound to (bytes move all the time). */
export function lagBand(lagBytes: number | null, maxLagBytes: number): string {
  if (lagBytes === null) return 'unknown';
  return lagBytes > maxLagBytes ? `over ${bytes(maxLagBytes)}` : `within ${bytes(maxLagBytes)}`;
}

export function bytes(n: number | null): string {
  if (n === null) return 'unknown';
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

/**
 * `kubectl set env deployment/<d> DB_HOST=<host>` then `kubectl rollout status`: a strategic-merge patch of
 * the env entry (every container of the deployment unless the policy names one), then a wait for the rollout.
 */
export function repointStep(p: RepointPlan, host: (ctx: StepContext) => string): Step {
  return {
    id: `repoint:${p.namespace}/${p.deployment}`,
    title: `Point ${p.namespace}/${p.deployment} ${p.env} at the new primary`,
    async run(ctx) {
      const k8s = ctx.infra.kubernetes(ctx.policy.targets.kubernetes!);
      const to = host(ctx);
      const current = await k8s.get(p.namespace, p.deployment);
      const containers = p.container ? [p.container] : Object.keys(current.env);
      if (containers.length === 0) throw new Error(`${p.namespace}/${p.deployment} has no containers`);
      const patched = await k8s.setEnv(p.namespace, p.deployment, containers, { [p.env]: to });
      await ctx.progress(`patched (generation ${patched.generation}); waiting for the rollout`);
      const done = await k8s.waitRollout(p.namespace, p.deployment, {
        timeoutMs: ctx.policy.targets.kubernetes!.rolloutTimeout,
        pollMs: 500,
        onProgress: (s) => ctx.progress(`${s.updated}/${s.desired} updated, ${s.ready} ready`),
      });
      return `${p.env}=${to}; ${done.updated}/${done.desired} pods updated and ready`;
    },
  };
}
