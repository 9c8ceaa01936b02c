/**
 * `/dr rollback <deployment> [image]` ("Deploy last known good version": `kubectl set image`): the image
 * asked for, else the policy's stable image, else the previous ReplicaSet revision's; then the rollout.
 */
import { UserError } from '../../core/errors.js';
import { escapeMrkdwn } from '../../core/mrkdwn.js';
import type { Runbook } from '../types.js';
import { deploymentFingerprint, K8S_ROLES, knownDeployment, kubernetesTarget, mainContainer, podsFact, readDeployment, rolloutStep } from './deployments.js';

interface RollbackPlan {
  namespace: string;
  deployment: string;
  container: string;
  image: string;
}

/** An image reference as kubectl takes it (registry/name:tag or @sha256:…); anything else is refused. */
export const IMAGE_RE = /^[a-z0-9][a-z0-9._\-/]*(:[\w][\w.-]{0,127})?(@sha256:[a-f0-9]{64})?$/i;

export const rollbackDeployment: Runbook<{ deployment: string; image?: string }, RollbackPlan> = {
  id: 'rollback',
  title: 'Roll back a deployment',
  destructive: false,
  requestRoles: K8S_ROLES,
  approveRoles: K8S_ROLES,
  async plan(ctx, args) {
    const dep = knownDeployment(ctx.policy, args.deployment);
    const now = await readDeployment(ctx, dep.namespace, args.deployment);
    const container = mainContainer(now);
    let image = args.image;
    let why = 'the image asked for';
    if (!image && dep.stableImage) [image, why] = [dep.stableImage, "the policy's last known good image (stableImage)"];
    if (!image) {
      const prev = await ctx.infra.kubernetes(kubernetesTarget(ctx.policy)).previousImages(dep.namespace, args.deployment).catch((err: unknown) => {
        throw new UserError(`Kubernetes did not list ${escapeMrkdwn(args.deployment)}'s revisions (${escapeMrkdwn((err as Error).message)}); nothing was planned.`);
      });
      const img = prev?.images[container];
      if (!prev || !img) throw new UserError(`${escapeMrkdwn(args.deployment)} has no earlier revision with another image and the policy gives it no stableImage: name the image, \`/dr rollback ${escapeMrkdwn(args.deployment)} <image>\`.`);
      [image, why] = [img, `the previous revision's image (revision ${prev.revision})`];
    }
    if (now.images[container] === image) throw new UserError(`${escapeMrkdwn(args.deployment)} already runs ${escapeMrkdwn(image)}; there is nothing to roll back to.`);
    const data: RollbackPlan = { namespace: dep.namespace, deployment: args.deployment, container, image };
    return {
      target: `deployment:${dep.namespace}/${args.deployment}`,
      summary: `Set ${dep.namespace}/${args.deployment} container ${container} to ${image} (${why}), then wait for the rollout.`,
      facts: [podsFact(now), ['From', now.images[container] ?? 'unknown'], ['To', `${image} (${why})`]],
      warnings: [],
      data,
      fingerprint: { ...deploymentFingerprint(dep.namespace, args.deployment, now), to: image },
    };
  },
  steps(plan) {
    const d = plan.data;
    return [
      {
        id: 'set-image',
        title: `Set ${d.deployment} ${d.container} image to ${d.image}`,
        async run(ctx) {
          const s = await ctx.infra.kubernetes(kubernetesTarget(ctx.policy)).setImages(d.namespace, d.deployment, { [d.container]: d.image });
          return `patched (generation ${s.generation})`;
        },
      },
      rolloutStep(d.namespace, d.deployment),
    ];
  },
};
