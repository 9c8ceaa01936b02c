/**
 * `/dr scale`, `/dr restart`, `/dr rollback` (the procedures' "API Gateway Recovery"): one deployment the
 * policy lists, changed through the apps/v1 API the way kubectl does it, then a wait for the rollout.
 */
import { UserError } from '../../core/errors.js';
import { escapeMrkdwn } from '../../core/mrkdwn.js';
import { INCIDENT_COMMANDER } from '../../core/roles.js';
import type { DeploymentState } from '../../infra/kubernetes.js';
import type { Policy } from '../../policy.js';
import type { KubernetesTarget } from '../policy-schema.js';
import type { RunbookContext, Step } from '../types.js';
import { own } from '../../core/own.js';

export const K8S_ROLES = [INCIDENT_COMMANDER, 'technical_lead', 'infrastructure_engineer'] as const;

export function kubernetesTarget(policy: Policy): KubernetesTarget {
  const k = policy.targets.kubernetes;
  if (!k) throw new UserError('The policy has no Kubernetes target (`targets.kubernetes` in dr-policy.yml), so there is no deployment to act on.');
  return k;
}

/** Only deployments the policy lists are acted on: a typo must never reach the cluster. */
export function knownDeployment(policy: Policy, name: string, usage?: string): { name: string; namespace: string; stableImage?: string; min: number; max: number } {
  const k = kubernetesTarget(policy);
  const d = own(k.deployments, name);
  if (!d) {
    const listed = Object.keys(k.deployments);
    throw new UserError(`Unknown deployment "${escapeMrkdwn(name)}". The policy lists: ${listed.length ? listed.join(', ') : 'none (add them under targets.kubernetes.deployments)'}.`, usage);
  }
  return { name, namespace: k.namespace, stableImage: d.stableImage, min: d.minReplicas ?? k.minReplicas, max: d.maxReplicas ?? k.maxReplicas };
}

export async function readDeployment(ctx: RunbookContext, namespace: string, name: string): Promise<DeploymentState> {
  try {
    return await ctx.infra.kubernetes(kubernetesTarget(ctx.policy)).get(namespace, name);
  } catch (err) {
    throw new UserError(`Kubernetes did not answer about ${namespace}/${escapeMrkdwn(name)} (${escapeMrkdwn((err as Error).message)}); nothing was planned.`);
  }
}

/** A deployment's facts an approval is bound to: desired replicas and each container's image. */
export const deploymentFingerprint = (namespace: string, name: string, s: DeploymentState): Record<string, string | number> => ({
  deployment: `${namespace}/${name}`,
  replicas: s.desired,
  ...Object.fromEntries(Object.entries(s.images).map(([c, i]) => [`image:${c}`, i])),
});

export const podsFact = (s: DeploymentState): [string, string] => ['Now', `${s.ready}/${s.desired} ready, ${Object.entries(s.images).map(([c, i]) => `${c}=${i}`).join(', ')}`];

/** `kubectl rollout status`: progress on the card until every replica runs the new template. */
export function rolloutStep(namespace: string, name: string): Step {
  return {
    id: 'rollout',
    title: `Wait for ${namespace}/${name} to roll out`,
    async run(ctx) {
      const k = kubernetesTarget(ctx.policy);
      const s = await ctx.infra.kubernetes(k).waitRollout(namespace, name, {
        timeoutMs: k.rolloutTimeout,
        pollMs: 500,
        onProgress: (p) => ctx.progress(`${p.updated}/${p.desired} updated, ${p.ready} ready`),
      });
      return `${s.updated}/${s.desired} updated, ${s.ready} ready`;
    },
  };
}

/** The container a rollback or an image applies to: the only one, or the one named like the deployment. */
export function mainContainer(s: DeploymentState): string {
  const names = Object.keys(s.images);
  if (names.length === 0) throw new UserError(`${s.namespace}/${s.name} has no containers.`);
  return names.length === 1 ? names[0]! : names.includes(s.name) ? s.name : names[0]!;
}
