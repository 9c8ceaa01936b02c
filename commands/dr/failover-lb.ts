import { z } from 'zod';
import { decide, standingRoles } from '../../src/core/authz.js';
import { ForbiddenError, UserError } from '../../src/core/errors.js';
import { escapeMrkdwn } from '../../src/core/mrkdwn.js';
import { roleName } from '../../src/core/roles.js';
import { chooseService, failoverLb, lbTarget } from '../../src/runbooks/edge/failover-lb.js';
import { looksLikeIncidentRef } from '../../src/incidents/lookup.js';
import { defineCommand, flagsOf } from '../../src/slack/command.js';

const usage = '/dr failover-lb [service] [backup|primary] [INC-n] [--force] [--dry-run]';

export default defineCommand({
  path: ['dr', 'failover-lb'],
  summary: "Switch a load balancer listener (ELBv2) to the policy's backup target group, or back to the primary (a second person confirms on L1)",
  usage,
  allowedRoles: failoverLb.requestRoles,
  examples: ['/dr failover-lb api', '/dr failover-lb api primary --dry-run', '/dr failover-lb api --force'],
  booleanFlags: ['dry-run', 'force'],
  // An unknown service or no load balancer target is answered at the ack, before anything is read or stored.
  input: (t, policy) => {
    const unknown = Object.keys(t.flags).find((f) => f !== 'dry-run' && f !== 'force');
    if (unknown) throw new UserError(`Unknown option --${escapeMrkdwn(unknown)}.`, usage);
    const flags = flagsOf(t);
    const words = [...t.positionals];
    const refAt = words.findIndex(looksLikeIncidentRef);
    const ref = refAt >= 0 ? words.splice(refAt, 1)[0] : undefined;
    const dirAt = words.findIndex((w) => /^(backup|primary)$/i.test(w));
    const to = dirAt >= 0 ? (words.splice(dirAt, 1)[0]!.toLowerCase() as 'backup' | 'primary') : 'backup';
    if (words.length > 1) throw new UserError(`Name one service; "${escapeMrkdwn(words[1]!)}" is neither backup nor primary.`, usage);
    try {
      chooseService(lbTarget(policy), words[0]);
    } catch (err) {
      throw err instanceof UserError ? new UserError(err.message, usage) : err;
    }
    return { service: words[0], to, ref, dryRun: flags.dryRun === true, force: flags.force === true };
  },
  args: z.object({ service: z.string().optional(), to: z.enum(['backup', 'primary']), ref: z.string().optional(), dryRun: z.boolean().default(false), force: z.boolean().default(false) }),
  handle: async (ctx, a) => {
    // --force (a target group with no healthy target) is the policy's forceRoles' alone, held as standing roles.
    let forcedBy: string | undefined;
    if (a.force) {
      const standing = standingRoles(ctx.userId, ctx.policy.teams);
      const may = decide(ctx.userId, lbTarget(ctx.policy).forceRoles, { standing }, (r) => roleName(r, ctx.policy.roles));
      if (!may.allowed) throw new ForbiddenError(`--force: ${may.reason}`);
      forcedBy = ctx.userId;
    }
    await ctx.actions.propose(ctx, 'failover-lb', { service: a.service, to: a.to, ...(forcedBy ? { forcedBy } : {}) }, { ref: a.ref, dryRun: a.dryRun, usage });
  },
});
