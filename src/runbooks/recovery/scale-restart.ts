/** `/dr scale <deployment> <replicas>` (`kubectl scale`) and `/dr restart <deployment>` (`kubectl rollout restart`). */
import { UserError } from '../../core/errors.js';
import type { Runbook } from '../types.js';
import { deploymentFingerprint, K8S_ROLES, knownDeployment, kubernetesTarget, podsFact, readDeployment, rolloutStep } from './deployments.js';

interface DeploymentPlan {
  namespace: string;
  deployment: string;
}

export function checkReplicas(policy: Parameters<typeof knownDeployment>[0], deployment: string, replicas: number, usage?: string): void {
  const d = knownDeployment(policy, deployment, usage);
  if (replicas < d.min || replicas > d.max) {
    throw new UserError(`${replicas} replicas is outside what the policy allows for ${deployment}: ${d.min} to ${d.max}.`, usage);
  }
}

export const scaleDeployment: Runbook<{ deployment: string; replicas: number }, DeploymentPlan & { replicas: number }> = {
  id: 'scale',
  title: 'Scale a deployment',
  destructive: false,
  requestRoles: K8S_ROLES,
  approveRoles: K8S_ROLES,
  async plan(ctx, args) {
    checkReplicas(ctx.policy, args.deployment, args.replicas);
    const { namespace } = knownDeployment(ctx.policy, args.deployment);
    const now = await readDeployment(ctx, namespace, args.deployment);
    const warnings = now.desired === args.replicas ? [`${args.deployment} already asks for ${args.replicas} replicas: scaling changes nothing.`] : [];
    if (args.replicas < now.desired) warnings.push(`Scaling DOWN from ${now.desired} to ${args.replicas}: fewer pods take the load.`);
    return {
      target: `deployment:${namespace}/${args.deployment}`,
      summary: `Scale ${namespace}/${args.deployment} from ${now.desired} to ${args.replicas} replicas (PUT …/scale), then wait until they are ready.`,
      facts: [podsFact(now), ['To', `${args.replicas} replicas`]],
      warnings,
      data: { namespace, deployment: args.deployment, replicas: args.replicas, from: now.desired },
      fingerprint: deploymentFingerprint(namespace, args.deployment, now),
    };
  },
  steps(plan) {
    const d = plan.data;
    return [
      {
        id: 'scale',
        title: `Scale ${d.namespace}/${d.deployment} to ${d.replicas}`,
        async run(ctx) {
          await ctx.infra.kubernetes(kubernetesTarget(ctx.policy)).scale(d.namespace, d.deployment, d.replicas);
          return `spec.replicas = ${d.replicas}`;
        },
      },
      rolloutStep(d.namespace, d.deployment),
    ];
  },
};

export const restartDeployment: Runbook<{ deployment: string }, DeploymentPlan> = {
  id: 'restart',
  title: 'Restart a deployment',
  destructive: false,
  requestRoles: K8S_ROLES,
  approveRoles: K8S_ROLES,
  async plan(ctx, args) {
    const { namespace } = knownDeployment(ctx.policy, args.deployment);
    const now = await readDeployment(ctx, namespace, args.deployment);
    return {
      target: `deployment:${namespace}/${args.deployment}`,
      summary: `Replace every pod of ${namespace}/${args.deployment} with a rolling restart (the pod template's kubectl.kubernetes.io/restartedAt, as \`kubectl rollout restart\` does), then wait for the rollout.`,
      facts: [podsFact(now)],
      warnings: now.ready < now.desired ? [`Only ${now.ready} of ${now.desired} pods are ready now; the restart replaces them one batch at a time.`] : [],
      data: { namespace, deployment: args.deployment },
      fingerprint: deploymentFingerprint(namespace, args.deployment, now),
    };
  },
  steps(plan) {
    const d = plan.data;
    return [
      {
        id: 'restart',
        title: `Restart ${d.namespace}/${d.deployment}`,
        async run(ctx) {
          const at = ctx.clock.now();
          const s = await ctx.infra.kubernetes(kubernetesTarget(ctx.policy)).restart(d.namespace, d.deployment, at);
          return `restartedAt ${at.toISOString()} (generation ${s.generation})`;
        },
      },
      rolloutStep(d.namespace, d.deployment),
    ];
  },
};
