/**
 * `/dr purge-cdn [paths…]` (the procedures' "CDN Recovery": `aws cloudfront create-invalidation --paths "/*"`):
 * one invalidation whose CallerReference comes from the action, so a retried request makes no second one,
 * then the SDK's InvalidationCompleted waiter with progress.
 */
import { checkPaths } from '../../core/cdn-paths.js';
import { UserError } from '../../core/errors.js';
import { escapeMrkdwn } from '../../core/mrkdwn.js';
import type { Runbook, Step } from '../types.js';
import { cdnTarget, distributionId, EDGE_ROLES, readDistribution, waitFor } from './cdn.js';
import { explainAws } from './explain.js';

export interface PurgeArgs {
  paths: string[];
}

interface PurgePlan {
  distributionIdEnv: string;
  paths: string[];
}

/** The same on every try of one action (a retried request, a re-run step), different for every action. */
export const callerReference = (a: { id: number; startedAt: Date | null }) => `dr-bot-action-${a.id}-${a.startedAt?.getTime() ?? 0}`;

export const purgeCdn: Runbook<PurgeArgs, PurgePlan> = {
  id: 'purge-cdn',
  title: 'Purge the CDN',
  // `/*` sends every request to the origin until the cache refills: an L1 purge takes a second person.
  destructive: true,
  requestRoles: EDGE_ROLES,
  approveRoles: EDGE_ROLES,
  async plan(ctx, args) {
    const t = cdnTarget(ctx.policy);
    const checked = checkPaths(args.paths);
    if (!checked.ok) throw new UserError(`${escapeMrkdwn(checked.problem)}. Nothing was planned.`);
    const id = distributionId(ctx, t);
    const d = await readDistribution(ctx, t, id);
    const all = checked.paths.includes('/*');
    const data: PurgePlan = { distributionIdEnv: t.distributionIdEnv, paths: checked.paths };
    return {
      target: `cdn/${t.distributionIdEnv}`,
      summary: `Invalidate ${all ? 'everything (/*)' : `${checked.paths.length} path(s)`} on CloudFront distribution ${id} (${d.domain}), then wait until CloudFront reports it Completed.`,
      facts: [
        ['Distribution', `${id} (${d.domain}), ${d.status}, default behaviour → ${d.routing.target}`],
        ['Paths', checked.paths.length > 10 ? `${checked.paths.slice(0, 10).join(' ')} … (${checked.paths.length} in all)` : checked.paths.join(' ')],
      ],
      warnings: all ? ['Every cached object is dropped: the origin takes the full load until the cache refills.'] : [],
      data,
      fingerprint: { distribution: id, paths: checked.paths.join(' ') },
    };
  },
  steps(plan): Step[] {
    const d = plan.data;
    return [
      {
        id: 'invalidate',
        title: `CreateInvalidation of ${d.paths.length === 1 ? d.paths[0] : `${d.paths.length} paths`}`,
        async run(ctx) {
          const t = cdnTarget(ctx.policy);
          const id = distributionId(ctx, t);
          try {
            const inv = await ctx.infra.cloudfront(t).invalidate(id, d.paths, callerReference(ctx.action));
            ctx.state.invalidation = inv.id;
            return `invalidation ${inv.id}, ${inv.status}`;
          } catch (err) {
            throw new Error(`${explainAws(err, { doing: `invalidate paths on ${id}`, policyKey: 'targets.cdn.distributionIdEnv' }).message} Left: no invalidation was made; the cache is as it was.`);
          }
        },
      },
      {
        id: 'wait-completed',
        title: 'Wait until the invalidation is Completed',
        async run(ctx) {
          const t = cdnTarget(ctx.policy);
          const id = distributionId(ctx, t);
          const inv = String(ctx.state.invalidation);
          try {
            await ctx.infra.cloudfront(t).waitInvalidation(id, inv, waitFor(t, t.timeouts.invalidation, ctx.progress));
          } catch (err) {
            throw new Error(`${explainAws(err, { doing: `check on invalidation ${inv}` }).message} Left: invalidation ${inv} was accepted; CloudFront keeps processing it.`);
          }
          return `Completed: ${d.paths.length} path(s) purged`;
        },
      },
    ];
  },
};
