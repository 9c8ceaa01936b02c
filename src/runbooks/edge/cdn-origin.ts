/**
 * `/dr cdn-origin backup|primary` (the procedures' `aws cloudfront update-distribution --distribution-config
 * file://backup-origin-config.json`): GetDistributionConfig with its ETag, the default behaviour's origin
 * (or the origin group's primary) switched, UpdateDistribution with If-Match — a change made by anyone in
 * between is CloudFront's PreconditionFailed and is never overwritten — then DistributionDeployed, then a check.
 */
import { UserError } from '../../core/errors.js';
import { escapeMrkdwn } from '../../core/mrkdwn.js';
import { AwsCallError } from '../../infra/aws-call.js';
import type { CdnRouting, OriginSwitch } from '../../infra/cloudfront.js';
import type { Runbook, RunbookContext, Step } from '../types.js';
import { cdnTarget, distributionId, EDGE_ROLES, readDistribution, waitFor } from './cdn.js';
import { explainAws } from './explain.js';
import type { CdnTarget } from './policy.js';

export interface OriginArgs {
  to: 'backup' | 'primary';
}

interface OriginPlan {
  to: 'backup' | 'primary';
  origin: string;
  from: string;
  etag: string;
  change: OriginSwitch;
}

/** Who serves now: the default behaviour's origin, or (with an origin group) the group's first member. */
function serving(t: CdnTarget, r: Omit<CdnRouting, 'etag'>): string {
  if (!t.originGroup) return r.target;
  return r.groups.find((g) => g.id === t.originGroup)?.members[0] ?? '';
}

function plannedSwitch(t: CdnTarget, r: CdnRouting, origin: string, key: string): OriginSwitch {
  if (!r.origins.some((o) => o.id === origin)) {
    throw new UserError(`The distribution has no origin "${escapeMrkdwn(origin)}" (\`${key}\` in dr-policy.yml); it has: ${r.origins.map((o) => o.id).join(', ')}.`);
  }
  if (t.originGroup) {
    const g = r.groups.find((x) => x.id === t.originGroup);
    if (!g) throw new UserError(`The distribution has no origin group "${escapeMrkdwn(t.originGroup)}" (\`targets.cdn.originGroup\`).`);
    if (!g.members.includes(origin)) throw new UserError(`The origin group ${escapeMrkdwn(g.id)} does not contain ${escapeMrkdwn(origin)} (\`${key}\`).`);
    return { kind: 'group', group: g.id, primary: origin };
  }
  if (r.groups.some((g) => g.id === r.target)) {
    throw new UserError(`The default behaviour targets the origin group ${escapeMrkdwn(r.target)}: name it in \`targets.cdn.originGroup\` so the bot switches that group's primary.`);
  }
  return { kind: 'target', origin };
}

async function readRouting(ctx: RunbookContext, t: CdnTarget, id: string): Promise<CdnRouting> {
  try {
    return await ctx.infra.cloudfront(t).routing(id);
  } catch (err) {
    if (!(err instanceof AwsCallError)) throw err;
    throw new UserError(`${explainAws(err, { doing: `read the config of ${escapeMrkdwn(id)}`, policyKey: 'targets.cdn.distributionIdEnv' }).message} Nothing was planned.`);
  }
}

export const cdnOrigin: Runbook<OriginArgs, OriginPlan> = {
  id: 'cdn-origin',
  title: 'Switch the CDN origin',
  destructive: true,
  requestRoles: EDGE_ROLES,
  approveRoles: EDGE_ROLES,
  async plan(ctx, args) {
    const t = cdnTarget(ctx.policy);
    const id = distributionId(ctx, t);
    const key = args.to === 'backup' ? 'targets.cdn.backupOrigin' : 'targets.cdn.primaryOrigin';
    const origin = args.to === 'backup' ? t.backupOrigin : t.primaryOrigin;
    const d = await readDistribution(ctx, t, id);
    const r = await readRouting(ctx, t, id);
    const change = plannedSwitch(t, r, origin, key);
    const from = serving(t, r);
    if (from === origin) throw new UserError(`Distribution ${escapeMrkdwn(id)} already serves from ${escapeMrkdwn(origin)} (the ${args.to} origin): nothing to switch.`);
    const domain = (o: string) => r.origins.find((x) => x.id === o)?.domain ?? '?';
    const data: OriginPlan = { to: args.to, origin, from, etag: r.etag, change };
    const how = change.kind === 'group' ? `the origin group ${change.group}'s primary` : "the default cache behaviour's origin";
    return {
      target: `cdn/${t.distributionIdEnv}`,
      summary: `Switch ${how} on distribution ${id} from ${from} to ${origin} (${args.to}), UpdateDistribution with If-Match ${r.etag}, wait until it is Deployed, then check it.`,
      facts: [
        ['Distribution', `${id} (${d.domain}), ${d.status}`],
        ['Now', `${from} (${domain(from)})`],
        ['After', `${origin} (${domain(origin)})`],
        ['ETag', `${r.etag}: a change by anyone else before the update is refused by CloudFront, never overwritten`],
      ],
      warnings: d.status !== 'Deployed' ? [`The distribution is ${d.status}: an earlier change is still deploying.`] : [],
      data,
      fingerprint: { distribution: id, etag: r.etag, from, to: origin },
    };
  },
  steps(plan): Step[] {
    const d = plan.data;
    return [
      {
        id: 'update',
        title: `Point the distribution at ${d.origin} (UpdateDistribution, If-Match ${d.etag})`,
        async run(ctx) {
          const t = cdnTarget(ctx.policy);
          const id = distributionId(ctx, t);
          const cf = ctx.infra.cloudfront(t);
          let r;
          try {
            r = await cf.switchOrigin(id, d.etag, d.change);
          } catch (err) {
            const e = explainAws(err, { doing: `update distribution ${id}`, policyKey: 'targets.cdn.distributionIdEnv' });
            if (err instanceof AwsCallError && err.code === 'PreconditionFailed') {
              // Re-read, to say what it is now; the bot never retries over someone else's change. When the SDK
              // re-sent an update whose first answer was lost, the ETag moved because of that first try: then
              // the distribution already serves from the planned origin.
              const now = await cf.routing(id).catch(() => undefined);
              if (now && serving(t, now) === d.origin) return `already serving from ${d.origin} (an earlier try of this update took effect), ETag ${now.etag}`;
              throw new Error(`${e.message}${now ? ` Now: serving from ${serving(t, now)}, ETag ${now.etag}.` : ''} Left: still serving from ${d.from}.`);
            }
            throw new Error(`${e.message} Left: still serving from ${d.from}.`);
          }
          if ('changed' in r) {
            throw new Error(`The distribution's config changed since the plan (ETag ${d.etag} → ${r.changed.etag}; serving from ${serving(t, r.changed)}): nothing was overwritten. Ask for a new plan.`);
          }
          return `accepted, ETag ${r.etag}, ${r.status}`;
        },
      },
      {
        id: 'wait-deployed',
        title: 'Wait until the distribution is Deployed',
        async run(ctx) {
          const t = cdnTarget(ctx.policy);
          const id = distributionId(ctx, t);
          try {
            await ctx.infra.cloudfront(t).waitDeployed(id, waitFor(t, t.timeouts.deploy, ctx.progress));
          } catch (err) {
            throw new Error(`${explainAws(err, { doing: `check on distribution ${id}` }).message} Left: the update to ${d.origin} was accepted; CloudFront keeps deploying it.`);
          }
          return 'Deployed';
        },
      },
      {
        id: 'verify',
        title: `Verify it serves from ${d.origin}`,
        async run(ctx) {
          const t = cdnTarget(ctx.policy);
          const id = distributionId(ctx, t);
          const now = await ctx.infra.cloudfront(t).distribution(id);
          const from = serving(t, now.routing);
          if (now.status !== 'Deployed' || from !== d.origin) throw new Error(`CloudFront reports ${now.status}, serving from ${from}`);
          if (!t.verifyUrl) return `Deployed, serving from ${from}`;
          const c = await ctx.infra.http.check(t.verifyUrl).catch((err: unknown) => ({ status: 0, ok: false, why: (err as Error).message }));
          if (!c.ok) throw new Error(`CloudFront serves from ${from}, but ${t.verifyUrl} answered ${c.status || 'nothing'}`);
          return `Deployed, serving from ${from}; ${t.verifyUrl} → ${c.status}`;
        },
      },
    ];
  },
};
