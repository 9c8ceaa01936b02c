/** What `/dr purge-cdn` and `/dr cdn-origin` share: the CDN target, its distribution id, how to reach CloudFront. */
import { UserError } from '../../core/errors.js';
import { escapeMrkdwn } from '../../core/mrkdwn.js';
import { INCIDENT_COMMANDER } from '../../core/roles.js';
import type { CdnDistribution } from '../../infra/cloudfront.js';
import { AwsCallError } from '../../infra/aws-call.js';
import type { Policy } from '../../policy.js';
import { missingVariable, TARGETS_README } from '../target-hints.js';
import type { RunbookContext } from '../types.js';
import { explainAws } from './explain.js';
import type { CdnTarget } from './policy.js';

export const EDGE_ROLES = [INCIDENT_COMMANDER, 'infrastructure_engineer', 'technical_lead'] as const;

export function cdnTarget(policy: Policy): CdnTarget {
  const c = policy.targets.cdn;
  if (!c) throw new UserError(`The policy has no CDN target (\`targets.cdn\` in dr-policy.yml), so there is no distribution to act on. See ${TARGETS_README}.`);
  return c;
}

export function distributionId(ctx: Pick<RunbookContext, 'infra'>, t: CdnTarget): string {
  const id = ctx.infra.env(t.distributionIdEnv);
  if (!id) throw missingVariable(t.distributionIdEnv, 'targets.cdn.distributionIdEnv', 'the CloudFront distribution id');
  return id;
}

/** The distribution, read for a plan; a refusal is answered before anything is stored. */
export async function readDistribution(ctx: RunbookContext, t: CdnTarget, id: string): Promise<CdnDistribution> {
  try {
    return await ctx.infra.cloudfront(t).distribution(id);
  } catch (err) {
    if (!(err instanceof AwsCallError)) throw err;
    throw new UserError(`${explainAws(err, { doing: `read the distribution ${escapeMrkdwn(id)}`, policyKey: 'targets.cdn.distributionIdEnv' }).message} Nothing was planned.`);
  }
}

export const waitFor = (t: CdnTarget, timeoutMs: number, progress: (s: string) => Promise<void>) => ({
  timeoutMs,
  pollMs: t.pollEvery,
  onProgress: (status: string, ms: number) => progress(`${status}, ${Math.round(ms / 1000)} s so far`),
});
