/**
 * `/dr recover-service <service>` ("Microservices Recovery": `kubectl apply -f k8s/<service>-recovery.yaml`):
 * server-side apply of the service's recovery manifest named in the policy, then a wait for its deployment.
 * The manifest is read at plan time and stored with the plan, so the run applies exactly what was confirmed.
 */
import { readFile } from 'node:fs/promises';
import { parseAllDocuments } from 'yaml';
import { UserError } from '../../core/errors.js';
import { escapeMrkdwn } from '../../core/mrkdwn.js';
import type { Policy } from '../../policy.js';
import type { Runbook } from '../types.js';
import { own } from '../../core/own.js';
import { kubernetesUnreachable } from '../target-hints.js';
import { deploymentFingerprint, K8S_ROLES, kubernetesTarget, rolloutStep } from './deployments.js';

interface RecoverPlan {
  service: string;
  namespace: string;
  deployment: string;
  manifest: Record<string, any>;
}

export function recoveryEntry(policy: Policy, service: string, usage?: string): { manifest: string; deployment: string } {
  const k = kubernetesTarget(policy);
  const r = own(k.recovery, service);
  if (!r) {
    const listed = Object.keys(k.recovery);
    throw new UserError(`No recovery manifest for "${escapeMrkdwn(service)}". The policy has: ${listed.length ? listed.join(', ') : 'none (targets.kubernetes.recovery)'}.`, usage);
  }
  return r;
}

/** The one apps/v1 Deployment of the manifest; anything else in it is refused rather than silently skipped. */
async function loadManifest(path: string, deployment: string): Promise<Record<string, any>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new UserError(`The recovery manifest ${escapeMrkdwn(path)} cannot be read (${escapeMrkdwn((err as NodeJS.ErrnoException).code ?? (err as Error).message)}).`);
  }
  const docs = parseAllDocuments(text).filter((d) => d.contents !== null);
  const bad = docs.find((d) => d.errors.length > 0);
  if (bad) throw new UserError(`The recovery manifest ${escapeMrkdwn(path)} is not valid YAML: ${escapeMrkdwn(bad.errors[0]!.message)}`);
  const objs = docs.map((d) => d.toJS() as Record<string, any>);
  const other = objs.find((o) => o?.apiVersion !== 'apps/v1' || o?.kind !== 'Deployment' || o?.metadata?.name !== deployment);
  if (other || objs.length !== 1) {
    throw new UserError(
      `The recovery manifest ${escapeMrkdwn(path)} must hold exactly the apps/v1 Deployment ${escapeMrkdwn(deployment)}` +
        (other ? `; it also has ${escapeMrkdwn(`${other?.kind ?? '?'}/${other?.metadata?.name ?? '?'}`)}` : '') + ' (the bot applies deployments only).',
    );
  }
  return objs[0]!;
}

export const recoverService: Runbook<{ service: string }, RecoverPlan> = {
  id: 'recover-service',
  title: 'Recover a service',
  destructive: false,
  requestRoles: K8S_ROLES,
  approveRoles: K8S_ROLES,
  async plan(ctx, args) {
    const k = kubernetesTarget(ctx.policy);
    const entry = recoveryEntry(ctx.policy, args.service);
    const manifest = await loadManifest(entry.manifest, entry.deployment);
    const namespace: string = manifest.metadata.namespace ?? k.namespace;
    manifest.metadata.namespace = namespace;
    const now = await ctx.infra.kubernetes(k).get(namespace, entry.deployment).catch((err: unknown) => {
      if ((err as { status?: number }).status === 404) return undefined;
      throw kubernetesUnreachable(ctx.infra, k, `${namespace}/${entry.deployment}`, err);
    });
    const images = (manifest.spec?.template?.spec?.containers ?? []).map((c: { name: string; image: string }) => `${c.name}=${c.image}`).join(', ');
    const data: RecoverPlan = { service: args.service, namespace, deployment: entry.deployment, manifest };
    return {
      target: `deployment:${namespace}/${entry.deployment}`,
      summary: `Server-side apply ${entry.manifest} to ${namespace}/${entry.deployment} (field manager ${k.fieldManager}, forced), then wait for the rollout.`,
      facts: [
        ['Now', now ? `${now.ready}/${now.desired} ready, ${Object.entries(now.images).map(([c, i]) => `${c}=${i}`).join(', ')}` : 'the deployment does not exist: apply creates it'],
        ['Manifest', `${manifest.spec?.replicas ?? 1} replicas, ${images || 'no containers'}`],
      ],
      warnings: [],
      data,
      fingerprint: { deployment: `${namespace}/${entry.deployment}`, ...(now ? deploymentFingerprint(namespace, entry.deployment, now) : { exists: false }), manifest: String(images) },
    };
  },
  steps(plan) {
    const d = plan.data;
    return [
      {
        id: 'apply',
        title: `Apply the recovery manifest of ${d.service}`,
        async run(ctx) {
          const k = kubernetesTarget(ctx.policy);
          const s = await ctx.infra.kubernetes(k).apply(d.namespace, d.deployment, d.manifest, k.fieldManager);
          return `applied as ${k.fieldManager} (generation ${s.generation})`;
        },
      },
      rolloutStep(d.namespace, d.deployment),
    ];
  },
};
