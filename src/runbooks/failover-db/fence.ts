/**
 * Fencing the old primary for an RDS failover: the policy's `fence` writers are scaled to zero before the
 * promotion (AWS: stop writes to the primary before promoting) and back to their count after the repoint.
 */
import type { DatabaseTarget } from '../policy-schema.js';
import type { RunbookContext, Step } from '../types.js';

export interface FencePlan {
  namespace: string;
  deployment: string;
  /** The count it goes back to: what it had at plan time (or, resuming a fenced one, the policy's minimum). */
  replicas: number;
  /** Already at zero when planned: only the scale-back is left. */
  fenced: boolean;
}

export async function fencePlans(ctx: RunbookContext, db: DatabaseTarget): Promise<FencePlan[]> {
  const k = ctx.policy.targets.kubernetes;
  if (!k || db.fence.length === 0) return [];
  const k8s = ctx.infra.kubernetes(k);
  const out: FencePlan[] = [];
  for (const f of db.fence) {
    const namespace = f.namespace ?? k.namespace;
    const st = await k8s.get(namespace, f.deployment);
    const min = Math.max(1, k.deployments[f.deployment]?.minReplicas ?? k.minReplicas);
    out.push({ namespace, deployment: f.deployment, replicas: st.desired > 0 ? st.desired : min, fenced: st.desired === 0 });
  }
  return out;
}

export const fenceText = (f: FencePlan[]): string =>
  f.map((x) => (x.fenced ? `${x.namespace}/${x.deployment} is at 0 (fenced earlier): back to ${x.replicas} after the repoint` : `${x.namespace}/${x.deployment} to 0 before the promotion, back to ${x.replicas} after the repoint`)).join('; ');

export function fenceStep(f: FencePlan): Step {
  return {
    id: `fence:${f.namespace}/${f.deployment}`,
    title: `Scale ${f.namespace}/${f.deployment} to 0 (no writes to the old primary)`,
    async run(ctx) {
      const k8s = ctx.infra.kubernetes(ctx.policy.targets.kubernetes!);
      await k8s.scale(f.namespace, f.deployment, 0);
      return `scaled to 0 (was ${f.replicas})`;
    },
  };
}

export function unfenceStep(f: FencePlan): Step {
  return {
    id: `unfence:${f.namespace}/${f.deployment}`,
    title: `Scale ${f.namespace}/${f.deployment} back to ${f.replicas}`,
    async run(ctx) {
      const k = ctx.policy.targets.kubernetes!;
      const k8s = ctx.infra.kubernetes(k);
      await k8s.scale(f.namespace, f.deployment, f.replicas);
      const done = await k8s.waitRollout(f.namespace, f.deployment, { timeoutMs: k.rolloutTimeout, pollMs: 500, onProgress: (s) => ctx.progress(`${s.ready}/${s.desired} ready`) });
      return `${done.ready}/${done.desired} ready`;
    },
  };
}
